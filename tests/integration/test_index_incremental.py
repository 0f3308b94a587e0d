"""What a generation keeps so that loading and rebuilding cost what changed: term tables, term counts, units."""

from __future__ import annotations

import json

from assistant.answer.extractive import ANSWER_TERMS, TermWeights
from assistant.index.reader import Generation
from assistant.index.terms import TermCounts, TermTable
from tests.conftest import load_doc


def _load(services, gen_id: str, reuse: Generation | None = None) -> Generation:
    gens = services.knowledge.generations
    return Generation.load(gens.local_path(gen_id), gens.vectors, reuse=reuse)


def test_rebuild_counts_only_the_changed_document_and_equals_a_full_count(built):
    knowledge = built.knowledge
    first = knowledge.current()
    saved = TermCounts.load(first.path, ANSWER_TERMS)
    assert saved is not None and saved == TermCounts.count(ANSWER_TERMS, first.units.values())
    assert first.manifest.report["tokenized"] == len(first.units)  # nothing to reuse on the first build

    doc = load_doc("02-2021-tt-bgddt")
    doc.articles[0].text += " Nội dung thử nghiệm sửa đổi."
    doc.articles.pop()
    built.documents.put(doc)
    built.documents.put(load_doc("03-2021-tt-bgddt"))
    report = knowledge.build()
    second = knowledge.current()
    changed = [u for u in second.units.values() if first.units.get(u.id) != u]
    assert report.tokenized == len(changed) < len(second.units) // 2
    recounted = TermCounts.count(ANSWER_TERMS, second.units.values())
    assert TermCounts.load(second.path, ANSWER_TERMS) == recounted
    weights = knowledge.answerer.weights(second)
    full = TermWeights(second.units.values())
    assert (weights.n, dict(weights.df)) == (full.n, dict(full.df))


def test_lexical_index_of_a_rebuild_equals_a_fresh_build(built, services):
    knowledge = built.knowledge
    doc = load_doc("02-2021-tt-bgddt")
    doc.articles.pop(0)
    built.documents.put(doc)
    knowledge.build()
    incremental = knowledge.current()
    from assistant.index.lexical import LexicalIndex

    fresh = LexicalIndex()
    units = list(incremental.units.values())
    assert fresh.build([u.id for u in units], [u.lexical_text for u in units]) == len(units)
    for q in ("tiêu chuẩn giáo viên trung học hạng II", "đền bù chi phí đào tạo", "chứng chỉ bồi dưỡng"):
        assert incremental.lexical.scores(q).tobytes() == fresh.scores(q).tobytes()


def test_a_table_of_other_analyzer_code_is_recounted(built):
    gen = built.knowledge.current()
    other = TermTable(ANSWER_TERMS.name, ANSWER_TERMS.analyze, "another fingerprint")
    assert TermCounts.load(gen.path, other) is None
    assert gen.term_counts(other) == TermCounts.count(ANSWER_TERMS, gen.units.values())
    (gen.path / "terms" / f"{ANSWER_TERMS.name}.json").write_text("{garbage", encoding="utf-8")
    again = _load(built, gen.id)
    assert again.term_counts(ANSWER_TERMS) == TermCounts.count(ANSWER_TERMS, gen.units.values())
    again.close()


def test_load_reuses_unchanged_units_of_the_served_generation(built):
    knowledge = built.knowledge
    first_id = knowledge.generations.current_id()
    doc = load_doc("02-2021-tt-bgddt")
    doc.articles[0].text += " Nội dung thử nghiệm sửa đổi."
    built.documents.put(doc)
    knowledge.build()
    second_id = knowledge.generations.current_id()
    first = _load(built, first_id)  # as an API process holds the generation it serves while it loads the next
    reused = _load(built, second_id, reuse=first)
    plain = _load(built, second_id)
    assert reused.units == plain.units
    same = [uid for uid, u in reused.units.items() if u is first.units.get(uid)]
    changed = {uid for uid, u in plain.units.items() if first.units.get(uid) != u}
    assert changed and not changed & set(same)
    assert len(same) == len(plain.units) - len(changed)
    lines = (knowledge.generations.local_path(second_id) / "units.jsonl").read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line)["id"] in reused.units for line in lines)
    for gen in (first, reused, plain):
        gen.close()


def test_a_switch_derives_per_unit_tables_only_for_changed_units_and_they_equal_a_fresh_load(built):
    knowledge = built.knowledge
    first_id = knowledge.generations.current_id()
    doc = load_doc("02-2021-tt-bgddt")
    doc.articles[0].text += " Nội dung thử nghiệm sửa đổi."
    doc.articles[1].title += " (sửa đổi thử nghiệm)"
    built.documents.put(doc)
    knowledge.build()
    second_id = knowledge.generations.current_id()
    first = knowledge._load(first_id)  # prepared, as the served generation is
    computed: list[str] = []

    def title(unit):
        computed.append(unit.id)
        return unit.title.lower()

    first.per_unit("probe", title)
    computed.clear()
    reused = _load(built, second_id, reuse=first)
    plain = _load(built, second_id)
    assert reused.per_unit("probe", title) == plain.per_unit("probe", lambda u: u.title.lower())
    changed = {uid for uid, u in plain.units.items() if first.units.get(uid) != u}
    assert set(computed) == changed and 0 < len(changed) < len(plain.units)

    for gen in (reused, plain):
        knowledge.answerer.prepare(gen)
        knowledge.searcher.prepare(gen)
    assert knowledge.answerer.corpus_text(reused) == knowledge.answerer.corpus_text(plain)
    assert knowledge.answerer.titles(reused) == knowledge.answerer.titles(plain)
    q = "Tiêu chuẩn về trình độ đào tạo, bồi dưỡng của giáo viên trung học cơ sở hạng II (sửa đổi thử nghiệm)"
    ids = list(plain.units)
    assert knowledge.searcher.title_matcher(reused).coverage(q, ids) == knowledge.searcher.title_matcher(
        plain
    ).coverage(q, ids)
    reused.settle()
    assert reused.previous_value("corpus_text") is None  # the served generation is no longer referenced
    for gen in (first, reused, plain):
        gen.close()


def test_a_rebuild_copies_the_served_vectors_and_writes_only_the_changed_units(built):
    knowledge = built.knowledge
    first = knowledge.current()
    doc = load_doc("02-2021-tt-bgddt")
    doc.articles[0].text += " Nội dung thử nghiệm sửa đổi."
    doc.articles.pop()
    built.documents.put(doc)
    report = knowledge.build()
    second = knowledge.current()
    changed = [u for u in second.units.values() if first.units.get(u.id) != u]
    assert 0 < report.vectors_written == len(changed) < len(second.units) // 10
    assert second.dense is not None and second.dense.count() == len(second.units)
    assert sorted(second.dense.ids()) == sorted(second.units)
    gone = [uid for uid in first.units if uid not in second.units]
    assert gone and not second.dense.similarities_ids(gone)
    embedder = knowledge.embedder
    for unit in changed[:3]:  # the changed text's vector, not the old one
        vector = embedder.embed_passages([unit.passage])[0]
        assert second.dense.similarities(vector, [unit.id])[unit.id] > 0.999
    gens = knowledge.generations
    old = gens.vectors.open(first.id, gens.local_path(first.id))
    assert old.count() == len(first.units)  # the served copy is untouched
    assert old.similarities_ids(gone) == gone
    old.close()


def test_a_copy_that_does_not_hold_what_its_manifest_says_is_written_afresh(built):
    knowledge = built.knowledge
    gens = knowledge.generations
    served = gens.local_path(gens.current_id())
    store = gens.vectors.open(gens.current_id(), served)
    store.delete(store.ids()[:5])  # a damaged store on disk (the served process never writes)
    store.close()
    doc = load_doc("02-2021-tt-bgddt")
    doc.articles[0].text += " Nội dung thử nghiệm sửa đổi."
    built.documents.put(doc)
    report = knowledge.build()
    assert report.vectors_written == report.units
    new = knowledge.current()
    assert new.dense is not None and new.dense.count() == len(new.units)
