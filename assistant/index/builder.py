"""Builds an index generation from documents: only units whose text changed are embedded or tokenized.

Reports what happened per document (added / replaced / removed / unchanged) and per unit
(embedded / reused from cache, tokenized / counts reused); a document without usable articles is skipped with a
reason. The BM25 term counts and the answerer's document frequencies of unchanged units are taken from the
generation being replaced (see assistant.index.lexical and assistant.index.terms), and with embedded Chroma its vector
store starts as a file copy of the served generation's, into which only the changed units are written (a Chroma server
has no collection copy: there every vector is written): a rebuild after one document changed costs that document,
not the corpus.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.domain import Document, document_hash
from assistant.errors import AssistantError, IndexWriteFailed, InvalidInput
from assistant.index.embeddings import CachedEmbedder
from assistant.index.generations import GenerationManager, Manifest
from assistant.index.lexical import LexicalIndex
from assistant.index.reader import read_units
from assistant.index.store import ChromaStore
from assistant.index.terms import TermTable, build_tables
from assistant.index.units import IndexUnit, document_units

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class BuildReport:
    generation: str = ""
    previous: str | None = None
    dense: bool = True
    documents: int = 0
    units: int = 0
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)
    embedded: int = 0
    reused: int = 0
    tokenized: int = 0  # units whose BM25 tokens were computed (the others' were reused)
    vectors_written: int = 0  # units written to the vector store (the others' vectors were copied from the previous)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _noop(phase: str, done: int, total: int) -> None:
    return None


class IndexBuilder:
    def __init__(
        self, manager: GenerationManager, embedder: CachedEmbedder | None, tables: Sequence[TermTable] = ()
    ) -> None:
        self.manager = manager
        self.embedder = embedder
        self.tables = tuple(tables)  # per-unit term tables written with the generation (the answerer's weights)

    def build(self, documents: Sequence[Document], *, dense: bool = True, progress: Progress = _noop) -> BuildReport:
        start = time.time()
        with self.manager.building() as (gen_id, work):
            previous, old_hashes = self.manager.previous_hashes()
            report = BuildReport(generation=gen_id, previous=previous, dense=dense and self.embedder is not None)
            units, hashes = self._collect(documents, report)
            if not units:
                raise InvalidInput("Không có văn bản nào đọc được để lập chỉ mục; giữ nguyên chỉ mục đang phục vụ.")
            self._diff(old_hashes, hashes, report)
            self._write_units(work, units)
            self._write_documents(work, documents, hashes)
            before = self._previous_dir(previous)
            lexical = LexicalIndex()
            report.tokenized = lexical.build(
                [u.id for u in units], [u.lexical_text for u in units], previous=before / "lexical" if before else None
            )
            lexical.save(work / "lexical")
            previous_units = self._previous_units(before)  # read once: the term tables and the vectors use it
            if self.tables:
                build_tables(self.tables, work, units, before, previous_units)
            progress("lexical", len(units), len(units))
            if report.dense:
                self._write_dense(gen_id, work, before, previous_units, units, report, progress)
            report.seconds = round(time.time() - start, 2)
            Manifest(
                id=gen_id,
                created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                previous=previous,
                embedder=self.embedder.name if report.dense and self.embedder else None,
                doc_hashes=hashes,
                n_units=len(units),
                n_documents=len(hashes),
                report=report.to_dict(),
            ).write(work)
        return report

    def _previous_dir(self, previous: str | None) -> Path | None:
        """The serving generation's folder on this host (fetched if published elsewhere), for what it can lend."""
        if previous is None:
            return None
        try:
            return self.manager.local_path(previous)
        except (AssistantError, OSError):  # gone or damaged: everything is computed afresh
            return None

    @staticmethod
    def _previous_units(before: Path | None) -> dict[str, IndexUnit] | None:
        if before is None:
            return None
        try:
            return read_units(before)[0]
        except (OSError, ValueError, TypeError):
            return None

    def _collect(self, documents: Sequence[Document], report: BuildReport) -> tuple[list[IndexUnit], dict[str, str]]:
        units: list[IndexUnit] = []
        hashes: dict[str, str] = {}
        for doc in documents:
            doc_units = document_units(doc)
            if not doc_units:
                report.skipped.append({"document": doc.number, "reason": "Văn bản không có điều khoản nào đọc được."})
                continue
            units.extend(doc_units)
            hashes[doc.number] = document_hash(doc)
        report.documents, report.units = len(hashes), len(units)
        return units, hashes

    @staticmethod
    def _diff(old: dict[str, str], new: dict[str, str], report: BuildReport) -> None:
        report.added = sorted(n for n in new if n not in old)
        report.replaced = sorted(n for n in new if n in old and old[n] != new[n])
        report.removed = sorted(n for n in old if n not in new)
        report.unchanged = sum(1 for n in new if old.get(n) == new[n])

    @staticmethod
    def _write_units(work: Path, units: list[IndexUnit]) -> None:
        with (work / "units.jsonl").open("w", encoding="utf-8") as f:
            for u in units:
                f.write(u.to_json() + "\n")

    @staticmethod
    def _write_documents(work: Path, documents: Sequence[Document], hashes: dict[str, str]) -> None:
        meta = {}
        for doc in documents:
            if doc.number in hashes:
                data = doc.to_dict()
                data["n_articles"] = len(data.pop("articles"))
                meta[doc.number] = data
        (work / "documents.json").write_text(json.dumps(meta, ensure_ascii=False, default=str), encoding="utf-8")

    def _write_dense(
        self,
        gen_id: str,
        work: Path,
        before: Path | None,
        old: dict[str, IndexUnit] | None,
        units: list[IndexUnit],
        report: BuildReport,
        progress: Progress,
    ) -> None:
        assert self.embedder is not None
        store, todo, stale = self._dense_start(gen_id, work, before, old, units)
        done = 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            progress("embed", done, len(todo))

        computed = self.embedder.computed
        try:
            vectors = self.embedder.embed_passages([u.passage for u in todo], progress=step)
            report.embedded = self.embedder.computed - computed
            report.reused = len(units) - report.embedded
            store.delete(stale)
            store.upsert([u.id for u in todo], vectors, [u.metadata() for u in todo], [u.text for u in todo])
            report.vectors_written = len(todo)
            written = store.count()
            if written != len(units):
                raise IndexWriteFailed(
                    f"Kho vector của thế hệ mới có {written} vector, cần {len(units)}; giữ nguyên chỉ mục đang phục vụ."
                )
        finally:
            store.close()  # the builder's client: its files, threads and memory are released before publishing
        progress("store", len(units), len(units))

    def _dense_start(
        self, gen_id: str, work: Path, before: Path | None, old: dict[str, IndexUnit] | None, units: list[IndexUnit]
    ) -> tuple[ChromaStore, list[IndexUnit], list[str]]:
        """The new generation's store, the units to write into it and the ids to delete from it: a copy of the
        served generation's vectors with only the units that changed, where the backend can copy and the served
        generation was embedded by the same model; else an empty store and every unit."""
        assert self.embedder is not None
        vectors = self.manager.vectors
        if before is not None and old and self._embedder_of(before) == self.embedder.name:
            store = vectors.copy(gen_id, work, before)
            if store is not None:
                if store.count() == len(old):
                    current = {u.id for u in units}
                    stale = [uid for uid in old if uid not in current]
                    return store, [u for u in units if old.get(u.id) != u], stale
                store.close()  # not the vectors its manifest promises: written afresh
                shutil.rmtree(work / "chroma", ignore_errors=True)
        return vectors.create(gen_id, work), units, []

    @staticmethod
    def _embedder_of(gen_dir: Path) -> str | None:
        try:
            return Manifest.read(gen_dir).embedder
        except AssistantError:
            return None
