"""Bytes + file name → text → Document(s). The one entry point for uploaded and shipped files.

Every failure is a DocumentParseError / UnsupportedFormat whose message a user can act on.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import PurePath
from typing import Any

from assistant.domain import Document
from assistant.errors import DocumentParseError, UnsupportedFormat
from assistant.ingest.metadata import ALLOWED_KEYS, apply_overrides
from assistant.ingest.parser import parse_legal_text
from assistant.ingest.phapdien import looks_like_phapdien, parse_phapdien

SUPPORTED = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")


# ---------------------------------------------------------------- plain text


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.05


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a BOM (Notepad's "Unicode", some exporters): the high byte of every ASCII
    character is zero, so zeros crowd one byte position of each pair and (almost) never the other."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if len(data) % 2 or pairs < 8:
        return None
    even = sum(1 for i in range(0, pairs * 2, 2) if sample[i] == 0)
    odd = sum(1 for i in range(1, pairs * 2, 2) if sample[i] == 0)
    if odd >= pairs * 0.2 and even <= pairs * 0.02:
        encoding = "utf-16-le"
    elif even >= pairs * 0.2 and odd <= pairs * 0.02:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\t\n\f\r")
    return None if controls > len(text[:4096]) * 0.01 else text


def decode_text(data: bytes) -> str:
    """utf-8 (with or without BOM), utf-16 with or without BOM, else the best guess (cp1258 as last resort)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if (text := _utf16_without_bom(data)) is not None:
        return text
    if _looks_binary(data):
        raise DocumentParseError(
            "Tệp không phải văn bản thuần (có vẻ là tệp nhị phân bị đổi đuôi); "
            "hãy tải lên tệp .txt, .docx hoặc .pdf thật."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    candidates = [data.decode("cp1258", errors="replace")]
    best = from_bytes(data).best()
    if best is not None:
        candidates.append(str(best))
    return max(candidates, key=_vietnamese_score)


_VI_LETTERS = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")


def _vietnamese_score(text: str) -> int:
    """Legacy Vietnamese encodings are told apart by how many Vietnamese letters they yield."""
    nfc = unicodedata.normalize("NFC", text.lower())
    return sum(c in _VI_LETTERS for c in nfc) - 5 * nfc.count("\ufffd")


# ---------------------------------------------------------------- html


class _HTMLText(HTMLParser):
    BLOCKS = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "section",
        "article",
        "blockquote",
        "pre",
    }
    SKIP = {"script", "style", "head", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(" ".join(data.split()) if data.strip() else " ")


def html_to_text(data: bytes) -> str:
    parser = _HTMLText()
    parser.feed(decode_text(data))
    parser.close()
    lines = [line.strip(" |") for line in "".join(parser.parts).split("\n")]
    return "\n".join(lines)


# ---------------------------------------------------------------- docx / pdf


def docx_to_text(data: bytes) -> str:
    """Paragraphs and table rows in document order."""
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise DocumentParseError("Không đọc được tệp DOCX: tệp hỏng hoặc không phải DOCX.") from e
    except Exception as e:  # python-docx raises its own PackageNotFoundError and lxml errors
        raise DocumentParseError("Không đọc được tệp DOCX: tệp hỏng hoặc không phải DOCX.") from e
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = list(dict.fromkeys(c.text.strip() for c in row.cells))
                lines.append(" | ".join(c for c in cells if c))
    return "\n\n".join(lines)


def pdf_to_text(data: bytes) -> str:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as e:  # pypdf raises many types for damaged files
        raise DocumentParseError("Không đọc được tệp PDF: tệp hỏng hoặc không phải PDF.") from e
    text = unicodedata.normalize("NFC", "\n".join(pages))
    if not text.strip():
        raise DocumentParseError(
            "Tệp PDF không có lớp chữ (có thể là bản scan); cần nhận dạng chữ (OCR) trước khi nhập."
        )
    return text


_READERS: dict[str, Callable[[bytes], str]] = {
    ".txt": decode_text,
    ".md": decode_text,
    ".html": html_to_text,
    ".htm": html_to_text,
    ".docx": docx_to_text,
    ".pdf": pdf_to_text,
}


def load_text(data: bytes, filename: str) -> str:
    """The text of a file, NFC; raises on empty, unreadable or unsupported files."""
    suffix = PurePath(filename).suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        hint = " Hãy lưu lại thành .docx." if suffix == ".doc" else ""
        raise UnsupportedFormat(
            f"Không hỗ trợ định dạng '{suffix or filename}'. Chỉ nhận: {', '.join(SUPPORTED)}.{hint}"
        )
    if not data.strip():
        raise DocumentParseError(f"Tệp '{filename}' rỗng.")
    text = unicodedata.normalize("NFC", reader(data))
    if not text.strip():
        raise DocumentParseError(f"Tệp '{filename}' không chứa chữ nào đọc được.")
    return text


def parse_documents(data: bytes, filename: str, overrides: dict[str, Any] | None = None) -> list[Document]:
    """All documents in a file: one for a normal legal text, many for a Pháp điển topic.

    `overrides` is either one entry (applied to a single document) or a mapping keyed by number.
    """
    text = load_text(data, filename)
    name = PurePath(filename).name
    if looks_like_phapdien(text):
        docs = parse_phapdien(text)
        for doc in docs:
            doc.provenance["source_file"] = name
    else:
        number = str((overrides or {}).get("number", "")) if _is_single_entry(overrides) else ""
        docs = [parse_legal_text(text, source_name=name, number=number)]
    if _is_single_entry(overrides):
        return [apply_overrides(doc, overrides) for doc in docs] if len(docs) == 1 else docs
    return [apply_overrides(doc, (overrides or {}).get(doc.number)) for doc in docs]


def _is_single_entry(overrides: dict[str, Any] | None) -> bool:
    """One entry (fields of one document) rather than a mapping keyed by document number."""
    return bool(overrides) and bool(set(overrides or {}) & ALLOWED_KEYS)


def parse_document(data: bytes, filename: str, overrides: dict[str, Any] | None = None) -> Document:
    """Exactly one Document from one uploaded file (see parse_documents for Pháp điển topics)."""
    docs = parse_documents(data, filename, overrides)
    if len(docs) != 1:
        raise DocumentParseError(
            f"Tệp '{filename}' là một đề mục Pháp điển gồm {len(docs)} văn bản; "
            "hãy nhập bằng lệnh nhập kho (corpus import)."
        )
    return docs[0]
