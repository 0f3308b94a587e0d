"""Engines and sessions: SQLite by default (a file the caller names), PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str = "", *, sqlite_path: Path | None = None, schema: str | None = None) -> Engine:
    """An engine for `url`; an empty url means a SQLite file at `sqlite_path` (the caller decides where).

    `schema` (PostgreSQL only) puts every table in that schema via search_path, which lets tests run side by side.
    """
    if not url:
        if sqlite_path is None:
            raise ValueError("sqlite_path is required when no database url is given")
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite+pysqlite:///{sqlite_path}"
    kwargs: dict[str, Any] = {}
    if url.startswith("postgresql") and schema:
        kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        database = engine.url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            _watch_file(engine, Path(database))
    return engine


def sqlite_file(engine: Engine) -> Path | None:
    """The database file of a SQLite engine (None for PostgreSQL or an in-memory database)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    return Path(database) if database and database != ":memory:" and not database.startswith("file:") else None


def _watch_file(engine: Engine, path: Path) -> None:
    """Every connection handed out checks the file is still the one it opened: a database deleted or replaced
    while serving is refused (503, Vietnamese) instead of writes going silently into an unlinked file."""
    from assistant.errors import DatabaseMissing

    inode: dict[str, int] = {}

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        try:
            record.info["inode"] = path.stat().st_ino
        except OSError:
            record.info["inode"] = -1

    def on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        try:
            now = path.stat().st_ino
        except OSError:
            now = -1
        if now == -1 or now != record.info.get("inode", now):
            inode["lost"] = 1
            raise DatabaseMissing(
                f"Không còn thấy tệp cơ sở dữ liệu {path} (đã bị xóa hoặc thay thế khi đang chạy); thay đổi không "
                "được ghi. Hãy khôi phục tệp từ bản sao lưu rồi khởi động lại dịch vụ."
            )

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "checkout", on_checkout)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys enforced; readers (asks) never wait for the writer (job progress, answer log)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def sessions(engine: Engine) -> Callable[[], Session]:
    return sessionmaker(engine, expire_on_commit=False)
