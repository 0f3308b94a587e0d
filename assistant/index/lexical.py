"""BM25 index over accent-folded syllables and bigrams (bm25s), persisted with its ids.

The tokenizer lives in assistant.text.tokenize and is applied identically to passages and queries;
the options used at build time are saved with the index so a loaded index tokenizes queries the same way.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

import bm25s
import numpy as np

from assistant.errors import IndexNotReady, InvalidInput
from assistant.text.tokenize import DEFAULT_OPTIONS, TokenizerOptions, tokenize

_META = "lexical.json"


class LexicalIndex:
    """Okapi BM25 over caller-given ids; `search` returns (id, score) best first."""

    def __init__(self, k1: float = 0.9, b: float = 0.6, options: TokenizerOptions = DEFAULT_OPTIONS) -> None:
        self.k1, self.b, self.options = k1, b, options
        self._ids: list[str] = []
        self._bm25: bm25s.BM25 | None = None
        self._position: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def build(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        """Index texts under their ids (replaces any previous content)."""
        if len(ids) != len(texts):
            raise InvalidInput(f"{len(ids)} ids for {len(texts)} texts")
        if len(set(ids)) != len(ids):
            raise InvalidInput("ids must be unique")
        bm25 = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
        if ids:
            bm25.index([tokenize(t, self.options) for t in texts], show_progress=False)
        self._ids, self._bm25, self._position = list(ids), bm25, None

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed text for the query, in id order (zeros if nothing matches)."""
        if self._bm25 is None or not self._ids:
            return np.zeros(len(self._ids), dtype=np.float32)
        vocab = self._bm25.vocab_dict
        token_ids = [vocab[t] for t in tokenize(query, self.options) if t in vocab]
        if not token_ids:
            return np.zeros(len(self._ids), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(token_ids), dtype=np.float32)

    def score_ids(self, query: str, ids: Iterable[str]) -> dict[str, float]:
        """Exact BM25 scores of given ids (e.g. dense candidates), instead of imputing the ones not in the top k."""
        scores = self.scores(query)
        position = self._positions()
        return {i: float(scores[position[i]]) for i in ids if i in position}

    def _positions(self) -> dict[str, int]:
        if self._position is None:
            self._position = {doc_id: n for n, doc_id in enumerate(self._ids)}
        return self._position

    def search(self, query: str, k: int = 10, allowed: Collection[str] | None = None) -> list[tuple[str, float]]:
        """Top-k (id, score) with a positive score; `allowed` restricts results to those ids."""
        scores = self.scores(query)
        if allowed is not None:
            allowed = allowed if isinstance(allowed, set | frozenset) else set(allowed)
            mask = np.fromiter((i in allowed for i in self._ids), dtype=bool, count=len(self._ids))
            scores = np.where(mask, scores, 0.0)
        k = min(k, int(np.count_nonzero(scores > 0)))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._ids[i], float(scores[i])) for i in top]

    def save(self, directory: Path) -> None:
        """Write the BM25 matrices, the ids and the tokenizer options into one directory."""
        if self._bm25 is None:
            raise IndexNotReady("Chỉ mục từ khóa chưa được xây dựng.")
        directory.mkdir(parents=True, exist_ok=True)
        if self._ids:
            self._bm25.save(str(directory), show_progress=False)
        meta = {"ids": self._ids, "k1": self.k1, "b": self.b, "options": asdict(self.options)}
        (directory / _META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        meta_path = directory / _META
        if not meta_path.exists():
            raise IndexNotReady("Chưa có chỉ mục từ khóa.", detail=str(directory))
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        index = cls(k1=meta["k1"], b=meta["b"], options=TokenizerOptions(**meta["options"]))
        index._ids = list(meta["ids"])
        index._bm25 = bm25s.BM25.load(str(directory), show_progress=False) if index._ids else bm25s.BM25()
        if index._ids and index._bm25.scores["num_docs"] != len(index._ids):
            detail = f"{directory}: {len(index._ids)} ids, {index._bm25.scores['num_docs']} documents"
            raise IndexNotReady("Chỉ mục từ khóa không nhất quán, cần xây dựng lại.", detail=detail)
        index._positions()  # built now, before the index serves, not lazily by concurrent queries
        return index
