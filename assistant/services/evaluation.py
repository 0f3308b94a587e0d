"""Evaluation of the knowledge engine on gold questions.

Two formats (see shared/eval/README.md): article-level (`relevant`: gold articles; retrieval recall/MRR and
abstention) and clause-level (`gold`: gold clauses and an `answer_fact`; the answer as clients receive it is
graded by `assistant.answer.grading`).
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.answer.grading import grade, is_clause_level, report
from assistant.errors import InvalidInput
from assistant.retrieval.metrics import recall_at_k, reciprocal_rank
from assistant.services.knowledge import KnowledgeService
from assistant.text import normalize_doc_number


def load_questions(path: Path) -> list[dict[str, Any]]:
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError) as e:
        raise InvalidInput(f"Không đọc được tệp câu hỏi {path}: {e}") from e
    for r in rows:
        if not isinstance(r, dict) or "question" not in r or ("relevant" not in r and "gold" not in r):
            raise InvalidInput(f"Dòng thiếu trường 'question' hoặc 'relevant'/'gold': {r}")
    if len({is_clause_level(r) for r in rows}) > 1:
        raise InvalidInput(
            "Tệp trộn hai định dạng ('relevant' theo điều và 'gold' theo khoản); hãy tách thành hai tệp."
        )
    return rows


def evaluate_answers(
    knowledge: KnowledgeService, rows: list[dict[str, Any]], progress: Callable[[], None] | None = None
) -> dict[str, Any]:
    """Clause-level rows: each question asked as a client would, the answer graded (see assistant.answer.grading)."""
    from assistant.services.views import answer_to_dict

    recs, latencies = [], []
    for row in rows:
        timed = knowledge.ask(row["question"])
        latencies.append(timed.seconds)
        recs.append(grade(row, answer_to_dict(timed)))
        if progress:
            progress()
    out = report(recs)
    out["latency_ms"] = {"p50": round(1000 * _pct(latencies, 0.5), 1), "p95": round(1000 * _pct(latencies, 0.95), 1)}
    return out


def gold_keys(row: dict[str, Any]) -> set[str]:
    return {f"{normalize_doc_number(g['doc'])}#{str(g['article']).lower()}" for g in row["relevant"]}


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def evaluate(
    knowledge: KnowledgeService, rows: list[dict[str, Any]], progress: Callable[[], None] | None = None
) -> dict[str, Any]:
    per_kind: dict[str, list[dict[str, float]]] = defaultdict(list)
    latencies: list[float] = []
    details = []
    for row in rows:
        timed = knowledge.ask(row["question"])
        latencies.append(timed.seconds)
        ranked = [f"{normalize_doc_number(h.unit.doc_number)}#{h.unit.article.lower()}" for h in timed.answer.hits]
        gold = gold_keys(row)
        m: dict[str, float] = {"abstain_ok": float(timed.answer.abstained == (not gold))}
        if gold:
            m.update({f"r@{k}": recall_at_k(ranked, gold, k) for k in (1, 5, 10)})
            m["mrr@10"] = reciprocal_rank(ranked, gold, 10)
        per_kind[row.get("kind", "all")].append(m)
        details.append(
            {
                "id": row.get("id"),
                "abstained": timed.answer.abstained,
                "confidence": timed.answer.confidence,
                "top": ranked[:3],
                **m,
            }
        )
        if progress:
            progress()
    return {
        "overall": _summary([m for ms in per_kind.values() for m in ms]),
        "by_kind": {k: _summary(v) for k, v in sorted(per_kind.items())},
        "latency_ms": {"p50": round(1000 * _pct(latencies, 0.5), 1), "p95": round(1000 * _pct(latencies, 0.95), 1)},
        "questions": details,
    }


def _summary(ms: list[dict[str, float]]) -> dict[str, float | int]:
    answerable = [m for m in ms if "mrr@10" in m]
    out: dict[str, float | int] = {"n": len(ms), "answerable": len(answerable)}
    for key in ("r@1", "r@5", "r@10", "mrr@10"):
        if answerable:
            out[key] = round(statistics.mean(m[key] for m in answerable), 3)
    out["abstention_accuracy"] = round(statistics.mean(m["abstain_ok"] for m in ms), 3) if ms else 0.0
    unanswerable = [m for m in ms if "mrr@10" not in m]
    out["unanswerable_abstained"] = sum(int(m["abstain_ok"]) for m in unanswerable)
    out["answerable_abstained"] = sum(1 - int(m["abstain_ok"]) for m in answerable)
    return out
