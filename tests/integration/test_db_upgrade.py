"""One database, one Alembic history: a database from the release with two histories upgrades in place.

SQLite: a database the previous release wrote (tests/fixtures/db/release-0.1-sqlite.sql) is restored and
upgraded by the services' start. SQLite and PostgreSQL (a throw-away schema): the two old histories are
reproduced with the first two revisions of this history (the old migrations, unchanged) and their old version
tables, then upgraded; references to cadres become foreign keys.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from assistant.db import VERSION_TABLE, make_engine, upgrade
from assistant.db.migrate import MIGRATIONS_DIR, _alembic
from assistant.db.migrations.schema import metadata

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "db" / "release-0.1-sqlite.sql"
ROOT = Path(__file__).resolve().parents[2]


def head() -> str:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"the history must stay linear, found heads {heads}"
    return heads[0]


def test_one_history_one_head_and_no_other_migrations_directory() -> None:
    head()
    others = [p for p in (ROOT / "assistant").rglob("migrations") if p.is_dir() and p != MIGRATIONS_DIR]
    assert others == [], f"migrations belong to assistant/db/migrations only: {others}"


def restore_release_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.executescript(FIXTURE.read_text(encoding="utf-8"))


def test_a_release_sqlite_database_upgrades_in_place_keeping_people_accounts_and_links(tmp_path) -> None:
    from assistant.config import EmbedderSettings, PathSettings, Settings
    from assistant.services import build_services

    data = tmp_path / "data"
    data.mkdir()
    restore_release_sqlite(data / "assistant.db")
    with sqlite3.connect(data / "assistant.db") as conn:
        before = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("enr_cadres", "api_users")}
    settings = Settings(
        paths=PathSettings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "idx", data_dir=data),
        embedder=EmbedderSettings(backend="fake"),
    )
    svc = build_services(settings)
    svc.open()
    personal = svc.personal
    assert personal is not None
    try:
        with personal.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            assert "alembic_version_api" not in tables and "alembic_version_enrollment" not in tables
            assert conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one() == head()
            after = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in before}
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            fks = {fk["referred_table"] for fk in inspect(conn).get_foreign_keys("api_users")}
        assert after == before and before["enr_cadres"] > 0
        assert fks == {"enr_cadres"}
        token = personal.accounts.login("demo_canbo", "demo-canbo-2025")  # the account still signs in
        assert personal.accounts.principal_for_token(token.token).cadre_code == "DEMO-0018"
        binding = personal.accounts.binding("555001")  # the Telegram link survived the table rebuild
        assert binding is not None and binding.cadre_code == "DEMO-0018"
        assert personal.enrollment.cadre_status("DEMO-0018").statuses
        svc.open()  # a second start is a no-op
    finally:
        svc.close()


def _pg_reachable() -> str | None:
    try:
        probe = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with probe.connect() as conn:
            conn.execute(text("select 1"))
        probe.dispose()
        return None
    except OperationalError as e:
        return f"PostgreSQL unreachable at 127.0.0.1:5432 ({type(e.orig).__name__})"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_engine(request, tmp_path):
    if request.param == "sqlite":
        eng = make_engine("", sqlite_path=tmp_path / "legacy.db")
        yield eng
        eng.dispose()
        return
    if reason := _pg_reachable():
        pytest.skip(reason)
    schema = f"db_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng = make_engine(PG_URL, schema=schema)
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def make_two_history_database(engine) -> None:
    """The layout of the release with two histories: both revisions applied, each in its own version table."""
    with engine.connect() as conn:
        _alembic(conn, "upgrade", "api0001")
        conn.execute(text(f"DROP TABLE {VERSION_TABLE}"))
        for table, rev in (("alembic_version_enrollment", "enr0001"), ("alembic_version_api", "api0001")):
            conn.execute(text(f"CREATE TABLE {table} (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
            conn.execute(text(f"INSERT INTO {table} VALUES ('{rev}')"))
        conn.execute(text("INSERT INTO enr_units (code, name, level) VALUES ('U1', 'Đơn vị mẫu', 'tinh')"))
        unit = conn.execute(text("SELECT id FROM enr_units WHERE code = 'U1'")).scalar_one()
        conn.execute(
            text("INSERT INTO enr_cadres (code, full_name, unit_id, kind) VALUES ('C1', 'Người mẫu', :u, 'cong_chuc')"),
            {"u": unit},
        )
        now = "2026-01-01 00:00:00+00:00"
        for name, cadre in (("kept", "C1"), ("orphan", "GONE")):
            conn.execute(
                text(
                    "INSERT INTO api_users (username, password_hash, role, full_name, cadre_code, active, demo,"
                    " created_at) VALUES (:n, 'x', 'cadre', '', :c, true, false, :t)"
                ),
                {"n": name, "c": cadre, "t": now},
            )
            conn.execute(
                text("INSERT INTO api_telegram_links (telegram_user_id, cadre_code, linked_at) VALUES (:n, :c, :t)"),
                {"n": f"tg-{name}", "c": cadre, "t": now},
            )
        conn.commit()


def test_two_histories_become_one_and_cadre_references_become_foreign_keys(fresh_engine) -> None:
    make_two_history_database(fresh_engine)
    upgrade(fresh_engine)
    upgrade(fresh_engine)  # a second run is a no-op
    with fresh_engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert not {"alembic_version_api", "alembic_version_enrollment"} & tables
        assert conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one() == head()
        users = dict(conn.execute(text("SELECT username, cadre_code FROM api_users")).all())
        links = dict(conn.execute(text("SELECT telegram_user_id, cadre_code FROM api_telegram_links")).all())
        # a reference to a cadre no longer on record: the account stays unbound, the link goes
        assert users == {"kept": "C1", "orphan": None}
        assert links == {"tg-kept": "C1"}
        diff = compare_metadata(MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}), metadata)
        assert diff == [], f"models and migrations differ: {diff}"
    with fresh_engine.connect() as conn, pytest.raises(IntegrityError):
        conn.execute(text("UPDATE api_users SET cadre_code = 'NOBODY' WHERE username = 'kept'"))
    with fresh_engine.begin() as conn:  # a cadre's code changes: references follow; the cadre goes: links go
        conn.execute(text("UPDATE enr_cadres SET code = 'C1-NEW' WHERE code = 'C1'"))
        assert conn.execute(text("SELECT cadre_code FROM api_users WHERE username = 'kept'")).scalar_one() == "C1-NEW"
        conn.execute(text("DELETE FROM enr_cadres WHERE code = 'C1-NEW'"))
        assert conn.execute(text("SELECT cadre_code FROM api_users WHERE username = 'kept'")).scalar_one() is None
        assert conn.execute(text("SELECT count(*) FROM api_telegram_links")).scalar_one() == 0


def test_a_fresh_database_migrates_to_the_models_exactly(fresh_engine) -> None:
    upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}), metadata)
        names = set(inspect(conn).get_table_names())
    assert diff == [], f"models and migrations differ: {diff}"
    assert set(metadata.tables) | {VERSION_TABLE} == names


def test_an_unknown_old_revision_is_refused_with_a_message(tmp_path) -> None:
    from assistant.db.migrate import LegacySchemaUnknown

    engine = make_engine("", sqlite_path=tmp_path / "future.db")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version_api (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version_api VALUES ('api0099')"))
    with pytest.raises(LegacySchemaUnknown, match="api0099"):
        upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(select(text("version_num")).select_from(text("alembic_version_api"))).scalar() == "api0099"
    engine.dispose()
