"""Engine construction and schema migration for the enrollment tables (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version_enrollment"  # separate from any other package's Alembic history


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
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def init_db(engine: Engine) -> None:
    """Bring the schema to the newest migration; safe to call on every start (a no-op when current)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
