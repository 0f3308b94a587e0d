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
"""

from __future__ import annotations

import hashlib
import io
import logging
import shutil
import tarfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
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


class GenerationSwitch(Base):
    __tablename__ = "api_index_switches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    generation: Mapped[str] = mapped_column(String(64))
    previous: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(32))  # build, rollback
    by: Mapped[str] = mapped_column(String(128), default="")


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
    ) -> None:
        super().__init__(index_dir, vectors)
        self.engine = engine
        self._sessions = sessions
        self.poll_seconds = poll_seconds
        self._cached: tuple[float, str | None] | None = None
        self._fetch_lock = threading.Lock()
        self.actor = ""  # who switches (recorded in the history); the CLI and the job runner set it

    # ------------------------------------------------------------------------------------------ pointer

    def current_id(self) -> str | None:
        """The serving generation, read from the database at most once per `poll_seconds` per process."""
        now = time.monotonic()
        cached = self._cached
        if cached is not None and now - cached[0] < self.poll_seconds:
            return cached[1]
        with self._sessions() as s:
            row = s.get(ServingPointer, SERVING_ROW)
            gen = row.generation if row is not None else None
        self._cached = (now, gen)
        return gen

    def pointer(self) -> str | None:
        return self.current_id()

    def switch(self, gen_id: str, *, reason: str = "build") -> None:
        self._publish_if_local(gen_id)
        with self._sessions() as s, s.begin():
            if s.get(PublishedGeneration, gen_id) is None:
                raise IndexNotReady(f"Không có thế hệ chỉ mục {gen_id}.")
            row = s.get(ServingPointer, SERVING_ROW, with_for_update=True)
            previous = row.generation if row is not None else None
            if row is None:
                s.add(ServingPointer(id=SERVING_ROW, generation=gen_id, switched_at=utcnow()))
            else:
                row.generation, row.switched_at = gen_id, utcnow()
            s.add(GenerationSwitch(generation=gen_id, previous=previous, reason=reason, by=self.actor[:128]))
        self._cached = (time.monotonic(), gen_id)

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
