"""The product's retrieval on shared/eval/dev.jsonl: lexical-only vs dense-only vs hybrid, same run, same index.

Usage: python -m bench.dev_modes [--json]   (needs the full index: `assistant index update`)
Uses the serving generation and the product's HybridSearcher with four fusion settings (the searcher alone:
`assistant eval` also counts the answerer's re-ranking by title, grade, subject).
"""

from __future__ import annotations

import argparse
import json

from assistant.config import Settings
from assistant.retrieval.fusion import FusionParams
from assistant.retrieval.metrics import recall_at_k, reciprocal_rank
from assistant.retrieval.search import HybridSearcher
from assistant.services import build_services
from assistant.services.evaluation import gold_keys
from assistant.text import normalize_doc_number
from bench.common import SHARED, load_jsonl

MODES = {
    "lexical": FusionParams(
        dense_weight=0.0, short_dense_weight=0.0, long_dense_weight=0.0, unaccented_dense_weight=0.0, title_weight=0.0
    ),
    "dense": FusionParams(
        dense_weight=1.0, short_dense_weight=1.0, long_dense_weight=1.0, unaccented_dense_weight=1.0, title_weight=0.0
    ),
    "hybrid-no-title": FusionParams(title_weight=0.0),  # the fusion without the title-share signal
    "hybrid": FusionParams(),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = [r for r in load_jsonl(SHARED / "eval" / "dev.jsonl") if r["relevant"]]
    settings = Settings()
    svc = build_services(settings)
    gen = svc.knowledge.current()
    out: dict[str, dict[str, float]] = {}
    for name, params in MODES.items():
        searcher = HybridSearcher(svc.knowledge.searcher.embedder, settings.retrieval, params)
        r5 = mrr = 0.0
        for row in rows:
            hits = searcher.search(gen, row["question"], 10)
            ranked = [f"{normalize_doc_number(h.unit.doc_number)}#{h.unit.article.lower()}" for h in hits]
            r5 += recall_at_k(ranked, gold_keys(row), 5)
            mrr += reciprocal_rank(ranked, gold_keys(row), 10)
        out[name] = {"n": len(rows), "recall@5": round(r5 / len(rows), 3), "mrr@10": round(mrr / len(rows), 3)}
    if args.json:
        print(json.dumps(out, indent=1))
        return
    print(f"{'mode':16} {'n':>4} {'R@5':>6} {'MRR@10':>7}")
    for name, m in out.items():
        print(f"{name:16} {m['n']:>4} {m['recall@5']:>6.3f} {m['mrr@10']:>7.3f}")


if __name__ == "__main__":
    main()
