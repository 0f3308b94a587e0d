"""How the dense and the lexical signal combine into one ranking.

Reciprocal-rank fusion throws the scores away: a BM25 runaway winner and a near tie look the
same. Here each signal's scores are standardised per query over the union of candidates (a
candidate one signal did not return gets that signal's lowest returned score), then mixed with
a convex weight. Queries typed without diacritics lean on the lexical side, because the dense
model reads unaccented Vietnamese poorly while the folded BM25 tokens do not care.
Weights were chosen on the train split of the public benchmark: see bench/retrieval_quality.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Scores = Mapping[str, float]
Normalization = Literal["zscore", "minmax"]


@dataclass(frozen=True)
class FusionParams:
    """Weights of the score fusion; a dense weight is the share of the dense signal (0 = lexical only).

    Short questions ("Di chúc miệng có hợp lệ không?") are where BM25 has too few words to go on
    and the dense model shines; long ones, often near-quotes of the law, are BM25's ground. So the
    dense weight slides from `short_dense_weight` (at `short_words` words or fewer) down to
    `long_dense_weight` (at `long_words` or more); `dense_weight` is used when the length is unknown.
    """

    dense_weight: float = 0.45
    short_dense_weight: float = 0.8
    long_dense_weight: float = 0.1
    short_words: int = 12
    long_words: int = 30
    unaccented_dense_weight: float = 0.1
    normalization: Normalization = "zscore"
    doc_bonus: float = 0.0  # added (in standardised units) to candidates from a document the query names
    title_weight: float = 0.8  # times the share of a candidate's title the query says (see retrieval/titles.py)


def dense_weight_for(params: FusionParams, query_words: int | None = None, unaccented: bool = False) -> float:
    """The dense share for one query, from its length in words and whether it was typed without diacritics."""
    if unaccented:
        return params.unaccented_dense_weight
    if query_words is None:
        return params.dense_weight
    span = max(params.long_words - params.short_words, 1)
    t = min(max((query_words - params.short_words) / span, 0.0), 1.0)
    return params.short_dense_weight + t * (params.long_dense_weight - params.short_dense_weight)


def _impute(scores: Scores, ids: Sequence[str]) -> list[float]:
    """Scores in `ids` order; a candidate the signal did not return gets its lowest returned score."""
    floor = min(scores.values()) if scores else 0.0
    return [scores.get(i, floor) for i in ids]


def normalize(values: Sequence[float], method: Normalization = "zscore") -> list[float]:
    """Standardise one query's scores so signals on different scales can be added."""
    if not values:
        return []
    if method == "minmax":
        lo, hi = min(values), max(values)
        return [(v - lo) / (hi - lo) if hi > lo else 0.0 for v in values]
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return [(v - mean) / std if std > 0 else 0.0 for v in values]


def fuse_scores(
    dense: Scores,
    lexical: Scores,
    params: FusionParams = FusionParams(),
    *,
    unaccented: bool = False,
    query_words: int | None = None,
    doc_match: frozenset[str] = frozenset(),
    title_match: Mapping[str, float] | None = None,
) -> list[tuple[str, float]]:
    """Candidates of both signals, best first, scored by the weighted sum of standardised scores.

    `query_words` (len(query.split())) lets the weight follow the query length; `doc_match` holds
    candidate ids from a document the query names ("theo Luật Viên chức"); `title_match` the share (0..1)
    of each candidate's title that the query says, added times `params.title_weight`.
    """
    ids = list(dict.fromkeys([*dense, *lexical]))
    if not ids:
        return []
    w = dense_weight_for(params, query_words, unaccented)
    d = normalize(_impute(dense, ids), params.normalization) if dense else [0.0] * len(ids)
    lex = normalize(_impute(lexical, ids), params.normalization) if lexical else [0.0] * len(ids)
    titles = title_match or {}
    fused = {
        i: w * di
        + (1.0 - w) * li
        + (params.doc_bonus if i in doc_match else 0.0)
        + params.title_weight * titles.get(i, 0.0)
        for i, di, li in zip(ids, d, lex, strict=True)
    }
    return sorted(fused.items(), key=lambda kv: -kv[1])  # stable: ties keep candidate order


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Weighted RRF: sum of weight / (k + rank) over the rankings; kept as the baseline to beat."""
    weights = weights if weights is not None else [1.0] * len(rankings)
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, doc_id in enumerate(ranking, start=1):
            fused[doc_id] = fused.get(doc_id, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda kv: -kv[1])
