"""General parser for one legal document given as plain text or markdown (possibly OCR'd).

The text is cleaned line by line (markdown markup, repeated page headers, OCR debris), the header
before the first chapter or article gives the metadata (số hiệu, loại, cơ quan, ngày), and a small
state machine reads Chương / Mục / Điều. Line breaks inside paragraphs are joined; the article body
keeps one paragraph per line so that clauses and points can be split without guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from assistant.domain import Article, Completeness, DocStatus, Document, Relation, RelationKind
from assistant.errors import DocumentParseError
from assistant.ingest.phapdien import ISSUER_CODES
from assistant.ingest.structure import split_clauses, strip_marker_noise
from assistant.text import normalize_doc_number, normalize_text, strip_markdown_links

TYPE_WORDS = {
    "THÔNG TƯ LIÊN TỊCH": "Thông tư liên tịch",
    "NGHỊ QUYẾT LIÊN TỊCH": "Nghị quyết liên tịch",
    "NGHỊ ĐỊNH": "Nghị định",
    "THÔNG TƯ": "Thông tư",
    "QUYẾT ĐỊNH": "Quyết định",
    "QUY ĐỊNH": "Quy định",
    "NGHỊ QUYẾT": "Nghị quyết",
    "LUẬT": "Luật",
    "PHÁP LỆNH": "Pháp lệnh",
    "CHỈ THỊ": "Chỉ thị",
    "HƯỚNG DẪN": "Hướng dẫn",
    "KẾT LUẬN": "Kết luận",
}
# Type implied by the number's code when the text does not state it on its own line.
_TYPE_BY_CODE = [
    (re.compile(r"/QH\d+$"), "Luật"),
    (re.compile(r"/TTLT-"), "Thông tư liên tịch"),
    (re.compile(r"/NĐ-CP$"), "Nghị định"),
    (re.compile(r"/TT-"), "Thông tư"),
    (re.compile(r"/QĐ-"), "Quyết định"),
    (re.compile(r"/NQ-"), "Nghị quyết"),
]
_FRONT_TYPES = {
    "nghi-dinh": "Nghị định",
    "thong-tu": "Thông tư",
    "luat": "Luật",
    "quyet-dinh": "Quyết định",
    "nghi-quyet": "Nghị quyết",
    "thong-tu-lien-tich": "Thông tư liên tịch",
    "quy-dinh": "Quy định",
}
_STATUS_WORDS = {
    "con-hieu-luc": DocStatus.IN_FORCE,
    "còn hiệu lực": DocStatus.IN_FORCE,
    "het-hieu-luc": DocStatus.REPEALED,
    "hết hiệu lực": DocStatus.REPEALED,
    "het-hieu-luc-mot-phan": DocStatus.PARTLY_REPEALED,
    "hết hiệu lực một phần": DocStatus.PARTLY_REPEALED,
    "chua-co-hieu-luc": DocStatus.NOT_YET,
    "chưa có hiệu lực": DocStatus.NOT_YET,
}
_ISSUER_HEADERS = {
    "CHÍNH PHỦ": "Chính phủ",
    "QUỐC HỘI": "Quốc hội",
    "THỦ TƯỚNG CHÍNH PHỦ": "Thủ tướng Chính phủ",
    "BỘ CHÍNH TRỊ": "Bộ Chính trị",
    "BAN BÍ THƯ": "Ban Bí thư",
    "BAN TUYÊN GIÁO VÀ DÂN VẬN": "Ban Tuyên giáo và Dân vận Trung ương",
}

_NUMBER_LINE = re.compile(
    r"^(?:(?:Luật|Pháp lệnh|Nghị quyết|Lệnh)\s+)?[Ss]ố\s*[:.]?\s*"
    r"(?P<number>\d{1,4}\s*/\s*\d{4}\s*/\s*[A-ZĐa-zđ0-9]+(?:\s*[-_–]\s*[A-ZĐa-zđ0-9]+)*|\d{1,4}-[A-ZĐ]+/[A-ZĐ]+)"
)
_DATE_VI = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
_DATE_NUM = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

_ARTICLE = re.compile(r"^(?:Điều|ĐIỀU)\s+(?P<num>\d{1,3}[a-zđ]?)\s*[.:]\s*(?P<title>.*)$")
_CHAPTER = re.compile(r"^(?:Chương|CHƯƠNG)\s+(?P<num>[IVXLC]+|\d+)\b\s*[.:]?\s*(?P<title>.*)$")
_ROMAN_PART = re.compile(r"^(?P<num>[IVX]+)\s*[-.]\s+(?P<title>.+)$")  # "I- QUY ĐỊNH CHUNG" (Đảng documents)
_SECTION = re.compile(r"^(?:Mục|MỤC)\s+(?P<num>\d+)\s*[.:]?\s*(?P<title>.*)$")
_END = re.compile(
    r"^(?:Nơi nhận|TM\.|KT\.|K/T\b|T/M|Phụ lục(?:\s+[IVX\d]+)?$|PHỤ LỤC\b|Mẫu số \d+$|CHỦ TỊCH QUỐC HỘI$"
    r"|\(Đã ký\)$)"
)
# A flattened "Nơi nhận" list: "- Thủ tướng, …; - Lưu: VT, TCCV (2) | TM. CHÍNH PHỦ…".
_RECIPIENTS = re.compile(r"^-\s.*(?:;|,)\s*-\s*Lưu\s*:?\s*[A-ZĐ]")
# An instrument issued with the document ("QUY CHẾ … (Ban hành kèm theo Quyết định số …)"): its own articles.
ANNEX_CODES = {"QUY CHẾ": "QC", "QUY ĐỊNH": "QĐ", "ĐIỀU LỆ": "ĐL"}
_ANNEX_BASIS = re.compile(r"^[*(\s]*Ban hành kèm theo\b", re.I)
_NO_TITLE = "\ue000"  # marks "**Điều 1.** text": the article has no title, the text starts its body
_MARKER = re.compile(r"^(?:\d{1,3}[a-zđ]?[.,-]\s|[a-zđ]\)\s?|[a-zđ]\.\s|[-+•]\s)")

_PAGE_HEADERS = re.compile(
    r"Cơ quan phát hành|Độc lập\s*[-–]\s*Tự do|CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    r"|ĐẢNG CỘNG SẢN VIỆT NAM|^[-—_=*\s]{1,}$"
)
_LEAD_NOISE = re.compile(r"^[.`_~=„‹›'\"\s]+(?=\w)")
_TAIL_NOISE = re.compile(r"(?<=[.;:)])(?:\s+(?:[^\w\s]{1,3}|[a-zA-Zịìỉ]))+$|\s+[:|]+$")
_TITLE_TAIL = re.compile(r"(?:\s+(?:[^\w\s()]+|[ịìlI|]))+$")


def _is_end(line: str) -> bool:
    """Where the normative text ends: recipients, signature, appendices and forms."""
    return bool(_END.match(line) or _RECIPIENTS.match(line))


@dataclass
class Header:
    number: str = ""
    doc_type: str = ""
    issuer: str = ""
    issued_date: str = ""
    effective_date: str = ""
    title: str = ""
    status: DocStatus = DocStatus.UNKNOWN
    status_source: str = ""
    relations: list[Relation] = field(default_factory=list)


def _iso_date(raw: str) -> str:
    raw = str(raw)
    if m := _DATE_ISO.search(raw):
        return m.group(0)
    if m := _DATE_VI.search(raw) or _DATE_NUM.search(raw):
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    if m := re.search(r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", raw):
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return ""


def sentence_case(text: str) -> str:
    """'QUY ĐỊNH VỀ ĐÀO TẠO' → 'Quy định về đào tạo' (only for titles set entirely in capitals)."""
    if any(c.islower() for c in text):
        return text
    lower = text.lower()
    return lower[:1].upper() + lower[1:]


def doc_type_from_number(number: str) -> str:
    return next((name for pattern, name in _TYPE_BY_CODE if pattern.search(number)), "")


def issuer_from_number(number: str) -> str:
    if re.search(r"/QH\d+$", number):
        return "Quốc hội"
    codes = re.split(r"[-/]", number.split("/", 1)[-1])
    names = [ISSUER_CODES[c.upper()] for c in codes if c.upper() in ISSUER_CODES]
    return " và ".join(dict.fromkeys(names))


# ---------------------------------------------------------------- cleaning


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if not m:
        return {}, text
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError:
        meta = {}
    return (meta if isinstance(meta, dict) else {}), text[m.end() :]


def _info_block(text: str) -> tuple[dict[str, str], str]:
    """Key/value pairs of a mirror's '## THÔNG TIN VĂN BẢN' block, and the text without it."""
    m = re.search(r"^## THÔNG TIN VĂN BẢN\n(.*?)(?=^## VĂN BẢN\s*$)", text, re.S | re.M)
    if not m:
        return {}, text
    info: dict[str, str] = {}
    for line in m.group(1).splitlines():
        line = line.replace("**", "").strip()
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if len(cells) >= 2 and cells[1] and not set(cells[1]) <= set("-"):
                info[cells[0].rstrip(":")] = cells[1]
        elif ":" in line:
            key, _, value = line.partition(":")
            if value.strip():
                info[key.strip()] = value.strip()
    return info, text[: m.start()] + text[m.end() :]


def _is_noise(line: str) -> bool:
    if not line or re.match(r"^(?:[a-zđ]\)|\d{1,3}\.)$", line):
        return False
    if _PAGE_HEADERS.search(line):
        return True
    words = [w for w in re.findall(r"[^\W\d_]+", line) if len(w) >= 2]
    if not words:
        return True
    if len(line) <= 3:  # a hard-wrapped heading keeps its short word ("BAN" / "HÀNH QUY CHẾ …")
        return not (line.isalpha() and line.isupper() and len(line) >= 2)
    return len(line) < 40 and bool(re.search(r"[\^~`{}\[\]<>\\$]", line)) and not _MARKER.match(line)


def prepare_markup(text: str) -> str:
    """Undo HTML-to-Markdown artefacts that hide structure before the markup is stripped.

    - "**LUẬT****CÁN BỘ, CÔNG CHỨC**": two bold headings glued on one line;
    - "**Điều 1.** Ban hành …": a heading without a title, the body on the same line;
    - "**PHỤ\nLỤC I**": a heading wrapped inside its bold markup;
    - a flattened header table before Điều 1: "CHÍNH PHỦ_______ Số: 171/2025/NĐ-CP | CỘNG HÒA …" is split
      into its cells so the number, the date and the issuer stand on their own lines.
    """
    text = text.replace("****", "**\n**")
    text = re.sub(r"(?m)^\*\*((?:Điều|ĐIỀU)\s+\d{1,3}[a-zđ]?\.)\*\*[ \t]+(?=\S)", rf"\1{_NO_TITLE}\n", text)
    text = re.sub(r"\*\*PHỤ[ \t]*\n[ \t]*LỤC", "**PHỤ LỤC", text)
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if re.match(r"^\W*(?:Điều|ĐIỀU)\s+1\b", line)), len(lines))
    for i in range(first):
        if "|" in lines[i] or re.search(r"_{3,}", lines[i]):
            cells = re.split(r"\s*\|\s*|_{3,}|\s+(?=Số\s*:)", lines[i])
            lines[i] = "\n".join(c.strip() for c in cells if c.strip())
    return "\n".join(lines)


def clean_lines(text: str) -> list[str]:
    """Markup-free, NFC lines; page headers and OCR debris removed; blank lines kept as ''."""
    out: list[str] = []
    for raw in normalize_text(text).split("\n"):
        line = strip_markdown_links(re.sub(r"^#{1,6}\s*", "", raw).replace("**", "")).strip()
        if re.fullmatch(r"\*[^*]+\*", line):  # an editor's italic remark, not document text
            continue
        line = _LEAD_NOISE.sub("", strip_marker_noise(line)).strip()
        line = re.sub(r"^(.+?)\s+CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM$", r"\1", line)
        line = re.sub(r"^[:;,]\s+(?=\w)", "", line)
        out.append("" if _is_noise(line) else _TAIL_NOISE.sub("", line))
    return out


# ---------------------------------------------------------------- header


def _chapter(line: str) -> re.Match[str] | None:
    if m := _CHAPTER.match(line):
        return m
    m = _ROMAN_PART.match(line)
    return m if m and m.group("title").isupper() else None


def _is_structure(line: str) -> bool:
    return bool(_ARTICLE.match(line) or _chapter(line))


def _is_heading(line: str) -> bool:
    return bool(_chapter(line) or _SECTION.match(line))


def _split_preamble(lines: list[str]) -> int:
    """Index where the normative body starts: Điều 1 (else the first article), or the chapter
    and section headings printed right above it."""
    firsts = [i for i, line in enumerate(lines) if (m := _ARTICLE.match(line)) and m.group("num") == "1"]
    anywhere = [i for i, line in enumerate(lines) if _ARTICLE.match(line)]
    if not (firsts or anywhere):
        raise DocumentParseError("Không nhận ra điều khoản nào (không thấy dòng 'Điều 1.', 'Điều 2.' …) trong văn bản.")
    start = j = (firsts or anywhere)[0]
    while j > 0 and (not lines[j - 1] or lines[j - 1].isupper() or _is_heading(lines[j - 1])):
        j -= 1
        if _is_heading(lines[j]):
            start = j
    return start


def parse_header(lines: list[str]) -> Header:
    header = Header()
    for i, line in enumerate(lines):
        if not header.number and (m := _NUMBER_LINE.match(line)):
            header.number = normalize_doc_number(m.group("number"))
        if not header.issued_date:
            # "Hà Nội, ngày 01" / "tháng 12 năm 2025": a date wrapped over two lines
            dated = f"{line} {lines[i + 1]}" if re.search(r"ngày\s+\d{1,2}$", line) and i + 1 < len(lines) else line
            if (m := _DATE_VI.search(dated)) and "," in dated[: m.start() + 1]:
                header.issued_date = _iso_date(m.group(0))
        if not header.issuer:
            for key, name in _ISSUER_HEADERS.items():
                if line == key or line.startswith(key + " ") or line == f"CỦA {key}":
                    header.issuer = name
        if not header.doc_type and line.upper() == line and line.strip(" :") in TYPE_WORDS:
            header.doc_type = TYPE_WORDS[line.strip(" :")]
            header.title = _title_after(lines[i + 1 :], header)
    return header


def _title_after(lines: list[str], header: Header) -> str:
    parts: list[str] = []
    for line in lines:
        if not line:
            if parts:
                continue
            continue
        if re.match(r"^(?:-\s*)?(?:Căn cứ|Theo đề nghị|Thực hiện|Số\b|Ngày ban hành|Hiệu lực)", line) or _is_structure(
            line
        ):
            break
        if m := re.match(r"^CỦA\s+(.+)$", line):
            header.issuer = _ISSUER_HEADERS.get(m.group(1).strip(), header.issuer)
            continue
        if line in parts:  # a title printed twice by the page ("CÁN BỘ, CÔNG CHỨC" / "CÁN BỘ, CÔNG CHỨC")
            continue
        parts.append(line)
    return sentence_case(" ".join(parts).strip(" :"))


# ---------------------------------------------------------------- body


@dataclass
class _Draft:
    number: str
    title_lines: list[str]
    lines: list[str]
    chapter: str
    section: str
    title_open: bool = True


def _paragraphs(lines: list[str]) -> list[str]:
    """Join OCR line breaks: a new paragraph at a marker, or after a sentence end / blank line
    followed by a capital; a line starting in lower case continues the paragraph."""
    paras: list[str] = []
    gap = True
    for line in lines:
        if not line:
            gap = True
            continue
        starts_lower = line[0].islower() and not _MARKER.match(line)
        prev = paras[-1] if paras else ""
        new = (
            not paras
            or bool(_MARKER.match(line))
            or (not starts_lower and (gap or prev.endswith((".", ";", ":", "!", "?", ".”", '."'))))
        )
        if new:
            paras.append(line)
        else:
            paras[-1] = prev[:-1] + line if re.search(r"\w-$", prev) else f"{prev} {line}"
        gap = False
    return paras


def _clean_title(text: str) -> str:
    return _TITLE_TAIL.sub("", text).strip(" ,:;|-")


def _finish(draft: _Draft, *, loose: bool) -> Article:
    body = "\n".join(_paragraphs(draft.lines))
    return Article(
        number=draft.number,
        title=_clean_title(" ".join(draft.title_lines)),
        text=body,
        clauses=split_clauses(body, allow_loose=loose),
        chapter=draft.chapter,
        section=draft.section,
    )


def _heading_title(lines: list[str], start: int, inline: str) -> tuple[str, int]:
    """Title of a chapter / section: the rest of its line, else the capitals that follow."""
    parts = [inline] if inline else []
    i = start
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        if _is_structure(line) or _SECTION.match(line) or not line.isupper() or (parts and inline):
            break
        if line not in parts:
            parts.append(line)
        i += 1
    return " ".join(parts).strip(" :"), i


def _drop_orphan_headings(draft: _Draft | None) -> None:
    """Lines that belong to the next chapter heading but were printed before it (OCR page order)."""
    if draft:
        draft.title_open = False
    while (
        draft
        and draft.lines
        and (
            not draft.lines[-1] or draft.lines[-1].isupper() or re.search(r"\b(?:Mục|Chương)\s*\d*:?$", draft.lines[-1])
        )
    ):
        draft.lines.pop()


def parse_body(lines: list[str], *, loose: bool) -> tuple[list[Article], list[str]]:
    """Articles in order; also the numbers skipped by the sequence (OCR lost a heading)."""
    articles, gaps, _ = _parse_body(lines, loose=loose)
    return articles, gaps


def _parse_body(lines: list[str], *, loose: bool) -> tuple[list[Article], list[str], int]:
    """parse_body, plus the index of the line where the normative text ended."""
    articles: list[Article] = []
    gaps: list[str] = []
    draft: _Draft | None = None
    chapter = section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_end(line):
            break
        m = _ARTICLE.match(line)
        if m and _accept_article(m.group("num"), draft, gaps):
            if draft:
                articles.append(_finish(draft, loose=loose))
            title = m.group("title")
            untitled = title == _NO_TITLE
            draft = _Draft(
                m.group("num"), [title] if title and not untitled else [], [], chapter, section, title_open=not untitled
            )
            i += 1
            continue
        if cm := _chapter(line):
            _drop_orphan_headings(draft)
            title, i = _heading_title(lines, i + 1, cm.group("title"))
            label = f"Chương {cm.group('num')}" if line.lower().startswith("chương") else cm.group("num")
            chapter, section = f"{label}. {title}".strip(". "), ""
            continue
        if sm := _SECTION.match(line):
            _drop_orphan_headings(draft)
            title, i = _heading_title(lines, i + 1, sm.group("title"))
            section = f"Mục {sm.group('num')}. {title}".strip(". ")
            continue
        if draft:
            _add_line(draft, line)
        i += 1
    if draft:
        articles.append(_finish(draft, loose=loose))
    return articles, gaps, i


def _annexes(lines: list[str], *, loose: bool) -> tuple[list[Article], list[str]]:
    """Articles of instruments issued with the document, after its signature ("QUY CHẾ" + "Ban hành kèm theo …").

    Their numbering restarts at Điều 1, so each article number carries the instrument's code ("QC-5" is
    Điều 5 of the Quy chế); appendices and forms (with "Điều 1–3" of a model decision) are not articles.
    """
    articles: list[Article] = []
    gaps: list[str] = []
    i = 0
    while i < len(lines):
        code = ANNEX_CODES.get(lines[i].strip(" :"))
        basis = next((j for j in range(i + 1, min(i + 8, len(lines))) if _ANNEX_BASIS.match(lines[j])), None)
        first = next((j for j in range(i + 1, len(lines)) if _ARTICLE.match(lines[j]) or _is_end(lines[j])), None)
        if not code or basis is None or first is None or not _ARTICLE.match(lines[first]):
            i += 1
            continue
        start = first
        while start > basis + 1 and (
            not lines[start - 1] or lines[start - 1].isupper() or _is_heading(lines[start - 1])
        ):
            start -= 1
        found, missing, stop = _parse_body(lines[start:], loose=loose)
        for art in found:
            art.number = f"{code}-{art.number}"
        articles += found
        gaps += [f"{code}-{n}" for n in missing]
        i = start + max(stop, 1)
    return articles, gaps


_EFFECT = re.compile(
    r"^(?:\d{1,2}\.\s+)?(?:Luật|Pháp lệnh|Nghị định|Nghị quyết|Thông tư(?: liên tịch)?|Quyết định|Quy định|Chỉ thị)"
    r" này có hiệu lực(?: thi hành)?(?: kể)? từ ngày (?P<when>ký|\d{1,2} tháng \d{1,2} năm \d{4})"
)


def stated_effective_date(articles: list[Article], issued_date: str) -> tuple[str, str]:
    """The date the text itself says it takes effect ("… có hiệu lực thi hành từ ngày 01 tháng 7 năm 2025",
    "… có hiệu lực kể từ ngày ký" = its date of issue), and where it says so; ("", "") when it does not."""
    for art in articles:
        if "-" in art.number:  # an annexed instrument's own articles
            continue
        for para in art.text.split("\n"):
            if m := _EFFECT.match(para):
                when = issued_date if m.group("when") == "ký" else _iso_date("ngày " + m.group("when"))
                if when:
                    clause = re.match(r"(\d{1,2})\.", para)
                    where = f"Khoản {clause.group(1)} Điều {art.number}" if clause else f"Điều {art.number}"
                    return when, f"{where}: {m.group(0)}"
    return "", ""


def _issued_from_annex(text: str, number: str) -> str:
    """The date of issue as an appendix or annexed instrument repeats it ("Kèm theo Nghị định số N ngày …")."""
    for m in re.finditer(
        r"[Kk]èm theo [^()]{0,40}?số\s*(?P<num>\S+?)\s*,?\s*(?P<date>ngày \d{1,2} tháng \d{1,2} năm \d{4})", text
    ):
        if normalize_doc_number(m.group("num").rstrip(",")) == number:
            return _iso_date(m.group("date"))
    return ""


def _accept_article(num: str, draft: _Draft | None, gaps: list[str]) -> bool:
    if draft is None:
        return True
    prev, cur = _num(draft.number), _num(num)
    if num[-1].isalpha() and cur == prev:
        return True
    if prev < cur <= prev + 3:
        gaps.extend(str(n) for n in range(prev + 1, cur))
        return True
    return False


def _num(number: str) -> int:
    return int(re.match(r"\d+", number).group(0))  # type: ignore[union-attr]


def _add_line(draft: _Draft, line: str) -> None:
    if draft.title_open:
        if not line:
            return
        if not draft.title_lines or (line[0].islower() and not _MARKER.match(line)):
            draft.title_lines.append(line)
            return
        draft.title_open = False
    draft.lines.append(line)


# ---------------------------------------------------------------- document


def _header_from_meta(meta: dict[str, Any], info: dict[str, str], source_name: str) -> Header:
    h = Header()
    h.number = str(meta.get("so_hieu") or info.get("Số hiệu") or "")
    h.doc_type = _FRONT_TYPES.get(
        str(meta.get("loai_van_ban", "")), str(meta.get("loai_van_ban") or info.get("Loại văn bản") or "")
    )
    h.issuer = str(meta.get("co_quan_ban_hanh") or info.get("Cơ quan ban hành") or info.get("Nơi ban hành") or "")
    h.issued_date = _iso_date(meta.get("ngay_ban_hanh") or info.get("Ngày ban hành") or "")
    h.effective_date = _iso_date(meta.get("ngay_hieu_luc") or info.get("Ngày hiệu lực") or info.get("Hiệu lực") or "")
    h.title = str(meta.get("trich_yeu_ngan") or "")
    for key, raw in (("hieu_luc", meta.get("hieu_luc")), ("Hiệu lực", info.get("Hiệu lực"))):
        status = _STATUS_WORDS.get(str(raw or "").strip().lower())
        if status:
            h.status, h.status_source = status, f"{source_name}: {key}: {raw}"
            break
    for target in meta.get("van_ban_thay_the") or []:
        h.relations.append(
            Relation(
                RelationKind.REPLACES, normalize_doc_number(str(target)), f"{source_name}: van_ban_thay_the: {target}"
            )
        )
    return h


def parse_legal_text(text: str, *, source_name: str = "", number: str = "") -> Document:
    """A Document from the text of one legal document; raises DocumentParseError without articles."""
    text = normalize_text(text)
    meta, text = split_front_matter(text)
    info, text = _info_block(text)
    lines = clean_lines(prepare_markup(text))
    start = _split_preamble(lines)
    from_text = parse_header(lines[:start])
    from_meta = _header_from_meta(meta, info, source_name)
    articles, gaps, stop = _parse_body(lines[start:], loose=True)
    annexed, annex_gaps = _annexes(lines[start + stop :], loose=True)
    articles, gaps = articles + annexed, gaps + annex_gaps
    if not articles:
        raise DocumentParseError("Không nhận ra điều khoản nào trong văn bản.")
    number = normalize_doc_number(number or from_meta.number) if (number or from_meta.number) else from_text.number
    if not number:
        raise DocumentParseError("Không tìm thấy số hiệu văn bản (dòng 'Số: …'); hãy nhập số hiệu khi tải lên.")
    provenance = {"source_file": source_name} if source_name else {}
    if gaps:
        provenance["articles_not_found"] = ", ".join(gaps)
    issued = from_meta.issued_date or from_text.issued_date or _issued_from_annex(text, number)
    effective = from_meta.effective_date
    if not effective:
        effective, where = stated_effective_date(articles, issued)
        if where:
            provenance["effective_date_source"] = where
    return Document(
        number=number,
        doc_type=from_text.doc_type or from_meta.doc_type or doc_type_from_number(number),
        title=from_text.title or from_meta.title,
        issuer=from_meta.issuer or from_text.issuer or issuer_from_number(number),
        issued_date=issued,
        effective_date=effective,
        status=from_meta.status,
        status_source=from_meta.status_source,
        completeness=Completeness.FULL,
        provenance=provenance,
        relations=from_meta.relations,
        articles=articles,
    )
