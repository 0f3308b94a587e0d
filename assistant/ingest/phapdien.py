"""Importer for a Bộ Pháp điển topic (đề mục) mirrored as markdown.

A topic interleaves articles of many source documents. Each codified article carries an origin note
naming its source document and article; that note, not the topic's order, decides which document an
article belongs to. The topic's own chapters (Chương / Mục / Tiểu mục) are kept on the articles
that follow them. The closing "Danh sách điều khoản" is a table of contents (headings only): it only
contributes the long codification ids, never articles.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from assistant.domain import Article, Completeness, DocStatus, Document, Relation, RelationKind
from assistant.errors import DocumentParseError
from assistant.ingest.structure import split_clauses
from assistant.text import normalize_doc_number, normalize_text, strip_markdown_links

TOC_MARKER = "## Danh sách điều khoản"
DOC_TYPES = (
    "Thông tư liên tịch",
    "Nghị quyết liên tịch",
    "Nghị định",
    "Thông tư",
    "Quyết định",
    "Nghị quyết",
    "Luật",
    "Pháp lệnh",
)
_TYPES = "|".join(DOC_TYPES)
_NUMBER = r"\d{1,4}\s*/\s*\d{4}\s*/\s*[A-ZĐÐ][A-ZĐÐa-zđ0-9]*(?:\s*[-_–]\s*[A-ZĐÐ][A-ZĐÐa-zđ0-9]*)*"
_CODIFICATION_ID = r"\d+\.\d+\.[A-ZĐ]+\.\d+(?:\.\d+)*[a-zđ]?"

# A heading may be glued to the end of the previous paragraph ("…cá nhân.Điều 5.2.TT.35.4. …");
# what makes it a heading is the origin note on the next non-blank line.
_ARTICLE = re.compile(
    rf"Điều (?P<cid>{_CODIFICATION_ID})\.?[ \t]*(?P<title>[^\n]*)\n[ \t]*\n?[ \t]*"
    rf"(?P<origin>\(Điều (?P<art>\d+[a-zđ]?) (?P<type>{_TYPES}) số\s*(?P<number>{_NUMBER}))"
)
_EFFECT = re.compile(r"có hiệu lực thi hành kể từ ngày (\d{2})/(\d{2})/(\d{4})")
_ISSUED = re.compile(r"\sngày (\d{2})/(\d{2})/(\d{4}) của (?P<issuer>.+?)(?:,\s*có hiệu lực|\)?$)")
_CHANGE = re.compile(
    rf"(?P<what>(?:(?:có nội dung )?(?:được sửa đổi|được bổ sung|bị bãi bỏ)(?:, )?)+) bởi (?P<where>[^()]*?)"
    rf"(?P<type>{_TYPES}) số\s*(?P<number>{_NUMBER})"
)
_CROSS_REF = "(Điều này có nội dung liên quan đến"
_STRUCTURE = re.compile(r"^(?P<label>(?:Chương [IVXLC]+|Mục \d+|Tiểu mục \d+))$")
_GLUED_STRUCTURE = re.compile(r"^(?P<before>.*\S)(?P<label>Chương [IVXLC]+|Mục \d+|Tiểu mục \d+)$")
_TOC_ENTRY = re.compile(rf"^### (?P<long>\d{{10,}})\n+Điều (?P<cid>{_CODIFICATION_ID})\.", re.M)

# Issuers implied by the number's issuer code, for documents whose notes never name the issuer.
ISSUER_CODES = {
    "CP": "Chính phủ",
    "TTG": "Thủ tướng Chính phủ",
    "BNV": "Bộ Nội vụ",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BYT": "Bộ Y tế",
    "BTC": "Bộ Tài chính",
    "BTP": "Bộ Tư pháp",
    "BCT": "Bộ Công Thương",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BGTVT": "Bộ Giao thông vận tải",
    "BXD": "Bộ Xây dựng",
    "NHNN": "Ngân hàng Nhà nước Việt Nam",
}


@dataclass
class _Codified:
    """One article as it sits in the topic, before grouping by source document."""

    cid: str
    title: str
    origin: str
    art: str
    doc_type: str
    number: str
    body: str
    chapter: str
    section: str
    related: list[str] = field(default_factory=list)


def _iso(m: re.Match[str]) -> str:
    return f"{m.group(3)}-{m.group(2)}-{m.group(1)}"


def canonical_number(raw: str) -> str:
    return normalize_doc_number(raw.replace("Ð", "Đ"))


def _note_end(text: str, start: int) -> int:
    """End of the parenthesised note opening at `start`; notes may wrap lines or lack their ')'."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        elif text.startswith("\n\n", i):
            return i
    return len(text)


def _extract_cross_refs(body: str) -> tuple[str, list[str]]:
    """Remove '(Điều này có nội dung liên quan đến …)' notes, which may be glued to a paragraph."""
    related: list[str] = []
    while (start := body.find(_CROSS_REF)) >= 0:
        end = _note_end(body, start)
        inner = body[start + len(_CROSS_REF) : end].strip().removesuffix(")")
        related += [ref.strip() for ref in re.split(r";\s*(?=Điều \d)", inner) if ref.strip()]
        body = body[:start].rstrip(" ") + body[end:]
    return body, related


def _split_structure(body: str) -> tuple[str, list[tuple[str, str]]]:
    """Peel the topic headings (Chương / Mục / Tiểu mục + title line) off the end of a body."""
    paras = [p for p in body.split("\n") if p.strip()]
    headings: list[tuple[str, str]] = []
    while len(paras) >= 2 and paras[-1].upper() == paras[-1]:
        if _STRUCTURE.match(paras[-2]):
            headings.insert(0, (paras[-2], paras[-1]))
            paras = paras[:-2]
        elif glued := _GLUED_STRUCTURE.match(paras[-2]):  # "…viên chức.Mục 4"
            headings.insert(0, (glued.group("label"), paras[-1]))
            paras = [*paras[:-2], glued.group("before")]
        else:
            break
    return "\n".join(paras), headings


def _clean_body(body: str) -> str:
    body = strip_markdown_links(body.replace("**", ""))
    return normalize_text(body).replace("\n\n", "\n")


def _apply_headings(headings: list[tuple[str, str]], state: dict[str, str]) -> None:
    for label, title in headings:
        name = f"{label}. {title}"
        if label.startswith("Chương"):
            state.update(chapter=name, section="", subsection="")
        elif label.startswith("Mục"):
            state.update(section=name, subsection="")
        else:
            state["subsection"] = name


def _section(state: dict[str, str]) -> str:
    return " — ".join(s for s in (state["section"], state["subsection"]) if s)


def split_topic(text: str) -> list[_Codified]:
    """Every codified article of the topic body, in topic order, with its topic chapter."""
    text = normalize_text(text)
    body_text = text.split(TOC_MARKER, 1)[0]
    matches = list(_ARTICLE.finditer(body_text))
    if not matches:
        raise DocumentParseError("Không tìm thấy điều khoản pháp điển nào (thiếu ghi chú nguồn '(Điều … số …)').")
    state = {"chapter": "", "section": "", "subsection": ""}
    _, first_headings = _split_structure(body_text[: matches[0].start()])
    _apply_headings(first_headings, state)
    articles: list[_Codified] = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body_text)
        origin_end = _note_end(body_text, m.start("origin"))
        raw_body, related = _extract_cross_refs(body_text[origin_end:end])
        raw_body, headings = _split_structure(raw_body)
        articles.append(
            _Codified(
                cid=m.group("cid"),
                title=m.group("title").strip().replace("**", ""),
                origin=" ".join(body_text[m.start("origin") : origin_end].split()),
                art=m.group("art"),
                doc_type=m.group("type"),
                number=canonical_number(m.group("number")),
                body=_clean_body(raw_body),
                chapter=state["chapter"],
                section=_section(state),
                related=related,
            )
        )
        _apply_headings(headings, state)
    return articles


def toc_long_ids(text: str) -> dict[str, str]:
    """Codification id → long id from the closing table of contents."""
    _, _, toc = normalize_text(text).partition(TOC_MARKER)
    return {m.group("cid"): m.group("long") for m in _TOC_ENTRY.finditer(toc)}


def _article_sort_key(number: str) -> tuple[int, str]:
    m = re.match(r"(\d+)(.*)", number)
    return (int(m.group(1)), m.group(2)) if m else (10**6, number)


def _doc_title(doc_type: str, stated: str) -> str:
    """The trích yếu as the note states it (first letter capitalised); a law is named 'Luật …'."""
    if doc_type == "Luật" and stated:
        return stated if stated.startswith("Luật") else f"Luật {stated}"
    return stated[:1].upper() + stated[1:]


_NOTE_NUMBER = re.compile(rf"(?:{_TYPES}) số\s*{_NUMBER}")


def _described_by(notes: list[str]) -> tuple[str, str, str]:
    """(title, issued ISO date, issuer) from the first origin note that names them."""
    for note in notes:
        head = note.split(", có hiệu lực", 1)[0]
        m = _NOTE_NUMBER.search(head)
        issued = list(_ISSUED.finditer(head + ")"))
        if not m or not issued:
            continue
        last = issued[-1]
        title = head[m.end() : last.start()].strip()
        issuer = last.group("issuer").strip().rstrip(")").replace("Ð", "Đ")
        return title, _iso(last), issuer
    return "", "", ""


def _issuer_from_code(number: str) -> str:
    if re.search(r"/QH\d+$", number):
        return "Quốc hội"
    codes = number.split("/")[-1].split("-")[1:]
    names = [ISSUER_CODES[c.upper()] for c in codes if c.upper() in ISSUER_CODES]
    return " và ".join(names)


def _relations(notes: list[str]) -> list[Relation]:
    found: dict[str, Relation] = {}
    for note in notes:
        for m in _CHANGE.finditer(note):
            target = canonical_number(m.group("number"))
            if target not in found:
                found[target] = Relation(kind=RelationKind.AMENDED_BY, target=target, note=note.strip("()"))
    return sorted(found.values(), key=lambda r: r.target)


def _to_article(c: _Codified) -> Article:
    effect = c.origin.find("có hiệu lực")
    return Article(
        number=c.art,
        title=c.title,
        text=c.body,
        clauses=split_clauses(c.body),
        chapter=c.chapter,
        section=c.section,
        codification_id=c.cid,
        effective_note=c.origin[effect:].rstrip(")") if effect >= 0 else "",
        related=c.related,
    )


def build_documents(
    codified: list[_Codified], *, topic: str, lastedit: str, long_ids: dict[str, str], topic_law_title: str = ""
) -> list[Document]:
    groups: dict[str, list[_Codified]] = {}
    for c in codified:
        groups.setdefault(c.number, []).append(c)
    docs = []
    for number, items in groups.items():
        notes = [c.origin for c in items]
        title, issued, issuer = _described_by(notes)
        if not title and topic_law_title and any(".LQ." in c.cid for c in items):
            title = topic_law_title  # the topic's own law ("LQ") is named after the topic
        effects = Counter(_iso(m) for n in notes if (m := _EFFECT.search(n)))
        articles: dict[str, Article] = {}
        duplicates = []
        for c in items:
            if c.art in articles:
                duplicates.append(c.cid)
                continue
            articles[c.art] = _to_article(c)
        doc_type = Counter(c.doc_type for c in items).most_common(1)[0][0]
        provenance = {
            "source": f"Bộ Pháp điển, đề mục {topic}",
            "source_lastedit": lastedit,
            "codification_ids": "; ".join(f"{c.cid}={long_ids[c.cid]}" if c.cid in long_ids else c.cid for c in items),
        }
        if duplicates:
            provenance["duplicate_codified_articles_skipped"] = "; ".join(duplicates)
        docs.append(
            Document(
                number=number,
                doc_type=doc_type,
                title=_doc_title(doc_type, title),
                issuer=issuer or _issuer_from_code(number),
                issued_date=issued,
                effective_date=effects.most_common(1)[0][0] if effects else "",
                status=DocStatus.IN_FORCE,
                status_source=(
                    f"Bộ Pháp điển, đề mục {topic} (bản cập nhật {lastedit}) pháp điển các điều của văn bản này "
                    "như quy phạm đang có hiệu lực tại thời điểm đó."
                ),
                completeness=Completeness.CODIFIED,
                completeness_note=(
                    f"Chỉ gồm {len(articles)} điều được pháp điển vào đề mục {topic}; "
                    "các điều khác của văn bản không có trong kho."
                ),
                provenance=provenance,
                relations=_relations(notes),
                articles=sorted(articles.values(), key=lambda a: _article_sort_key(a.number)),
            )
        )
    return sorted(docs, key=lambda d: d.number)


def _front_matter(text: str) -> dict[str, str]:
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if not m:
        return {}
    pairs = (line.split(":", 1) for line in m.group(1).splitlines() if ":" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def parse_phapdien(text: str) -> list[Document]:
    """Documents (one per source document) from a Pháp điển topic file."""
    meta = _front_matter(text.replace("\r\n", "\n"))
    heading = re.search(r"^# (.+)$", text, re.M)
    topic_title = meta.get("title") or (heading.group(1).strip() if heading else "")
    codified = split_topic(text)
    topic_code = codified[0].cid.split(".")[0] + "." + codified[0].cid.split(".")[1]
    topic = f'{topic_code} "{topic_title}"' if topic_title else topic_code
    return build_documents(
        codified,
        topic=topic,
        lastedit=meta.get("lastedit", ""),
        long_ids=toc_long_ids(text),
        topic_law_title=f"Luật {topic_title}" if topic_title else "",
    )


def looks_like_phapdien(text: str) -> bool:
    return bool(_ARTICLE.search(text[:200_000]))
