"""The bot against a Bot API emulator nobody on this project wrote: the npm package `telegram-test-api` (4.2.1).

  node tests/e2e/telegram_test_api/server.js  ◀── shim (below) ◀── long polling ── the bot ──▶ the real API
        ▲ its own client API (/sendMessage, /sendCommand, /sendCallback, /getUpdatesHistory): the test's users

`make test` installs it (`npm ci` in tests/e2e/telegram_test_api/, from its package-lock.json). The bot is
pointed at the shim with TELEGRAM_BOT_API_URL, as at any Bot API server; it is not changed for this suite.

The shim covers the emulator's documented gaps and nothing else — what it does to each response:
  1. getMe lacks `is_bot` (python-telegram-bot requires it): added, with the other User fields Telegram sends.
  2. Dates in sent messages are in milliseconds, not seconds: divided by 1000.
  3. sendMessage echoes its request (chat_id, parse_mode, the raw HTML text, no `from`): `from` is added.
  4. No long polling: getUpdates returns at once; the shim repeats it until updates arrive or `timeout` passes.
  5. Callback queries have no `chat_instance` (required): added from the chat id.
  6. Methods it does not know (sendChatAction, setMyCommands, …) answer 500 without `ok`: the shim answers
     `true` for those cosmetic calls; answerCallbackQuery/editMessageReplyMarkup answer `result: null`: made
     `true`; answerCallbackQuery is not stored, so the shim records its parameters for the tests.
  7. Errors come as `{"message": …}` with status 500: turned into Telegram's `{"ok": false, "description": …}`.
It also does not parse HTML (messages are stored as the HTML the bot sent) nor check Telegram's limits: the
project's own emulator (tests/e2e/bot_api_emulator.py) does that; here tests read the text with tags removed.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import QUESTIONS_PER_MINUTE, Api, bot_config, start_bot
from tests.support import LiveServer, free_port

pytestmark = pytest.mark.e2e

HERE = Path(__file__).parent / "telegram_test_api"
TOKEN = "710001:third-party-emulator"
FORMS = "Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?"
PERSONAL = "Viên chức quản lý phải được đào tạo, bồi dưỡng gì trước khi bổ nhiệm chức vụ quản lý?"
LONG = "Nghiên cứu viên chính (hạng II) trong tổ chức khoa học và công nghệ công lập cần trình độ ngoại ngữ bậc mấy và chứng chỉ bồi dưỡng gì?"  # noqa: E501
LOCAL = {
    "sendChatAction": True,
    "setMyCommands": True,
    "deleteMyCommands": True,
    "getMyCommands": [],
    "close": True,
    "logOut": True,
}
BOT_USER = {"is_bot": True, "can_join_groups": True, "can_read_all_group_messages": False}


# ----------------------------------------------------------------------------------------------- the emulator


@pytest.fixture(scope="module")
def node_emulator() -> Iterator[str]:
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "telegram-test-api").exists():
        pytest.fail(
            "telegram-test-api is not installed: run `make test` (or `npm ci --prefix tests/e2e/telegram_test_api`); "
            "this suite needs Node 18+ and is never skipped.",
            pytrace=False,
        )
    port = free_port()
    proc = subprocess.Popen(
        [node, "server.js", str(port)], cwd=HERE, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "ready http://127.0.0.1:<port>"
        assert line.startswith("ready "), f"telegram-test-api did not start: {line!r}"
        yield line.split()[1]
    finally:
        proc.terminate()
        proc.wait(15)


@dataclass
class Shim:
    """The gaps listed in the module docstring, between the bot and the emulator."""

    upstream: str
    answered: dict[str, dict[str, Any]] = field(default_factory=dict)  # callback query id → its answer

    def app(self) -> Any:
        from starlette.applications import Starlette
        from starlette.routing import Route

        return Starlette(routes=[Route("/bot{token}/{method}", self.call, methods=["GET", "POST"])])

    async def call(self, request: Any) -> Any:
        from starlette.responses import JSONResponse

        method = request.path_params["method"]
        url = f"{self.upstream}/bot{request.path_params['token']}/{method}"
        body = await request.body()
        if method in LOCAL:  # gap 6
            return JSONResponse({"ok": True, "result": LOCAL[method]})
        if method == "answerCallbackQuery":
            form = await _form(request, body)
            self.answered[str(form.get("callback_query_id"))] = {
                "text": form.get("text", ""),
                "show_alert": str(form.get("show_alert", "")).lower() == "true",
            }
        headers = {"content-type": request.headers.get("content-type", "application/x-www-form-urlencoded")}
        form = await _form(request, body) if method == "getUpdates" else {}
        deadline = time.monotonic() + float(form.get("timeout") or 0)
        async with httpx.AsyncClient(timeout=30) as http:
            while True:
                r = await http.post(url, content=body, headers=headers)
                data = r.json()
                if method != "getUpdates" or data.get("result") or time.monotonic() >= deadline:
                    break
                await asyncio.sleep(0.1)  # gap 4: long polling
        if "ok" not in data:  # gap 7
            return JSONResponse({"ok": False, "error_code": r.status_code, "description": data.get("message", "")})
        return JSONResponse({"ok": True, "result": self.fix(method, data.get("result"))})

    def fix(self, method: str, result: Any) -> Any:
        if method == "getMe":  # gap 1
            return {**BOT_USER, **result}
        if method == "getUpdates":
            return [self.fix_update(u) for u in result]
        if result is None:  # gap 6
            return True
        if isinstance(result, dict) and "message_id" in result:
            return self.fix_message(result, sent=True)
        return result

    def fix_update(self, update: dict[str, Any]) -> dict[str, Any]:
        if "message" in update:
            update["message"] = self.fix_message(update["message"])
        if "callback_query" in update:
            query = update["callback_query"]
            query["message"] = self.fix_message(query["message"])
            query.setdefault("chat_instance", str(query["message"]["chat"]["id"]))  # gap 5
        return update

    @staticmethod
    def fix_message(message: dict[str, Any], sent: bool = False) -> dict[str, Any]:
        if message.get("date", 0) > 10**11:  # gap 2
            message["date"] //= 1000
        if sent:  # gap 3
            message.setdefault("from", {"id": 666, "first_name": "Test First name", **BOT_USER})
            for key in ("chat_id", "parse_mode", "link_preview_options", "reply_parameters", "botToken"):
                message.pop(key, None)
        return message


async def _form(request: Any, body: bytes) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        return dict(json.loads(body or b"{}"))
    from urllib.parse import parse_qsl

    return dict(parse_qsl(body.decode()))


@dataclass
class Users:
    """The test's Telegram users, through telegram-test-api's own client API."""

    base: str
    shim: Shim
    token: str = TOKEN
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))

    def send(self, user_id: int, text: str) -> None:
        user = {"id": user_id, "is_bot": False, "first_name": f"Người dùng {user_id}", "language_code": "vi"}
        body: dict[str, Any] = {
            "botToken": self.token,
            "from": user,
            "chat": {"id": user_id, "type": "private", "first_name": user["first_name"]},
            "text": text,
            "date": int(time.time()),
        }
        endpoint = "/sendMessage"
        if command := re.match(r"/\w+", text):
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.group(0))}]
            endpoint = "/sendCommand"
        self.http.post(self.base + endpoint, json=body).raise_for_status()

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """What the bot sent to the chat, oldest first: {message_id, text (tags removed), html, buttons}."""
        history = self.http.post(self.base + "/getUpdatesHistory", json={"token": self.token}).json()["result"]
        out = []
        for u in history:
            m = u.get("message") or {}  # callback queries are stored without one
            if "chat_id" in m and str(m["chat_id"]) == str(chat_id):  # a bot message (the emulator's own form)
                markup = m.get("reply_markup") or {}
                markup = json.loads(markup) if isinstance(markup, str) else markup
                out.append(
                    {
                        "message_id": u["messageId"],
                        "html": m["text"],
                        "text": html.unescape(re.sub(r"<[^>]+>", "", m["text"])),
                        "buttons": [b for row in markup.get("inline_keyboard", []) for b in row],
                        "markup": markup,
                    }
                )
        return out

    def wait(self, chat_id: int, count: int, timeout: float = 30) -> list[dict[str, Any]]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.messages(chat_id)) >= count:
                time.sleep(0.3)
                return self.messages(chat_id)
            time.sleep(0.1)
        raise AssertionError(f"chat {chat_id}: expected {count} bot messages, got {self.messages(chat_id)}")

    def ask(self, user_id: int, text: str, timeout: float = 30) -> list[dict[str, Any]]:
        before = len(self.messages(user_id))
        self.send(user_id, text)
        return self.wait(user_id, before + 1, timeout)[before:]

    def press(self, user_id: int, message: dict[str, Any], data: str) -> str:
        """Press a button; returns the callback query id (the emulator numbers them 1, 2, …)."""
        before = set(self.shim.answered)
        callback_message = {
            "message_id": message["message_id"],
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": f"Người dùng {user_id}"},
            "text": message["text"],
            "reply_markup": message["markup"],  # as Telegram sends it: the keyboard the user pressed
        }
        user = {"id": user_id, "is_bot": False, "first_name": f"Người dùng {user_id}"}
        body = {"botToken": self.token, "from": user, "message": callback_message, "data": data}
        self.http.post(self.base + "/sendCallback", json=body).raise_for_status()
        deadline = time.time() + 30
        while time.time() < deadline:
            if new := set(self.shim.answered) - before:
                return new.pop()
            time.sleep(0.05)
        raise AssertionError(f"button {data!r} was never answered")


@pytest.fixture(scope="module")
def users(node_emulator: str, api: Api) -> Iterator[Users]:
    shim = Shim(node_emulator)
    with LiveServer(shim.app()) as shim_url, start_bot(bot_config(shim_url, api.url, api.bot_key, TOKEN)):
        yield Users(node_emulator, shim)


def buttons(message: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    return [b for b in message["buttons"] if b["callback_data"].startswith(prefix)]


# ----------------------------------------------------------------------------------------------- the suite


def test_linking_then_a_personal_question_carries_the_cadres_own_status(users: Users, api: Api) -> None:
    [linked] = users.ask(3101, f"/link {api.issue_code(api.cadres[0])}")
    assert linked["text"].startswith("✅ Đã liên kết")
    parts = users.ask(3101, PERSONAL)
    text = "\n".join(p["text"] for p in parts)
    expected = api.ask_as(3101, PERSONAL)
    assert expected["cadre_code"] == api.cadres[0]
    for q in expected["quotes"]:
        assert q["citation"] in text
    assert "📋" in text and "chưa liên kết" not in text
    [status, *_] = users.ask(3101, "/status")
    assert "Tình trạng đào tạo, bồi dưỡng" in status["text"]
    [unlinked] = users.ask(3101, "/unlink")
    assert unlinked["text"].startswith("Đã hủy liên kết")
    [again] = users.ask(3101, "/unlink")
    assert "chưa liên kết" in again["text"]


def test_a_general_question_from_an_unlinked_user(users: Users) -> None:
    [answer] = users.ask(3201, FORMS)
    assert "Điều 33 Luật Viên chức số 58/2010/QH12" in answer["text"] and "«" in answer["text"]
    assert "📋" not in answer["text"] and "/link" in answer["text"]  # the one-time hint
    assert answer["html"].count("<b>") == answer["html"].count("</b>")


def test_a_long_answer_comes_in_parts_each_within_telegrams_limit(users: Users, api: Api) -> None:
    parts = users.ask(3301, LONG)
    expected = api.ask_as(3301, LONG)
    if sum(len(q["text"]) for q in expected["quotes"]) > 4096:
        assert len(parts) > 1
    for p in parts:
        assert len(p["html"].encode("utf-16-le")) // 2 <= 4096
        assert p["text"].count("«") == p["text"].count("»")
    assert [bool(p["buttons"]) for p in parts] == [False] * (len(parts) - 1) + [True]


def test_buttons_article_and_votes_one_record_changed_by_a_second_tap(users: Users, api: Api) -> None:
    from sqlalchemy import select

    from assistant.audit.models import Feedback

    [answer] = users.ask(3401, FORMS)
    [article] = buttons(answer, "u:")[:1]
    before = len(users.messages(3401))
    query = users.press(3401, answer, article["callback_data"])
    shown = users.wait(3401, before + 1)[before:]
    assert shown[0]["text"].startswith("📖") and "Điều 33" in shown[0]["text"]
    assert users.shim.answered[query] == {"text": "", "show_alert": False}

    up, down = buttons(answer, "f:")
    trace = up["callback_data"].split(":")[1]
    assert users.shim.answered[users.press(3401, answer, up["callback_data"])]["text"] == "Cảm ơn anh/chị đã góp ý."
    assert "cập nhật" in users.shim.answered[users.press(3401, answer, down["callback_data"])]["text"]
    with api.services.personal.audit._sessions() as s:
        rows = [(r.helpful, r.asker) for r in s.scalars(select(Feedback).where(Feedback.trace_id == trace))]
    assert rows == [(False, "bot:telegram-bot/tg:3401")]
    deadline = time.time() + 10  # the vote is marked through editMessageReplyMarkup, after the callback answer
    while time.time() < deadline:
        labels = [b["text"] for b in users.messages(3401)[before - 1]["buttons"]]
        if "👎 Chưa đúng ✓" in labels:
            break
        time.sleep(0.1)
    assert "👎 Chưa đúng ✓" in labels and "👍 Hữu ích" in labels


def test_two_users_at_once_each_get_their_own_answer(users: Users, api: Api) -> None:
    [linked] = users.ask(3501, f"/link {api.issue_code(api.cadres[1])}")
    assert linked["text"].startswith("✅")
    threads = [
        threading.Thread(target=users.send, args=(3501, PERSONAL)),
        threading.Thread(target=users.send, args=(3502, PERSONAL)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    mine = "\n".join(m["text"] for m in users.wait(3501, 2)[1:])
    theirs = "\n".join(m["text"] for m in users.wait(3502, 1))
    assert "📋" in mine and "📋" not in theirs and "chưa liên kết" in theirs


def test_a_flood_gets_answers_up_to_the_limit_and_one_rate_limit_reply(users: Users) -> None:
    for _ in range(QUESTIONS_PER_MINUTE + 7):
        users.send(3601, FORMS)
    users.wait(3601, QUESTIONS_PER_MINUTE + 1, timeout=60)
    time.sleep(1.0)
    replies = users.messages(3601)
    assert sum("hơi nhanh" in m["text"] for m in replies) == 1
    assert sum("Điều 33" in m["text"] for m in replies) == QUESTIONS_PER_MINUTE


def test_the_api_being_down_gets_the_busy_message(node_emulator: str, api: Api) -> None:
    from bots.telegram.client import BUSY

    token = "710002:api-down"
    shim = Shim(node_emulator)
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with LiveServer(shim.app()) as shim_url:
        config = bot_config(shim_url, closed, api.bot_key, token, api_retries=1, api_backoff=0.05)
        with start_bot(config):
            [reply] = Users(node_emulator, shim, token).ask(3701, FORMS)
    assert reply["text"] == BUSY
