"""Index generations: each build writes a new directory and switches the CURRENT pointer atomically.

The serving generation is never modified. A failed or interrupted build leaves only a
`.building-*` directory behind, which the next build removes; `rollback` points CURRENT back to
the generation the current one replaced.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import IndexBusy, IndexNotReady
from assistant.index.store import EmbeddedChroma, VectorBackend

KEEP_GENERATIONS = 3


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
        return cls(**json.loads((gen_dir / "manifest.json").read_text(encoding="utf-8")))

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
        self.gens.mkdir(parents=True, exist_ok=True)
        self._pointer = index_dir / "CURRENT"
        self._lock = index_dir / "build.lock"

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
        return self.path(gen)

    def manifest(self, gen_id: str) -> Manifest:
        return Manifest.read(self.path(gen_id))

    def list(self) -> list[Manifest]:
        found = [
            Manifest.read(p)
            for p in self.gens.iterdir()
            if (p / "manifest.json").exists() and not p.name.startswith(".")
        ]
        return sorted(found, key=lambda m: m.created)

    @contextmanager
    def building(self) -> Iterator[tuple[str, Path]]:
        """Yield (new id, work dir); publish on success, discard on any failure."""
        self._acquire()
        try:
            self._remove_stale_builds()
            gen_id = time.strftime("g%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:6]
            work = self.gens / f".building-{gen_id}"
            work.mkdir(parents=True)
            try:
                yield gen_id, work
            except BaseException:
                shutil.rmtree(work, ignore_errors=True)
                self.vectors.drop(gen_id)
                raise
            if not (work / "manifest.json").exists():
                shutil.rmtree(work, ignore_errors=True)
                self.vectors.drop(gen_id)
                raise IndexNotReady("Lượt xây dựng chỉ mục không hoàn tất; giữ nguyên chỉ mục đang phục vụ.")
            os.rename(work, self.path(gen_id))
            self.switch(gen_id)
            self.prune()
        finally:
            self._lock.unlink(missing_ok=True)

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
        protected = {current, self.manifest(current).previous} if current else set()
        for m in self.list()[:-keep]:
            if m.id not in protected:
                shutil.rmtree(self.path(m.id), ignore_errors=True)
                self.vectors.drop(m.id)
        self.vectors.drop_others({m.id for m in self.list()})  # vectors of builds killed before publishing

    def _acquire(self) -> None:
        try:
            fd = os.open(self._lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if self._lock_is_stale():
                self._lock.unlink(missing_ok=True)
                return self._acquire()
            raise IndexBusy("Đang có một lượt xây dựng chỉ mục khác chạy; vui lòng thử lại sau.") from None
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)

    def _lock_is_stale(self) -> bool:
        """A lock left by a process that no longer runs (killed mid-build) does not block."""
        try:
            pid = int(self._lock.read_text().strip() or 0)
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError, FileNotFoundError):
            return True
        except PermissionError:
            return False
        return False

    def _remove_stale_builds(self) -> None:
        for p in self.gens.glob(".building-*"):
            shutil.rmtree(p, ignore_errors=True)
