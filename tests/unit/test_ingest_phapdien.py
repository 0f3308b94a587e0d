# ruff: noqa: E501  (_AMENDED holds real source lines, kept whole)
"""Pháp điển importer on a real excerpt of đề mục 5.2 "Viên chức" (tests/fixtures/ingest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.domain import Completeness, DocStatus, RelationKind
from assistant.errors import DocumentParseError
from assistant.ingest.phapdien import canonical_number, parse_phapdien

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"


@pytest.fixture(scope="module")
def docs():
    return {d.number: d for d in parse_phapdien((FIXTURES / "phapdien_excerpt.md").read_text(encoding="utf-8"))}


def _article(docs, number, article):
    return next(a for a in docs[number].articles if a.number == article)


def test_topic_is_split_by_source_document(docs):
    assert set(docs) == {
        "27/2012/NĐ-CP",
        "16/2015/NĐ-CP",
        "14/2022/TT-BNV",
        "47/2018/TT-BCT",
        "58/2010/QH12",
        "13/2017/TT-BGDĐT",
    }
    assert [a.number for a in docs["47/2018/TT-BCT"].articles] == ["3", "4", "5"]
    assert [a.number for a in docs["58/2010/QH12"].articles] == ["32", "33"]


def test_first_origin_note_gives_title_date_and_issuer(docs):
    doc = docs["27/2012/NĐ-CP"]
    assert doc.doc_type == "Nghị định"
    assert doc.title == "Quy định về xử lý kỷ luật viên chức và trách nhiệm bồi thường, hoàn trả của viên chức"
    assert (doc.issuer, doc.issued_date, doc.effective_date) == ("Chính phủ", "2012-04-06", "2012-05-25")
    assert doc.completeness == Completeness.CODIFIED and "pháp điển" in doc.completeness_note
    assert doc.status == DocStatus.IN_FORCE and "2026-05-13" in doc.status_source


def test_law_is_named_luat_vien_chuc_and_issued_by_quoc_hoi(docs):
    law = docs["58/2010/QH12"]
    assert (law.doc_type, law.title, law.issuer) == ("Luật", "Luật Viên chức", "Quốc hội")
    assert law.short_name == "Luật Viên chức số 58/2010/QH12"


def test_article_body_clauses_and_points_are_verbatim(docs):
    art = _article(docs, "58/2010/QH12", "33")
    assert art.codification_id == "5.2.LQ.33"
    assert art.title == "Chế độ đào tạo, bồi dưỡng viên chức"
    assert not art.text.startswith("(Điều") and "có hiệu lực thi hành" not in art.text
    assert [c.number for c in art.clauses] == ["1", "2", "3", "4"]
    assert [p.letter for p in art.clauses[2].points] == ["a", "b", "c"]
    assert art.clauses[2].points[1].text == "b) Bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp;"
    assert art.effective_note == "có hiệu lực thi hành kể từ ngày 01/01/2012"


def test_topic_headings_go_to_the_following_article_not_the_previous_body(docs):
    assert "Mục 4" not in _article(docs, "58/2010/QH12", "32").text
    assert "ĐÀO TẠO, BỒI DƯỠNG" not in _article(docs, "58/2010/QH12", "32").text
    assert _article(docs, "58/2010/QH12", "33").section == "Mục 4. ĐÀO TẠO, BỒI DƯỠNG"
    assert _article(docs, "27/2012/NĐ-CP", "1").chapter == "Chương I. NHỮNG QUY ĐỊNH CHUNG"


def test_cross_reference_note_is_stripped_and_kept_in_related(docs):
    art = _article(docs, "27/2012/NĐ-CP", "1")
    assert "có nội dung liên quan" not in art.text
    assert art.related[0].startswith("Điều 5.2.LQ.9. Đơn vị sự nghiệp công lập")
    assert len(art.related) == 3


def test_heading_glued_to_previous_paragraph_starts_a_new_article(docs):
    art3, art4 = _article(docs, "47/2018/TT-BCT", "3"), _article(docs, "47/2018/TT-BCT", "4")
    assert art3.text.endswith("giữa các tổ chức, doanh nghiệp, cá nhân.")
    assert art4.codification_id == "5.2.TT.35.4"
    assert art4.title.startswith("Nguyên tắc xây dựng định mức kinh tế")


def test_origin_note_wrapping_lines_with_body_glued_after_it(docs):
    doc = docs["14/2022/TT-BNV"]
    assert doc.title.endswith("thuộc lĩnh vực lưu trữ") and doc.issued_date == "2022-12-31"
    art = doc.articles[0]
    assert art.text.startswith("1. Thông tư này hướng dẫn:")
    assert [p.letter for p in art.clauses[0].points] == ["a", "b"]


def test_table_of_contents_adds_long_ids_but_no_articles(docs):
    all_ids = [a.codification_id for d in docs.values() for a in d.articles]
    assert all_ids.count("5.2.NĐ.2.1") == 1
    assert "5.2.NĐ.2.1=0500200000000000100000140243230027000010" in docs["27/2012/NĐ-CP"].provenance["codification_ids"]


_AMENDED = """Điều 5.2.LQ.22. Điều kiện đăng ký dự tuyển

(Điều 22 Luật số 58/2010/QH12, có hiệu lực thi hành kể từ ngày 01/01/2012, có nội dung được sửa đổi bởi Điều 2 Luật số 52/2019/QH14 có hiệu lực thi hành kể từ ngày 01/07/2020)

1. Người có đủ các điều kiện sau đây không phân biệt dân tộc, nam nữ, thành phần xã hội, tín ngưỡng, tôn giáo được đăng ký dự tuyển viên chức:

Điều 5.2.NĐ.17.2. Đối tượng áp dụng

(Điều 2 Nghị định số 50/2022/NĐ_CP, có hiệu lực thi hành kể từ ngày 15/08/2022)

Nghị định này áp dụng đối với viên chức.
"""


def test_amendment_note_becomes_amended_by_relation_and_variant_numbers_are_canonical():
    docs = {d.number: d for d in parse_phapdien(_AMENDED)}
    assert set(docs) == {"58/2010/QH12", "50/2022/NĐ-CP"}
    rel = docs["58/2010/QH12"].relations
    assert [(r.kind, r.target) for r in rel] == [(RelationKind.AMENDED_BY, "52/2019/QH14")]
    assert "sửa đổi" in rel[0].note
    assert docs["50/2022/NĐ-CP"].issuer == "Chính phủ"  # from the number's code when no note names it


def test_text_without_codified_articles_is_rejected():
    with pytest.raises(DocumentParseError):
        parse_phapdien("# Viên chức\n\nKhông có điều nào.")


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("11/2020/TT- BGTVT", "11/2020/TT-BGTVT"),
        ("50/2022/NĐ_CP", "50/2022/NĐ-CP"),
        ("6/2020/TT-BNV", "06/2020/TT-BNV"),
        ("04 /2015/TT-NHNN", "04/2015/TT-NHNN"),
        ("20/2017/TT-BGDÐT", "20/2017/TT-BGDĐT"),  # Icelandic Ð typed for Đ
        ("164-QĐ/TW", "164-QĐ/TW"),
    ],
)
def test_document_numbers_are_normalised(raw, canonical):
    assert canonical_number(raw) == canonical
