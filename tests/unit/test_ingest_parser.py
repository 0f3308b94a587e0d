"""General legal-text parser on the real OCR'd 2026 decrees, the partial texts, and OCR noise cases."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from assistant.domain import DocStatus, RelationKind
from assistant.errors import DocumentParseError
from assistant.ingest.parser import parse_legal_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"


def _parse(name: str):
    return parse_legal_text((FIXTURES / name).read_text(encoding="utf-8"), source_name=name)


@pytest.fixture(scope="module")
def decrees():
    return {n: _parse(f"nd-{n}-2026.md") for n in ("232", "233", "234")}


def _article(doc, number):
    return next(a for a in doc.articles if a.number == number)


@pytest.mark.parametrize(("decree", "n_articles", "n_chapters"), [("232", 19, 4), ("233", 21, 4), ("234", 26, 5)])
def test_decrees_have_every_article_in_order(decrees, decree, n_articles, n_chapters):
    doc = decrees[decree]
    assert [a.number for a in doc.articles] == [str(i) for i in range(1, n_articles + 1)]
    assert len({a.chapter for a in doc.articles}) == n_chapters
    assert "articles_not_found" not in doc.provenance


def test_decree_metadata_from_front_matter_and_header(decrees):
    doc = decrees["232"]
    assert (doc.number, doc.doc_type, doc.issuer) == ("232/2026/NĐ-CP", "Nghị định", "Chính phủ")
    assert (doc.issued_date, doc.effective_date) == ("2026-06-26", "2026-07-01")
    assert doc.title == "Quy định về vị trí việc làm viên chức"
    assert doc.status == DocStatus.IN_FORCE and "con-hieu-luc" in doc.status_source
    assert decrees["233"].status == DocStatus.UNKNOWN  # nothing states it; never guessed
    assert (
        decrees["233"].title
        == "Quy định về đánh giá, xếp loại chất lượng đối với đơn vị sự nghiệp công lập và viên chức"
    )
    assert decrees["234"].issued_date == "2026-06-26"  # "26/06/2026" in the front matter
    assert [(r.kind, r.target) for r in decrees["234"].relations] == [(RelationKind.REPLACES, "112/2020/NĐ-CP")]


def test_title_on_the_line_after_the_heading_and_wrapped_titles(decrees):
    doc = decrees["232"]
    assert _article(doc, "1").title == "Phạm vi điều chỉnh"
    assert _article(doc, "12").title == (
        "Điều chỉnh danh mục vị trí việc làm và tỷ lệ viên chức bố trí theo bậc nghề nghiệp của vị trí việc làm"
    )
    assert _article(decrees["234"], "2").title == "Nguyên tắc xứ lý kỷ luật"  # trailing OCR " ," removed
    assert _article(decrees["233"], "4").title.endswith("đơn vị sự nghiệp công lập và viên chức")


def test_clause_text_spot_checks(decrees):
    eff = _article(decrees["233"], "19")
    assert eff.clauses[0].text == "1. Nghị định này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2026."
    assert eff.clauses[1].text.startswith("2. Nghị định số 90/2020/NĐ-CP ngày 13 tháng 8 năm 2020")
    k3 = _article(decrees["232"], "7").clauses[2]
    assert [p.letter for p in k3.points] == ["a", "b", "c", "d", "đ"]
    assert k3.points[0].text == "a) Bậc 1 áp dụng lương viên chức loại B;"
    assert _article(decrees["234"], "25").clauses[1].text.startswith("2. Nghị định số 112/2020/NĐ-CP")


def test_broken_lines_are_joined_into_paragraphs(decrees):
    art = _article(decrees["232"], "1")
    assert art.text == (
        "Nghị định này quy định về nguyên tắc, danh mục vị trí việc làm, bậc nghề nghiệp của vị trí việc làm, "
        "bản mô tả công việc và khung năng lực của vị trí việc làm, việc xác định vị trí việc làm, thẩm quyền, "
        "trách nhiệm quản lý, phê duyệt, điều chỉnh danh mục vị trí việc làm viên chức trong đơn vị sự nghiệp "
        "công lập."
    )


def test_ocr_debris_page_headers_and_signature_block_are_not_article_text(decrees):
    texts = "\n".join(a.text for d in decrees.values() for a in d.articles)
    for junk in ("Cơ quan phát hành", "Độc lập - Tự do", "Nơi nhận", "+À. Ẵ", "E]", "‹ 20", "Phạm Thị Thanh Trà"):
        assert junk not in texts
    assert _article(decrees["232"], "19").text.endswith("chịu trách nhiệm thi hành Nghị định này./")
    assert "ĐIỀU KHOẢN THI HÀNH" not in _article(decrees["234"], "23").text  # orphan chapter title


def test_ocr_point_letter_and_clause_prefix_noise(decrees):
    k1 = _article(decrees["232"], "8").clauses[0]
    assert [p.letter for p in k1.points] == ["a", "b", "c", "d", "đ", "e", "g"]
    assert k1.points[2].text.startswith("e) Công việc")  # OCR "e)" for "c)": text kept as the source shows
    assert [c.number for c in _article(decrees["232"], "13").clauses] == ["1", "2", "3", "4"]  # "._ 3." in the source


def test_partial_party_regulation_with_roman_part_heading():
    doc = _parse("qd-164-tw-2013.txt")
    assert (doc.number, doc.doc_type, doc.issuer, doc.issued_date) == (
        "164-QĐ/TW",
        "Quy định",
        "Bộ Chính trị",
        "2013-02-01",
    )
    assert doc.title == "Về chế độ bồi dưỡng, cập nhật kiến thức đối với cán bộ lãnh đạo, quản lý các cấp"
    assert doc.articles[0].chapter == "I. QUY ĐỊNH CHUNG"
    assert doc.articles[0].text.count("Đối tượng ") >= 4


def test_partial_decree_header_in_capitals():
    doc = _parse("nd-171-2025.txt")
    assert (doc.number, doc.title, doc.issued_date) == (
        "171/2025/NĐ-CP",
        "Quy định về đào tạo, bồi dưỡng công chức",
        "2025-06-30",
    )
    assert [c.number for c in doc.articles[1].clauses] == ["1", "2", "3", "4"]


_NOISY = """CHÍNH PHỦ
Số: 99/2026/NĐ-CP
Hà Nội, ngày 2 tháng 3 năm 2026
NGHỊ ĐỊNH
Quy định thử
## Chương I
NHỮNG QUY ĐỊNH CHUNG
### Điều 1.

Phạm vi điều chỉnh
và đối tượng

1. Nghị định này quy định về đào tạo, bồi dưỡng viên
chức trong đơn vị sự nghiệp công lập.
© Cơ quan phát hành: VĂN PHÒNG CHÍNH PHỦ
Độc lập - Tự do - Hạnh phúc

2. Viên chức được cử đi đào tạo phải
cam kết thời gian làm việc.
._ 3. Đơn vị có trách nhiệm:
a) Lập kế hoạch;
b) Báo cáo. ị
‹ 20 ' +
### Điều 2. Hiệu lực thi hành
Nghị định này có hiệu lực từ ngày ký./
Nơi nhận:
- Như Điều 2;
"""


def test_synthetic_ocr_noise_cases():
    doc = parse_legal_text(unicodedata.normalize("NFD", _NOISY))  # NFD as some PDFs give it
    assert (doc.number, doc.issued_date, doc.doc_type, doc.title) == (
        "99/2026/NĐ-CP",
        "2026-03-02",
        "Nghị định",
        "Quy định thử",
    )
    art = doc.articles[0]
    assert art.title == "Phạm vi điều chỉnh và đối tượng"
    assert art.chapter == "Chương I. NHỮNG QUY ĐỊNH CHUNG"
    assert (
        art.clauses[0].text
        == "1. Nghị định này quy định về đào tạo, bồi dưỡng viên chức trong đơn vị sự nghiệp công lập."
    )
    assert unicodedata.is_normalized("NFC", art.text)
    assert art.clauses[1].text == "2. Viên chức được cử đi đào tạo phải cam kết thời gian làm việc."
    assert art.clauses[2].text == "3. Đơn vị có trách nhiệm:\na) Lập kế hoạch;\nb) Báo cáo."
    assert doc.articles[1].text == "Nghị định này có hiệu lực từ ngày ký./"


def test_text_without_articles_or_number_is_rejected():
    with pytest.raises(DocumentParseError, match="Không nhận ra điều khoản"):
        parse_legal_text("Biên bản họp ngày 5 tháng 6 năm 2026.\nNội dung trao đổi.")
    with pytest.raises(DocumentParseError, match="số hiệu"):
        parse_legal_text("QUY CHẾ\nĐiều 1. Phạm vi\nQuy chế này áp dụng nội bộ.")
