"""Loaders: every format to text, and clear Vietnamese errors for bad files."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest

from assistant.domain import DocStatus
from assistant.errors import DocumentParseError, UnsupportedFormat
from assistant.ingest.loaders import decode_text, load_text, parse_document, parse_documents, pdf_to_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
PARTIAL = (FIXTURES / "nd-171-2025.txt").read_text(encoding="utf-8")


def _cp1258(text: str) -> bytes:
    """Windows-1258 as legacy Vietnamese files use it: precomposed base letters plus combining tones."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out, cluster = [], ""
    for ch in unicodedata.normalize("NFD", text) + "\x00":
        if unicodedata.combining(ch) and cluster:
            cluster += ch
            continue
        if cluster:
            base = unicodedata.normalize("NFC", "".join(c for c in cluster if c not in tones))
            out.append(base + "".join(c for c in cluster if c in tones))
        cluster = ch
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: t.encode("utf-8-sig"),
        lambda t: t.encode("utf-16"),
        _cp1258,
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "cp1258"],
)
def test_text_encodings_are_detected(encode):
    doc = parse_document(encode(PARTIAL), "nd-171-2025.txt")
    assert doc.number == "171/2025/NĐ-CP"
    assert doc.articles[0].title == "Phạm vi điều chỉnh và đối tượng áp dụng"


def test_html_keeps_paragraph_breaks_and_drops_scripts():
    html = (
        "<html><head><title>x</title><script>var a = 1;</script></head><body>"
        "<p>Số: 171/2025/NĐ-CP</p><p>NGHỊ ĐỊNH</p><p>QUY ĐỊNH VỀ ĐÀO TẠO, BỒI DƯỠNG CÔNG CHỨC</p>"
        "<p><b>Điều 1.</b> Phạm vi điều chỉnh</p><p>1. Nghị định này quy định về đào tạo&nbsp;công chức.</p>"
        "<div>2. Nghị định này áp dụng đối với công chức.</div></body></html>"
    )
    doc = parse_document(html.encode("utf-8"), "vb.html")
    assert "var a" not in doc.articles[0].text
    assert [c.number for c in doc.articles[0].clauses] == ["1", "2"]
    assert doc.articles[0].clauses[0].text == "1. Nghị định này quy định về đào tạo công chức."


def _docx_bytes() -> bytes:
    document = docx.Document()
    for line in PARTIAL.split("\n\n")[:20]:
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Nhóm", "Thời gian"
    table.cell(1, 0).text, table.cell(1, 1).text = "Nhóm 1", "05 ngày"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_table_rows():
    data = _docx_bytes()
    text = load_text(data, "nd.docx")
    assert "Nhóm 1 | 05 ngày" in text
    doc = parse_document(data, "nd.docx")
    assert doc.number == "171/2025/NĐ-CP" and [a.number for a in doc.articles] == ["1", "2"]


def _pdf_bytes(lines: list[str]) -> bytes:
    """A minimal one-page PDF with a Helvetica text layer (ASCII only), offsets computed exactly."""
    ops = "BT /F1 12 Tf 14 TL 72 720 Td " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(ops)} >>\nstream\n{ops}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pdf_text_layer_is_read():
    text = pdf_to_text(_pdf_bytes(["Dieu 1. Pham vi dieu chinh", "1. Noi dung thu nghiem."]))
    assert "Dieu 1. Pham vi dieu chinh" in text
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    ("data", "filename", "error", "message"),
    [
        (b"\x00\x01\x02\xff" * 200, "van-ban.txt", DocumentParseError, "nhị phân"),
        (b"", "rong.txt", DocumentParseError, "rỗng"),
        (b"   \n\n", "rong.md", DocumentParseError, "rỗng"),
        (b"PK\x03\x04 not really a zip", "hong.docx", DocumentParseError, "Không đọc được tệp DOCX"),
        (b"%PDF-1.4\n garbage without objects", "hong.pdf", DocumentParseError, "Không đọc được tệp PDF"),
        (b"just text", "old.doc", UnsupportedFormat, ".docx"),
        (b"a,b\n1,2", "bang.csv", UnsupportedFormat, "Không hỗ trợ"),
    ],
)
def test_bad_files_raise_clear_errors(data, filename, error, message):
    with pytest.raises(error, match=message):
        parse_document(data, filename)


def test_docx_zip_without_document_part_is_corrupt():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    with pytest.raises(DocumentParseError, match="DOCX"):
        parse_document(buf.getvalue(), "x.docx")


def test_pdf_without_text_layer_says_it_needs_ocr():
    with pytest.raises(DocumentParseError, match="OCR"):
        pdf_to_text(_pdf_bytes([]))


def test_text_without_articles_is_rejected():
    with pytest.raises(DocumentParseError, match="điều khoản"):
        parse_document("Thông báo lịch học lớp bồi dưỡng tháng 7.".encode(), "thong-bao.txt")


def test_overrides_supply_number_and_stated_status():
    text = PARTIAL.replace("Số: 171/2025/NĐ-CP", "")
    doc = parse_document(
        text.encode("utf-8"), "x.txt", {"number": "171/2025/NĐ-CP", "status": "con_hieu_luc", "source": "administrator"}
    )
    assert doc.number == "171/2025/NĐ-CP"
    assert (doc.status, doc.status_source) == (DocStatus.IN_FORCE, "administrator")


def test_phapdien_topic_file_yields_many_documents():
    data = (FIXTURES / "phapdien_excerpt.md").read_bytes()
    assert len(parse_documents(data, "vien-chuc.md")) == 6
    with pytest.raises(DocumentParseError, match="Pháp điển"):
        parse_document(data, "vien-chuc.md")


def test_decode_prefers_utf8():
    assert decode_text("Điều 1".encode()) == "Điều 1"
