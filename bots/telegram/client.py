"""An httpx client of the assistant's HTTP API: the bot's only way to knowledge and records (see bots.telegram).

It authenticates with the service API key (X-API-Key) and names the Telegram user it acts for in
X-Telegram-User-Id; the API decides whether that user is linked to a cadre and what they may see.

Every call has one total deadline (`deadline`, 20 s by default) that covers all its attempts, so a user never
waits longer than that for the busy message. Reads (GET) are retried on connection failures and 5xx with
exponential backoff and jitter inside that deadline. A question (POST /ask) and every other call that changes or
records something is sent once: it is repeated only when it certainly did not reach the API (connection refused),
never after a timeout or an error response — an overloaded API is not sent the same question again.
After that `ApiUnavailable` carries the message the user reads. Other errors become `ApiError` with the API's own
Vietnamese message.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

log = logging.getLogger(__name__)

BUSY = "Hệ thống đang bận/cập nhật, vui lòng thử lại sau ít phút."
SLOW = "Hệ thống đang quá tải nên chưa trả lời kịp. Anh/chị vui lòng gửi lại câu hỏi sau ít phút."
UNSENT = (httpx.ConnectError, httpx.ConnectTimeout)  # the request never reached the API


class ApiError(Exception):
    """The API refused or failed a request; `message` is Vietnamese and safe to show."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class ApiUnavailable(ApiError):
    """The API could not be reached, or kept failing, or did not answer within the deadline."""

    def __init__(self, detail: str, message: str = BUSY) -> None:
        super().__init__(503, "unavailable", message)
        self.detail = detail


class EndpointMissing(ApiError):
    """The API does not offer this route (an older API version)."""


@dataclass(frozen=True)
class Quote:
    unit_id: str
    citation: str
    text: str
    doc_number: str = ""
    notes: tuple[str, ...] = ()
    badge: str = ""  # the document's validity badge on the asked date ("Hết hiệu lực" …), as the API gives it
    warning: str = ""  # the document's validity warning (not / maybe not in force), on its first quote only

    @property
    def article_id(self) -> str:
        """'58-2010-qh12:d33:k1:a' → '58-2010-qh12:d33'."""
        return ":".join(self.unit_id.split(":")[:2])

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Quote:
        notes = tuple(str(n) for n in d.get("notes") or ())
        return cls(
            d["unit_id"],
            d["citation"],
            d["text"],
            d.get("doc_number", ""),
            notes,
            str(d.get("badge") or ""),
            str(d.get("warning") or ""),
        )


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    abstained: bool
    trace_id: str
    quotes: tuple[Quote, ...] = ()
    cadre_code: str | None = None
    statuses: tuple[dict[str, Any], ...] = ()
    status_summary: str | None = None
    personal: dict[str, Any] | None = None  # the worded personal view (see bots.telegram.personal)

    @property
    def linked(self) -> bool:
        """The API answered for a linked cadre (and so looked up their statuses)."""
        return self.cadre_code is not None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Answer:
        return cls(
            question=d.get("question", ""),
            text=d.get("answer", ""),
            abstained=bool(d.get("abstained")),
            trace_id=d["trace_id"],
            quotes=tuple(Quote.from_api(q) for q in d.get("quotes") or ()),
            cadre_code=d.get("cadre_code"),
            statuses=tuple(d.get("statuses") or ()),
            status_summary=d.get("status_summary"),
            personal=d.get("personal"),
        )


@dataclass(frozen=True)
class Article:
    unit_id: str
    citation: str
    heading: str
    text: str
    doc_name: str = ""
    status_label: str = ""
    notes: tuple[str, ...] = field(default=())

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Article:
        return cls(
            unit_id=d["unit_id"],
            citation=d.get("citation", ""),
            heading=d.get("heading", ""),
            text=d["text"],
            doc_name=d.get("doc_name", ""),
            status_label=d.get("status_label", ""),
            notes=tuple(str(n) for n in d.get("notes") or ()),
        )


class AssistantApi:
    """One instance per bot process; safe for concurrent use from one event loop."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        deadline: float = 20.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/api/v1",
            headers={"X-API-Key": api_key, "User-Agent": "tro-ly-dao-tao-telegram-bot"},
            timeout=min(timeout, deadline),
            transport=transport,
        )
        self.deadline = deadline
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff

    async def aclose(self) -> None:
        await self._http.aclose()

    # ------------------------------------------------------------------------------------------- endpoints

    async def ask(self, question: str, telegram_user_id: int | None) -> Answer:
        """One attempt (the API logs every answer): never re-sent once it may have reached the API."""
        body = {"question": question}
        return Answer.from_api(await self._call("POST", "/ask", telegram_user_id, json=body, idempotent=False))

    async def feedback(self, trace_id: str, helpful: bool, telegram_user_id: int | None, comment: str = "") -> str:
        """Vote on one's own answer (a second vote replaces the first); returns the API's Vietnamese reply."""
        body = {"trace_id": trace_id, "helpful": helpful, "comment": comment}
        result = await self._call("POST", "/feedback", telegram_user_id, json=body, idempotent=False)
        return str(result.get("message") or "")

    async def cited_units(self, trace_id: str, telegram_user_id: int | None) -> list[str]:
        """The units an answer given to this user cited, in order (GET /answers/{trace_id})."""
        answer = await self._call("GET", f"/answers/{quote(trace_id, safe='')}", telegram_user_id)
        return [str(u) for u in answer.get("cited_unit_ids") or ()]

    async def whoami(self) -> dict[str, Any]:
        """Who the API takes the bot's key for (the start-up check); ApiError 401 when the key is refused."""
        return await self._call("GET", "/auth/me", None)  # type: ignore[no-any-return]

    async def link(self, telegram_user_id: int, code: str) -> str:
        """Redeem a one-time link code; returns the cadre code the Telegram user is now linked to."""
        body = {"telegram_user_id": telegram_user_id, "code": code}
        return str((await self._call("POST", "/telegram/links", None, json=body, idempotent=False))["cadre_code"])

    async def unlink(self, telegram_user_id: int) -> bool:
        """True when a link was removed; False when the user was not linked (nothing changed)."""
        result = await self._call("DELETE", f"/telegram/links/{telegram_user_id}", None)
        return bool(result.get("unlinked", True))

    async def linked_cadre(self, telegram_user_id: int) -> str | None:
        me = await self._call("GET", "/auth/me", telegram_user_id)
        return me.get("cadre_code") if me.get("role") == "cadre" else None

    async def cadre(self, code: str, telegram_user_id: int) -> dict[str, Any]:
        return await self._call("GET", f"/cadres/{quote(code, safe='')}", telegram_user_id)  # type: ignore[no-any-return]

    async def my_status(self, telegram_user_id: int) -> dict[str, Any] | None:
        """The linked cadre's requirements, enrollments and deadlines; None when the user is not linked."""
        code = await self.linked_cadre(telegram_user_id)
        if code is None:
            return None
        return await self._call("GET", f"/cadres/{quote(code, safe='')}/status", telegram_user_id)  # type: ignore[no-any-return]

    async def article(self, unit_id: str) -> Article:
        """The full text of a cited article (GET /articles/{unit_id}; EndpointMissing on an API without it)."""
        return Article.from_api(await self._call("GET", f"/articles/{quote(unit_id, safe=':')}", None))

    # ------------------------------------------------------------------------------------------- transport

    async def _call(
        self,
        method: str,
        path: str,
        telegram_user_id: int | None,
        *,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> Any:
        """One call within the total deadline; see the module docstring for what is retried."""
        if idempotent is None:
            idempotent = method in ("GET", "HEAD", "DELETE")
        try:
            async with asyncio.timeout(self.deadline):
                return await self._attempts(method, path, telegram_user_id, json, idempotent)
        except TimeoutError as e:
            raise ApiUnavailable(f"{method} {path}: no answer within {self.deadline:g} s", SLOW) from e

    async def _attempts(self, method: str, path: str, telegram_user_id: int | None, json: Any, idempotent: bool) -> Any:
        headers = {"X-Telegram-User-Id": str(telegram_user_id)} if telegram_user_id is not None else {}
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = await self._http.request(method, path, json=json, headers=headers)
            except httpx.TimeoutException as e:
                if isinstance(e, httpx.ConnectTimeout) and not last:
                    await asyncio.sleep(self._delay(attempt))
                    continue
                raise ApiUnavailable(f"{method} {path}: {type(e).__name__}", SLOW) from e
            except httpx.TransportError as e:
                if last or not (idempotent or isinstance(e, UNSENT)):
                    raise ApiUnavailable(f"{method} {path}: {type(e).__name__}: {e}") from e
                log.warning("API %s %s: %s; retry %d/%d", method, path, type(e).__name__, attempt + 1, self.retries)
                await asyncio.sleep(self._delay(attempt))
                continue
            if response.status_code < 500:
                return _result(response)
            if last or not idempotent:
                raise ApiUnavailable(f"{method} {path}: HTTP {response.status_code} {_error(response)[1]}")
            log.warning(
                "API %s %s: HTTP %d; retry %d/%d", method, path, response.status_code, attempt + 1, self.retries
            )
            await asyncio.sleep(self._delay(attempt, response.headers.get("retry-after")))
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int, retry_after: str | None = None) -> float:
        if retry_after and retry_after.isdigit():
            return min(float(retry_after), self.max_backoff)
        return min(self.backoff * 2.0**attempt, self.max_backoff) * random.uniform(0.5, 1.0)


def _result(response: httpx.Response) -> Any:
    if response.is_success:
        return response.json()
    status, code, message = _error(response)
    if status == 404 and code == "http_404":
        raise EndpointMissing(status, code, message)
    raise ApiError(status, code, message)


def _error(response: httpx.Response) -> tuple[int, str, str]:
    try:
        error = response.json()["error"]
        return response.status_code, str(error["code"]), str(error["message"])
    except (ValueError, KeyError, TypeError):
        return response.status_code, f"http_{response.status_code}", "Hệ thống trả lời không đúng định dạng."
