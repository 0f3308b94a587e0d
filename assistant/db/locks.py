"""Locks that hold across processes (and, on PostgreSQL, across hosts).

PostgreSQL: session-level advisory locks keyed by name and the connection's schema (so test schemas side by side
never wait for each other). SQLite (one host by nature): `flock` on a file beside the database.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from assistant.errors import IndexBusy


def _key(name: str, schema: str) -> int:
    digest = hashlib.sha256(f"assistant:{schema}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _sqlite_lock_file(engine: Engine, name: str) -> Path:
    db = engine.url.database or ""
    base = Path(db).parent if db and db != ":memory:" else Path(os.environ.get("TMPDIR", "/tmp"))
    return base / f".{Path(db).name or 'memory'}.{name}.lock"


@contextmanager
def cluster_lock(engine: Engine, name: str, *, wait: bool = True, timeout: float = 600.0) -> Iterator[None]:
    """Hold the lock `name` for the block; wait for it (up to `timeout`) or, with wait=False, raise IndexBusy."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            key = _key(name, str(conn.execute(text("SELECT current_schema()")).scalar() or ""))
            conn.commit()
            _pg_acquire(conn, key, name, wait=wait, timeout=timeout)
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
        return
    path = _sqlite_lock_file(engine, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        _flock(fd, name, wait=wait, timeout=timeout)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _pg_acquire(conn: Connection, key: int, name: str, *, wait: bool, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
        conn.commit()
        if got:
            return
        if not wait or time.monotonic() > deadline:
            raise IndexBusy(_busy(name))
        time.sleep(0.1)


def _flock(fd: int, name: str, *, wait: bool, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if not wait or time.monotonic() > deadline:
                raise IndexBusy(_busy(name)) from None
            time.sleep(0.1)


def _busy(name: str) -> str:
    if name == "migrations":
        return "Một tiến trình khác đang nâng cấp cơ sở dữ liệu quá lâu; vui lòng thử lại sau."
    return "Đang có một lượt xây dựng chỉ mục khác chạy; vui lòng thử lại sau."
