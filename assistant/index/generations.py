"""Index generations: each build writes a new directory and switches the CURRENT pointer atomically.

The serving generation is never modified. A failed or interrupted build leaves only a
`.building-*` directory behind, which the next build removes; `rollback` points CURRENT back to
the generation the current one replaced.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import IndexBusy, IndexNotReady, IndexWriteFailed, storage_message
from assistant.index.store import EmbeddedChroma, VectorBackend

KEEP_GENERATIONS = 3
log = logging.getLogger("assistant.index")
READ_ONLY = (
    "Thư mục chỉ mục {root} chỉ đọc (hoặc không có quyền ghi): không thể xây dựng chỉ mục mới; "
    "chỉ mục đang phục vụ vẫn trả lời bình thường."
)


@dataclass
class Manifest:
    id: str
    created: str
    previous: str | None
    embedder: str | None  # None: a lexical-only generation
    doc_hashes: dict[str, str] = field(default_factory=dict)
    n_units: int = 0
    n_documents: int = 0
    report: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, gen_dir: Path) -> Manifest:
        try:
            data = json.loads((gen_dir / "manifest.json").read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise TypeError("manifest is not an object")
            return cls(**data)
        except (OSError, ValueError, TypeError) as e:
            raise IndexNotReady(f"Tệp manifest của thế hệ chỉ mục {gen_dir.name} hỏng.", detail=str(e)) from e

    def write(self, gen_dir: Path) -> None:
        (gen_dir / "manifest.json").write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class GenerationManager:
    def __init__(self, index_dir: Path, vectors: VectorBackend | None = None) -> None:
        self.root = index_dir
        self.vectors: VectorBackend = vectors or EmbeddedChroma()
        self.gens = index_dir / "generations"
        try:
            self.gens.mkdir(parents=True, exist_ok=True)
        except OSError as e:  # a read-only index directory still serves what it holds
            log.warning("index directory %s is not writable (%s); serving only, builds refused", index_dir, e)
        self._pointer = index_dir / "CURRENT"
        self._lock = index_dir / "build.lock"
        self._lock_fd: int | None = None

    def writable(self) -> bool:
        return os.access(self.root, os.W_OK) and (not self.gens.exists() or os.access(self.gens, os.W_OK))

    def pointer(self) -> str | None:
        """What CURRENT says, whether or not that generation exists."""
        try:
            return self._pointer.read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def current_id(self) -> str | None:
        if not self._pointer.exists():
            return None
        gen = self._pointer.read_text(encoding="utf-8").strip()
        return gen if gen and (self.gens / gen / "manifest.json").exists() else None

    def path(self, gen_id: str) -> Path:
        return self.gens / gen_id

    def current_path(self) -> Path:
        gen = self.current_id()
        if gen is None:
            raise IndexNotReady("Chưa có chỉ mục nào được xây dựng. Hãy chạy: assistant index build")
        return self.local_path(gen)

    def local_path(self, gen_id: str) -> Path:
        """The folder of a published generation on this host (SharedGenerationManager fetches it if missing)."""
        return self.path(gen_id)

    def history(self, limit: int = 20) -> list[dict[str, Any]]:
        """Past switches, newest first (kept only when the pointer is in the database)."""
        return []

    def manifest(self, gen_id: str) -> Manifest:
        return Manifest.read(self.path(gen_id))

    def processes(self) -> list[dict[str, Any]]:
        """The live processes following a database pointer (none with a CURRENT file)."""
        return []

    def list(self) -> list[Manifest]:
        """Published generations with a readable manifest, oldest first (a damaged one is logged and left out)."""
        found: list[tuple[str, int, Manifest]] = []
        for p in self.gens.iterdir() if self.gens.is_dir() else []:
            if p.name.startswith(".") or not (p / "manifest.json").exists():
                continue
            try:
                # `created` has whole seconds: two builds in one second are ordered by when their files were written
                manifest = Manifest.read(p)
                found.append((manifest.created, (p / "manifest.json").stat().st_mtime_ns, manifest))
            except (IndexNotReady, OSError) as e:
                log.error("%s (%s)", getattr(e, "message", str(e)), getattr(e, "detail", ""))
        return [m for _, _, m in sorted(found, key=lambda t: (t[0], t[1]))]

    def previous_hashes(self) -> tuple[str | None, dict[str, str]]:
        """The serving generation and its document hashes, for a build's diff ({} if its manifest is damaged)."""
        current = self.current_id()
        try:
            return current, self.manifest(current).doc_hashes if current else {}
        except IndexNotReady:
            return current, {}

    @contextmanager
    def building(self) -> Iterator[tuple[str, Path]]:
        """Yield (new id, work dir); publish on success, discard on any failure."""
        if not self.writable():
            raise IndexWriteFailed(READ_ONLY.format(root=self.root))
        self._acquire()
        work: Path | None = None
        gen_id = ""
        try:
            self._remove_stale_builds()
            gen_id = time.strftime("g%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:6]
            work = self.gens / f".building-{gen_id}"
            work.mkdir(parents=True)
            yield gen_id, work
            if not (work / "manifest.json").exists():
                raise IndexNotReady("Lượt xây dựng chỉ mục không hoàn tất; giữ nguyên chỉ mục đang phục vụ.")
            os.rename(work, self.path(gen_id))
            work = None
            self.switch(gen_id)
            self.prune()
        except OSError as e:  # disk full, read-only or vanished directory: a Vietnamese message, serving intact
            raise IndexWriteFailed(
                storage_message(e, "xây dựng được chỉ mục mới") + " Chỉ mục đang phục vụ giữ nguyên.", detail=str(e)
            ) from e
        finally:
            if work is not None:  # failed or interrupted: nothing of it stays
                shutil.rmtree(work, ignore_errors=True)
                if gen_id:
                    try:
                        self.vectors.drop(gen_id)
                    except Exception:  # best effort; prune's drop_others removes leftovers later
                        log.warning("could not drop the vectors of failed build %s", gen_id)
            self._release()

    def staged_id(self) -> str | None:
        """The generation a coordinated switch is about to serve (only with the pointer in a database)."""
        return None

    def report(self, serving: str | None, prepared: str | None, refused: str | None) -> None:
        """A following process says what it serves and has prepared (only with the pointer in a database)."""

    def forget(self) -> None:
        """A following process stops following (only with the pointer in a database)."""

    def switch(self, gen_id: str) -> None:
        if not (self.path(gen_id) / "manifest.json").exists():
            raise IndexNotReady(f"Không có thế hệ chỉ mục {gen_id}.")
        _atomic_write(self._pointer, gen_id)

    def rollback(self) -> str:
        """Point CURRENT back to the generation the current one replaced; returns its id."""
        current = self.current_id()
        if current is None:
            raise IndexNotReady("Chưa có chỉ mục nào để quay lui.")
        previous = self.manifest(current).previous
        if not previous or not (self.path(previous) / "manifest.json").exists():
            raise IndexNotReady("Không còn thế hệ chỉ mục trước đó để quay lui.")
        self.switch(previous)
        return previous

    def prune(self, keep: int = KEEP_GENERATIONS) -> None:
        current = self.current_id()
        try:
            protected = {current, self.manifest(current).previous} if current else set()
        except IndexNotReady:
            protected = {current}
        for m in self.list()[:-keep]:
            if m.id not in protected:
                shutil.rmtree(self.path(m.id), ignore_errors=True)
                self.vectors.drop(m.id)
        self.vectors.drop_others({m.id for m in self.list()})  # vectors of builds killed before publishing

    def _acquire(self) -> None:
        """An OS lock (flock) held by the building process for as long as it builds: the kernel drops it when the
        process ends however it ends, so a crash never leaves a lock behind and a reused PID cannot fake one."""
        try:
            fd = os.open(self._lock, os.O_CREAT | os.O_RDWR, 0o644)
        except OSError as e:
            raise IndexWriteFailed(READ_ONLY.format(root=self.root), detail=str(e)) from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise IndexBusy("Đang có một lượt xây dựng chỉ mục khác chạy; vui lòng thử lại sau.") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # for people reading the file; never trusted
        self._lock_fd = fd

    def _release(self) -> None:
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def build_in_progress(self) -> bool:
        """True while some process holds the build lock."""
        try:
            fd = os.open(self._lock, os.O_RDONLY)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    def _remove_stale_builds(self) -> None:
        for p in self.gens.glob(".building-*"):
            shutil.rmtree(p, ignore_errors=True)
