"""Issue 13: /ready tells the truth — it loads and checks the generation it reports, falls back to the newest intact
one (with a log line) when CURRENT's is broken, and reports a missing database; the CLI never serves on an empty
database created by accident."""

from __future__ import annotations

import logging

import httpx
import pytest
from typer.testing import CliRunner

from assistant.api.app import create_app
from tests.support import LiveServer

QUESTION = "Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?"


def two_generations(services):  # type: ignore[no-untyped-def]
    from assistant.domain import Document

    services.knowledge.build()
    first = services.generations.current_id()
    services.documents.put(Document(number="901/2099/TT-THU", doc_type="Thông tư", title="thử"))
    services.knowledge.build()
    return first, services.generations.current_id()


def restarted(services):  # type: ignore[no-untyped-def]
    """A fresh server process over the same directories (the building one holds the generation in memory)."""
    from assistant.services import build_services

    services.close()
    return build_services(services.settings)


def _truncate_units(path):  # type: ignore[no-untyped-def]
    units = path / "units.jsonl"
    units.write_text(units.read_text(encoding="utf-8")[:1000], encoding="utf-8")


def _delete_lexical(path):  # type: ignore[no-untyped-def]
    (path / "lexical" / "lexical.json").unlink()


def _garbage_chroma(path):  # type: ignore[no-untyped-def]
    (path / "chroma" / "chroma.sqlite3").write_bytes(b"garbage" * 1000)


def _truncate_manifest(path):  # type: ignore[no-untyped-def]
    manifest = path / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8")[:40], encoding="utf-8")


@pytest.mark.parametrize("damage", [_truncate_units, _delete_lexical, _garbage_chroma, _truncate_manifest])
def test_a_broken_current_generation_falls_back_to_the_intact_one(services, damage, caplog):  # type: ignore[no-untyped-def]
    first, second = two_generations(services)
    damage(services.generations.path(second))
    caplog.set_level(logging.WARNING)
    with LiveServer(create_app(restarted(services))) as url:
        ready = httpx.get(f"{url}/ready")
        body = ready.json()
        assert ready.status_code == 200 and body["generation"] == first and body["fallback"] is True, body
        r = httpx.post(f"{url}/api/v1/ask", json={"question": QUESTION})
        assert r.status_code == 200 and r.json()["generation"] == first and not r.json()["abstained"]
    assert any(f"serving index generation {first}" in m for m in caplog.messages), caplog.messages


def test_current_naming_a_missing_generation_serves_the_newest_intact(services):  # type: ignore[no-untyped-def]
    _, second = two_generations(services)
    (services.generations.root / "CURRENT").write_text("g-does-not-exist")
    with LiveServer(create_app(restarted(services))) as url:
        body = httpx.get(f"{url}/ready").json()
        assert body["generation"] == second and body["pointer"] == "g-does-not-exist" and body["fallback"]
        assert httpx.post(f"{url}/api/v1/ask", json={"question": QUESTION}).status_code == 200


def test_nothing_intact_is_not_ready(services):  # type: ignore[no-untyped-def]
    services.knowledge.build()
    _delete_lexical(services.generations.path(services.generations.current_id()))
    with LiveServer(create_app(restarted(services))) as url:
        ready = httpx.get(f"{url}/ready")
        assert ready.status_code == 503 and ready.json()["generation"] is None
        r = httpx.post(f"{url}/api/v1/ask", json={"question": QUESTION})
        assert r.status_code == 503 and "nguyên vẹn" in r.json()["error"]["message"]


def test_a_database_deleted_while_serving_is_reported_not_written_silently(built):  # type: ignore[no-untyped-def]
    with LiveServer(create_app(built)) as url:
        assert httpx.get(f"{url}/ready").json()["database"] == "ok"
        db = built.settings.paths.data_dir / "assistant.db"
        db.unlink()
        ready = httpx.get(f"{url}/ready")
        assert ready.status_code == 503 and "cơ sở dữ liệu" in ready.json()["database"]
        r = httpx.post(f"{url}/api/v1/auth/login", json={"username": "ai-do", "password": "mat-khau-sai"})
        assert r.status_code == 503 and r.json()["error"]["code"] == "database_missing"
        assert not db.exists()  # nothing recreated an empty database behind the operator's back


def test_serve_refuses_a_missing_database_unless_first_run(settings, monkeypatch):  # type: ignore[no-untyped-def]
    from assistant.cli import app

    p = settings.paths
    for key, value in {
        "ASSISTANT_PATHS__CORPUS_DIR": p.corpus_dir,
        "ASSISTANT_PATHS__INDEX_DIR": p.index_dir,
        "ASSISTANT_PATHS__DATA_DIR": p.data_dir,
        "ASSISTANT_EMBEDDER__BACKEND": "fake",
    }.items():
        monkeypatch.setenv(key, str(value))
    r = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert r.exit_code == 1 and "Không thấy cơ sở dữ liệu" in r.output and "--first-run" in r.output
    assert not (p.data_dir / "assistant.db").exists()
    assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0  # the explicit first run
    assert (p.data_dir / "assistant.db").exists()
