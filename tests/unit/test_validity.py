"""Validity as of a date, around each transition the sources state (01/7/2025, 30/6 and 01/7/2026)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import InvalidInput
from assistant.validity import BADGES, Validity, ValidityBook, parse_as_of

ROOT = Path(__file__).resolve().parent.parent.parent
BEFORE_2025, ON_2025 = date(2025, 6, 30), date(2025, 7, 1)
BEFORE_2026, ON_2026 = date(2026, 6, 30), date(2026, 7, 1)
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def book() -> ValidityBook:
    """The committed corpus' document metadata, as a generation's documents.json holds it."""
    docs: dict[str, dict[str, Any]] = {}
    for path in (ROOT / "corpus" / "documents").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("articles")
        docs[data["number"]] = data
    return ValidityBook(docs)


def test_luat_vien_chuc_58_2010_ends_on_1_july_2026(book):
    before, on, today = (book.of("58/2010/QH12", d) for d in (BEFORE_2026, ON_2026, TODAY))
    assert before.state is Validity.IN_FORCE and before.badge == "Còn hiệu lực"
    assert before.until == ON_2026 and "01/7/2026" in (before.note or "")
    for v in (on, today):
        assert v.state is Validity.REPEALED and v.badge == "Hết hiệu lực" and v.since == ON_2026
        assert v.note == (
            "Luật Viên chức số 58/2010/QH12 đã hết hiệu lực từ ngày 01/7/2026, được thay thế bởi "
            "Luật số 129/2025/QH15 (chưa có trong kho)."
        )
        assert not v.replacement_in_corpus and v.warns


def test_115_2020_is_uncertain_not_repealed_from_1_july_2026(book):
    assert book.of("115/2020/NĐ-CP", BEFORE_2026).state is Validity.IN_FORCE
    v = book.of("115/2020/NĐ-CP", ON_2026)
    assert v.state is Validity.UNCERTAIN and v.badge == "Chưa rõ hiệu lực"
    assert "theo một số nguồn" in (v.note or "") and "259/2026/NĐ-CP (chưa có trong kho)" in (v.note or "")
    assert "hết hiệu lực" not in (v.note or "")  # never stated plainly
    assert book.of("115/2020/NĐ-CP", TODAY).state is Validity.UNCERTAIN


def test_the_2025_texts_take_effect_on_1_july_2025(book):
    for number in ("171/2025/NĐ-CP", "80/2025/QH15", "170/2025/NĐ-CP"):
        before, on = book.of(number, BEFORE_2025), book.of(number, ON_2025)
        assert before.state is Validity.NOT_YET and "chưa có hiệu lực vào ngày 30/6/2025" in (before.note or "")
        assert on.state is Validity.IN_FORCE and on.note is None and not on.warns
    assert book.of("1147-QĐ/BTGDVTW", date(2025, 11, 30)).state is Validity.NOT_YET
    assert book.of("1147-QĐ/BTGDVTW", date(2025, 12, 1)).state is Validity.IN_FORCE  # "kể từ ngày ký"


def test_documents_ended_by_the_2025_texts_even_when_not_in_the_corpus(book):
    law = book.of("22/2008/QH12", ON_2025)
    assert law.state is Validity.REPEALED and law.since == ON_2025
    assert "Luật Cán bộ, công chức số 80/2025/QH15 (có trong kho)" in (law.note or "")
    assert book.of("22/2008/QH12", BEFORE_2025).state is Validity.UNKNOWN  # nothing says what held before
    for number in ("101/2017/NĐ-CP", "89/2021/NĐ-CP"):  # only their công chức parts
        v = book.of(number, ON_2025)
        assert v.state is Validity.PARTLY_REPEALED and v.badge == "Hết hiệu lực một phần"
        assert "các quy định về đào tạo, bồi dưỡng công chức" in (v.note or "")
        assert "171/2025/NĐ-CP (có trong kho)" in (v.note or "")


def test_decrees_replaced_by_2026_decrees_in_the_corpus(book):
    for number, replacement in (("112/2020/NĐ-CP", "234/2026/NĐ-CP"), ("90/2020/NĐ-CP", "233/2026/NĐ-CP")):
        assert book.of(number, BEFORE_2026).state is Validity.IN_FORCE
        v = book.of(number, ON_2026)
        assert v.state is Validity.REPEALED and v.replacement_in_corpus
        assert f"{replacement} (có trong kho)" in (v.note or "")
    part = book.of("106/2020/NĐ-CP", ON_2026)
    assert part.state is Validity.PARTLY_REPEALED and "vị trí việc làm viên chức" in (part.note or "")


def test_reported_supersession_without_a_date_is_uncertain(book):
    v = book.of("164-QĐ/TW", TODAY)
    assert v.state is Validity.UNCERTAIN
    assert "145-QĐ/TW (có trong kho)" in (v.note or "")
    assert book.of("145-QĐ/TW", TODAY).state is Validity.UNKNOWN  # no source states its validity


def test_notes_and_badges_are_vietnamese_without_provenance(book):
    for number in book.documents:
        for when in (BEFORE_2025, ON_2025, BEFORE_2026, ON_2026, TODAY):
            v = book.of(number, when)
            assert v.badge == BADGES[v.state]
            shown = f"{v.badge} {v.note or ''}"
            for leak in ("SOURCES.md", "reportedly", "replaced", "not in the corpus", ".md"):
                assert leak not in shown, (number, when, shown)
            if v.warns:
                assert v.note, (number, when)
    detail = book.of("58/2010/QH12", TODAY).to_dict(detail=True)
    assert any("SOURCES.md" in s for s in detail["sources"])  # provenance stays in the detail view
    assert "sources" not in book.of("58/2010/QH12", TODAY).to_dict()


def test_an_undated_relation_takes_effect_with_the_stating_document():
    book = ValidityBook(
        {
            "1/2030/NĐ-CP": {
                "doc_type": "Nghị định",
                "status": "con_hieu_luc",
                "effective_date": "2030-03-01",
                "relations": [{"kind": "repeals", "target": "9/2020/NĐ-CP"}],
            },
            "9/2020/NĐ-CP": {"doc_type": "Nghị định", "status": "con_hieu_luc", "relations": []},
        }
    )
    assert book.of("9/2020/NĐ-CP", date(2030, 2, 28)).state is Validity.IN_FORCE
    repealed = book.of("9/2020/NĐ-CP", date(2030, 3, 1))
    assert repealed.state is Validity.REPEALED and "bị bãi bỏ bởi Nghị định số 1/2030/NĐ-CP" in (repealed.note or "")


def test_many_gives_one_validity_per_document(book):
    out = book.many(["58/2010/QH12", "115/2020/NĐ-CP", "58/2010/QH12"], TODAY)
    assert list(out) == ["58/2010/QH12", "115/2020/NĐ-CP"]


@pytest.mark.parametrize(("raw", "expected"), [("2026-03-01", date(2026, 3, 1)), ("01/3/2026", date(2026, 3, 1))])
def test_parse_as_of(raw, expected):
    assert parse_as_of(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_parse_as_of_is_today_when_empty(raw):
    before = date.today()  # read around the call, not at collection: a run may cross midnight
    got = parse_as_of(raw)
    assert got in {before, date.today()}


@pytest.mark.parametrize("raw", ["2026-13-01", "hôm qua", "31/02/2026"])
def test_parse_as_of_rejects_bad_dates_in_vietnamese(raw):
    with pytest.raises(InvalidInput, match="không hợp lệ"):
        parse_as_of(raw)


def test_part_of_luat_80_takes_effect_on_1_january_2026(book):
    articles = {
        a["number"]: a for a in json.loads((ROOT / "corpus/documents/80-2025-qh15.json").read_text("utf-8"))["articles"]
    }
    assert [n for n, a in articles.items() if a["effective_date"]] == ["25", "26", "27"]  # Mục 3 Chương IV
    before = book.for_article("80/2025/QH15", "25", "2026-01-01", date(2025, 12, 31))
    assert before.state is Validity.NOT_YET
    assert before.note == (
        "Điều 25 Luật Cán bộ, công chức số 80/2025/QH15 chưa được thực hiện vào ngày 31/12/2025 "
        "(thực hiện từ ngày 01/1/2026)."
    )
    assert book.for_article("80/2025/QH15", "25", "2026-01-01", date(2026, 1, 1)).state is Validity.IN_FORCE
    assert book.for_article("80/2025/QH15", "28", "", date(2025, 12, 31)).state is Validity.IN_FORCE
    assert book.for_article("80/2025/QH15", "25", "2026-01-01", BEFORE_2025).note.startswith(  # type: ignore[union-attr]
        "Luật Cán bộ, công chức số 80/2025/QH15 chưa có hiệu lực"
    )


def test_staged_effect_must_name_a_part_the_text_has():
    from assistant.domain import Article, Document
    from assistant.ingest.metadata import apply_overrides

    doc = Document("1/2030/QH15", "Luật", "Thử", articles=[Article("1", "A", "x", chapter="Chương I. CHUNG")])
    staged = apply_overrides(doc, {"staged_effect": [{"chapter": "Chương I", "effective_date": "2031-01-01"}]})
    assert staged.articles[0].effective_date == "2031-01-01"
    with pytest.raises(InvalidInput, match="Không có điều nào"):
        apply_overrides(doc, {"staged_effect": [{"chapter": "Chương IX", "effective_date": "2031-01-01"}]})
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        apply_overrides(doc, {"staged_effect": [{"chapter": "Chương I", "effective_date": "1/1/2031"}]})
