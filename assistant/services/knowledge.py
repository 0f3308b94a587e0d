"""The knowledge engine's service: the one place the edges call to search, answer and re-index."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from assistant.answer.extractive import Answer, ExtractiveAnswerer, validity_notes
from assistant.domain import article_id, document_hash
from assistant.errors import AssistantError, IndexNotReady, InvalidInput, NotFound
from assistant.index.builder import BuildReport, IndexBuilder, Progress
from assistant.index.embeddings import CachedEmbedder
from assistant.index.generations import GenerationManager
from assistant.index.reader import Generation
from assistant.index.units import IndexUnit
from assistant.ingest.repository import DocumentRepository
from assistant.retrieval.search import Hit, HybridSearcher
from assistant.validity import DocumentValidity

MAX_QUESTION_CHARS = 2000
SOURCES_SHOWN = 5  # hits listed as sources[] next to an answer
log = logging.getLogger("assistant.knowledge")


@dataclass
class TimedAnswer:
    answer: Answer
    trace_id: str
    seconds: float
    as_of: date = field(default_factory=date.today)  # the date validity was judged on
    validity: dict[str, DocumentValidity] = field(default_factory=dict)  # per quoted / listed document


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
        self.broken: dict[str, str] = {}  # generation id → why it cannot be served (checked once per process)
        self._follower: threading.Thread | None = None
        self._stop_following = threading.Event()
        self._prepared: Generation | None = None  # a staged generation, loaded before the pointer names it
        self._refused: str | None = None  # a staged generation this process cannot load
        self._heartbeat: threading.Thread | None = None

    def current(self) -> Generation:
        """The serving generation, loaded and checked in full before it serves. A switch by another process or
        thread is picked up here; while one thread loads the new generation the others keep answering from the
        old one. A broken generation is never served: the newest intact one is, with a log line.

        While following (API processes, see `follow`), asks get the loaded generation at once: the follower
        thread alone reads the pointer and loads, so no ask ever waits for a load."""
        loaded = self._loaded
        if loaded is not None and self._follower is not None:
            return loaded
        return self._advance()

    def _advance(self) -> Generation:
        target = self.generations.current_id()
        loaded = self._loaded
        if loaded is not None and (loaded.id == target or target in self.broken):
            return loaded
        if loaded is not None and not self._load_lock.acquire(blocking=False):
            return loaded  # someone is loading the new generation; no ask waits for it
        if loaded is None:
            self._load_lock.acquire()
        try:
            target = self.generations.current_id()
            if self._loaded is None or self._loaded.id != target:
                fresh = self._load_intact(target)
                old, self._loaded = self._loaded, fresh
                if old is not None and old is not fresh:
                    old.retire()
            return self._loaded
        finally:
            self._load_lock.release()

    def _load_intact(self, wanted: str | None) -> Generation:
        candidates = ([wanted] if wanted else []) + [
            m.id for m in reversed(self.generations.list()) if m.id != wanted and m.id not in self.broken
        ]
        if wanted in self.broken:
            candidates.remove(wanted)
        for gen_id in candidates:
            if self._loaded is not None and self._loaded.id == gen_id:
                return self._loaded
            prepared = self._prepared
            if prepared is not None and prepared.id == gen_id:
                self._prepared = None
                return prepared  # loaded while the switch was staged: nothing left to load
            try:
                gen = self._load(gen_id)
            except Exception as e:  # a truncated, missing or garbage file: not served
                self._note_broken(gen_id, e)
                continue
            if gen_id != wanted:
                log.warning(
                    "serving index generation %s instead of %s (%s)",
                    gen_id,
                    wanted or "none",
                    self.broken.get(wanted or "", f"CURRENT names {self.generations.pointer() or 'nothing'}"),
                )
            return gen
        if self.broken:
            raise IndexNotReady(
                "Không có thế hệ chỉ mục nào còn nguyên vẹn để phục vụ; hãy chạy: assistant index build",
                detail=self.broken,
            )
        raise IndexNotReady("Chưa có chỉ mục nào được xây dựng. Hãy chạy: assistant index build")

    def serving_id(self) -> str | None:
        """The generation this process answers from (None before the first load)."""
        loaded = self._loaded
        return loaded.id if loaded is not None else None

    def prepared_id(self) -> str | None:
        """The generation a staged switch will serve, already loaded by this process (None if none)."""
        prepared = self._prepared
        return prepared.id if prepared is not None else None

    def refresh(self) -> bool:
        """Load the generation the pointer names if it is not the one loaded; True when this process switched."""
        before = self.serving_id()
        return self._advance().id != before

    def follow(self, interval: float = 1.0) -> None:
        """Follow switches made by any process: re-read the pointer every `interval` seconds in a daemon thread,
        load a new generation beside the served one, and swap only once it is loaded (see README, several
        machines: polling rather than LISTEN/NOTIFY)."""
        if self._follower is not None:
            return
        self._stop_following.clear()
        try:
            self._advance()
        except IndexNotReady as e:
            log.warning("no serving generation yet: %s", e.message)
        except Exception:
            log.warning("no serving generation yet", exc_info=True)

        def loop() -> None:
            while not self._stop_following.wait(interval):
                try:
                    self._follow_once()
                except IndexNotReady:  # nothing built yet: nothing to follow
                    continue
                except Exception:  # the database or Chroma briefly away: keep serving what is loaded, retry
                    log.warning("could not follow the serving generation", exc_info=True)

        def beat() -> None:  # its own thread: a process busy loading a staged generation still counts as live
            while not self._stop_following.wait(interval):
                try:
                    self._report()
                except Exception:  # the database briefly away: the next beat says it again
                    log.warning("could not report this process to the followers table", exc_info=True)

        self._follower = threading.Thread(target=loop, name="generation-follower", daemon=True)
        self._follower.start()
        self._heartbeat = threading.Thread(target=beat, name="generation-heartbeat", daemon=True)
        self._heartbeat.start()

    def _report(self) -> None:
        self.generations.report(self.serving_id(), self.prepared_id(), self._refused)

    def _follow_once(self) -> None:
        """One poll: load a staged generation beside the served one, swap if the pointer moved, say where we are."""
        staged = self.generations.staged_id()
        self._refused = self._prepare(staged)
        self._advance()
        prepared = self._prepared
        if prepared is not None and prepared.id not in (staged, self.generations.current_id()):
            self._prepared = None  # the switch it was loaded for went elsewhere
            prepared.retire()
        self._report()

    def _prepare(self, staged: str | None) -> str | None:
        """Load the generation a switch has staged, so that the swap costs nothing once the pointer moves; the id
        if it cannot be loaded (the switch need not wait for this process)."""
        if staged is None or staged == self.serving_id():
            return None
        if staged in self.broken:
            return staged
        if self._prepared is not None and self._prepared.id == staged:
            return None
        with self._load_lock:
            old, self._prepared = self._prepared, None
            if old is not None:
                old.retire()
            try:
                self._prepared = self._load(staged)
            except Exception as e:  # as in `_load_intact`: never served, noted once
                self._note_broken(staged, e)
                return staged
        return None

    def _note_broken(self, gen_id: str, e: Exception) -> None:
        """Remember (once per process) why a generation cannot be served, and log it."""
        self.broken[gen_id] = e.message if isinstance(e, AssistantError) else f"{type(e).__name__}: {e}"
        log.error("index generation %s is broken and will not be served: %s", gen_id, self.broken[gen_id])

    def stop_following(self) -> None:
        self._stop_following.set()
        follower, self._follower = self._follower, None
        heartbeat, self._heartbeat = self._heartbeat, None
        if heartbeat is not None:
            heartbeat.join(5)
        if follower is not None:
            follower.join(5)
            try:
                self.generations.forget()
            except Exception:  # the database already gone: its row ages out
                log.warning("could not remove this process from the followers", exc_info=True)
        prepared, self._prepared = self._prepared, None
        if prepared is not None:
            prepared.retire()

    def _load(self, gen_id: str) -> Generation:
        # the units of the generation served now are reused where unchanged: a switch loads only what changed
        gen = Generation.load(self.generations.local_path(gen_id), self.generations.vectors, reuse=self._loaded)
        try:
            gen.verify()
            self.answerer.prepare(gen)
            self.searcher.prepare(gen)
            gen.settle()
        except BaseException:
            gen.close()
            raise
        return gen

    @contextmanager
    def serving(self) -> Iterator[Generation]:
        """The current generation, leased so a switch cannot close it under this caller."""
        for _ in range(5):
            gen = self.current()
            if gen.acquire():
                break
        else:  # pragma: no cover - five switches within one call
            gen = self.current()
            gen.acquire()
        try:
            yield gen
        finally:
            gen.release()

    def close(self) -> None:
        self.stop_following()
        loaded, self._loaded = self._loaded, None
        if loaded is not None:
            loaded.retire()
        if self.embedder is not None:
            self.embedder.cache.close()

    def search(
        self, query: str, k: int | None = None, documents: Sequence[str] | None = None, as_of: date | None = None
    ) -> list[Hit]:
        with self.serving() as gen:
            return self.searcher.search(gen, _check_question(query), k, documents, as_of or date.today())

    def ask(self, question: str, documents: Sequence[str] | None = None, as_of: date | None = None) -> TimedAnswer:
        """The answer as the texts stand on `as_of` (today by default): what is in force ranks first and every
        quoted document that is not (or may not be) in force carries its one validity note."""
        start = time.perf_counter()
        question = _check_question(question)
        as_of = as_of or date.today()
        with self.serving() as gen:
            pool = max(self.answerer.settings.rerank_pool, self.searcher.settings.top_k)  # the answerer re-ranks
            hits = self.searcher.search(gen, question, pool, documents, as_of)
            answer = self.answerer.answer(gen, question, hits)
            shown = [q.doc_number for q in answer.quotes] + [h.unit.doc_number for h in answer.hits[:SOURCES_SHOWN]]
            validity = gen.validity.many(shown, as_of)
        return TimedAnswer(answer, uuid.uuid4().hex[:16], time.perf_counter() - start, as_of, validity)

    def validity(self, numbers: Sequence[str], as_of: date | None = None) -> dict[str, DocumentValidity]:
        """One validity (badge + note) per distinct document, as of a date: what every front end shows."""
        with self.serving() as gen:
            return gen.validity.many(numbers, as_of or date.today())

    def article(self, unit_id: str) -> tuple[IndexUnit, list[str], DocumentValidity]:
        """The whole article a unit id (article, clause or point) belongs to, with its notes and validity today."""
        gen = self.current()
        base = article_id(unit_id)
        unit = gen.units.get(base)
        if unit is None:
            raise NotFound(f"Không tìm thấy điều khoản {unit_id} trong chỉ mục hiện tại.")
        v = gen.validity.of(unit.doc_number, date.today())
        return unit, validity_notes(gen.documents.get(unit.doc_number, {}), unit, gen.documents, v), v

    def build(self, *, dense: bool = True, progress: Progress | None = None) -> BuildReport:
        """Build a new generation from the current documents and switch to it atomically."""
        self.seed_vectors()
        builder = IndexBuilder(self.generations, self.embedder, tables=self.answerer.term_tables)
        kwargs = {"progress": progress} if progress else {}
        documents, unreadable = self.documents.scan()
        report = builder.build(documents, dense=dense and self.embedder is not None, **kwargs)
        report.skipped = unreadable + report.skipped
        self._preload()
        return report

    def _preload(self) -> None:
        """Load and check the generation just switched to, here in the switching thread, so this process's next
        requests find it ready (the asks meanwhile keep the previous one; none waits)."""
        if self._loaded is None:  # serving nothing yet (a CLI build, a process before its first ask): stay lazy
            return
        try:
            self._advance()  # not current(): while following, current() returns what is loaded without looking
        except AssistantError as e:  # reported by /ready and by the next ask; the switch itself succeeded
            log.error("the generation switched to could not be loaded: %s", e.message)

    def documents_state(self) -> str:
        """A digest of the document set a build would index now (numbers and content hashes): what a queued job
        expects the worker's documents folder to hold (see assistant.jobs.queue)."""
        documents, _ = self.documents.scan()
        digest = hashlib.sha256()
        for number, content in sorted((d.number, document_hash(d)) for d in documents):
            digest.update(f"{number}\0{content}\n".encode())
        return digest.hexdigest()

    def up_to_date(self, *, dense: bool = True) -> bool:
        """True when the serving generation already holds exactly the current documents (and vectors, if asked)."""
        current = self.generations.current_id()
        if current is None:
            return False
        try:
            manifest = self.generations.manifest(current)
            if self.current().id != current:  # CURRENT's generation is damaged: rebuild rather than trust it
                return False
        except IndexNotReady:
            return False
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
        generation = self.generations.rollback()
        self._preload()
        return generation

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
        return {
            "current": gen_id,
            "serving": self.serving_id(),
            "generations": gens,
            "history": self.generations.history(),
            "processes": self.generations.processes(),
        }


def _check_question(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Câu hỏi đang trống. Vui lòng nhập nội dung cần hỏi.")
    if len(text) > MAX_QUESTION_CHARS:
        raise InvalidInput(f"Câu hỏi quá dài (tối đa {MAX_QUESTION_CHARS} ký tự).")
    return text
