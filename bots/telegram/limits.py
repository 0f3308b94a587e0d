"""Limits both ways: per-user question buckets (what we accept), and Telegram's flood control (what we send).

- `RateLimiter`: N questions per minute per Telegram user, bursts up to N, refilled continuously. A user over the
  limit is told once per burst (`should_notify`): fourteen messages in a row get one "please wait", not fourteen.
- `FloodControl`: a PTB rate limiter that honours Telegram's HTTP 429 — it waits the `retry_after` Telegram asks
  for and sends the same request again (a bounded number of times; a wait longer than `max_wait` is not waited).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)


@dataclass
class _Bucket:
    tokens: float
    at: float
    told_until: float = 0.0  # the user was told to wait until then: later refusals in the burst stay silent


class RateLimiter:
    """`acquire(user)` returns 0 when the user may ask now, else the seconds until they may."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, max_users: int = 10_000) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self.clock = clock
        self.max_users = max_users
        self._buckets: dict[int, _Bucket] = {}

    def acquire(self, user_id: int) -> float:
        now = self.clock()
        bucket = self._buckets.get(user_id) or self._new(user_id, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def should_notify(self, user_id: int, wait: float) -> bool:
        """True for the first refusal of a burst; False while that notice still holds (the user was told)."""
        now = self.clock()
        bucket = self._buckets.get(user_id) or self._new(user_id, now)
        if now < bucket.told_until:
            return False
        bucket.told_until = now + wait
        return True

    def _new(self, user_id: int, now: float) -> _Bucket:
        if len(self._buckets) >= self.max_users:  # forget users whose bucket has refilled: they lose nothing
            full = [
                u
                for u, b in self._buckets.items()
                if b.tokens + (now - b.at) * self.rate >= self.capacity and b.told_until <= now
            ]
            for u in full:
                del self._buckets[u]
        bucket = self._buckets[user_id] = _Bucket(self.capacity, now)
        return bucket


class FloodControl(BaseRateLimiter[None]):
    """Wait out Telegram's 429 `retry_after` and resend, at most `retries` times per request."""

    def __init__(self, retries: int = 3, max_wait: float = 60.0) -> None:
        self.retries = retries
        self.max_wait = max_wait
        self.waited = 0.0  # total seconds spent waiting (for logs and tests)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        for attempt in range(self.retries + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as e:
                wait = (
                    e.retry_after.total_seconds() if hasattr(e.retry_after, "total_seconds") else float(e.retry_after)
                )
                if attempt == self.retries or wait > self.max_wait:
                    log.warning("Telegram flood control on %s: retry_after %.0f s; giving up", endpoint, wait)
                    raise
                log.warning("Telegram flood control on %s: waiting %.1f s (retry %d)", endpoint, wait, attempt + 1)
                self.waited += wait
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover
