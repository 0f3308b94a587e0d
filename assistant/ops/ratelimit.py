"""Request-rate limits that hold across every API process: fixed one-minute windows counted in the database.

One upsert per limited request (``INSERT … ON CONFLICT DO UPDATE … RETURNING count``, PostgreSQL and SQLite alike),
so two processes — or twenty — share one budget per caller. Login and link-code throttles are the accounts
service's own (also in the database); this covers the expensive public endpoint, POST /ask.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import BigInteger, Integer, String, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from assistant.accounts.errors import RateLimited
from assistant.db.base import Base

WINDOW_SECONDS = 60


class RateCounter(Base):
    __tablename__ = "api_rate_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class SharedRateLimit:
    def __init__(self, sessions: Callable[[], Session], per_minute: int, *, clock: Callable[[], float] = time.time):
        self._sessions = sessions
        self.per_minute = per_minute
        self._clock = clock
        self._last_sweep = -1

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def hit(self, key: str) -> int:
        """Count one request for `key`; raise RateLimited (429, Vietnamese) beyond the budget of this minute."""
        if not self.enabled:
            return 0
        window = int(self._clock() // WINDOW_SECONDS)
        with self._sessions() as s, s.begin():
            dialect = s.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            stmt = insert(RateCounter).values(key=key[:200], window=window, count=1)
            upsert = stmt.on_conflict_do_update(
                index_elements=["key", "window"], set_={"count": RateCounter.count + 1}
            ).returning(RateCounter.count)
            count = int(s.execute(upsert).scalar_one())
            if window != self._last_sweep:  # old windows are useless: drop them once a minute per process
                s.execute(delete(RateCounter).where(RateCounter.window < window - 1))
                self._last_sweep = window
        if count > self.per_minute:
            wait = WINDOW_SECONDS - int(self._clock() % WINDOW_SECONDS)
            raise RateLimited(
                f"Anh/chị đã gửi quá {self.per_minute} câu hỏi trong một phút; vui lòng thử lại sau {wait} giây."
            )
        return count
