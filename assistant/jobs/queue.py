"""Re-index jobs on a real queue: Procrastinate (PostgreSQL-backed), run by `assistant worker` processes.

With ``ASSISTANT_JOBS__QUEUE=procrastinate`` (PostgreSQL only) an API process records the job (``api_jobs``,
status ``queued``) and defers a Procrastinate task; any worker on any host takes it. Exactly one build runs at a
time: the task carries a Procrastinate ``lock`` (jobs with the same lock never run concurrently), submission is
serialised by an advisory lock, and the build itself takes the cluster-wide build lock.

A worker killed mid-job: the serving generation is untouched (a build only switches once it is complete). The job
is never left running: the worker refreshes ``api_jobs.heartbeat_at`` every few seconds, and any process that
looks at jobs marks a running job whose heartbeat is older than ``stale_seconds`` failed; the next worker also
finishes Procrastinate's own row of that job (so its lock is released) from Procrastinate's worker heartbeats.

The documents a job builds are the API host's: the administrator's upload, edit or withdrawal is written to its
``ASSISTANT_PATHS__DATA_DIR`` before the job is queued, and the job records a digest of the document set as it stands
there. The worker builds only if its own documents folder gives the same digest (waiting a few seconds for shared
storage to catch up); otherwise the job fails saying the folder must be shared — a worker on a host without the
uploaded file never builds (and switches every process to) a generation that silently lacks it.

The embedded default (``inprocess``) keeps the thread of JobRunner: no extra process.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, inspect, or_, select, update
from sqlalchemy.orm import Session

from assistant.db.base import utcnow
from assistant.db.locks import cluster_lock
from assistant.errors import IndexNotReady
from assistant.jobs.models import Job
from assistant.jobs.runner import ACTIVE, Build, JobRunner, JobView, _view

log = logging.getLogger("assistant.jobs")
QUEUE = "reindex"
TASK = "assistant.reindex"
BUILD_LOCK = "assistant-index-build"
HEARTBEAT_SECONDS = 2.0
KILLED = "Tiến trình chạy lượt lập chỉ mục này đã dừng đột ngột; chỉ mục đang phục vụ không thay đổi."
EXPECTED_DOCUMENTS = "expected_documents"  # in api_jobs.result while queued: the API host's document-set digest
DOCUMENTS_WAIT_SECONDS = 10.0
NOT_SHARED = (
    "Máy chạy lượt lập chỉ mục ({worker}) không thấy đúng bộ văn bản mà máy chủ API đã ghi: thư mục văn bản {folder} "
    "phải là thư mục dùng chung cho mọi máy chủ API và worker (ASSISTANT_PATHS__DATA_DIR). "
    "Chỉ mục đang phục vụ không thay đổi."
)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def conninfo(url: str) -> str:
    """The libpq URI of a SQLAlchemy PostgreSQL URL (options such as search_path kept)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise IndexNotReady("Hàng đợi Procrastinate cần PostgreSQL (ASSISTANT_DATABASE__URL=postgresql+psycopg://…).")
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def make_app(url: str) -> Any:
    """A Procrastinate app for the database with the re-index task registered (the worker fills in the runner)."""
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(url)))

    @app.task(name=TASK, queue=QUEUE, pass_context=False)
    def reindex(job_id: str) -> None:
        runner = app.runner  # type: ignore[attr-defined]
        if runner is None:
            raise RuntimeError("the re-index task runs only in `assistant worker`")
        runner.execute(job_id)

    app.runner = None  # type: ignore[attr-defined]
    app.reindex = reindex  # type: ignore[attr-defined]
    return app


def ensure_schema(app: Any, engine: Engine) -> None:
    """Procrastinate's tables, once per database (its schema script is not idempotent), under a lock."""
    with cluster_lock(engine, "procrastinate-schema"):
        if not inspect(engine).has_table("procrastinate_jobs"):
            app.schema_manager.apply_schema()


class QueuedJobRunner(JobRunner):
    """JobRunner whose jobs run in `assistant worker` processes through Procrastinate."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        build: Build,
        engine: Engine,
        url: str,
        *,
        stale_seconds: float = 20.0,
        documents_state: Callable[[], str] | None = None,
        documents_dir: str = "",
    ) -> None:
        super().__init__(sessions, build)
        self.engine = engine
        self.url = url
        self.stale_seconds = stale_seconds
        self._documents_state = documents_state  # digest of the documents a build would index on this host
        self._documents_dir = documents_dir
        self._app: Any = None
        self._app_lock = threading.Lock()

    @property
    def app(self) -> Any:
        if self._app is None:
            with self._app_lock:
                if self._app is None:
                    app = make_app(self.url)
                    app.open()
                    ensure_schema(app, self.engine)
                    self._app = app
        return self._app

    # ----------------------------------------------------------------------------------------- any process

    def recover(self) -> int:
        """Settle jobs whose worker stopped sending heartbeats (pids mean nothing across hosts)."""
        return self.settle_stale()

    def settle_stale(self) -> int:
        cutoff = utcnow() - timedelta(seconds=self.stale_seconds)
        with self._sessions() as s, s.begin():
            stale = list(
                s.scalars(
                    select(Job).where(
                        Job.status == "running",
                        or_(Job.heartbeat_at < cutoff, Job.heartbeat_at.is_(None) & (Job.started_at < cutoff)),
                    )
                )
            )
            for j in stale:
                j.status, j.finished_at, j.error = "failed", utcnow(), KILLED
                log.warning("job %s: worker %s stopped sending heartbeats; marked failed", j.id, j.worker)
            return len(stale)

    def busy(self) -> JobView | None:
        self.settle_stale()
        return super().busy()

    def get(self, job_id: str) -> JobView:
        self.settle_stale()
        return super().get(job_id)

    def submit(
        self, kind: str, requested_by: str, target: str = "", before: Callable[[], None] | None = None
    ) -> JobView:
        """Queue a re-index; one at a time across every API process (advisory lock around check and insert)."""
        app = self.app
        with self._lock, cluster_lock(self.engine, "job-submit"):
            self.require_idle()
            if before is not None:
                before()
            expected = self._documents_state() if self._documents_state is not None else None
            job = Job(
                id=os.urandom(8).hex(),
                kind=kind,
                status="queued",
                target=target,
                requested_by=requested_by,
                pid=0,
                created_at=utcnow(),
                result={EXPECTED_DOCUMENTS: expected} if expected else None,
            )
            with self._sessions() as s, s.begin():
                s.add(job)
            try:
                app.reindex.configure(lock=BUILD_LOCK).defer(job_id=job.id)
            except Exception as e:
                self._finish(job.id, "failed", error="Không đưa được lượt lập chỉ mục vào hàng đợi.")
                raise IndexNotReady("Không đưa được lượt lập chỉ mục vào hàng đợi.", detail=str(e)) from e
            return _view(job)

    def wait(self, timeout: float | None = None) -> None:
        return None  # the job runs in a worker process; callers poll get()

    # ----------------------------------------------------------------------------------------- the worker

    def execute(self, job_id: str) -> None:
        """Run one queued job in this worker: mark it running, beat, build, finish."""
        with self._sessions() as s, s.begin():
            result: Any = s.execute(
                update(Job)
                .where(Job.id == job_id, Job.status.in_(ACTIVE))
                .values(
                    status="running", started_at=utcnow(), heartbeat_at=utcnow(), worker=worker_name(), pid=os.getpid()
                )
            )
            claimed = int(result.rowcount)
        if not claimed:
            log.warning("job %s is no longer queued; skipped", job_id)
            return
        stop = threading.Event()
        beat = threading.Thread(target=self._beat, args=(job_id, stop), name=f"heartbeat-{job_id}", daemon=True)
        beat.start()
        try:
            if self._documents_reachable(job_id):
                self._run(job_id)
        finally:
            stop.set()
            beat.join(5)

    def _documents_reachable(self, job_id: str) -> bool:
        """True when this host's documents are the set the API host queued the job with; else the job fails."""
        with self._sessions() as s:
            job = s.get(Job, job_id)
            expected = (job.result or {}).get(EXPECTED_DOCUMENTS) if job is not None else None
        if not expected or self._documents_state is None:
            return True
        deadline = time.monotonic() + DOCUMENTS_WAIT_SECONDS
        while self._documents_state() != expected:
            if time.monotonic() >= deadline:
                log.error(
                    "job %s: the documents in %s differ from the API host's; not built", job_id, self._documents_dir
                )
                self._finish(
                    job_id, "failed", error=NOT_SHARED.format(worker=worker_name(), folder=self._documents_dir)
                )
                return False
            time.sleep(1.0)
        return True

    def _beat(self, job_id: str, stop: threading.Event) -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                with self._sessions() as s, s.begin():
                    s.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=utcnow()))
            except Exception:
                log.warning("job %s: heartbeat not written", job_id, exc_info=True)

    def run_worker(self) -> None:
        """`assistant worker`: take re-index jobs from the queue until stopped (SIGINT/SIGTERM)."""
        asyncio.run(self._worker())

    async def _worker(self) -> None:
        app = make_app(self.url)
        app.runner = self
        with app.open():
            ensure_schema(app, self.engine)
        async with app.open_async():
            reaper = asyncio.create_task(self._reap(app))
            try:
                await app.run_worker_async(
                    queues=[QUEUE],
                    concurrency=1,
                    name=worker_name(),
                    update_heartbeat_interval=HEARTBEAT_SECONDS,
                    stalled_worker_timeout=self.stale_seconds,
                    install_signal_handlers=True,
                    delete_jobs="successful",
                )
            finally:
                reaper.cancel()

    async def _reap(self, app: Any) -> None:
        """Finish (as failed) Procrastinate jobs whose worker died, so their lock frees; settle our rows too."""
        from procrastinate.jobs import Status

        while True:
            try:
                for job in await app.job_manager.get_stalled_jobs(
                    task_name=TASK, seconds_since_heartbeat=self.stale_seconds
                ):
                    assert job.id is not None
                    await app.job_manager.finish_job_by_id_async(job.id, status=Status.FAILED, delete_job=False)
                    log.warning("queue job %s of a dead worker marked failed", job.id)
                await asyncio.to_thread(self.settle_stale)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("could not reap stalled jobs", exc_info=True)
            await asyncio.sleep(HEARTBEAT_SECONDS)
