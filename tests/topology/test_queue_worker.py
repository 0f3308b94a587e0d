"""Re-index jobs on Procrastinate run by `assistant worker`: queued by one process, built by the worker, followed
by the others; a worker killed mid-build leaves the serving generation and fails the job, never stuck."""

from __future__ import annotations

import time
import uuid

import pytest

from assistant.errors import IndexBusy
from assistant.ops.local import Process
from tests.conftest import load_doc
from tests.topology.conftest import cli, process_env, small_corpus

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from assistant.ops.local import ChromaServer

    with ChromaServer(tmp_path_factory.mktemp("chroma-queue") / "data") as server:
        yield server


def api_side(root, env):  # type: ignore[no-untyped-def]
    """What an API process builds from the same environment (in this test process)."""
    import os

    from assistant.config import Settings
    from assistant.services import build_services

    saved = dict(os.environ)
    os.environ.update({k: v for k, v in env.items() if k.startswith("ASSISTANT_")})
    try:
        services = build_services(Settings(_env_file=None))  # type: ignore[call-arg]
    finally:
        os.environ.clear()
        os.environ.update(saved)
    services.personal.open()
    return services


def wait_job(services, job_id: str, statuses: set[str], timeout: float = 180):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        job = services.personal.jobs.get(job_id)
        if job.status in statuses:
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job.status} ({job.phase} {job.done}/{job.total})"
        time.sleep(0.2)


def test_worker_builds_queued_jobs_and_a_killed_worker_fails_its_job(pg_schema, tmp_path, chroma_server) -> None:  # type: ignore[no-untyped-def]
    from assistant.jobs.queue import QueuedJobRunner

    _, url = pg_schema
    small_corpus(tmp_path / "api")
    extra = {
        "ASSISTANT_JOBS__QUEUE": "procrastinate",
        "ASSISTANT_JOBS__STALE_SECONDS": "6",
        "ASSISTANT_CHROMA__MODE": "http",
        "ASSISTANT_CHROMA__HOST": chroma_server.host,
        "ASSISTANT_CHROMA__PORT": str(chroma_server.port),
        "ASSISTANT_CHROMA__COLLECTION_PREFIX": f"t{uuid.uuid4().hex[:8]}",
        "ASSISTANT_EMBEDDER__FAKE_SECONDS_PER_TEXT": "0.05",
    }
    api_env = process_env(tmp_path / "api", url, **extra)
    worker_root = tmp_path / "worker"
    small_corpus(worker_root)  # the worker's host has the same documents (shared storage in production)
    worker_env = process_env(worker_root, url, **extra)
    api = api_side(tmp_path / "api", api_env)
    assert isinstance(api.personal.jobs, QueuedJobRunner)

    job = api.personal.jobs.submit("reindex", "admin")
    assert job.status == "queued"
    worker = Process(cli("worker"), tmp_path / "worker.log", worker_env).start()
    try:
        done = wait_job(api, job.id, {"succeeded", "failed"})
        assert done.status == "succeeded", (done.error, worker.tail())
        first = done.result["report"]["generation"]
        assert api.knowledge.refresh() and api.knowledge.serving_id() == first
        assert not api.knowledge.ask("Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?").answer.abstained

        # an upload the worker's host cannot see (its documents folder is not the shared one): the job fails and
        # says so, nothing is built or switched
        api.documents.put(load_doc("03-2021-tt-bgddt"))
        unseen = api.personal.jobs.submit("reindex", "admin")
        refused = wait_job(api, unseen.id, {"succeeded", "failed"})
        assert refused.status == "failed" and "thư mục dùng chung" in (refused.error or ""), refused
        assert api.generations.current_id() == first and api.personal.jobs.busy() is None

        # a second job while one runs is refused; then kill -9 the worker in the middle of the build
        (worker_root / "data" / "documents").mkdir(parents=True, exist_ok=True)
        for f in (tmp_path / "api" / "data" / "documents").glob("*.json"):
            (worker_root / "data" / "documents" / f.name).write_bytes(f.read_bytes())
        second = api.personal.jobs.submit("reindex", "admin")
        with pytest.raises(IndexBusy):
            api.personal.jobs.submit("reindex", "admin")
        running = wait_job(api, second.id, {"running"})
        deadline = time.monotonic() + 120
        while running.phase != "embed" or running.done == 0:
            assert running.status == "running" and time.monotonic() < deadline, running
            time.sleep(0.1)
            running = api.personal.jobs.get(second.id)
        worker.kill()
        failed = wait_job(api, second.id, {"failed", "succeeded"}, timeout=60)
        assert failed.status == "failed" and "dừng đột ngột" in (failed.error or "")
        assert api.generations.current_id() == first  # serving untouched
        assert api.personal.jobs.busy() is None  # nothing left running

        # a new worker takes the next job although the dead one's queue lock was held
        worker.start()
        third = api.personal.jobs.submit("reindex", "admin")
        finished = wait_job(api, third.id, {"succeeded", "failed"})
        assert finished.status == "succeeded", (finished.error, worker.tail())
        assert finished.result["report"]["added"] == ["03/2021/TT-BGDĐT"]
    finally:
        worker.stop()
        api.close()
