"""Hybrid retrieval over one generation: lexical + dense candidates, fused, filtered by validity."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.config import RetrievalSettings
from assistant.domain import DocStatus
from assistant.index.embeddings import Embedder
from assistant.index.reader import Generation
from assistant.index.units import IndexUnit
from assistant.retrieval.fusion import FusionParams, fuse_scores
from assistant.text import normalize_text
from assistant.text.tokenize import is_unaccented

REPEALED_PENALTY = (
    1.0  # in standardised score units: repealed text stays findable, below what is in force, with a warning
)


@dataclass
class Hit:
    unit: IndexUnit
    score: float
    lexical: float | None = None
    dense: float | None = None
    warning: str = ""


class HybridSearcher:
    def __init__(
        self, embedder: Embedder | None, settings: RetrievalSettings, params: FusionParams | None = None
    ) -> None:
        self.embedder = embedder
        self.settings = settings
        self.params = params or FusionParams()
        self._embed_query = functools.lru_cache(maxsize=2048)(self._embed)

    def _embed(self, text: str) -> np.ndarray:
        assert self.embedder is not None
        return self.embedder.embed_query(text)

    def search(
        self, gen: Generation, query: str, k: int | None = None, documents: Sequence[str] | None = None
    ) -> list[Hit]:
        k = k or self.settings.top_k
        query = normalize_text(query)
        pool = self.settings.candidates
        allowed = set(documents) if documents else None
        lexical = self._lexical(gen, query, pool, allowed)
        dense = self._dense(gen, query, pool, allowed, [i for i, _ in lexical])
        lex_scores, dense_scores = dict(lexical), dict(dense)
        dense_only = [i for i in dense_scores if i not in lex_scores]
        lex_scores.update(gen.lexical.score_ids(query, dense_only))
        fused = fuse_scores(
            dense_scores, lex_scores, self.params, unaccented=is_unaccented(query), query_words=len(query.split())
        )
        hits = [self._hit(gen, uid, score, lex_scores, dense_scores) for uid, score in fused if uid in gen.units]
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:k]

    @staticmethod
    def _lexical(gen: Generation, query: str, pool: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        ids = [i for i, u in gen.units.items() if u.doc_number in allowed] if allowed else None
        return gen.lexical.search(query, pool, allowed=ids)

    def _dense(
        self, gen: Generation, query: str, pool: int, allowed: set[str] | None, lexical_ids: list[str]
    ) -> list[tuple[str, float]]:
        if gen.dense is None or self.embedder is None or gen.manifest.embedder != self.embedder.name:
            return []
        vec = self._embed_query(query)
        where = {"doc": {"$in": sorted(allowed)}} if allowed else None
        found = dict(gen.dense.query(vec, pool, where=where))
        missing = [i for i in lexical_ids if i not in found]
        found.update(gen.dense.similarities(vec, missing))
        return sorted(found.items(), key=lambda x: x[1], reverse=True)

    @staticmethod
    def _hit(gen: Generation, uid: str, score: float, lexical: dict[str, float], dense: dict[str, float]) -> Hit:
        unit = gen.units[uid]
        hit = Hit(unit, score, lexical.get(uid), dense.get(uid))
        if unit.status == DocStatus.REPEALED:
            hit.score -= REPEALED_PENALTY
            hit.warning = "Văn bản này đã hết hiệu lực."
        return hit
