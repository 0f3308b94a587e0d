"""End-to-end harness for the Telegram bot: everything over real HTTP on loopback.

  Telegram Bot API emulator (Starlette, uvicorn)  ◀── long polling ──  the bot (PTB Application, its own thread)
                                                                          │ X-API-Key + X-Telegram-User-Id
                                                       the real API (uvicorn) ◀┘  over the small real corpus,
                                                       fake embedder, SQLite, the demo province's cadres

Tests play the Telegram users through the emulator's /test endpoints and HR through the API.
(The browser suite keeps its fixtures in tests/e2e/browser.py.)
"""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import CORPUS_DOCS, FIXTURE_DOCS
from tests.e2e.bot_api_emulator import BotApiEmulator
from tests.support import LiveServer

QUESTIONS_PER_MINUTE = 3


# ----------------------------------------------------------------------------------------------- Telegram side


@dataclass
class Telegram:
    """The test's hands on the emulator: users send messages and press buttons; read what the bot sent."""

    base: str
    token: str
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))

    def send(self, user_id: int, text: str, **extra: Any) -> dict[str, Any]:
        r = self.http.post(f"{self.base}/test/{self.token}/message", json={"user_id": user_id, "text": text, **extra})
        r.raise_for_status()
        return r.json()  # type: ignore[no-any-return]

    def press(self, user_id: int, message: dict[str, Any], data: str, *, force: bool = False) -> str:
        """Press a button of a message; `force` presses data the message no longer shows (an older version's)."""
        body = {"user_id": user_id, "chat_id": message["chat"]["id"], "message_id": message["message_id"], "data": data}
        if force:
            body["force"] = True
        r = self.http.post(f"{self.base}/test/{self.token}/callback", json=body)
        r.raise_for_status()
        return str(r.json()["callback_query_id"])

    def chat(self, chat_id: int) -> dict[str, Any]:
        return self.http.get(f"{self.base}/test/{self.token}/chats/{chat_id}").json()  # type: ignore[no-any-return]

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        return self.chat(chat_id)["messages"]  # type: ignore[no-any-return]

    def wait_messages(self, chat_id: int, count: int, timeout: float = 20) -> list[dict[str, Any]]:
        """Block until the bot has sent at least `count` messages to the chat (and nothing more arrives for 0.2 s)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            messages = self.messages(chat_id)
            if len(messages) >= count:
                time.sleep(0.2)
                return self.messages(chat_id)
            time.sleep(0.05)
        raise AssertionError(f"chat {chat_id}: expected {count} bot messages, got {self.messages(chat_id)}")

    def ask(self, user_id: int, text: str, timeout: float = 20) -> list[dict[str, Any]]:
        """Send and return only the new bot messages (the reply, in one or more parts)."""
        before = len(self.messages(user_id))
        self.send(user_id, text)
        return self.wait_messages(user_id, before + 1, timeout)[before:]

    def callback_answer(self, query_id: str, timeout: float = 20) -> dict[str, Any]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            answer = self.http.get(f"{self.base}/test/{self.token}/callbacks/{query_id}").json()["answer"]
            if answer is not None:
                return answer  # type: ignore[no-any-return]
            time.sleep(0.05)
        raise AssertionError(f"callback {query_id} was never answered")

    def state(self) -> dict[str, Any]:
        return self.http.get(f"{self.base}/test/{self.token}/state").json()  # type: ignore[no-any-return]


class BotThread:
    """The bot exactly as `python -m bots.telegram` runs it (run_polling: post_init, polling, post_shutdown),
    in its own thread and event loop; stopped through the loop, like a signal would."""

    def __init__(self, make_app: Callable[[], Any], webhook: dict[str, Any] | None = None) -> None:
        self.make_app = make_app
        self.webhook = webhook  # run_webhook(**webhook) instead of polling
        self.loop = asyncio.new_event_loop()
        self.app: Any = None
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.app = self.make_app()
            if self.webhook is not None:
                self.app.run_webhook(**self.webhook, stop_signals=None, close_loop=False)
            else:
                self.app.run_polling(poll_interval=0.0, timeout=1, stop_signals=None, close_loop=False)
        except BaseException as e:  # pragma: no cover - surfaced by stop()
            self.errors.append(e)

    def __enter__(self) -> BotThread:
        self.thread.start()
        deadline = time.time() + 20
        while not (self.app is not None and self.app.running and self.app.updater.running) and time.time() < deadline:
            assert not self.errors, self.errors
            time.sleep(0.02)
        assert not self.errors, self.errors
        assert self.app is not None and self.app.running, "the bot did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.app.stop_running)
        self.thread.join(20)
        assert not self.thread.is_alive(), "the bot did not stop"
        assert not self.errors, self.errors
        self.loop.close()


# ----------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def emulator() -> Iterator[str]:
    with LiveServer(BotApiEmulator().app) as url:
        yield url


def make_settings(root: Path) -> Any:
    from assistant.config import EmbedderSettings, PathSettings, Settings

    corpus = root / "corpus" / "documents"
    corpus.mkdir(parents=True)
    for slug in FIXTURE_DOCS:
        shutil.copy(CORPUS_DOCS / f"{slug}.json", corpus / f"{slug}.json")
    return Settings(
        paths=PathSettings(corpus_dir=root / "corpus", index_dir=root / "indexes", data_dir=root / "data"),
        embedder=EmbedderSettings(backend="fake"),
    )


def open_services(root: Path, *, build: bool) -> Any:
    """Services over the small real corpus (fake embedder, SQLite); with the demo province when built."""
    from assistant.accounts.demo import seed_demo_accounts
    from assistant.enrollment.demo import DEMO_AS_OF, load_demo
    from assistant.services import build_services

    services = build_services(make_settings(root))
    services.personal.open()
    if build:
        with services.personal.enrollment._sessions() as session:
            load_demo(session, n_cadres=40)
        services.personal.enrollment._today = lambda: DEMO_AS_OF
        services.knowledge.build()
        seed_demo_accounts(services.personal.accounts, services.personal.enrollment)
    return services


@dataclass
class Api:
    url: str
    services: Any
    bot_key: str
    hr: dict[str, str]
    cadres: list[str]  # cadres of the demo HR officer's unit, each free to be linked once

    def issue_code(self, cadre: str) -> str:
        r = httpx.post(f"{self.url}/api/v1/telegram/link-codes", json={"cadre_code": cadre}, headers=self.hr)
        assert r.status_code == 201, r.text
        return str(r.json()["code"])

    def ask_as(self, telegram_user_id: int, question: str) -> dict[str, Any]:
        """What the API itself answers the bot for this user — the reference the bot's reply is checked against."""
        headers = {"x-api-key": self.bot_key, "x-telegram-user-id": str(telegram_user_id)}
        r = httpx.post(f"{self.url}/api/v1/ask", json={"question": question}, headers=headers, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    from assistant.api.app import create_app

    services = open_services(tmp_path_factory.mktemp("bot-api"), build=True)
    accounts = services.personal.accounts
    bot_key = accounts.create_api_key("telegram-bot")
    cadres = [c.code for c in services.personal.enrollment.list_cadres("DEMO-H1")]
    with LiveServer(create_app(services, secure_cookies=False)) as url:
        r = httpx.post(f"{url}/api/v1/auth/login", json={"username": "demo_hr", "password": "demo-hr-2025"})
        assert r.status_code == 200, r.text
        yield Api(url, services, bot_key, {"authorization": f"Bearer {r.json()['access_token']}"}, cadres)


def bot_config(emulator: str, api_url: str, api_key: str, token: str, **overrides: Any) -> Any:
    from bots.telegram.config import BotConfig

    values = {
        "token": token,
        "api_url": api_url,
        "api_key": api_key,
        "bot_api_url": emulator,
        "questions_per_minute": QUESTIONS_PER_MINUTE,
        "api_retries": 2,
        "api_backoff": 0.05,
        "api_timeout": 20,
        "api_deadline": 20,
        **overrides,
    }
    return BotConfig(**values)


def start_bot(
    config: Any, api_factory: Callable[[], Any] | None = None, webhook: dict[str, Any] | None = None
) -> BotThread:
    from bots.telegram.app import build_bot
    from bots.telegram.client import AssistantApi

    def make_app() -> Any:
        api = (api_factory or (lambda: None))() or AssistantApi(
            config.api_url,
            config.api_key.get_secret_value(),
            timeout=config.api_timeout,
            retries=config.api_retries,
            backoff=config.api_backoff,
            deadline=config.api_deadline,
        )
        return build_bot(config, api)

    return BotThread(make_app, webhook)


@pytest.fixture(scope="module")
def telegram(emulator: str, api: Api) -> Iterator[Telegram]:
    """The bot under test, polling the emulator, answering through the real API."""
    token = "700001:bot-under-test"
    with start_bot(bot_config(emulator, api.url, api.bot_key, token)):
        yield Telegram(emulator, token)
