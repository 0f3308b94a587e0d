"""Per-user token buckets: N questions per minute per Telegram user, bursts up to N, refilled continuously."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    at: float


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

    def _new(self, user_id: int, now: float) -> _Bucket:
        if len(self._buckets) >= self.max_users:  # forget users whose bucket has refilled: they lose nothing
            full = [u for u, b in self._buckets.items() if b.tokens + (now - b.at) * self.rate >= self.capacity]
            for u in full:
                del self._buckets[u]
        bucket = self._buckets[user_id] = _Bucket(self.capacity, now)
        return bucket
