"""Cadres on Telegram, end to end: users talk to the bot through a Bot API emulator, the bot asks the real API.

Each test uses its own Telegram user ids, so one bot and one API serve the whole module.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bots.telegram.client import BUSY
from tests.e2e.conftest import (
    QUESTIONS_PER_MINUTE,
    Api,
    Telegram,
    bot_config,
    open_services,
    start_bot,
)
from tests.support import LiveServer, free_port

pytestmark = pytest.mark.e2e

FORMS = "Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?"
LONG = "Nghiên cứu viên chính (hạng II) trong tổ chức khoa học và công nghệ công lập cần trình độ ngoại ngữ bậc mấy và chứng chỉ bồi dưỡng gì?"  # noqa: E501
PERSONAL = "Viên chức quản lý phải được đào tạo, bồi dưỡng gì trước khi bổ nhiệm chức vụ quản lý?"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def link(tg: Telegram, api: Api, user_id: int, cadre: str) -> list[dict[str, Any]]:
    return tg.ask(user_id, f"/link {api.issue_code(cadre)}")


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def assert_quotes_intact(messages: list[dict[str, Any]]) -> None:
    for m in messages:
        assert len(m["text"].encode("utf-16-le")) // 2 <= 4096
        assert m["text"].count("«") == m["text"].count("»"), m["text"]
        assert "Traceback" not in m["text"]


# ----------------------------------------------------------------------------------------------- linking


def test_deep_link_binds_the_account_and_status_lists_requirements(telegram: Telegram, api: Api) -> None:
    cadre = api.cadres[0]
    [reply] = telegram.ask(1001, f"/start {api.issue_code(cadre)}")
    name = api.services.personal.enrollment.get_cadre(cadre).full_name
    assert reply["text"].startswith("✅ Đã liên kết") and name in reply["text"]

    parts = telegram.ask(1001, "/status")
    text = "\n".join(p["text"] for p in parts)
    report = httpx.get(
        f"{api.url}/api/v1/cadres/{cadre}/status", headers={"x-api-key": api.bot_key, "x-telegram-user-id": "1001"}
    ).json()
    assert "Tình trạng đào tạo, bồi dưỡng" in text and name in text and "Các yêu cầu" in text
    for s in report["statuses"]:
        if s["status"] != "not_applicable":
            assert s["title"] in text and s["status_label"] in text
    for e in report["enrollments"]:
        assert e["course_name"] in text
    assert "Thời hạn" in text
    assert {"chat_id": 1001, "action": "typing"}.items() <= telegram.chat(1001)["actions"][-1].items()


def test_reused_expired_and_wrong_codes_are_refused_in_vietnamese(telegram: Telegram, api: Api) -> None:
    code = api.issue_code(api.cadres[1])
    assert telegram.ask(1101, f"/link {code}")[0]["text"].startswith("✅")
    assert "đã được sử dụng" in telegram.ask(1102, f"/link {code}")[0]["text"]

    accounts = api.services.personal.accounts
    clock = accounts.clock
    accounts.clock = lambda: clock() - accounts.policy.link_code_ttl - timedelta(minutes=1)  # issued long ago
    try:
        expired = api.issue_code(api.cadres[2])
    finally:
        accounts.clock = clock
    assert "hết hạn" in telegram.ask(1103, f"/link {expired}")[0]["text"]
    assert "không đúng" in telegram.ask(1104, "/link AAAA-BBBB-CCCC-DDDD")[0]["text"]
    assert "/link K7QX" in telegram.ask(1104, "/link")[0]["text"]  # usage
    me = httpx.get(f"{api.url}/api/v1/auth/me", headers={"x-api-key": api.bot_key, "x-telegram-user-id": "1103"})
    assert me.json()["cadre_code"] is None


def test_unlink_then_status_says_how_to_link(telegram: Telegram, api: Api) -> None:
    link(telegram, api, 1201, api.cadres[3])
    assert telegram.ask(1201, "/unlink")[0]["text"].startswith("Đã hủy liên kết")
    assert "/link MÃ" in telegram.ask(1201, "/status")[0]["text"]


# ----------------------------------------------------------------------------------------------- questions


def test_linked_cadre_gets_the_answer_with_their_own_status_lines(telegram: Telegram, api: Api) -> None:
    link(telegram, api, 1301, api.cadres[4])
    expected = api.ask_as(1301, PERSONAL)
    assert expected["cadre_code"] == api.cadres[4]
    parts = telegram.ask(1301, PERSONAL)
    text = "\n".join(p["text"] for p in parts)
    for q in expected["quotes"]:
        assert q["citation"] in text and q["text"] in text
    shown = [s for s in expected["statuses"] if s["status"] != "not_applicable"]
    if shown:
        assert "Tình trạng đào tạo của anh/chị" in text
        for s in shown:
            assert f"{s['status_label']}: {s['title']}" in text
    else:
        assert "📋" in text
    assert "chưa liên kết" not in text
    assert "<b>" in parts[0]["html"] and any(e["type"] == "bold" for e in parts[0]["entities"])


def test_unlinked_user_gets_no_status_and_the_link_hint_only_once(telegram: Telegram, api: Api) -> None:
    first = "\n".join(p["text"] for p in telegram.ask(1401, FORMS))
    assert "Điều 33 Luật Viên chức số 58/2010/QH12" in first
    assert "Tình trạng đào tạo" not in first and "📋" not in first
    assert "chưa liên kết" in first and "/link" in first
    second = "\n".join(p["text"] for p in telegram.ask(1401, PERSONAL))
    assert "chưa liên kết" not in second and "📋" not in second


def test_a_long_answer_is_split_between_quotes(telegram: Telegram, api: Api) -> None:
    expected = api.ask_as(1501, LONG)
    assert sum(len(q["text"]) for q in expected["quotes"]) > 3000, "the question no longer gives a long answer"
    parts = telegram.ask(1501, LONG)
    assert len(parts) >= 2
    assert_quotes_intact(parts)
    for q in expected["quotes"]:  # every quote whole, inside one message
        assert sum(q["text"] in p["text"] for p in parts) == 1
    assert all("reply_markup" not in p for p in parts[:-1]) and buttons(parts[-1])


def test_article_button_shows_the_cited_article(telegram: Telegram, api: Api) -> None:
    [answer] = telegram.ask(1601, FORMS)
    article = next(b for b in buttons(answer) if b["callback_data"].startswith("a:"))
    assert article["text"] == "📖 Xem toàn văn điều khoản" and len(article["callback_data"].encode()) <= 64
    before = len(telegram.messages(1601))
    query = telegram.press(1601, answer, article["callback_data"])
    shown = telegram.wait_messages(1601, before + 1)[before:]
    text = "\n".join(m["text"] for m in shown)
    assert text.startswith("📖") and "Điều 33" in text and "Luật Viên chức số 58/2010/QH12" in text
    assert "Hình thức đào tạo, bồi dưỡng viên chức gồm" in text
    assert telegram.callback_answer(query) == {"text": "", "show_alert": False}
    assert_quotes_intact(shown)


def test_full_article_once_the_api_serves_it(emulator: str, api: Api) -> None:
    """GET /api/v1/articles/{unit_id} is not in the API yet: a client that has it stands in at the API boundary."""
    from bots.telegram.client import Article, AssistantApi
    from tests.unit.test_bot_render import longest_article

    heading, body = longest_article()

    class WithArticles(AssistantApi):
        async def article(self, unit_id: str) -> Article:
            decree = "Nghị định 115/2020/NĐ-CP"
            return Article(unit_id, f"Điều 46 {decree}", heading, body, decree, "Còn hiệu lực")

    token = "700005:full-articles"
    config = bot_config(emulator, api.url, api.bot_key, token)
    with start_bot(config, lambda: WithArticles(api.url, api.bot_key)):
        tg = Telegram(emulator, token)
        [answer] = tg.ask(2301, FORMS)
        tg.press(2301, answer, buttons(answer)[0]["callback_data"])
        shown = tg.wait_messages(2301, 4)[1:]
    assert len(shown) >= 3 and shown[0]["text"].startswith(f"📖 {heading}\nNghị định 115/2020/NĐ-CP — Còn hiệu lực")
    assert_quotes_intact(shown)
    assert [m["text"].endswith("»\n(còn tiếp)") for m in shown] == [True] * (len(shown) - 1) + [False]
    assert all(m["text"].startswith("(tiếp theo)\n«") for m in shown[1:])


def test_feedback_buttons_are_recorded_and_removed(telegram: Telegram, api: Api) -> None:
    from sqlalchemy import select

    from assistant.audit.models import Feedback

    [answer] = telegram.ask(1701, FORMS)
    trace = answer["reply_markup"]["inline_keyboard"][-1][0]["callback_data"].split(":")[1]
    helpful = next(b for b in buttons(answer) if b["text"] == "👍 Hữu ích")
    query = telegram.press(1701, answer, helpful["callback_data"])
    assert telegram.callback_answer(query)["text"] == "Cảm ơn anh/chị đã góp ý."
    deadline = time.time() + 10
    while time.time() < deadline and telegram.messages(1701)[-1]["edits"] == 0:
        time.sleep(0.05)
    edited = telegram.messages(1701)[-1]
    assert edited["edits"] == 1 and not any(b["callback_data"].startswith("f:") for b in buttons(edited))
    assert any(b["callback_data"].startswith("a:") for b in buttons(edited))  # the article button stays
    with api.services.personal.audit._sessions() as s:
        rows = list(s.scalars(select(Feedback).where(Feedback.trace_id == trace)))
    assert [(r.helpful, r.asker) for r in rows] == [(True, "bot:telegram-bot/tg:1701")]


def test_burst_from_several_users_all_answered_and_limited_per_user(telegram: Telegram, api: Api) -> None:
    users = [1801 + i for i in range(5)]
    extra = 1  # one question over the limit for each user
    started = time.time()
    senders = [
        threading.Thread(target=lambda u=u: [telegram.send(u, FORMS) for _ in range(QUESTIONS_PER_MINUTE + extra)])
        for u in users
    ]
    for t in senders:
        t.start()
    for t in senders:
        t.join()
    for u in users:
        replies = telegram.wait_messages(u, QUESTIONS_PER_MINUTE + extra, timeout=60)
        limited = [m for m in replies if "hơi nhanh" in m["text"]]
        answered = [m for m in replies if "Điều 33" in m["text"]]
        assert len(limited) == extra and len(answered) == QUESTIONS_PER_MINUTE, [m["text"][:60] for m in replies]
    assert time.time() - started < 45


def test_non_text_messages_get_a_polite_vietnamese_reply(telegram: Telegram) -> None:
    sticker = {"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1, "type": "regular"}
    telegram.send(1901, "", sticker={**sticker, "is_animated": False, "is_video": False})
    assert "văn bản" in telegram.wait_messages(1901, 1)[0]["text"]
    assert "Cách dùng" in telegram.ask(1901, "/help")[0]["text"]


def test_in_a_group_a_linked_cadre_gets_no_personal_data(telegram: Telegram, api: Api) -> None:
    link(telegram, api, 2401, api.cadres[5])
    group = {"chat_type": "group", "chat_id": -5001}
    telegram.send(2401, PERSONAL, **group)
    [answer] = telegram.wait_messages(-5001, 1)
    assert "«" in answer["text"] and "📋" not in answer["text"] and "chưa liên kết" not in answer["text"]
    telegram.send(2401, "/status", **group)
    assert "tin nhắn riêng" in telegram.wait_messages(-5001, 2)[1]["text"]


# ----------------------------------------------------------------------------------------------- resilience


def test_the_bot_waits_out_an_api_that_comes_up_late(emulator: str, api: Api) -> None:
    port = free_port()
    token = "700002:api-comes-late"
    config = bot_config(emulator, f"http://127.0.0.1:{port}", api.bot_key, token, api_retries=6, api_backoff=0.2)
    from assistant.api.app import create_app

    with start_bot(config):
        tg = Telegram(emulator, token)
        tg.send(2001, FORMS)
        time.sleep(0.6)  # the bot is retrying against a closed port
        with LiveServer(create_app(api.services, secure_cookies=False), port=port):
            [reply] = tg.wait_messages(2001, 1, timeout=30)
    assert "Điều 33" in reply["text"]


def test_index_not_ready_gets_the_busy_message_never_a_stack_trace(
    emulator: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from assistant.api.app import create_app

    services = open_services(tmp_path_factory.mktemp("unbuilt"), build=False)  # no index generation yet
    key = services.personal.accounts.create_api_key("telegram-bot")
    token = "700003:index-not-ready"
    server = LiveServer(create_app(services, secure_cookies=False))
    with server as url, start_bot(bot_config(emulator, url, key, token, api_retries=2, api_backoff=0.05)):
        tg = Telegram(emulator, token)
        [reply] = tg.ask(2101, FORMS)  # 503 index_not_ready, retried, then the busy message
        assert reply["text"] == BUSY
        server.__exit__(None, None, None)  # now the API is gone altogether: connection refused
        [down] = tg.ask(2101, "/status")
        assert down["text"] == BUSY


# ----------------------------------------------------------------------------------------------- the process


def test_python_m_bots_telegram_runs_against_the_emulator(emulator: str, api: Api) -> None:
    token = "700004:main-module"
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_BOT_API_URL": emulator,
        "ASSISTANT_API_URL": api.url,
        "ASSISTANT_API_KEY": api.bot_key,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bots.telegram"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        tg = Telegram(emulator, token)
        [reply] = tg.ask(2201, "/start", timeout=30)
        assert reply["text"].startswith("Xin chào!")
        assert {c["command"] for c in tg.state()["commands"]} == {"start", "help", "status", "link", "unlink"}
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err.decode()
    assert "Traceback" not in err.decode() and token.split(":")[1] not in err.decode()
    assert re.search(r"Application started", err.decode())
