"""A loaded, read-only index generation: units, document metadata, lexical index, dense store.

A generation is loaded and checked completely before it serves (`load` + `verify`); derived tables the answerer
needs (IDF weights …) are built once per generation through `memo`, never lazily by racing threads — the document
frequencies are read from the generation's own files (`term_counts`, written by the builder). Users lease it
(`acquire`/`release`); once retired by a switch, it closes its Chroma client when the last lease ends.

Loading is what a switch waits for, so it avoids work: the units of a generation loaded before (`reuse`) are taken
as they are when their line in ``units.jsonl`` is byte-identical (a rebuild changes few), and the cyclic garbage
collector is paused while the objects are created (it would otherwise walk every unit already in memory, many times).
Tables derived unit by unit (title tokens, title names, the answerer's corpus text) are likewise taken from the
served generation for the units it holds as the same objects (`per_unit`, `previous_value`), until `settle`.
"""

from __future__ import annotations

import gc
import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from assistant.errors import IndexNotReady
from assistant.index.generations import Manifest
from assistant.index.lexical import LexicalIndex
from assistant.index.store import ChromaStore, EmbeddedChroma, VectorBackend
from assistant.index.terms import TermCounts, TermTable
from assistant.index.units import IndexUnit
from assistant.validity import ValidityBook

T = TypeVar("T")
_UNSET = object()


@dataclass
class Generation:
    manifest: Manifest
    units: dict[str, IndexUnit]
    documents: dict[str, dict[str, Any]]  # document number → metadata (no article text)
    lexical: LexicalIndex
    dense: ChromaStore | None
    path: Path | None = None
    _line_keys: dict[bytes, IndexUnit] = field(default_factory=dict, repr=False)  # for the next load's `reuse`
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)
    # the generation loaded before this one (its units and derived values), until `settle`: see `per_unit`
    _previous: tuple[dict[str, IndexUnit], dict[str, Any]] | None = field(default=None, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)  # a memo may build from another
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
    def load(cls, path: Path, vectors: VectorBackend | None = None, reuse: Generation | None = None) -> Generation:
        manifest = Manifest.read(path)
        with _collector_paused():
            units, keys = read_units(path, reuse._line_keys if reuse is not None else {})
            docs_file = path / "documents.json"
            documents = json.loads(docs_file.read_text(encoding="utf-8")) if docs_file.exists() else {}
            lexical = LexicalIndex.load(path / "lexical")
        dense = (vectors or EmbeddedChroma()).open(manifest.id, path) if manifest.embedder else None
        previous = (reuse.units, reuse.memo_snapshot()) if reuse is not None else None
        return cls(manifest, units, documents, lexical, dense, path, keys, _previous=previous)

    def term_counts(self, table: TermTable) -> TermCounts:
        """Document frequencies of a table over this generation's units: as saved by the builder, else counted."""
        saved = TermCounts.load(self.path, table) if self.path is not None else None
        if saved is not None and saved.n == len(self.units):
            return saved
        with _collector_paused():
            return TermCounts.count(table, self.units.values())

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
        found = self._memo.get(key, _UNSET)  # built: no lock, so an ask never waits behind another value's build
        if found is not _UNSET:
            return found  # type: ignore[no-any-return]
        with self._lock:
            if key not in self._memo:
                self._memo[key] = build()
            value: T = self._memo[key]
            return value

    def per_unit(self, key: str, compute: Callable[[IndexUnit], T]) -> dict[str, T]:
        """`compute` of every unit (id → value), built once. The value of a unit that the generation loaded before
        this one held as the same object (see `load`'s `reuse`) is taken from that generation's own table, so a
        switch computes only what changed."""

        def build() -> dict[str, T]:
            old_units = self._previous[0] if self._previous is not None else {}
            old: dict[str, T] = self.previous_value(key) or {}
            return {
                uid: old[uid] if old_units.get(uid) is unit and uid in old else compute(unit)
                for uid, unit in self.units.items()
            }

        return self.memo(key, build)

    def previous_value(self, key: str) -> Any:
        """What the generation loaded before this one had built under `key` (None once settled, or if it had not):
        for a derived value to be updated from it instead of built from nothing. Its units are the same objects
        where unchanged, so `is` tells which."""
        return self._previous[1].get(key) if self._previous is not None else None

    def memo_snapshot(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._memo)

    def settle(self) -> None:
        """Prepared: drop the reference to the generation loaded before (so it can be freed once retired)."""
        self._previous = None

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
            self._line_keys = {}
            self._previous = None
        if self.dense is not None:
            self.dense.close()


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_units(
    path: Path, known: dict[bytes, IndexUnit] | None = None
) -> tuple[dict[str, IndexUnit], dict[bytes, IndexUnit]]:
    """The units of a generation folder (id → unit) and each line's digest → unit; a line already in `known` (the
    same bytes in a generation loaded before) gives its unit object without parsing."""
    known = known or {}
    units: dict[str, IndexUnit] = {}
    keys: dict[bytes, IndexUnit] = {}
    with (path / "units.jsonl").open("rb") as f:
        for raw in f:
            if not raw.strip():
                continue
            key = hashlib.blake2b(raw, digest_size=16).digest()
            unit = known.get(key)
            if unit is None:
                unit = IndexUnit.from_json(raw.decode("utf-8"))
            units[unit.id] = unit
            keys[key] = unit
    return units, keys
