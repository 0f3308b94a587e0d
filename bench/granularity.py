"""Unit granularity, measured: BM25 over whole articles vs over clauses (with the article heading as parent
context, best clause standing for its article), on shared/eval/dev.jsonl. Lexical only: cheap to rebuild.

Usage: python -m bench.granularity
"""

from __future__ import annotations

from assistant.config import Settings
from assistant.index.lexical import LexicalIndex
from assistant.retrieval.metrics import recall_at_k, reciprocal_rank
from assistant.services import build_services
from assistant.services.evaluation import gold_keys
from assistant.text import normalize_doc_number
from bench.common import SHARED, load_jsonl


def key(unit) -> str:  # type: ignore[no-untyped-def]
    return f"{normalize_doc_number(unit.doc_number)}#{unit.article.lower()}"


def main() -> None:
    rows = [r for r in load_jsonl(SHARED / "eval" / "dev.jsonl") if r["relevant"]]
    gen = build_services(Settings()).knowledge.current()
    units = list(gen.units.values())
    article = LexicalIndex()
    article.build([u.id for u in units], [u.lexical_text for u in units])
    ids, texts = [], []
    for u in units:
        parts = u.clauses or [{"number": "0", "text": u.text}]
        for c in parts:
            ids.append(f"{u.id}|{c['number']}")
            texts.append(f"{u.doc_name} {u.doc_title}\n{u.heading}\n{u.title}\n{u.title}\n{c['text']}")
    clause = LexicalIndex()
    clause.build(ids, texts)
    for name, index in (("article", article), ("clause→article", clause)):
        r5 = mrr = 0.0
        for row in rows:
            ranked: list[str] = []
            for uid, _ in index.search(row["question"], 200):
                k = key(gen.units[uid.split("|")[0]])
                if k not in ranked:
                    ranked.append(k)
            r5 += recall_at_k(ranked, gold_keys(row), 5)
            mrr += reciprocal_rank(ranked, gold_keys(row), 10)
        print(f"{name:15} units={len(index):5d} R@5={r5 / len(rows):.3f} MRR@10={mrr / len(rows):.3f}")


if __name__ == "__main__":
    main()
