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
