"""The bot's API client: what is retried, what is not, and what the user is told (the network is the fake here)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from bots.telegram.client import BUSY, ApiError, ApiUnavailable, AssistantApi, EndpointMissing

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


def test_index_not_ready_is_retried_then_answered() -> None:
    replies = iter([error(503, "index_not_ready", "Chưa có chỉ mục"), httpx.Response(200, json=ANSWER)])
    api, seen = client(lambda r: next(replies))
    answer = run(api.ask("q", 42))
    assert answer.trace_id == "t1" and not answer.linked
    assert seen == ["POST /api/v1/ask tg=42"] * 2


def test_connection_refused_every_time_becomes_the_busy_message() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    api, seen = client(refuse, retries=2)
    with pytest.raises(ApiUnavailable) as e:
        run(api.ask("q", None))
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
