"""Telegram HTML for answers, statuses and articles, cut into messages within Telegram's 4,096-character limit.

Everything that comes from the API is escaped here (parse_mode HTML). A message is built from blocks — one quote
with its citation, one group of status lines, one paragraph — each well-formed on its own. `pack` joins whole
blocks into messages, so a «…» quote is never cut while it fits in one message. Only a block longer than a whole
message is cut, at a line or sentence boundary, never inside a tag or an entity; the tags and the quote open at
the cut are closed at the end of one part and reopened at the start of the next, with a visible "(còn tiếp)".
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bots.telegram.client import Answer, Article, Quote
from bots.telegram.personal import personal_blocks

LIMIT = 4096  # Telegram: 1-4096 characters per message (counted here in UTF-16 units, on the raw HTML)
OPEN_QUOTE, CLOSE_QUOTE = "«", "»"
CONTINUED = "\n<i>(còn tiếp)</i>"
CONTINUATION = "<i>(tiếp theo)</i>\n"
PENDING = ("missing", "overdue", "in_progress")


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def vn_date(iso: str | None) -> str:
    """'2024-09-16' → '16/09/2024'; anything else unchanged."""
    if iso and re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso[:10]):
        y, m, d = iso[:10].split("-")
        return f"{d}/{m}/{y}"
    return iso or ""


# ----------------------------------------------------------------------------------------------- content


def quote_block(q: Quote, lead: str = "Theo", *, notes: bool = True, warning: bool = True) -> str:
    """One quote; `notes=False` for a further quote of a document whose notes were already shown, `warning=False`
    when the document's validity warning already leads the answer (the other notes stay under the quote)."""
    badge = f" [{escape(q.badge)}]" if q.badge else ""
    block = f"{lead} <b>{escape(q.citation)}</b>{badge}:\n{OPEN_QUOTE}{escape(q.text)}{CLOSE_QUOTE}"
    shown = [n for n in q.notes if warning or n != q.warning] if notes else []
    if shown:
        block += f"\n<i>⚠️ Lưu ý: {escape(' '.join(shown))}</i>"
    return block


def warnings_block(quotes: Sequence[Quote]) -> str | None:
    """The validity warnings of the quoted documents not (or maybe not) in force, one per document: the answer's
    first block, before any quote."""
    seen: set[str] = set()
    lines = []
    for q in quotes:
        key = q.doc_number or q.unit_id
        if q.warning and key not in seen:
            seen.add(key)
            lines.append(f"⚠️ <b>{escape(q.warning)}</b>")
    return "\n".join(lines) if lines else None


def status_line(s: Mapping[str, Any]) -> str:
    """'• Quá hạn: <title> — hạn 16/09/2024' and, below, the reason and its legal basis."""
    line = f"• <b>{escape(str(s.get('status_label', '')))}</b>: {escape(str(s.get('title', '')))}"
    if s.get("due_date"):
        line += f" — hạn {vn_date(s['due_date'])}"
    progress = s.get("progress")
    if progress and len(progress) == 2:
        line += f" ({progress[0]}/{progress[1]})"
    why = "; ".join(p for p in (str(s.get("detail") or ""), _basis(s)) if p)
    return line + (f"\n   <i>{escape(why)}</i>" if why else "")


def _basis(s: Mapping[str, Any]) -> str:
    return f"căn cứ {s['citation']}" if s.get("citation") else ""


def answer_blocks(answer: Answer, *, link_hint: bool = False) -> list[str]:
    """The quotes (or the abstention), then — for a linked cadre — their statuses, then the one-time link hint."""
    if answer.abstained or not answer.quotes:
        blocks = [escape(answer.text)]
    else:
        firsts = {q.doc_number or q.unit_id: i for i, q in reversed(list(enumerate(answer.quotes)))}
        warnings = warnings_block(answer.quotes)
        blocks = [warnings] if warnings else []
        blocks += [
            quote_block(
                q, "Theo" if i == 0 else "Ngoài ra, theo", notes=firsts[q.doc_number or q.unit_id] == i, warning=False
            )
            for i, q in enumerate(answer.quotes)
        ]
    if answer.linked and answer.personal:
        blocks += personal_blocks(answer.personal, heading="📋 <b>Tình trạng đào tạo liên quan đến câu hỏi</b>")
    elif answer.linked:
        blocks.append(personal_block(answer))
    if link_hint:
        blocks.append(LINK_HINT)
    return blocks


def personal_block(answer: Answer) -> str:
    shown = [s for s in answer.statuses if s.get("status") != "not_applicable"]
    if shown:
        return "📋 <b>Tình trạng đào tạo của anh/chị liên quan đến câu hỏi</b>\n" + "\n".join(map(status_line, shown))
    if answer.status_summary:
        return f"📋 {escape(answer.status_summary)}"
    return NOTHING_RELEVANT


NOTHING_RELEVANT = (
    "📋 Hồ sơ của anh/chị không có yêu cầu đào tạo nào liên quan trực tiếp đến câu hỏi này. Gõ /status để xem toàn bộ."
)
LINK_HINT = (
    "<i>ℹ️ Tài khoản Telegram này chưa liên kết với hồ sơ cán bộ nên câu trả lời không kèm tình trạng đào tạo "
    "của anh/chị. Để liên kết, gửi /link kèm mã do bộ phận tổ chức cán bộ cấp.</i>"
)


def status_blocks(report: Mapping[str, Any]) -> list[str]:
    """/status: who, then requirements, enrollments and pending deadlines — one block each."""
    cadre = report.get("cadre", {})
    who = f"📋 <b>Tình trạng đào tạo, bồi dưỡng</b> (tính đến {vn_date(report.get('as_of'))})\n"
    who += f"<b>{escape(cadre.get('full_name', ''))}</b> ({escape(cadre.get('code', ''))})"
    role = ", ".join(x for x in (cadre.get("kind_label"), cadre.get("title_name") or cadre.get("position")) if x)
    if role:
        who += f" — {escape(role)}"
    if cadre.get("unit_name"):
        who += f"\n{escape(cadre['unit_name'])}"
    statuses = [s for s in report.get("statuses", []) if s.get("status") != "not_applicable"]
    requirements = "<b>Các yêu cầu</b>\n" + (
        "\n".join(map(status_line, statuses)) if statuses else "Chưa có yêu cầu nào trong bộ quy tắc áp dụng."
    )
    if report.get("personal"):  # the worded view: requirement, record, gap and next step for each
        return [
            who,
            *personal_blocks(report["personal"], heading="<b>Các yêu cầu</b>"),
            _enrollments_block(report.get("enrollments", [])),
            _deadlines_block(statuses),
        ]
    return [who, requirements, _enrollments_block(report.get("enrollments", [])), _deadlines_block(statuses)]


def _enrollments_block(enrollments: Sequence[Mapping[str, Any]]) -> str:
    if not enrollments:
        return "<b>Khóa học đã ghi danh</b>\nChưa có khóa học nào."
    lines = []
    for e in enrollments:
        dates = " – ".join(vn_date(d) for d in (e.get("start_date"), e.get("end_date")) if d)
        course = e.get("course_name") or e.get("course_code", "")
        line = f"• <b>{escape(e.get('status_label', ''))}</b>: {escape(course)}"
        lines.append(line + (f" ({dates})" if dates else ""))
    return "<b>Khóa học đã ghi danh</b>\n" + "\n".join(lines)


def _deadlines_block(statuses: Sequence[Mapping[str, Any]]) -> str:
    due = sorted((s for s in statuses if s.get("due_date") and s.get("status") in PENDING), key=lambda s: s["due_date"])
    if not due:
        return "<b>Thời hạn</b>\nKhông có thời hạn nào đang chờ."
    lines = [
        f"• {vn_date(s['due_date'])}: {escape(s.get('title', ''))} ({escape(s.get('status_label', ''))})" for s in due
    ]
    return "<b>Thời hạn</b>\n" + "\n".join(lines)


def article_blocks(article: Article) -> list[str]:
    head = f"📖 <b>{escape(article.heading or article.citation)}</b>\n{escape(article.doc_name)}"
    if article.status_label:
        head += f" — {escape(article.status_label)}"
    blocks = [head, f"{OPEN_QUOTE}{escape(article.text)}{CLOSE_QUOTE}"]
    if article.notes:
        blocks.append(f"<i>⚠️ Lưu ý: {escape(' '.join(article.notes))}</i>")
    return blocks


def quoted_only_blocks(citation: str, quotes: Iterable[Quote]) -> list[str]:
    """While the API has no full-article endpoint: what the answer quoted from that article, said plainly."""
    blocks = [f"📖 <b>{escape(citation)}</b>"]
    blocks += [quote_block(q, "Trích") for q in quotes]
    blocks.append("<i>Hiện bot chưa hiển thị được toàn văn điều này; trên đây là phần được trích khi trả lời.</i>")
    return blocks


# ----------------------------------------------------------------------------------------------- splitting


def pack(blocks: Iterable[str], limit: int = LIMIT, sep: str = "\n\n") -> list[str]:
    """Join whole blocks into as few messages as fit; a block is cut only when it alone exceeds the limit."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        room = limit - tg_len(current) - tg_len(sep) if current else limit
        first = room if tg_len(block) > limit and room >= limit // 4 else limit  # a cut block fills the message
        for piece in split_block(block, limit, first=first):
            joined = f"{current}{sep}{piece}" if current else piece
            if tg_len(joined) <= limit:
                current = joined
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


# A tag, an entity, or one character of text: the units a cut may fall between.
_TOKEN = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>|&#?\w+;|[^<&]", re.S)
_SENTENCE_END = frozenset(".;:!?")


@dataclass(frozen=True)
class _Cut:
    pos: int  # index in the block right after a text character
    width: int  # Telegram length of block[:pos]
    rank: int  # 3: after a line break, 2: after a sentence end and a space, 1: after a space, 0: anywhere
    open: tuple[str, ...]  # tags (and «) open at pos, outermost first


def split_block(block: str, limit: int = LIMIT, *, first: int | None = None) -> list[str]:
    """Cut one well-formed block into parts of at most `limit` (the first at most `first`), each well-formed."""
    if tg_len(block) <= (first or limit):
        return [block]
    cuts = _cuts(block)
    total = tg_len(block)
    parts: list[str] = []
    start = _Cut(0, 0, 3, ())
    while True:
        budget = limit if parts else (first or limit)
        prefix = _reopen(start.open)
        if tg_len(prefix) + total - start.width <= budget:
            parts.append(prefix + block[start.pos :])
            return parts
        cut = _best_cut(cuts, start, tg_len(prefix), budget)
        parts.append(prefix + block[start.pos : cut.pos].rstrip() + _close(cut.open))
        start = cut


def _cuts(block: str) -> list[_Cut]:
    cuts: list[_Cut] = []
    open_: tuple[str, ...] = ()
    width, previous = 0, ""
    for m in _TOKEN.finditer(block):
        token = m.group(0)
        width += tg_len(token)
        if m.group(2):  # a tag: track nesting, never cut inside it
            open_ = open_[:-1] if m.group(1) else (*open_, token)
            continue
        if token == OPEN_QUOTE:
            open_ = (*open_, OPEN_QUOTE)
        elif token == CLOSE_QUOTE and OPEN_QUOTE in open_:
            open_ = open_[: len(open_) - 1 - open_[::-1].index(OPEN_QUOTE)]
        cuts.append(_Cut(m.end(), width, _rank(token, previous), open_))
        previous = token
    return cuts


def _rank(token: str, previous: str) -> int:
    if token == "\n":
        return 3
    if token.isspace():
        return 2 if previous in _SENTENCE_END else 1
    return 0


def _best_cut(cuts: Sequence[_Cut], start: _Cut, prefix_width: int, limit: int) -> _Cut:
    """The furthest cut of the best rank that fits; a good boundary wins only if the part is at least a third full."""
    best: tuple[int, int] | None = None
    chosen: _Cut | None = None
    for cut in cuts:
        if cut.pos <= start.pos:
            continue
        used = cut.width - start.width
        if prefix_width + used + tg_len(_close(cut.open)) > limit:
            if used > limit:
                break
            continue
        key = (cut.rank if used >= limit // 3 else -1, cut.pos)
        if best is None or key > best:
            best, chosen = key, cut
    if chosen is None:
        raise ValueError("limit too small to make progress")
    return chosen


def _tag_name(tag: str) -> str:
    return re.match(r"<([a-zA-Z-]+)", tag).group(1)  # type: ignore[union-attr]


def _close(open_: tuple[str, ...]) -> str:
    closing = "".join(CLOSE_QUOTE if t == OPEN_QUOTE else f"</{_tag_name(t)}>" for t in reversed(open_))
    return closing + (CONTINUED if OPEN_QUOTE in open_ else "")


def _reopen(open_: tuple[str, ...]) -> str:
    return (CONTINUATION if OPEN_QUOTE in open_ else "") + "".join(open_)
