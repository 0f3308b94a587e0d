"""Schema migrations run once however many processes start together against a fresh PostgreSQL database."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from assistant.ops.local import free_port, wait_http
from tests.topology.conftest import ROOT, cli, process_env, small_corpus

pytestmark = pytest.mark.postgres


def test_concurrent_upgrades_all_succeed_and_migrate_once(pg_schema, tmp_path) -> None:  # type: ignore[no-untyped-def]
    schema, url = pg_schema
    envs = [process_env(tmp_path / f"p{i}", url) for i in range(4)]
    procs = [
        subprocess.Popen(cli("db", "upgrade"), env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for env in envs
    ]
    outputs = [p.communicate(timeout=180)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], "\n".join(outputs)
    engine = create_engine(url)
    with engine.connect() as c:
        tables = set(c.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}).scalars())
        assert {"api_jobs", "api_users", "enr_cadres", "alembic_version"} <= tables
        assert c.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    engine.dispose()


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cmdline = (stat.parent / "cmdline").read_bytes() if (stat.parent / "cmdline").exists() else b""
        if int(fields[1]) == pid and b"resource_tracker" not in cmdline:  # uvicorn's workers, not the tracker
            found.add(int(stat.parent.name))
    return found


def test_serve_with_two_workers_shares_one_port(pg_schema, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, url = pg_schema
    small_corpus(tmp_path)
    env = process_env(tmp_path, url)
    port = free_port()
    server = subprocess.Popen(
        cli("serve", "--port", str(port), "--workers", "2"),
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/health", 300, server)
        pids: set[int] = set()
        with httpx.Client(timeout=10) as client:
            for _ in range(40):
                # a new connection each time, so the kernel spreads them over both processes
                r = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=10)
                assert r.status_code in (200, 503)
                pids.add(int(r.json()["process"]["pid"]))
            assert client.get(f"http://127.0.0.1:{port}/health").json() == {"status": "ok"}
        workers = children(server.pid)
        assert len(workers) == 2 and pids <= workers  # two processes behind one port, each answering /ready
    finally:
        server.terminate()
        out = server.communicate(timeout=30)[0].decode()
    assert "UniqueViolation" not in out and "Traceback" not in out, out[-3000:]
