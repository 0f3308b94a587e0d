"""The bot's API client: what is retried, what is not, and what the user is told (the network is the fake here)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from bots.telegram.client import BUSY, SLOW, ApiError, ApiUnavailable, AssistantApi, EndpointMissing

ANSWER = {"question": "q", "answer": "a", "abstained": False, "trace_id": "t1", "quotes": [], "cadre_code": None}


def client(handler: Callable[[httpx.Request], httpx.Response], retries: int = 3) -> tuple[AssistantApi, list[str]]:
    seen: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path} tg={request.headers.get('x-telegram-user-id')}")
        return handler(request)

    return AssistantApi("http://api", "ak_x", retries=retries, backoff=0, transport=httpx.MockTransport(record)), seen


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def error(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message}})


def test_a_question_is_sent_once_even_when_the_api_says_503() -> None:
    """POST /ask is one attempt: an overloaded API is not sent the same question again."""
    replies = iter([error(503, "index_not_ready", "Chưa có chỉ mục"), httpx.Response(200, json=ANSWER)])
    api, seen = client(lambda r: next(replies))
    with pytest.raises(ApiUnavailable) as e:
        run(api.ask("q", 42))
    assert e.value.message == BUSY and seen == ["POST /api/v1/ask tg=42"]


def test_reads_are_retried_on_503_within_the_deadline() -> None:
    replies = iter([error(503, "index_not_ready", "Chưa có chỉ mục"), httpx.Response(200, json={"role": None})])
    api, seen = client(lambda r: next(replies))
    assert run(api.whoami()) == {"role": None} and len(seen) == 2


def test_one_total_deadline_covers_every_attempt() -> None:
    """A slow API: the user gets the clear message after the deadline, whatever the retries and timeouts say."""

    async def slow(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        await asyncio.sleep(10)
        return httpx.Response(200, json=ANSWER)

    seen: list[str] = []
    api = AssistantApi("http://api", "ak_x", retries=5, timeout=30, deadline=0.3, transport=httpx.MockTransport(slow))
    loop = asyncio.new_event_loop()
    started = loop.time()
    with pytest.raises(ApiUnavailable) as e:
        loop.run_until_complete(api.ask("q", 1))
    took = loop.time() - started
    loop.close()
    assert e.value.message == SLOW and seen == ["/api/v1/ask"] and took < 2


def test_connection_refused_every_time_becomes_the_busy_message() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    api, seen = client(refuse, retries=2)
    with pytest.raises(ApiUnavailable) as e:
        run(api.ask("q", None))  # refused connections never reached the API: trying again is safe
    assert e.value.message == BUSY and len(seen) == 3 and seen[0].endswith("tg=None")


def test_state_changing_calls_are_not_repeated_after_a_500_or_a_read_timeout() -> None:
    api, seen = client(lambda r: error(500, "internal_error", "x"))
    with pytest.raises(ApiUnavailable):
        run(api.link(42, "CODE"))
    assert len(seen) == 1

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    api, seen = client(slow)
    with pytest.raises(ApiUnavailable):
        run(api.feedback("t1", True, 42))
    assert len(seen) == 1


def test_refusals_carry_the_api_message_and_are_not_retried() -> None:
    api, seen = client(lambda r: error(400, "link_code_invalid", "Mã liên kết đã hết hạn."))
    with pytest.raises(ApiError) as e:
        run(api.link(42, "CODE"))
    assert (e.value.status, e.value.message) == (400, "Mã liên kết đã hết hạn.") and len(seen) == 1


def test_a_route_the_api_does_not_have_is_told_apart_from_a_missing_record() -> None:
    api, _ = client(lambda r: error(404, "http_404", "Không tìm thấy đường dẫn này."))
    with pytest.raises(EndpointMissing):
        run(api.article("58-2010-qh12:d33"))
    api, _ = client(lambda r: error(404, "not_found", "Không có điều này."))
    with pytest.raises(ApiError) as e:
        run(api.article("58-2010-qh12:d99"))
    assert not isinstance(e.value, EndpointMissing)


def test_status_of_an_unlinked_user_is_none_without_a_second_call() -> None:
    api, seen = client(lambda r: httpx.Response(200, json={"role": None, "cadre_code": None}))
    assert run(api.my_status(42)) is None and seen == ["GET /api/v1/auth/me tg=42"]


def test_the_bot_package_never_imports_the_core() -> None:
    """The bot runs on another host with an API key only: no retrieval, SQL or settings of `assistant` inside."""
    import subprocess
    import sys

    code = "import sys, bots.telegram.__main__; print(sorted(m for m in sys.modules if m.split('.')[0] == 'assistant'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_unlink_says_whether_a_link_was_removed() -> None:
    api, _ = client(lambda r: httpx.Response(200, json={"ok": True, "unlinked": False, "message": "x"}))
    assert run(api.unlink(42)) is False
    api, _ = client(lambda r: httpx.Response(200, json={"ok": True, "unlinked": True, "message": "x"}))
    assert run(api.unlink(42)) is True


def test_rate_limit_notice_once_per_burst() -> None:
    from bots.telegram.limits import RateLimiter

    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.acquire(1) == 0 and limiter.acquire(1) == 0
    told = []
    for _ in range(12):
        wait = limiter.acquire(1)
        assert wait > 0
        told.append(limiter.should_notify(1, wait))
    assert told == [True] + [False] * 11
    now[0] += 31  # the burst is over and a token is back
    assert limiter.acquire(1) == 0
    wait = limiter.acquire(1)
    assert wait > 0 and limiter.should_notify(1, wait) is True  # a new burst is told again


def test_flood_control_waits_retry_after_then_resends() -> None:
    from telegram.error import RetryAfter

    from bots.telegram.limits import FloodControl

    calls: list[float] = []

    async def send() -> bool:
        calls.append(asyncio.get_running_loop().time())
        if len(calls) < 3:
            raise RetryAfter(1)
        return True

    control = FloodControl(retries=3, max_wait=5)
    assert run(control.process_request(send, (), {}, "sendMessage", {}, None)) is True
    assert len(calls) == 3 and calls[1] - calls[0] >= 0.95 and calls[2] - calls[1] >= 0.95
    with pytest.raises(RetryAfter):  # longer than the bot may wait: given up, the error handler tells the log
        run(FloodControl(retries=3, max_wait=0.5).process_request(send_always_flooded, (), {}, "sendMessage", {}, None))


async def send_always_flooded() -> bool:
    from telegram.error import RetryAfter

    raise RetryAfter(30)


def test_button_data_fits_and_names_what_the_api_can_resolve() -> None:
    from bots.telegram.client import Answer, Quote
    from bots.telegram.handlers import ARTICLE_DATA, QUOTE_DATA, answer_keyboard

    long_slug = "x" * 70 + ":d1:k1"
    answer = Answer(
        "q",
        "a",
        False,
        "0123456789abcdef0123456789abcdef",
        quotes=(Quote("58-2010-qh12:d33:k1", "Khoản 1 Điều 33", "…"), Quote(long_slug, "Điều 1", "…")),
    )
    data = [b.callback_data for row in answer_keyboard(answer).inline_keyboard for b in row]
    assert all(len(str(d).encode()) <= 64 for d in data)
    assert data[0] == "u:58-2010-qh12:d33" and ARTICLE_DATA.match(str(data[0]))
    assert data[1] == "t:0123456789abcdef0123456789abcdef:1" and QUOTE_DATA.match(str(data[1]))
    assert QUOTE_DATA.match("a:0123456789abcdef:0")  # buttons sent before this version
