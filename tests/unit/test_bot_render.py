"""Telegram rendering: HTML escaping, and cutting into ≤ 4,096-character messages without breaking a quote."""

from __future__ import annotations

import json
import random
import re

import pytest

from bots.telegram import render
from bots.telegram.client import Answer, Article, Quote
from bots.telegram.handlers import answer_keyboard, article_citation
from bots.telegram.limits import RateLimiter
from tests.conftest import CORPUS_DOCS
from tests.e2e.bot_api_emulator import parse_html  # Telegram's HTML rules, as the emulator enforces them


def longest_article() -> tuple[str, str]:
    doc = json.loads((CORPUS_DOCS / "115-2020-nd-cp.json").read_text(encoding="utf-8"))
    article = max(doc["articles"], key=lambda a: len(a["text"]))
    return f"Điều {article['number']}. {article['title']}", article["text"]


def quoted_text(parts: list[str]) -> str:
    """The text inside «…» across parts, as Telegram shows it, with the continuation markers removed."""
    inside = " ".join(" ".join(re.findall(r"«(.*?)»", parse_html(p)[0], re.S)) for p in parts)
    return re.sub(r"\s+", " ", inside).strip()


def well_formed(part: str, limit: int = render.LIMIT) -> str:
    assert render.tg_len(part) <= limit
    text, _ = parse_html(part)  # raises on an unbalanced tag or a bare < > &
    assert text.count("«") == text.count("»")
    return text


LAW = "Luật Viên chức số 58/2010/QH12"
QUOTE = Quote("58-2010-qh12:d33:k1", f"Khoản 1 Điều 33 {LAW}", "Viên chức <b> & đào tạo", "58/2010/QH12")


def test_everything_from_the_api_is_escaped() -> None:
    answer = Answer("q", "", False, "t1", quotes=(QUOTE,))
    [message] = render.pack(render.answer_blocks(answer))
    assert "&lt;b&gt; &amp; đào tạo" in message
    assert "«Viên chức <b> & đào tạo»" in well_formed(message)


def test_blocks_are_joined_and_never_split_when_each_fits() -> None:
    quotes = [Quote(f"x:d{i}", f"Điều {i} Luật X", f"Câu văn số {i}. " * 60) for i in range(8)]
    answer = Answer("q", "", False, "t1", quotes=tuple(quotes))
    messages = render.pack(render.answer_blocks(answer))
    assert len(messages) > 1
    for m in messages:
        text = well_formed(m)
        assert "(còn tiếp)" not in text
    for q in quotes:  # each quote whole in exactly one message
        assert sum(f"«{q.text}»" in parse_html(m)[0] for m in messages) == 1


def test_a_quote_longer_than_a_message_is_cut_at_sentences_with_the_quote_closed_and_reopened() -> None:
    heading, text = longest_article()
    assert len(text) > 2 * render.LIMIT
    parts = render.pack(render.article_blocks(Article("u", "Điều 46", heading, text, "Nghị định 115/2020/NĐ-CP")))
    assert len(parts) >= 3 and parts[0].startswith("📖") and "«" in parts[0]  # the cut quote fills the first message
    for i, part in enumerate(parts):
        shown = well_formed(part)
        if i < len(parts) - 1:
            assert shown.endswith("»\n(còn tiếp)")
            assert shown[: shown.rindex("»")].rstrip()[-1] in ".;:!?"  # a clause or sentence ends there
        if i > 0:
            assert shown.startswith("(tiếp theo)\n«")
    assert quoted_text(parts) == re.sub(r"\s+", " ", text).strip()


def test_open_tags_are_closed_and_reopened_and_entities_never_cut() -> None:
    block = "<b>" + "Một &amp; hai &lt;ba&gt; bốn. " * 40 + "</b>"
    parts = render.split_block(block, limit=300)
    assert len(parts) > 3
    for part in parts:
        well_formed(part, 300)
        assert part.startswith("<b>") and part.endswith("</b>")
    assert "".join(parse_html(p)[0] for p in parts).replace(" ", "") == parse_html(block)[0].replace(" ", "")


@pytest.mark.parametrize("seed", range(25))
def test_random_blocks_always_split_into_valid_parts(seed: int) -> None:
    rng = random.Random(seed)
    words = ["viên", "chức", "đào", "tạo.", "bồi", "dưỡng;", "&amp;", "&lt;", "👍", "\n", "Điều", "33:"]
    body = " ".join(rng.choice(words) for _ in range(rng.randint(50, 800)))
    block = f"<i>Theo</i> <b>Điều 1</b>:\n«{body}»\n<i>Lưu ý: {rng.choice(words)}</i>"
    limit = rng.randint(120, 600)
    parts = render.split_block(block, limit)
    for part in parts:
        well_formed(part, limit)
    assert quoted_text(parts) == re.sub(r"\s+", " ", parse_html(f"«{body}»")[0][1:-1]).strip()


def test_length_is_counted_as_telegram_counts_it() -> None:
    assert render.tg_len("👍") == 2 and render.tg_len("đào tạo") == 7
    parts = render.split_block("«" + "👍 " * 3000 + "»")  # 9,000 UTF-16 units
    assert all(render.tg_len(p) <= render.LIMIT for p in parts) and len(parts) == 3


def test_linked_answer_lists_statuses_and_unlinked_gets_the_hint() -> None:
    status = {
        "status": "overdue",
        "status_label": "Quá hạn",
        "title": "Bồi dưỡng trước khi bổ nhiệm",
        "due_date": "2024-09-16",
        "detail": "đã quá hạn ngày 16/09/2024",
        "citation": "Khoản 1 Điều 33 Luật Viên chức số 58/2010/QH12",
    }
    skipped = {**status, "status": "not_applicable", "title": "Không liên quan"}
    linked = Answer("q", "", False, "t", (QUOTE,), cadre_code="DEMO-1", statuses=(status, skipped))
    text = parse_html("\n\n".join(render.answer_blocks(linked)))[0]
    assert "Quá hạn: Bồi dưỡng trước khi bổ nhiệm — hạn 16/09/2024" in text
    assert "căn cứ Khoản 1 Điều 33" in text and "Không liên quan" not in text and "chưa liên kết" not in text
    unlinked = Answer("q", "", False, "t", (QUOTE,))
    assert "chưa liên kết" in parse_html("\n\n".join(render.answer_blocks(unlinked, link_hint=True)))[0]
    assert "📋" not in "".join(render.answer_blocks(unlinked))
    abstained = Answer("q", "Chưa tìm thấy quy định <phù hợp>.", True, "t")
    assert render.answer_blocks(abstained) == ["Chưa tìm thấy quy định &lt;phù hợp&gt;."]


def test_status_report_shows_requirements_enrollments_and_deadlines() -> None:
    report = {
        "cadre": {"code": "DEMO-1", "full_name": "Vũ Hồng Hà", "kind_label": "Viên chức", "unit_name": "Trường A"},
        "as_of": "2025-09-01",
        "statuses": [
            {"status": "missing", "status_label": "Còn thiếu", "title": "Chứng chỉ B", "due_date": "2026-01-31"},
            {"status": "met", "status_label": "Đã đáp ứng", "title": "Chứng chỉ A", "due_date": None},
        ],
        "enrollments": [
            {"course_name": "Khóa QLNN", "status_label": "Đang học", "start_date": "2025-06-05", "end_date": None}
        ],
    }
    text = parse_html("\n\n".join(render.status_blocks(report)))[0]
    assert "tính đến 01/09/2025" in text and "Vũ Hồng Hà (DEMO-1) — Viên chức" in text
    assert "Còn thiếu: Chứng chỉ B — hạn 31/01/2026" in text and "Đã đáp ứng: Chứng chỉ A" in text
    assert "Đang học: Khóa QLNN (05/06/2025)" in text and "31/01/2026: Chứng chỉ B (Còn thiếu)" in text


def test_keyboard_has_one_button_per_article_and_short_callback_data() -> None:
    quotes = (
        QUOTE,
        Quote("58-2010-qh12:d33:k3:a", "Điểm a Khoản 3 Điều 33 Luật Viên chức số 58/2010/QH12", "b"),
        Quote("115-2020-nd-cp:d46", "Điều 46 Nghị định số 115/2020/NĐ-CP", "c"),
    )
    keyboard = answer_keyboard(Answer("q", "", False, "0123456789abcdef0123456789abcdef", quotes))
    rows = keyboard.inline_keyboard
    assert [b.callback_data for b in rows[0] + rows[1]] == ["u:58-2010-qh12:d33", "u:115-2020-nd-cp:d46"]
    assert rows[0][0].text == "📖 Toàn văn Điều 33 Luật Viên chức số 58/2010/QH12"
    assert [b.text for b in rows[-1]] == ["👍 Hữu ích", "👎 Chưa đúng"]
    assert all(len(str(b.callback_data).encode()) <= 64 for row in rows for b in row)
    assert article_citation(quotes[1]) == "Điều 33 Luật Viên chức số 58/2010/QH12"
    single = answer_keyboard(Answer("q", "", False, "t", (QUOTE,)))
    assert single.inline_keyboard[0][0].text == "📖 Xem toàn văn điều khoản"


def test_token_bucket_limits_each_user_separately() -> None:
    now = [0.0]
    limiter = RateLimiter(3, clock=lambda: now[0])
    assert [limiter.acquire(1) for _ in range(3)] == [0, 0, 0]
    assert limiter.acquire(1) == pytest.approx(20.0)  # one token every 20 s
    assert limiter.acquire(2) == 0  # someone else is not affected
    now[0] = 20.0
    assert limiter.acquire(1) == 0 and limiter.acquire(1) > 0


def test_the_validity_warning_leads_the_answer_once_per_document_and_other_notes_stay_under_the_quote() -> None:
    warning = (
        "Luật Viên chức số 58/2010/QH12 đã hết hiệu lực từ ngày 01/7/2026, được thay thế bởi Luật số 129/2025/QH15."
    )
    amended = "Văn bản này đã được sửa đổi, bổ sung bởi văn bản số 08/2023/TT-BGDĐT; cần đối chiếu nội dung sửa đổi."
    quotes = (
        Quote(
            "58-2010-qh12:d33:k3",
            f"Khoản 3 Điều 33 {LAW}",
            "Hình thức",
            "58/2010/QH12",
            (warning, amended),
            "Hết hiệu lực",
            warning,
        ),
        Quote("58-2010-qh12:d34:k1", f"Khoản 1 Điều 34 {LAW}", "Chế độ", "58/2010/QH12", (), "Hết hiệu lực"),
        Quote(
            "01-2021:d4:k3",
            "Khoản 3 Điều 4 Thông tư số 01/2021/TT-BGDĐT",
            "Bằng",
            "01/2021/TT-BGDĐT",
            (amended,),
            "Còn hiệu lực",
        ),
    )
    blocks = render.answer_blocks(Answer("q", "", False, "t1", quotes=quotes))
    assert blocks[0] == f"⚠️ <b>{render.escape(warning)}</b>"  # before any quote
    assert blocks[1].startswith("Theo <b>Khoản 3 Điều 33")
    [message] = render.pack(blocks)
    text = well_formed(message)
    assert text.count(warning) == 1 and text.index(warning) < text.index("«Hình thức»")
    assert text.count(amended) == 2  # once under each document's first quote
    assert f"«Hình thức»\n⚠️ Lưu ý: {amended}" in text


def test_a_quote_from_text_in_force_has_no_leading_warning() -> None:
    blocks = render.answer_blocks(Answer("q", "", False, "t1", quotes=(QUOTE,)))
    assert blocks[0].startswith("Theo <b>")


def test_the_warning_is_read_from_the_api() -> None:
    q = Quote.from_api({"unit_id": "u", "citation": "c", "text": "t", "notes": ["n"], "warning": "n"})
    assert q.warning == "n" and q.notes == ("n",)
    assert Quote.from_api({"unit_id": "u", "citation": "c", "text": "t"}).warning == ""
