"""Hybrid retrieval over one generation: lexical + dense candidates, fused, filtered by validity."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from assistant.config import RetrievalSettings
from assistant.index.embeddings import Embedder
from assistant.index.reader import Generation
from assistant.index.units import IndexUnit
from assistant.retrieval.fusion import FusionParams, fuse_scores
from assistant.retrieval.titles import TitleMatcher, title_tokens
from assistant.text import normalize_text
from assistant.text.tokenize import is_unaccented
from assistant.validity import DocumentValidity, Validity

# In standardised score units, by validity on the asked date: what is not in force stays findable, below what
# is, and always carries its warning. Text that is not in force yet, or whose replacement the corpus holds,
# drops most; text replaced by a document the corpus lacks is still the best the corpus has on the question.
REPEALED_PENALTY = 1.0
PENALTIES = {
    Validity.NOT_YET: 1.0,
    Validity.REPEALED: 1.0,  # replaced by text the corpus holds (or by nothing named)
    Validity.PARTLY_REPEALED: 0.0,
    Validity.UNCERTAIN: 0.0,
    Validity.UNKNOWN: 0.0,
}
REPLACEMENT_MISSING_PENALTY = 0.0  # repealed, and the replacing text is not in the corpus


@dataclass
class Hit:
    unit: IndexUnit
    score: float
    lexical: float | None = None
    dense: float | None = None
    warning: str = ""  # the document's validity note when it is not (or may not be) in force on the date
    validity: DocumentValidity | None = None  # the document's validity on the date the question is asked for


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
        self,
        gen: Generation,
        query: str,
        k: int | None = None,
        documents: Sequence[str] | None = None,
        as_of: date | None = None,
    ) -> list[Hit]:
        """Best units first; what is in force on `as_of` (today by default) ranks above what is not."""
        k = k or self.settings.top_k
        as_of = as_of or date.today()
        query = normalize_text(query)
        pool = self.settings.candidates
        allowed = set(documents) if documents else None
        lexical = self._lexical(gen, query, pool, allowed)
        dense = self._dense(gen, query, pool, allowed, [i for i, _ in lexical])
        lex_scores, dense_scores = dict(lexical), dict(dense)
        dense_only = [i for i in dense_scores if i not in lex_scores]
        lex_scores.update(gen.lexical.score_ids(query, dense_only))
        titles = None
        if self.params.title_weight:
            titles = self.title_matcher(gen).coverage(query, dict.fromkeys([*dense_scores, *lex_scores]))
        fused = fuse_scores(
            dense_scores,
            lex_scores,
            self.params,
            unaccented=is_unaccented(query),
            query_words=len(query.split()),
            title_match=titles,
        )
        hits = [self._hit(gen, uid, score, lex_scores, dense_scores, as_of) for uid, score in fused if uid in gen.units]
        hits.sort(key=lambda h: (validity_tier(h.validity), -h.score))
        return hits[:k]

    def prepare(self, gen: Generation) -> None:
        """Build what searching needs from a generation before it serves (not on the first ask)."""
        if self.params.title_weight:
            self.title_matcher(gen)

    @staticmethod
    def title_matcher(gen: Generation) -> TitleMatcher:
        """The generation's article titles, for the title-share signal (built once per generation)."""
        return gen.memo(
            "title_matcher",
            # a switch reads only the titles of units that changed; the rest come from the generation served before
            lambda: TitleMatcher.from_tokens(gen.per_unit("title_tokens", lambda u: title_tokens(u.title))),
        )

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
    def _hit(
        gen: Generation, uid: str, score: float, lexical: dict[str, float], dense: dict[str, float], as_of: date
    ) -> Hit:
        unit = gen.units[uid]
        v = gen.validity.for_article(unit.doc_number, unit.article, unit.effective_date, as_of)
        hit = Hit(unit, score, lexical.get(uid), dense.get(uid), validity=v)
        hit.score -= validity_penalty(v)
        hit.warning = v.note or ""  # not in force (or may not be), or in force with a change due later
        return hit


def validity_tier(v: DocumentValidity | None) -> int:
    """Text not yet in force on the asked date never leads: it follows everything else, best first."""
    return 1 if v is not None and v.state is Validity.NOT_YET else 0


def validity_penalty(v: DocumentValidity) -> float:
    """How far a unit drops for its document's validity on the asked date (0 for what is in force)."""
    if v.state is Validity.REPEALED and v.changes and not v.replacement_in_corpus:
        return REPLACEMENT_MISSING_PENALTY
    return PENALTIES.get(v.state, 0.0)
