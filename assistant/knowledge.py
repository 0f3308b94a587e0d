"""The knowledge engine's service: the one place the edges call to search, answer and re-index."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.answer.extractive import Answer, ExtractiveAnswerer, validity_notes
from assistant.documents import DocumentRepository
from assistant.errors import InvalidInput, NotFound
from assistant.index.builder import BuildReport, IndexBuilder, Progress
from assistant.index.embeddings import CachedEmbedder
from assistant.index.generations import GenerationManager
from assistant.index.reader import Generation
from assistant.index.units import IndexUnit, document_hash
from assistant.retrieval.search import Hit, HybridSearcher

MAX_QUESTION_CHARS = 2000


@dataclass
class TimedAnswer:
    answer: Answer
    trace_id: str
    seconds: float


class KnowledgeService:
    def __init__(
        self,
        documents: DocumentRepository,
        generations: GenerationManager,
        embedder: CachedEmbedder | None,
        searcher: HybridSearcher,
        answerer: ExtractiveAnswerer,
        shipped_vectors: Path | None = None,
    ) -> None:
        self.documents = documents
        self.generations = generations
        self.embedder = embedder
        self.searcher = searcher
        self.answerer = answerer
        self.shipped_vectors = shipped_vectors
        self._loaded: Generation | None = None
        self._load_lock = threading.Lock()

    def current(self) -> Generation:
        """The serving generation; a switch by another process or thread is picked up here."""
        gen_id = self.generations.current_id()
        loaded = self._loaded
        if loaded is not None and loaded.id == gen_id:
            return loaded
        with self._load_lock:
            if self._loaded is None or self._loaded.id != gen_id:
                self._loaded = Generation.load(self.generations.current_path(), self.generations.vectors)
            return self._loaded

    def search(self, query: str, k: int | None = None, documents: Sequence[str] | None = None) -> list[Hit]:
        return self.searcher.search(self.current(), _check_question(query), k, documents)

    def ask(self, question: str, documents: Sequence[str] | None = None) -> TimedAnswer:
        start = time.perf_counter()
        question = _check_question(question)
        gen = self.current()
        hits = self.searcher.search(gen, question, None, documents)
        answer = self.answerer.answer(gen, question, hits)
        return TimedAnswer(answer, uuid.uuid4().hex[:16], time.perf_counter() - start)

    def article(self, unit_id: str) -> tuple[IndexUnit, list[str]]:
        """The whole article a unit id (article, clause or point) belongs to, with its validity notes."""
        gen = self.current()
        base = ":".join(unit_id.strip().split(":")[:2])
        unit = gen.units.get(base)
        if unit is None:
            raise NotFound(f"Không tìm thấy điều khoản {unit_id} trong chỉ mục hiện tại.")
        return unit, validity_notes(gen.documents.get(unit.doc_number, {}), unit, gen.documents)

    def build(self, *, dense: bool = True, progress: Progress | None = None) -> BuildReport:
        """Build a new generation from the current documents and switch to it atomically."""
        self.seed_vectors()
        builder = IndexBuilder(self.generations, self.embedder)
        kwargs = {"progress": progress} if progress else {}
        documents, unreadable = self.documents.scan()
        report = builder.build(documents, dense=dense and self.embedder is not None, **kwargs)
        report.skipped = unreadable + report.skipped
        return report

    def up_to_date(self, *, dense: bool = True) -> bool:
        """True when the serving generation already holds exactly the current documents (and vectors, if asked)."""
        current = self.generations.current_id()
        if current is None:
            return False
        manifest = self.generations.manifest(current)
        hashes = {d.number: document_hash(d) for d in self.documents.list()}
        has_dense = self.embedder is not None and manifest.embedder == self.embedder.name
        return manifest.doc_hashes == hashes and (has_dense or not dense)

    def seed_vectors(self) -> int:
        """Load the vectors shipped with the corpus into the cache, so a first build embeds nothing unchanged."""
        if self.embedder is None or self.shipped_vectors is None:
            return 0
        return self.embedder.cache.import_npz(self.embedder.name, self.shipped_vectors / f"{self.embedder.name}.npz")

    def export_vectors(self) -> int:
        """Write the cached vectors of the current documents next to the corpus (run after a full build)."""
        if self.embedder is None or self.shipped_vectors is None:
            return 0
        from assistant.index.units import document_units

        texts = [u.passage for d in self.documents.list() for u in document_units(d)]
        return self.embedder.cache.export_npz(
            self.embedder.name, texts, self.shipped_vectors / f"{self.embedder.name}.npz"
        )

    def rollback(self) -> str:
        return self.generations.rollback()

    def status(self) -> dict[str, Any]:
        gen_id = self.generations.current_id()
        gens = [
            {
                "id": m.id,
                "created": m.created,
                "units": m.n_units,
                "documents": m.n_documents,
                "dense": bool(m.embedder),
            }
            for m in self.generations.list()
        ]
        return {"current": gen_id, "generations": gens}


def _check_question(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Câu hỏi đang trống. Vui lòng nhập nội dung cần hỏi.")
    if len(text) > MAX_QUESTION_CHARS:
        raise InvalidInput(f"Câu hỏi quá dài (tối đa {MAX_QUESTION_CHARS} ký tự).")
    return text
