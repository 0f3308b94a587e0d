from pathlib import Path

import pytest

from assistant.errors import IndexNotReady, InvalidInput
from assistant.index.lexical import LexicalIndex
from assistant.text.tokenize import TokenizerOptions

IDS = ["vc::60", "vc::29", "ld::35", "nd::1"]
TEXTS = [
    "Luật Viên chức. Điều 60. Đào tạo, bồi dưỡng viên chức; viên chức phải đền bù chi phí đào tạo.",
    "Luật Viên chức. Điều 29. Đơn phương chấm dứt hợp đồng làm việc.",
    "Bộ luật Lao động. Điều 35. Quyền đơn phương chấm dứt hợp đồng lao động của người lao động.",
    "Nghị định 101/2017/NĐ-CP về đào tạo, bồi dưỡng cán bộ, công chức, viên chức.",
]


@pytest.fixture()
def index() -> LexicalIndex:
    ix = LexicalIndex()
    ix.build(IDS, TEXTS)
    return ix


def test_unaccented_query_finds_accented_article(index: LexicalIndex) -> None:
    assert index.search("vien chuc co phai den bu chi phi dao tao khong", k=2)[0][0] == "vc::60"


def test_scores_are_sorted_and_positive(index: LexicalIndex) -> None:
    hits = index.search("đơn phương chấm dứt hợp đồng", k=10)
    assert [i for i, _ in hits][:1] in (["vc::29"], ["ld::35"])
    assert all(a[1] >= b[1] > 0 for a, b in zip(hits, hits[1:], strict=False))


def test_abbreviation_matches_spelled_out_document(index: LexicalIndex) -> None:
    assert index.search("nghị định chính phủ về bồi dưỡng CBCCVC", k=1)[0][0] == "nd::1"


def test_allowed_ids_filter(index: LexicalIndex) -> None:
    hits = index.search("chấm dứt hợp đồng", k=5, allowed={"ld::35", "nd::1"})
    assert [i for i, _ in hits] == ["ld::35"]


def test_no_match_and_empty_query(index: LexicalIndex) -> None:
    assert index.search("xyzzy", k=5) == []
    assert index.search("", k=5) == []


def test_save_load_round_trip(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    assert loaded.ids == IDS and loaded.options == index.options
    for q in ("vien chuc dao tao", "hợp đồng lao động", "101/2017/nđ-cp"):
        assert loaded.search(q, k=4) == index.search(q, k=4)


def test_load_keeps_tokenizer_options(tmp_path: Path) -> None:
    ix = LexicalIndex(options=TokenizerOptions(bigrams=False))
    ix.build(IDS, TEXTS)
    ix.save(tmp_path)
    assert LexicalIndex.load(tmp_path).options == TokenizerOptions(bigrams=False)


def test_empty_index_round_trip(tmp_path: Path) -> None:
    ix = LexicalIndex()
    ix.build([], [])
    assert ix.search("viên chức") == []
    ix.save(tmp_path)
    assert LexicalIndex.load(tmp_path).search("viên chức") == []


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(IndexNotReady):
        LexicalIndex.load(tmp_path / "missing")
    with pytest.raises(InvalidInput):
        LexicalIndex().build(["a", "a"], ["x", "y"])
    with pytest.raises(InvalidInput):
        LexicalIndex().build(["a"], [])


def test_score_ids_gives_exact_scores_for_any_id(index: LexicalIndex) -> None:
    top = dict(index.search("đào tạo viên chức", k=1))
    exact = index.score_ids("đào tạo viên chức", [*top, "ld::35", "unknown"])
    assert exact[next(iter(top))] == pytest.approx(next(iter(top.values())))
    assert set(exact) == {*top, "ld::35"} and exact["ld::35"] >= 0.0


# ------------------------------------------------------------------ term counts: identical scores, reuse on rebuild


def _corpus_texts(limit: int = 400) -> tuple[list[str], list[str]]:
    import json

    ids, texts = [], []
    root = Path(__file__).resolve().parents[2] / "corpus" / "documents"
    for f in sorted(root.glob("*.json")):
        doc = json.loads(f.read_text(encoding="utf-8"))
        for a in doc["articles"]:
            if a["text"].strip() and len(ids) < limit:
                ids.append(f"{doc['number']}::{a['number']}::{len(ids)}")
                texts.append(f"{doc['title']}\n{a['title']}\n{a['text']}")
    return ids, texts


QUERIES = [
    "viên chức được cử đi đào tạo phải đền bù chi phí khi nào",
    "tieu chuan trinh do dao tao boi duong giang vien hang II",
    "NĐ-CP 101/2017 bồi dưỡng cán bộ công chức",
    "thời gian giữ hạng để thi thăng hạng",
    "chứng chỉ ngoại ngữ tin học",
]


def _matrix(index: LexicalIndex) -> dict[tuple[int, str], float]:
    bm25 = index._bm25
    assert bm25 is not None
    data, indices, indptr = (bm25.scores[k] for k in ("data", "indices", "indptr"))
    names = {i: t for t, i in bm25.vocab_dict.items()}
    return {
        (int(indices[j]), names[c]): float(data[j])
        for c in range(len(indptr) - 1)
        for j in range(indptr[c], indptr[c + 1])
    }


def test_score_matrix_is_bit_identical_to_bm25s() -> None:
    import bm25s

    from assistant.text.tokenize import tokenize

    ids, texts = _corpus_texts()
    ours = LexicalIndex()
    ours.build(ids, texts)
    reference = bm25s.BM25(k1=ours.k1, b=ours.b, method="lucene")
    reference.index([tokenize(t) for t in texts], show_progress=False)
    theirs = LexicalIndex()
    theirs._ids, theirs._bm25 = list(ids), reference
    assert _matrix(ours) == _matrix(theirs)
    for q in QUERIES:
        assert ours.scores(q).tobytes() == theirs.scores(q).tobytes()


def test_rebuild_tokenizes_only_changed_texts_with_the_same_result(tmp_path: Path) -> None:
    ids, texts = _corpus_texts(200)
    first = LexicalIndex()
    assert first.build(ids, texts) == len(ids)
    first.save(tmp_path / "old")
    new_ids = ids[1:] + ["added::1"]
    new_texts = texts[1:] + ["Điều bổ sung về bồi dưỡng viên chức hạng III."]
    new_texts[5] += " Văn bản sửa đổi bổ sung."
    rebuilt = LexicalIndex()
    assert rebuilt.build(new_ids, new_texts, previous=tmp_path / "old") == 2  # the changed and the added text
    fresh = LexicalIndex()
    fresh.build(new_ids, new_texts)
    assert _matrix(rebuilt) == _matrix(fresh)
    assert set(rebuilt._bm25.vocab_dict) == set(fresh._bm25.vocab_dict)  # removed texts' tokens are gone
    for q in QUERIES:
        assert rebuilt.search(q, 20) == fresh.search(q, 20)
    rebuilt.save(tmp_path / "new")
    again = LexicalIndex()
    assert again.build(new_ids, new_texts, previous=tmp_path / "new") == 0
    assert _matrix(again) == _matrix(fresh)


def test_counts_of_another_tokenizer_or_damaged_files_are_not_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.index import lexical

    ids, texts = _corpus_texts(50)
    first = LexicalIndex()
    first.build(ids, texts)
    first.save(tmp_path)
    monkeypatch.setattr(lexical, "TOKENIZER_FINGERPRINT", "changed tokenizer code")
    assert LexicalIndex().build(ids, texts, previous=tmp_path) == len(ids)
    monkeypatch.undo()
    assert LexicalIndex(options=TokenizerOptions(bigrams=False)).build(ids, texts, previous=tmp_path) == len(ids)
    (tmp_path / "tf_tokens.npy").write_bytes(b"garbage")
    assert LexicalIndex().build(ids, texts, previous=tmp_path) == len(ids)
