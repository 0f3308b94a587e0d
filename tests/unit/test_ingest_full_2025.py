"""The four full 2025 texts (full-2025/): numbers, metadata, article / clause / point counts, the Quy chế.

The fixtures are byte copies of ../shared/corpus-sources/full-2025/ (HTML-to-Markdown artefacts included:
flattened header tables, glued bold headings, hard line wraps, "a." points, annexed forms).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.domain import Completeness, Document, citation_label
from assistant.index.units import document_units
from assistant.ingest.loaders import parse_document

ROOT = Path(__file__).resolve().parent.parent.parent
FULL = ROOT / "tests" / "fixtures" / "ingest" / "full-2025"


def _parse(name: str) -> Document:
    return parse_document((FULL / name).read_bytes(), name)


@pytest.fixture(scope="module")
def texts() -> dict[str, Document]:
    names = ["nd-171-2025.md", "luat-80-2025-qh15.md", "nd-170-2025.md", "qd-1147-btgdvtw-2025.md"]
    return {d.number: d for d in map(_parse, names)}


def _article(doc: Document, number: str):
    return next(a for a in doc.articles if a.number == number)


def _counts(doc: Document) -> tuple[int, int, int]:
    clauses = [c for a in doc.articles for c in a.clauses]
    return len(doc.articles), len(clauses), sum(len(c.points) for c in clauses)


@pytest.mark.parametrize(
    ("number", "articles", "clauses", "points"),
    [
        ("171/2025/NĐ-CP", 42, 149, 61),
        ("80/2025/QH15", 45, 172, 80),
        ("170/2025/NĐ-CP", 73, 257, 266),
        ("1147-QĐ/BTGDVTW", 21, 58, 30),
    ],
)
def test_article_clause_and_point_counts(texts, number, articles, clauses, points):
    # clause / point counts equal the "N. " / "a) " paragraphs of the source inside its articles
    assert _counts(texts[number]) == (articles, clauses, points)


@pytest.mark.parametrize(
    ("number", "doc_type", "issuer", "issued", "effective", "title"),
    [
        (
            "171/2025/NĐ-CP",
            "Nghị định",
            "Chính phủ",
            "2025-06-30",
            "2025-07-01",
            "Quy định về đào tạo, bồi dưỡng công chức",
        ),
        ("80/2025/QH15", "Luật", "Quốc hội", "2025-06-24", "2025-07-01", "Cán bộ, công chức"),
        (
            "170/2025/NĐ-CP",
            "Nghị định",
            "Chính phủ",
            "2025-06-30",  # the header has no date; the appendix repeats "… số 170/2025/NĐ-CP ngày 30 tháng 6 năm 2025"
            "2025-07-01",
            "Quy định về tuyển dụng, sử dụng và quản lý công chức",
        ),
        (
            "1147-QĐ/BTGDVTW",
            "Quyết định",
            "Ban Tuyên giáo và Dân vận Trung ương",
            "2025-12-01",  # "Hà Nội, ngày 01" / "tháng 12 năm 2025" wrapped over two lines
            "2025-12-01",  # Điều 2: "có hiệu lực kể từ ngày ký"
            "Ban hành quy chế bồi dưỡng, giảng dạy của trung tâm chính trị xã, phường, đặc khu",
        ),
    ],
)
def test_metadata_as_the_texts_state_it(texts, number, doc_type, issuer, issued, effective, title):
    doc = texts[number]
    assert (doc.doc_type, doc.issuer, doc.issued_date, doc.effective_date, doc.title) == (
        doc_type,
        issuer,
        issued,
        effective,
        title,
    )
    assert doc.completeness == Completeness.FULL
    assert "articles_not_found" not in doc.provenance
    assert "hiệu lực" in doc.provenance["effective_date_source"]  # where the text says so


def test_law_citation_uses_its_title(texts):
    assert texts["80/2025/QH15"].short_name == "Luật Cán bộ, công chức số 80/2025/QH15"


def test_articles_run_in_order_and_the_last_stops_before_signature_and_forms(texts):
    for number, last in [("171/2025/NĐ-CP", 42), ("80/2025/QH15", 45), ("170/2025/NĐ-CP", 73)]:
        doc = texts[number]
        assert [a.number for a in doc.articles] == [str(i) for i in range(1, last + 1)]
        tail = doc.articles[-1].text
        for leak in ("Thủ tướng, các Phó Thủ tướng", "Lưu: VT", "CHỦ TỊCH QUỐC HỘI", "Mẫu số", "Đã ký", "Phụ lục"):
            assert leak not in tail, (number, leak)
    # the annexed forms of 170/2025 carry their own "Điều 1–3" of a model decision: never articles
    assert _article(texts["170/2025/NĐ-CP"], "73").text.endswith("chịu trách nhiệm thi hành Nghị định này.")


def test_quy_che_articles_have_their_own_numbering_and_citation(texts):
    doc = texts["1147-QĐ/BTGDVTW"]
    assert [a.number for a in doc.articles] == ["1", "2", "3"] + [f"QC-{i}" for i in range(1, 19)]
    assert _article(doc, "2").text == "Quyết định này có hiệu lực kể từ ngày ký."  # "**Điều 2.** text": no title
    assert _article(doc, "2").title == ""
    assert _article(doc, "QC-6").title == "Tổ chức giảng dạy và đánh giá kết quả bồi dưỡng"
    assert citation_label(doc, "QC-5", "2") == "Khoản 2 Điều 5 Quy chế ban hành kèm theo Quyết định số 1147-QĐ/BTGDVTW"
    assert citation_label(doc, "2") == "Điều 2 Quyết định số 1147-QĐ/BTGDVTW"
    units = {u.id: u for u in document_units(doc)}
    assert "1147-qd-btgdvtw:dqc-5" in units and "1147-qd-btgdvtw:d2" in units  # distinct ids for Điều 2 and QC-2
    assert units["1147-qd-btgdvtw:dqc-6"].heading.startswith("Điều 6 Quy chế. Tổ chức giảng dạy")
    assert units["1147-qd-btgdvtw:dqc-6"].citation.startswith("Điều 6 Quy chế ban hành kèm theo")


def test_quy_che_appendix_does_not_run_into_the_last_article(texts):
    last = _article(texts["1147-QĐ/BTGDVTW"], "QC-18")
    assert last.title == "Điều khoản thi hành"
    assert last.text.endswith("để xem xét, giải quyết.")
    assert "giờ chuẩn" not in last.text and "PHỤ" not in last.text


def test_points_written_with_a_full_stop_and_latin_letters(texts):
    clause = _article(texts["1147-QĐ/BTGDVTW"], "QC-9").clauses[4]
    assert clause.number == "5"
    assert [p.letter for p in clause.points] == list("abcdefgh")
    assert clause.points[0].text.startswith("a. Học viên có đủ điều kiện")
    assert "Thời hạn cấp 15 ngày kể từ ngày ký quyết định công nhận" in clause.points[0].text


def test_hard_wrapped_lines_are_joined(texts):
    clause = _article(texts["1147-QĐ/BTGDVTW"], "QC-6").clauses[3]
    assert "tham dự tối thiểu 80% số tiết học của chương trình bồi dưỡng" in clause.text


@pytest.mark.parametrize(
    ("number", "article", "clause", "point", "fact"),
    [
        ("171/2025/NĐ-CP", "16", "2", None, "trong thời hạn 12 tháng kể từ ngày quyết định bổ nhiệm có hiệu lực"),
        ("171/2025/NĐ-CP", "8", "1", "b", "điều động, luân chuyển, biệt phái, chuyển công tác sang cơ quan khác"),
        ("80/2025/QH15", "29", "4", None, "nếu tự ý bỏ việc, thôi việc phải đền bù chi phí đào tạo"),
        ("170/2025/NĐ-CP", "29", "5", "a", "phải đủ tuổi để công tác trọn thời hạn bổ nhiệm"),
        ("170/2025/NĐ-CP", "48", None, None, "ít nhất 3 năm (36 tháng) đối với một lần luân chuyển"),
        ("1147-QĐ/BTGDVTW", "QC-13", "1", "c", "Giảng viên chuyên trách giảng dạy trong một năm học là 270 giờ"),
    ],
)
def test_clause_and_point_text(texts, number, article, clause, point, fact):
    art = _article(texts[number], article)
    text = art.text
    if clause:
        c = next(c for c in art.clauses if c.number == clause)
        text = next(p.text for p in c.points if p.letter == point) if point else c.text
    assert fact in text


def test_committed_corpus_holds_the_full_texts_and_not_the_partial_copy():
    manifest = {e["number"]: e for e in json.loads((ROOT / "corpus" / "manifest.json").read_text("utf-8"))["documents"]}
    expected = {
        "171/2025/NĐ-CP": (42, 149),
        "80/2025/QH15": (45, 172),
        "170/2025/NĐ-CP": (73, 257),
        "1147-QĐ/BTGDVTW": (21, 58),
    }
    for number, (articles, clauses) in expected.items():
        entry = manifest[number]
        assert (entry["n_articles"], entry["n_clauses"], entry["completeness"]) == (articles, clauses, "full")
        assert entry["source"].startswith("full-2025/")
