"""A loaded, read-only index generation: units, document metadata, lexical index, dense store.

A generation is loaded and checked completely before it serves (`load` + `verify`); derived tables the answerer
needs (IDF weights …) are built once per generation through `memo`, never lazily by racing threads. Users lease it
(`acquire`/`release`); once retired by a switch, it closes its Chroma client when the last lease ends.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from assistant.errors import IndexNotReady
from assistant.index.generations import Manifest
from assistant.index.lexical import LexicalIndex
from assistant.index.store import ChromaStore, EmbeddedChroma, VectorBackend
from assistant.index.units import IndexUnit
from assistant.validity import ValidityBook

T = TypeVar("T")


@dataclass
class Generation:
    manifest: Manifest
    units: dict[str, IndexUnit]
    documents: dict[str, dict[str, Any]]  # document number → metadata (no article text)
    lexical: LexicalIndex
    dense: ChromaStore | None
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _users: int = 0
    _retired: bool = False
    closed: bool = False

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def validity(self) -> ValidityBook:
        """Validity of this generation's documents as of any date (built once, on first use)."""
        return self.memo("validity", lambda: ValidityBook(self.documents))

    @classmethod
    def load(cls, path: Path, vectors: VectorBackend | None = None) -> Generation:
        manifest = Manifest.read(path)
        with (path / "units.jsonl").open(encoding="utf-8") as f:
            units = {u.id: u for u in (IndexUnit.from_json(line) for line in f if line.strip())}
        docs_file = path / "documents.json"
        documents = json.loads(docs_file.read_text(encoding="utf-8")) if docs_file.exists() else {}
        lexical = LexicalIndex.load(path / "lexical")
        dense = (vectors or EmbeddedChroma()).open(manifest.id, path) if manifest.embedder else None
        return cls(manifest, units, documents, lexical, dense)

    def verify(self) -> None:
        """Every part agrees with the manifest and answers: a truncated, deleted or garbage file fails here."""
        m = self.manifest
        if not self.units or len(self.units) != m.n_units:
            raise IndexNotReady(f"Thế hệ {m.id}: tệp đơn vị có {len(self.units)} mục, manifest ghi {m.n_units}.")
        if set(self.lexical.ids) != set(self.units):
            raise IndexNotReady(f"Thế hệ {m.id}: chỉ mục từ khóa không khớp các đơn vị.")
        if not isinstance(self.documents, dict):
            raise IndexNotReady(f"Thế hệ {m.id}: tệp siêu dữ liệu văn bản hỏng.")
        self.lexical.scores("đào tạo bồi dưỡng")
        if self.dense is not None:
            count = self.dense.count()
            if count != m.n_units:
                raise IndexNotReady(f"Thế hệ {m.id}: kho vector có {count} vector, manifest ghi {m.n_units}.")
            probe = next(iter(self.units))
            if probe not in self.dense.similarities_ids([probe]):
                raise IndexNotReady(f"Thế hệ {m.id}: kho vector không đọc được.")

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """A value derived from this generation, built once (other threads wait for it instead of rebuilding)."""
        with self._lock:
            if key not in self._memo:
                self._memo[key] = build()
            value: T = self._memo[key]
            return value

    # ------------------------------------------------------------------------------------------- leases

    def acquire(self) -> bool:
        with self._lock:
            if self.closed:
                return False
            self._users += 1
            return True

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            last = self._retired and self._users == 0
        if last:
            self.close()

    def retire(self) -> None:
        """No longer served: close now if nobody is using it, else when the last user releases it."""
        with self._lock:
            self._retired = True
            idle = self._users == 0
        if idle:
            self.close()

    def close(self) -> None:
        with self._lock:
            if self.closed:
                return
            self.closed = True
            self._memo.clear()
        if self.dense is not None:
            self.dense.close()
