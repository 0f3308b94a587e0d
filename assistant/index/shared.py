"""The serving pointer in the database, so every API process and worker, on any host, serves one generation.

With a database URL configured, a generation is *published* when its build succeeds: its manifest and an archive
of its files (units, document metadata, the BM25 index; the vectors are on the Chroma server in http mode) go
into ``api_index_generations`` with the archive's SHA-256. The pointer (``api_index_serving``) names the serving
generation and every switch is kept in ``api_index_switches``. A process that lacks a generation's files fetches
the archive, checks its checksum and unpacks it into its own index folder before loading it.

Processes follow a switch by **polling** the pointer (one primary-key read every ``poll_seconds``, 1 s by default):
it works the same on SQLite and PostgreSQL, needs no connection held open per process, cannot miss a
notification sent while a process was reconnecting or starting, and bounds the delay by the interval plus the
load time. LISTEN/NOTIFY would save a read per second per process, which is negligible here.

A switch is **coordinated**, so that the processes do not serve different generations while each loads the new
one (seconds at 100k units): the switcher first *stages* the generation (``api_index_serving.staged``); every
following process loads it beside the one it serves and reports it *prepared* in ``api_index_processes`` (one row
per process, refreshed at each poll); once every live process has (or has refused it as broken, or
``prepare_seconds`` have passed) the pointer moves, and each process swaps within one poll, with nothing left to
load. A process is live when its row was refreshed within `LIVE_SECONDS` (or five polls); the hosts' clocks are
assumed synchronised (NTP) to well within that.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import socket
import tarfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, BigInteger, Engine, Integer, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, Session, deferred, mapped_column

from assistant.db.base import Base, utcnow
from assistant.db.locks import cluster_lock
from assistant.errors import IndexNotReady
from assistant.index.generations import KEEP_GENERATIONS, GenerationManager, Manifest
from assistant.index.store import VectorBackend

log = logging.getLogger("assistant.index")
SERVING_ROW = 1
LIVE_SECONDS = 5.0  # a following process whose row is older than this (or five polls) is not waited for
FORGET_SECONDS = 3600.0  # rows of processes gone this long are deleted
NOT_ARCHIVED = {"chroma"}  # embedded vectors stay on their host; several hosts need ASSISTANT_CHROMA__MODE=http


class PublishedGeneration(Base):
    __tablename__ = "api_index_generations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON)
    archive_sha256: Mapped[str] = mapped_column(String(64))
    archive_size: Mapped[int] = mapped_column(BigInteger)
    archive: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))


class ServingPointer(Base):
    __tablename__ = "api_index_serving"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[str] = mapped_column(String(64))
    switched_at: Mapped[datetime] = mapped_column(default=utcnow)
    staged: Mapped[str | None] = mapped_column(String(64), nullable=True)  # what a switch in progress will serve
    staged_at: Mapped[datetime | None] = mapped_column(nullable=True)


class FollowingProcess(Base):
    """An API process that follows the pointer: what it serves and what it has loaded for a staged switch."""

    __tablename__ = "api_index_processes"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    serving: Mapped[str | None] = mapped_column(String(64), nullable=True)
    prepared: Mapped[str | None] = mapped_column(String(64), nullable=True)
    refused: Mapped[str | None] = mapped_column(String(64), nullable=True)  # a staged generation it cannot load
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class GenerationSwitch(Base):
    __tablename__ = "api_index_switches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    generation: Mapped[str] = mapped_column(String(64))
    previous: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(32))  # build, rollback
    by: Mapped[str] = mapped_column(String(128), default="")


@dataclass
class SwitchReport:
    """How a coordinated switch went: how long it waited and which live processes had the generation loaded."""

    generation: str
    waited_s: float = 0.0
    processes: int = 0
    ready: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)  # neither: the pointer moved without them (timeout)


def pack(gen_dir: Path) -> bytes:
    """A gzip'd tar of a generation folder's files (fast compression: the BM25 arrays compress little anyway)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=1) as tar:
        for path in sorted(gen_dir.rglob("*")):
            rel = path.relative_to(gen_dir)
            if path.is_file() and rel.parts[0] not in NOT_ARCHIVED:
                tar.add(path, arcname=str(rel))
    return buf.getvalue()


def unpack(archive: bytes, target: Path) -> None:
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        tar.extractall(target, filter="data")


class SharedGenerationManager(GenerationManager):
    """GenerationManager whose pointer, manifests and history live in the database; files are fetched on demand."""

    def __init__(
        self,
        index_dir: Path,
        vectors: VectorBackend,
        engine: Engine,
        sessions: Callable[[], Session],
        *,
        poll_seconds: float = 1.0,
        prepare_seconds: float = 60.0,
    ) -> None:
        super().__init__(index_dir, vectors)
        self.engine = engine
        self._sessions = sessions
        self.poll_seconds = poll_seconds
        self.prepare_seconds = prepare_seconds
        self._cached: tuple[float, str | None, str | None] | None = None
        self.process_id = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.last_switch: SwitchReport | None = None
        self.live_floor = LIVE_SECONDS
        self._report_lock = threading.Lock()  # the follower and the heartbeat thread write the same row
        self._fetch_lock = threading.Lock()
        self.actor = ""  # who switches (recorded in the history); the CLI and the job runner set it

    # ------------------------------------------------------------------------------------------ pointer

    def current_id(self) -> str | None:
        """The serving generation, read from the database at most once per `poll_seconds` per process."""
        return self._read_pointer()[0]

    def staged_id(self) -> str | None:
        """The generation a switch in progress is about to serve (read with the pointer), else None."""
        return self._read_pointer()[1]

    def _read_pointer(self) -> tuple[str | None, str | None]:
        now = time.monotonic()
        cached = self._cached
        if cached is not None and now - cached[0] < self.poll_seconds:
            return cached[1], cached[2]
        gen, staged = self._fetch_pointer()
        self._cached = (now, gen, staged)
        return gen, staged

    def _fetch_pointer(self) -> tuple[str | None, str | None]:
        """The serving and the staged generation, read now (a staged one whose switch is long over is not)."""
        with self._sessions() as s:
            row = s.get(ServingPointer, SERVING_ROW)
            if row is None:
                return None, None
            if row.staged is not None and not self._staged_recently(row.staged_at):
                return row.generation, None  # its switcher died while waiting: nothing to hold loaded for it
            return row.generation, row.staged

    def pointer(self) -> str | None:
        return self.current_id()

    def switch(self, gen_id: str, *, reason: str = "build") -> None:
        self._publish_if_local(gen_id)
        with self._sessions() as s:
            if s.get(PublishedGeneration, gen_id) is None:
                raise IndexNotReady(f"Không có thế hệ chỉ mục {gen_id}.")
        self.last_switch = self._prepare_everywhere(gen_id)
        with self._sessions() as s, s.begin():
            row = s.get(ServingPointer, SERVING_ROW, with_for_update=True)
            previous = row.generation if row is not None else None
            if row is None:
                s.add(ServingPointer(id=SERVING_ROW, generation=gen_id, switched_at=utcnow()))
            else:
                row.generation, row.switched_at = gen_id, utcnow()
                if row.staged == gen_id:
                    row.staged, row.staged_at = None, None
            s.add(GenerationSwitch(generation=gen_id, previous=previous, reason=reason, by=self.actor[:128]))
        self._cached = (time.monotonic(), gen_id, None)

    # ------------------------------------------------------------------------------------- coordination

    def _prepare_everywhere(self, gen_id: str) -> SwitchReport:
        """Stage `gen_id` and wait (at most `prepare_seconds`) until every live following process has it loaded,
        has refused it, or already serves it; a switch made by another switcher meanwhile ends the wait."""
        if self.prepare_seconds <= 0:  # the operator turned coordination off: the pointer moves at once
            return SwitchReport(gen_id)
        start = time.monotonic()
        with self._sessions() as s, s.begin():
            row = s.get(ServingPointer, SERVING_ROW, with_for_update=True)
            if row is None or row.generation == gen_id:
                return SwitchReport(gen_id)
            row.staged, row.staged_at = gen_id, utcnow()
        report = SwitchReport(gen_id)
        while True:
            live = self.processes()
            report.processes = len(live)
            report.ready = [p["id"] for p in live if gen_id in (p["serving"], p["prepared"])]
            report.refused = [p["id"] for p in live if p["refused"] == gen_id]
            report.late = [p["id"] for p in live if p["id"] not in report.ready and p["id"] not in report.refused]
            report.waited_s = time.monotonic() - start
            if not report.late:
                break
            if report.waited_s >= self.prepare_seconds or self._fetch_pointer()[1] != gen_id:
                log.warning(
                    "switching to %s although %d process(es) have not loaded it after %.1f s: %s",
                    gen_id,
                    len(report.late),
                    report.waited_s,
                    ", ".join(report.late),
                )
                break
            time.sleep(min(0.2, self.poll_seconds))
        if report.refused:
            log.error("process(es) %s cannot load generation %s", ", ".join(report.refused), gen_id)
        return report

    def _staged_recently(self, at: datetime | None) -> bool:
        if at is None:
            return False
        if at.tzinfo is None:  # SQLite keeps no zone: it was written in UTC
            at = at.replace(tzinfo=UTC)
        return utcnow() - at < timedelta(seconds=self.prepare_seconds + self.live_seconds())

    def live_seconds(self) -> float:
        return max(self.live_floor, 5 * self.poll_seconds)

    def processes(self) -> list[dict[str, Any]]:
        """The live following processes: id, host, pid, the generation each serves and the one it has prepared."""
        cutoff = utcnow() - timedelta(seconds=self.live_seconds())
        with self._sessions() as s:
            rows = s.scalars(
                select(FollowingProcess).where(FollowingProcess.seen_at > cutoff).order_by(FollowingProcess.id)
            )
            return [
                {
                    "id": r.id,
                    "host": r.host,
                    "pid": r.pid,
                    "serving": r.serving,
                    "prepared": r.prepared,
                    "refused": r.refused,
                }
                for r in rows
            ]

    def report(self, serving: str | None, prepared: str | None, refused: str | None) -> None:
        """This process follows the pointer, serves `serving` and holds `prepared` loaded (its row, refreshed)."""
        now = utcnow()
        with self._report_lock, self._sessions() as s, s.begin():
            row = s.get(FollowingProcess, self.process_id)
            if row is None:
                s.add(
                    FollowingProcess(
                        id=self.process_id,
                        host=socket.gethostname()[:255],
                        pid=os.getpid(),
                        serving=serving,
                        prepared=prepared,
                        refused=refused,
                        seen_at=now,
                    )
                )
                s.execute(
                    delete(FollowingProcess).where(FollowingProcess.seen_at < now - timedelta(seconds=FORGET_SECONDS))
                )
            else:
                row.serving, row.prepared, row.refused, row.seen_at = serving, prepared, refused, now

    def forget(self) -> None:
        """This process no longer follows (it is stopping): no switch waits for it."""
        with self._sessions() as s, s.begin():
            s.execute(delete(FollowingProcess).where(FollowingProcess.id == self.process_id))

    def rollback(self) -> str:
        current = self.current_id()
        if current is None:
            raise IndexNotReady("Chưa có chỉ mục nào để quay lui.")
        previous = self.manifest(current).previous
        with self._sessions() as s:
            if not previous or s.get(PublishedGeneration, previous) is None:
                raise IndexNotReady("Không còn thế hệ chỉ mục trước đó để quay lui.")
        self.switch(previous, reason="rollback")
        return previous

    def history(self, limit: int = 20) -> list[dict[str, Any]]:
        with self._sessions() as s:
            rows = s.scalars(select(GenerationSwitch).order_by(GenerationSwitch.id.desc()).limit(limit))
            return [
                {
                    "at": r.at.isoformat(),
                    "generation": r.generation,
                    "previous": r.previous,
                    "reason": r.reason,
                    "by": r.by,
                }
                for r in rows
            ]

    # ------------------------------------------------------------------------------------------ generations

    def manifest(self, gen_id: str) -> Manifest:
        with self._sessions() as s:
            row = s.get(PublishedGeneration, gen_id)
            if row is None:
                raise IndexNotReady(f"Không có thế hệ chỉ mục {gen_id}.")
            return Manifest(**row.manifest)

    def list(self) -> list[Manifest]:
        with self._sessions() as s:
            rows = s.scalars(select(PublishedGeneration).order_by(PublishedGeneration.created_at))
            return sorted((Manifest(**r.manifest) for r in rows), key=lambda m: m.created)

    def local_path(self, gen_id: str) -> Path:
        return self.materialize(gen_id)

    def materialize(self, gen_id: str) -> Path:
        """The generation's folder on this host, fetched from the database (checksum verified) if missing."""
        path = self.path(gen_id)
        if (path / "manifest.json").exists():
            return path
        with self._fetch_lock:
            if (path / "manifest.json").exists():
                return path
            with self._sessions() as s:
                row = s.get(PublishedGeneration, gen_id)
                if row is None:
                    raise IndexNotReady(f"Không có thế hệ chỉ mục {gen_id}.")
                archive, expected = row.archive, row.archive_sha256
            actual = hashlib.sha256(archive).hexdigest()
            if actual != expected:
                raise IndexNotReady(
                    f"Tệp của thế hệ chỉ mục {gen_id} bị hỏng (sai mã kiểm tra); cần xây dựng lại.",
                    detail=f"sha256 {actual} != {expected}",
                )
            tmp = self.gens / f".fetch-{gen_id}-{uuid.uuid4().hex[:6]}"
            try:
                unpack(archive, tmp)
                tmp.rename(path)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            log.info("fetched generation %s (%d bytes) from the database", gen_id, len(archive))
            self._remove_local_not_kept()
        return path

    @contextmanager
    def building(self) -> Iterator[tuple[str, Path]]:
        """One build at a time across every process and host (advisory lock), then the local build lock."""
        with cluster_lock(self.engine, "index-build", wait=False), super().building() as built:
            yield built

    def _publish_if_local(self, gen_id: str) -> None:
        path = self.path(gen_id)
        with self._sessions() as s:
            if s.get(PublishedGeneration, gen_id) is not None or not (path / "manifest.json").exists():
                return
        manifest = Manifest.read(path)
        archive = pack(path)
        with self._sessions() as s, s.begin():
            s.add(
                PublishedGeneration(
                    id=gen_id,
                    created_at=utcnow(),
                    manifest=asdict(manifest),
                    archive_sha256=hashlib.sha256(archive).hexdigest(),
                    archive_size=len(archive),
                    archive=archive,
                )
            )

    def prune(self, keep: int = KEEP_GENERATIONS) -> None:
        current = self.current_id()
        protected = {current, self.manifest(current).previous} if current else set()
        for m in self.list()[:-keep]:
            if m.id not in protected:
                with self._sessions() as s, s.begin():
                    s.execute(delete(PublishedGeneration).where(PublishedGeneration.id == m.id))
                self.vectors.drop(m.id)
        self._remove_local_not_kept()
        self.vectors.drop_others({m.id for m in self.list()})

    def _remove_local_not_kept(self) -> None:
        kept = {m.id for m in self.list()}
        for p in self.gens.iterdir():
            if not p.name.startswith(".") and p.is_dir() and p.name not in kept:
                shutil.rmtree(p, ignore_errors=True)
