"""The serving pointer in PostgreSQL: two 'hosts' (separate index folders) share one generation, fetched by
checksum from the database, vectors on one Chroma server; a switch and a rollback by one are followed by the other."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text, update
from sqlalchemy.orm import Session

from assistant.config import ChromaSettings, DatabaseSettings, EmbedderSettings, IndexSettings, PathSettings, Settings
from assistant.errors import IndexBusy, IndexNotReady
from tests.topology.conftest import small_corpus

pytestmark = pytest.mark.postgres
QUESTION = "Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?"


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from assistant.ops.local import ChromaServer

    with ChromaServer(tmp_path_factory.mktemp("chroma-shared") / "data") as server:
        yield server


def host(root: Path, url: str, server, prefix: str):  # type: ignore[no-untyped-def]
    """The services one host would build: its own folders, the shared database and Chroma server."""
    from assistant.services import build_services

    small_corpus(root)
    settings = Settings(
        paths=PathSettings(corpus_dir=root / "corpus", index_dir=root / "indexes", data_dir=root / "data"),
        embedder=EmbedderSettings(backend="fake"),
        database=DatabaseSettings(url=url),
        chroma=ChromaSettings(mode="http", host=server.host, port=server.port, collection_prefix=prefix),
        index=IndexSettings(poll_seconds=0.1),
    )
    services = build_services(settings)
    assert services.personal is not None
    services.personal.migrate()
    return services


def wait_for(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "not followed in time"
        time.sleep(0.05)


@pytest.fixture
def two_hosts(pg_schema, tmp_path, chroma_server):  # type: ignore[no-untyped-def]
    _, url = pg_schema
    prefix = f"t{uuid.uuid4().hex[:8]}"
    a = host(tmp_path / "a", url, chroma_server, prefix)
    b = host(tmp_path / "b", url, chroma_server, prefix)
    yield a, b
    for s in (a, b):
        s.knowledge.stop_following()
        s.close()


def test_a_generation_built_on_one_host_is_served_by_the_other(two_hosts) -> None:  # type: ignore[no-untyped-def]
    from assistant.index.shared import SharedGenerationManager

    a, b = two_hosts
    assert isinstance(a.generations, SharedGenerationManager)
    gen = a.knowledge.build().generation
    assert not (b.generations.path(gen)).exists()
    answer = b.knowledge.ask(QUESTION).answer  # fetched from the database, checksum verified, vectors on the server
    assert (b.generations.path(gen) / "units.jsonl").exists()
    assert not answer.abstained and answer.quotes[0].citation.endswith("Luật Viên chức số 58/2010/QH12")
    assert answer.text == a.knowledge.ask(QUESTION).answer.text
    assert b.knowledge.status()["current"] == gen


def test_a_switch_and_a_rollback_are_followed(two_hosts) -> None:  # type: ignore[no-untyped-def]
    a, b = two_hosts
    first = a.knowledge.build().generation
    b.knowledge.follow(0.1)
    wait_for(lambda: b.knowledge.serving_id() == first)
    a.documents.remove("01/2021/TT-BGDĐT")
    second = a.knowledge.build().generation
    wait_for(lambda: b.knowledge.serving_id() == second)
    assert all(u.doc_number != "01/2021/TT-BGDĐT" for u in b.knowledge.current().units.values())
    assert a.knowledge.rollback() == first
    wait_for(lambda: b.knowledge.serving_id() == first)
    history = b.knowledge.status()["history"]
    assert [h["reason"] for h in history[:3]] == ["rollback", "build", "build"]
    assert history[0]["generation"] == first and history[0]["previous"] == second


def test_a_corrupted_archive_is_refused(two_hosts) -> None:  # type: ignore[no-untyped-def]
    from assistant.index.shared import PublishedGeneration

    a, b = two_hosts
    gen = a.knowledge.build().generation
    with a.personal.engine.begin() as c:
        c.execute(update(PublishedGeneration).where(PublishedGeneration.id == gen).values(archive_sha256="0" * 64))
    with pytest.raises(IndexNotReady):
        b.knowledge.current()  # the only generation is refused; nothing else to fall back to
    assert "sai mã kiểm tra" in b.knowledge.broken[gen]
    assert not b.generations.path(gen).exists()  # nothing half-unpacked is left to be loaded later


def test_one_build_at_a_time_across_hosts(two_hosts) -> None:  # type: ignore[no-untyped-def]
    from assistant.db.locks import cluster_lock

    a, b = two_hosts
    serving = a.knowledge.build().generation
    with cluster_lock(a.personal.engine, "index-build", wait=False):
        with pytest.raises(IndexBusy):
            b.knowledge.build()
    assert b.generations.current_id() == serving
    assert b.knowledge.build().generation != serving  # the lock is free again


def test_old_generations_leave_the_database_and_the_server(two_hosts) -> None:  # type: ignore[no-untyped-def]
    a, b = two_hosts
    for _ in range(5):
        a.knowledge.build()
    kept = {m.id for m in a.generations.list()}
    assert len(kept) == 3
    assert set(a.generations.vectors.generations()) == kept
    with a.personal.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM api_index_generations")).scalar() == 3


# ------------------------------------------------------------------------------------ the coordinated switch


def test_a_switch_moves_the_pointer_once_every_following_process_has_loaded_the_generation(two_hosts) -> None:  # type: ignore[no-untyped-def]
    a, b = two_hosts
    first = a.knowledge.build().generation
    b.knowledge.follow(0.1)
    wait_for(lambda: [p["serving"] for p in a.generations.processes()] == [first])
    a.documents.remove("01/2021/TT-BGDĐT")
    second = a.knowledge.build().generation  # stages, waits for b, then switches
    report = a.generations.last_switch
    assert report is not None and report.generation == second
    assert report.processes == 1 and report.ready == [b.generations.process_id]
    assert report.late == [] and report.refused == []
    wait_for(lambda: b.knowledge.serving_id() == second)
    assert b.knowledge.prepared_id() is None  # handed over to serving, not kept twice
    wait_for(lambda: [p["serving"] for p in b.knowledge.status()["processes"]] == [second])
    with a.personal.engine.connect() as c:
        assert c.execute(text("SELECT staged FROM api_index_serving")).scalar() is None
    b.knowledge.stop_following()
    assert a.generations.processes() == []  # a stopped process is not waited for
    assert a.knowledge.rollback() == first
    assert a.generations.last_switch is not None and a.generations.last_switch.processes == 0


def test_a_process_that_does_not_load_the_staged_generation_delays_the_switch_only_so_long(two_hosts) -> None:  # type: ignore[no-untyped-def]
    from assistant.db.base import utcnow
    from assistant.index.shared import FollowingProcess

    a, _ = two_hosts
    first = a.knowledge.build().generation
    with Session(a.personal.engine) as s, s.begin():
        s.add(FollowingProcess(id="silent", host="h", pid=1, serving=first, seen_at=utcnow()))  # alive, never loads
        s.add(FollowingProcess(id="gone", host="h", pid=2, serving=first, seen_at=utcnow() - timedelta(minutes=5)))
    a.generations.prepare_seconds = 0.5
    second = a.knowledge.build().generation
    report = a.generations.last_switch
    assert report is not None and report.late == ["silent"] and report.processes == 1  # "gone" is not live
    assert report.waited_s >= 0.5
    assert a.generations.current_id() == second  # switched anyway: the late process loads it after the move


def test_prepare_seconds_zero_moves_the_pointer_at_once_without_staging(two_hosts, caplog) -> None:  # type: ignore[no-untyped-def]
    from assistant.db.base import utcnow
    from assistant.index.shared import SERVING_ROW, FollowingProcess, ServingPointer

    a, _ = two_hosts
    first = a.knowledge.build().generation
    with Session(a.personal.engine) as s, s.begin():
        s.add(FollowingProcess(id="silent", host="h", pid=1, serving=first, seen_at=utcnow()))  # alive, never loads
    a.generations.prepare_seconds = 0
    second = a.knowledge.build().generation
    report = a.generations.last_switch
    assert report is not None and report.processes == 0 and report.late == [] and report.waited_s == 0
    assert a.generations.current_id() == second
    with Session(a.personal.engine) as s:
        assert s.get(ServingPointer, SERVING_ROW).staged is None  # nothing staged, so no process loads it twice
    assert "have not loaded it" not in caplog.text  # coordination off is the operator's choice, not a warning


def test_a_staged_generation_a_process_cannot_load_is_refused_and_not_waited_for(two_hosts) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from assistant.index.shared import PublishedGeneration

    a, b = two_hosts
    first = a.knowledge.build().generation
    second = a.knowledge.build().generation
    b.knowledge.follow(0.1)
    wait_for(lambda: [p["serving"] for p in a.generations.processes()] == [second])
    shutil.rmtree(b.generations.path(first), ignore_errors=True)
    with a.personal.engine.begin() as c:
        c.execute(update(PublishedGeneration).where(PublishedGeneration.id == first).values(archive_sha256="0" * 64))
    a.generations.prepare_seconds = 30
    a.generations.switch(first, reason="rollback")
    report = a.generations.last_switch
    assert report is not None and report.refused == [b.generations.process_id] and report.late == []
    assert "sai mã kiểm tra" in b.knowledge.broken[first]
    time.sleep(0.5)
    assert b.knowledge.serving_id() == second  # keeps serving what it has; /ready says fallback


def test_a_prepared_generation_is_let_go_when_its_switch_does_not_happen(two_hosts) -> None:  # type: ignore[no-untyped-def]
    from assistant.db.base import utcnow
    from assistant.index.shared import SERVING_ROW, ServingPointer

    a, b = two_hosts
    first = a.knowledge.build().generation
    second = a.knowledge.build().generation
    b.knowledge.follow(0.1)
    wait_for(lambda: b.knowledge.serving_id() == second)

    def stage(gen: str | None, at) -> None:  # type: ignore[no-untyped-def]
        with Session(a.personal.engine) as s, s.begin():
            row = s.get(ServingPointer, SERVING_ROW)
            row.staged, row.staged_at = gen, at

    stage(first, utcnow())  # a switcher staged it, then died before moving the pointer
    wait_for(lambda: b.knowledge.prepared_id() == first)
    wait_for(lambda: [p["prepared"] for p in a.generations.processes()] == [first])
    stage(first, utcnow() - timedelta(hours=1))  # staged long ago: nobody holds it loaded for it
    wait_for(lambda: b.knowledge.prepared_id() is None)
    assert b.knowledge.serving_id() == second


def test_a_process_busy_loading_the_staged_generation_is_still_waited_for(two_hosts) -> None:  # type: ignore[no-untyped-def]
    a, b = two_hosts
    a.knowledge.build()
    b.knowledge.follow(0.1)
    wait_for(lambda: len(a.generations.processes()) == 1)
    load = b.knowledge._load

    def slow_load(gen_id: str):  # type: ignore[no-untyped-def]
        time.sleep(1.5)  # longer than the live window below: only the heartbeat thread keeps b live
        return load(gen_id)

    b.knowledge._load = slow_load
    a.generations.live_floor = 0.5
    second = a.knowledge.build().generation
    report = a.generations.last_switch
    assert report is not None and report.ready == [b.generations.process_id] and report.late == []
    wait_for(lambda: b.knowledge.serving_id() == second)
