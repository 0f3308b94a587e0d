"""One Alembic history for the whole database, and the in-place upgrade of databases from before it.

Until this history existed the database carried two: the enrollment tables (version table
`alembic_version_enrollment`, revision enr0001) and the API tables (`alembic_version_api`, api0001). Their
migrations are now the first two revisions of this one history, under the same revision ids, so such a
database is adopted by stamping the revision it already has and dropping the two old version tables;
the revisions after that then run as usual. Nothing in the tables is rewritten by the adoption itself.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from assistant.db.locks import cluster_lock

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
LEGACY_VERSION_TABLES = {"alembic_version_enrollment": "enr0001", "alembic_version_api": "api0001"}


class LegacySchemaUnknown(RuntimeError):
    """A database whose old version tables name a revision this release does not know."""


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision, once however many processes start together; safe on every start.

    The first process takes the migration lock (a PostgreSQL advisory lock, a file lock beside a SQLite file);
    the others wait for it and then find nothing left to do.
    """
    with cluster_lock(engine, "migrations"), engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Rebuilding a table (SQLite's way to add a constraint) drops the old one; with foreign keys on,
            # that drop would cascade to the rows referring to it. The pragma only changes outside a transaction.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            _adopt_legacy(connection)
            _alembic(connection, "upgrade", "head")
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"foreign keys broken after migrating: {broken[:5]}")
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if VERSION_TABLE not in inspect(connection).get_table_names():
            return None
        value = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
        return str(value) if value is not None else None


def _alembic(connection: Connection, verb: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    getattr(command, verb)(config, revision)
    connection.commit()


def _adopt_legacy(connection: Connection) -> None:
    """A database from the two-history release gets this history's version table at the revision it has."""
    tables = set(inspect(connection).get_table_names())
    legacy = {t: _version(connection, t) for t in LEGACY_VERSION_TABLES if t in tables}
    if not legacy:
        return
    for table, found in legacy.items():
        if found is not None and found != LEGACY_VERSION_TABLES[table]:
            raise LegacySchemaUnknown(
                f"Cơ sở dữ liệu ghi phiên bản lược đồ {found!r} trong bảng {table}, phiên bản này không biết; "
                "hãy nâng cấp bằng bản phát hành tương ứng trước."
            )
    if VERSION_TABLE not in tables:
        has_enrollment = legacy.get("alembic_version_enrollment") is not None
        has_api = legacy.get("alembic_version_api") is not None
        if has_api and not has_enrollment:
            _alembic(connection, "upgrade", "enr0001")  # creates only the enrollment tables the API ones lacked
        elif has_enrollment:
            _alembic(connection, "stamp", "enr0001")
        if has_api:
            _alembic(connection, "stamp", "api0001")
    for table in legacy:
        connection.execute(text(f"DROP TABLE {table}"))
    connection.commit()


def _version(connection: Connection, table: str) -> str | None:
    value = connection.execute(text(f"SELECT version_num FROM {table}")).scalar()
    return str(value) if value is not None else None
