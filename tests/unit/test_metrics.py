import pytest

from assistant.retrieval.metrics import hit_at_k, recall_at_k, reciprocal_rank, summarize


def test_single_question_metrics() -> None:
    ranked = ["x", "a", "y", "b"]
    assert reciprocal_rank(ranked, {"a", "b"}, 10) == 0.5
    assert reciprocal_rank(ranked, {"b"}, 3) == 0.0
    assert recall_at_k(ranked, {"a", "b"}, 2) == 0.5
    assert hit_at_k(ranked, {"b"}, 4) == 1.0 and hit_at_k(ranked, {"b"}, 3) == 0.0
    assert recall_at_k(ranked, set(), 10) == 0.0


def test_summarize_averages_and_counts_misses() -> None:
    s = summarize([(["a"], {"a"}), (["x", "b"], {"b"}), ([], {"c"})])
    assert s.n == 3
    assert s.mrr_at_10 == pytest.approx((1 + 0.5 + 0) / 3)
    assert s.recall_at_1 == pytest.approx(1 / 3) and s.recall_at_10 == pytest.approx(2 / 3)
    assert summarize([]).n == 0
