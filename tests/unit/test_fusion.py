import pytest

from assistant.retrieval.fusion import (
    FusionParams,
    dense_weight_for,
    fuse_scores,
    normalize,
    reciprocal_rank_fusion,
)


def ranking(fused: list[tuple[str, float]]) -> list[str]:
    return [i for i, _ in fused]


DENSE = {"a": 0.86, "b": 0.85, "c": 0.84}
LEXICAL = {"c": 30.0, "d": 12.0, "a": 11.0}


def test_union_of_candidates_best_first() -> None:
    fused = fuse_scores(DENSE, LEXICAL)
    assert set(ranking(fused)) == {"a", "b", "c", "d"}
    assert all(x[1] >= y[1] for x, y in zip(fused, fused[1:], strict=False))


def test_weight_extremes_reproduce_each_signal() -> None:
    assert ranking(fuse_scores(DENSE, LEXICAL, FusionParams(dense_weight=1.0)))[:3] == ["a", "b", "c"]
    assert ranking(fuse_scores(DENSE, LEXICAL, FusionParams(dense_weight=0.0)))[:3] == ["c", "d", "a"]


def test_agreement_of_both_signals_wins() -> None:
    dense = {**DENSE, "d": 0.85}
    assert ranking(fuse_scores(dense, {"d": 15.0, "c": 14.0, "a": 1.0}, FusionParams(dense_weight=0.5)))[0] == "d"


@pytest.mark.parametrize("method", ["zscore", "minmax"])
def test_lexical_margin_counts_not_only_rank(method: str) -> None:
    # Same ranks in both cases; only the size of c's BM25 lead changes, and with it the winner.
    dense = {"a": 0.82, "c": 0.81, "b": 0.80, "e": 0.78, "f": 0.70}
    close = {"c": 10.5, "a": 10.0, "b": 3.0, "e": 2.0, "f": 1.0}
    far = {"c": 30.0, "a": 10.0, "b": 3.0, "e": 2.0, "f": 1.0}
    params = FusionParams(dense_weight=0.5, normalization=method)  # type: ignore[arg-type]
    assert ranking(fuse_scores(dense, close, params))[0] == "a"
    assert ranking(fuse_scores(dense, far, params))[0] == "c"


def test_unaccented_queries_lean_lexical() -> None:
    params = FusionParams(dense_weight=0.9, unaccented_dense_weight=0.0)
    assert ranking(fuse_scores(DENSE, LEXICAL, params))[0] == "a"
    assert ranking(fuse_scores(DENSE, LEXICAL, params, unaccented=True))[0] == "c"


def test_raising_one_score_never_lowers_that_candidate() -> None:
    base = ranking(fuse_scores(DENSE, LEXICAL)).index("b")
    boosted = ranking(fuse_scores(DENSE, {**LEXICAL, "b": 20.0})).index("b")
    assert boosted <= base


def test_doc_bonus_promotes_named_document() -> None:
    params = FusionParams(doc_bonus=5.0)
    assert ranking(fuse_scores(DENSE, LEXICAL, params, doc_match=frozenset({"d"})))[0] == "d"


def test_missing_signal_and_empty_inputs() -> None:
    assert fuse_scores({}, {}) == []
    assert ranking(fuse_scores(DENSE, {})) == ["a", "b", "c"]
    assert ranking(fuse_scores({}, LEXICAL)) == ["c", "d", "a"]


@pytest.mark.parametrize("method", ["zscore", "minmax"])
def test_normalize_is_order_preserving_and_handles_constants(method: str) -> None:
    values = [3.0, 1.0, 2.0]
    out = normalize(values, method)  # type: ignore[arg-type]
    assert sorted(range(3), key=out.__getitem__) == sorted(range(3), key=values.__getitem__)
    assert normalize([2.0, 2.0], method) == [0.0, 0.0]  # type: ignore[arg-type]
    assert normalize([], method) == []  # type: ignore[arg-type]


def test_rrf_rewards_agreement_and_respects_weights() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]])
    assert ranking(fused)[:2] in (["a", "b"], ["b", "a"]) and ranking(fused)[-1] in ("c", "d")
    assert ranking(reciprocal_rank_fusion([["a", "b"], ["b", "a"]], weights=[0.9, 0.1]))[0] == "a"


def test_dense_weight_follows_query_length_and_accents() -> None:
    p = FusionParams(short_dense_weight=0.8, long_dense_weight=0.1, short_words=12, long_words=30, dense_weight=0.45)
    assert dense_weight_for(p, 5) == pytest.approx(0.8)
    assert dense_weight_for(p, 21) == pytest.approx(0.45)
    assert dense_weight_for(p, 60) == pytest.approx(0.1)
    assert dense_weight_for(p, None) == pytest.approx(0.45)
    assert dense_weight_for(p, 5, unaccented=True) == pytest.approx(p.unaccented_dense_weight)
    weights = [dense_weight_for(p, n) for n in range(0, 50)]
    assert all(a >= b for a, b in zip(weights, weights[1:], strict=False))


def test_short_queries_trust_dense_long_ones_lexical() -> None:
    assert ranking(fuse_scores(DENSE, LEXICAL, query_words=5))[0] == "a"
    assert ranking(fuse_scores(DENSE, LEXICAL, query_words=40))[0] == "c"
