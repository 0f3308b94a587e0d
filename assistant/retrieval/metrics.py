"""Ranking metrics shared by the benchmarks and the `assistant eval` command.

Each takes one ranked list of ids and the set of relevant ids for one question; `summarize`
averages them over questions. A question with no relevant ids counts as a miss, never skipped.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the relevant ids found in the first k results."""
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & set(relevant)) / len(set(relevant))


def hit_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """1.0 if any relevant id is in the first k results."""
    return 1.0 if any(r in relevant for r in ranked[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """1/rank of the first relevant id within the first k results, else 0."""
    for rank, doc_id in enumerate(ranked[:k], start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0


@dataclass(frozen=True)
class RankingScores:
    n: int
    mrr_at_10: float
    recall_at_1: float
    recall_at_10: float

    def as_dict(self) -> dict[str, float | int]:
        return {"n": self.n, "mrr@10": self.mrr_at_10, "r@1": self.recall_at_1, "r@10": self.recall_at_10}


def summarize(runs: Iterable[tuple[Sequence[str], Collection[str]]]) -> RankingScores:
    """Mean MRR@10, R@1 and R@10 over (ranked ids, relevant ids) pairs."""
    pairs = list(runs)
    if not pairs:
        return RankingScores(0, 0.0, 0.0, 0.0)
    n = len(pairs)
    return RankingScores(
        n=n,
        mrr_at_10=sum(reciprocal_rank(r, rel, 10) for r, rel in pairs) / n,
        recall_at_1=sum(recall_at_k(r, rel, 1) for r, rel in pairs) / n,
        recall_at_10=sum(recall_at_k(r, rel, 10) for r, rel in pairs) / n,
    )
