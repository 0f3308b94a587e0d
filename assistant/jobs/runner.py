"""Re-index jobs: one at a time, in a background thread, progress persisted; asks keep being served meanwhile.

The runner is given the build function (the knowledge service's build: it writes a new generation beside
the serving one and switches atomically), so a job never interrupts answers. A second job is refused (409)
while one runs. A job a killed process left 'running' is marked failed when the next runner starts.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assistant.db.base import utcnow
from assistant.errors import AssistantError, IndexBusy, NotFound
from assistant.index.builder import BuildReport
from assistant.jobs.models import Job

log = logging.getLogger("assistant.jobs")
PROGRESS_EVERY = 0.5  # seconds between progress writes (phase changes are always written)
ACTIVE = ("queued", "running")
Progress = Callable[[str, int, int], None]
Build = Callable[[Progress], BuildReport]


@dataclass(frozen=True)
class JobView:
    id: str
    kind: str
    status: str
    target: str
    requested_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    phase: str
    done: int
    total: int
    result: dict[str, Any] | None
    error: str | None


def _view(j: Job) -> JobView:
    return JobView(
        j.id,
        j.kind,
        j.status,
        j.target,
        j.requested_by,
        j.created_at,
        j.started_at,
        j.finished_at,
        j.phase,
        j.done,
        j.total,
        j.result,
        j.error,
    )


class JobRunner:
    def __init__(self, sessions: Callable[[], Session], build: Build) -> None:
        self._sessions = sessions
        self._build = build
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def recover(self) -> int:
        """Mark jobs left queued/running by a process that no longer runs (or by an earlier life of this one) failed."""
        with self._sessions() as s, s.begin():
            stale = [j for j in s.scalars(select(Job).where(Job.status.in_(ACTIVE))) if not self._alive(j.pid)]
            for j in stale:
                j.status, j.finished_at = "failed", utcnow()
                j.error = "Tiến trình chạy lượt lập chỉ mục này đã dừng đột ngột; chỉ mục đang phục vụ không thay đổi."
            return len(stale)

    def _alive(self, pid: int) -> bool:
        if pid == os.getpid():
            return self._thread is not None and self._thread.is_alive()
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, ValueError, OverflowError):
            return False
        except PermissionError:
            return True
        return pid > 0

    def busy(self) -> JobView | None:
        with self._sessions() as s:
            running = s.scalars(select(Job).where(Job.status.in_(ACTIVE)).order_by(Job.created_at)).first()
            return _view(running) if running else None

    def require_idle(self) -> None:
        job = self.busy()
        if job is not None:
            raise IndexBusy(
                f"Đang có lượt lập chỉ mục {job.id} chạy; vui lòng chờ lượt đó xong rồi thử lại.",
                detail={"job_id": job.id},
            )

    def submit(
        self, kind: str, requested_by: str, target: str = "", before: Callable[[], None] | None = None
    ) -> JobView:
        """Start a re-index; `before` (the document change) runs only once the slot is ours, and aborts on error."""
        with self._lock:
            self.require_idle()
            if before is not None:
                before()
            job = Job(
                id=uuid.uuid4().hex[:16],
                kind=kind,
                status="running",
                target=target,
                requested_by=requested_by,
                pid=os.getpid(),
                created_at=utcnow(),
                started_at=utcnow(),
            )
            with self._sessions() as s, s.begin():
                s.add(job)
            self._thread = threading.Thread(target=self._run, args=(job.id,), name=f"reindex-{job.id}", daemon=True)
            self._thread.start()
            return _view(job)

    def get(self, job_id: str) -> JobView:
        with self._sessions() as s:
            job = s.get(Job, job_id)
            if job is None:
                raise NotFound(f"Không có lượt lập chỉ mục mã '{job_id}'.")
            return _view(job)

    def list(self, limit: int = 20) -> list[JobView]:
        with self._sessions() as s:
            return [_view(j) for j in s.scalars(select(Job).order_by(Job.created_at.desc()).limit(limit))]

    def wait(self, timeout: float | None = None) -> None:
        """For the CLI and tests: block until the running job (if any) of this process ends."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self, job_id: str) -> None:
        try:
            report = self._build(self._progress(job_id))
            self._finish(job_id, "succeeded", result=_result(report.to_dict()))
        except AssistantError as e:
            self._finish(job_id, "failed", error=e.message)
        except Exception as e:  # a job must end in a state, whatever happened
            log.exception("re-index job %s failed", job_id)
            self._finish(job_id, "failed", error=f"Lỗi ngoài dự kiến khi lập chỉ mục: {type(e).__name__}")

    def _progress(self, job_id: str) -> Progress:
        last_phase, last_at = "", 0.0

        def update_progress(phase: str, done: int, total: int) -> None:
            nonlocal last_phase, last_at
            now = time.monotonic()
            if phase == last_phase and now - last_at < PROGRESS_EVERY and done < total:
                return
            last_phase, last_at = phase, now
            with self._sessions() as s, s.begin():
                s.execute(update(Job).where(Job.id == job_id).values(phase=phase, done=done, total=total))

        return update_progress

    def _finish(
        self, job_id: str, status: str, *, result: dict[str, Any] | None = None, error: str | None = None
    ) -> None:
        with self._sessions() as s, s.begin():
            s.execute(
                update(Job)
                .where(Job.id == job_id)
                .values(status=status, result=result, error=error, finished_at=utcnow())
            )


def _result(report: dict[str, Any]) -> dict[str, Any]:
    """The build report led by what an administrator looks for first: documents indexed (new or changed),
    skipped (unchanged, nothing re-embedded) and failed (no readable article, left out with a reason)."""
    return {
        "indexed": len(report.get("added", [])) + len(report.get("replaced", [])),
        "skipped": int(report.get("unchanged", 0)),
        "failed": len(report.get("skipped", [])),
        "failures": report.get("skipped", []),
        "report": report,
    }
