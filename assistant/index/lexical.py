"""BM25 index over accent-folded syllables and bigrams (bm25s format), persisted with its ids and term counts.

The tokenizer lives in assistant.text.tokenize and is applied identically to passages and queries;
the options used at build time are saved with the index so a loaded index tokenizes queries the same way.

Besides bm25s's score matrix the index keeps each text's term counts (a CSR matrix: token ids and counts per
text, ``tf_*.npy``) and a hash of each text, so a rebuild re-tokenizes only the texts that changed: the others'
counts are taken from the previous index (when it was made by the same tokenizer code and options — see
`TOKENIZER_FINGERPRINT`). The score matrix is then computed from the counts with numpy, with bm25s's own
formulas and float types (Lucene variant), so it is bit-identical to ``bm25s.BM25.index`` on the same tokens.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import bm25s
import numpy as np

from assistant.errors import IndexNotReady, InvalidInput
from assistant.index.fingerprint import code_fingerprint
from assistant.text import normalize as _normalize
from assistant.text import tokenize as _tokenize
from assistant.text.tokenize import DEFAULT_OPTIONS, TokenizerOptions, tokenize

_META = "lexical.json"
_TF_PTR, _TF_TOKENS, _TF_COUNTS, _HASHES = "tf_indptr.npy", "tf_tokens.npy", "tf_counts.npy", "text_sha1.npy"
# Term counts of an older index are reused only if it was tokenized by exactly this code.
TOKENIZER_FINGERPRINT = code_fingerprint(_tokenize, _normalize)


def text_hashes(texts: Sequence[str]) -> np.ndarray:
    """SHA-1 of each text (n × 20 bytes): which texts a rebuild can take from the previous index unchanged."""
    out = np.empty((len(texts), 20), dtype=np.uint8)
    for i, t in enumerate(texts):
        out[i] = np.frombuffer(hashlib.sha1(t.encode("utf-8")).digest(), dtype=np.uint8)
    return out


@dataclass
class TermCounts:
    """Per-text token counts: row i of (indptr, tokens, counts) is text i; token ids index `vocab`."""

    vocab: list[str]
    indptr: np.ndarray  # int64, n + 1
    tokens: np.ndarray  # int32, nnz
    counts: np.ndarray  # uint16 / uint32, nnz

    @property
    def n(self) -> int:
        return len(self.indptr) - 1


def _count(tokens: list[str], ids: dict[str, int], vocab: list[str]) -> tuple[list[int], list[int]]:
    counter = Counter(tokens)
    row = []
    for t in counter:
        i = ids.get(t)
        if i is None:
            i = ids[t] = len(vocab)
            vocab.append(t)
        row.append(i)
    return row, list(counter.values())


def _assemble(
    texts: Sequence[str],
    hashes: np.ndarray,
    ids: Sequence[str],
    previous: PreviousCounts | None,
    options: TokenizerOptions,
) -> tuple[TermCounts, int]:
    """Term counts of every text: reused from `previous` where the id and text hash match, else tokenized."""
    vocab: list[str] = list(previous.counts.vocab) if previous else []
    index = {t: i for i, t in enumerate(vocab)}
    pieces_tok: list[np.ndarray] = []
    pieces_cnt: list[np.ndarray] = []
    lengths = np.empty(len(texts), dtype=np.int64)
    tokenized = 0
    for n, (uid, text) in enumerate(zip(ids, texts, strict=True)):
        old = previous.row(uid, hashes[n]) if previous else None
        if old is not None:
            tok, cnt = old
        else:
            row, row_counts = _count(tokenize(text, options), index, vocab)
            tok, cnt = np.asarray(row, dtype=np.int64), np.asarray(row_counts, dtype=np.int64)
            tokenized += 1
        pieces_tok.append(tok)
        pieces_cnt.append(cnt)
        lengths[n] = len(tok)
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    tokens = np.concatenate(pieces_tok).astype(np.int64) if pieces_tok else np.zeros(0, np.int64)
    counts = np.concatenate(pieces_cnt).astype(np.int64) if pieces_cnt else np.zeros(0, np.int64)
    # drop the tokens only removed or changed texts had, so the vocabulary holds exactly what the texts hold
    used = np.bincount(tokens, minlength=len(vocab)) > 0
    remap = np.cumsum(used) - 1
    vocab = [t for t, u in zip(vocab, used.tolist(), strict=True) if u]
    count_type = np.uint16 if counts.size == 0 or counts.max() < 2**16 else np.uint32
    return TermCounts(vocab, indptr, remap[tokens].astype(np.int32), counts.astype(count_type)), tokenized


class PreviousCounts:
    """An older index's term counts, looked up by id and text hash."""

    def __init__(self, ids: Sequence[str], hashes: np.ndarray, counts: TermCounts) -> None:
        self.counts = counts
        self._rows = {uid: n for n, uid in enumerate(ids)}
        self._hashes = hashes

    def row(self, uid: str, digest: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        n = self._rows.get(uid)
        if n is None or not np.array_equal(self._hashes[n], digest):
            return None
        a, b = self.counts.indptr[n], self.counts.indptr[n + 1]
        return self.counts.tokens[a:b], self.counts.counts[a:b]


def bm25_matrix(counts: TermCounts, k1: float, b: float) -> dict[str, np.ndarray | int]:
    """bm25s's Lucene score matrix (CSC: one column per token) from term counts, with bm25s's exact arithmetic:
    idf = log(1 + (N − df + 0.5) / (df + 0.5)) in float64 then float32; tfc = tf / (k1·((1 − b) + b·dl / avgdl)
    + tf) in float64; score = float32(idf₃₂ · tfc)."""
    n, v = counts.n, len(counts.vocab)
    tf = counts.counts.astype(np.float32)
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(counts.indptr))
    dl = np.bincount(rows, weights=counts.counts, minlength=n).astype(np.int64)  # tokens per text, repeats counted
    avg = dl.mean()
    distinct, which = np.unique(np.bincount(counts.tokens, minlength=v), return_inverse=True)
    idf_of = [math.log(1 + (n - df + 0.5) / (df + 0.5)) if df else 0.0 for df in distinct.tolist()]
    idf = np.asarray(idf_of, dtype=np.float64).astype(np.float32)[which]
    denom = k1 * ((1 - b) + b * dl.astype(np.float64) / avg)
    tf64 = tf.astype(np.float64)
    scores = (idf[counts.tokens].astype(np.float64) * (tf64 / (denom[rows] + tf64))).astype(np.float32)
    by_token = np.argsort(counts.tokens, kind="stable")  # CSC: one column per token, its texts in order
    indptr = np.zeros(v + 1, dtype=np.int32 if counts.tokens.size < 2**31 else np.int64)
    np.cumsum(np.bincount(counts.tokens, minlength=v), out=indptr[1:])
    return {"data": scores[by_token], "indices": rows[by_token].astype(np.int32), "indptr": indptr, "num_docs": n}


class LexicalIndex:
    """Okapi BM25 over caller-given ids; `search` returns (id, score) best first."""

    def __init__(self, k1: float = 0.9, b: float = 0.6, options: TokenizerOptions = DEFAULT_OPTIONS) -> None:
        self.k1, self.b, self.options = k1, b, options
        self._ids: list[str] = []
        self._bm25: bm25s.BM25 | None = None
        self._position: dict[str, int] | None = None
        self._counts: TermCounts | None = None  # kept from `build` for `save`; not loaded to serve
        self._hashes: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def build(self, ids: Sequence[str], texts: Sequence[str], previous: Path | None = None) -> int:
        """Index texts under their ids (replaces any previous content); returns how many texts were tokenized.

        With `previous` (the folder of an older saved index), a text whose id and content it already held is not
        tokenized again: its counts are copied. The result is the same as without it."""
        if len(ids) != len(texts):
            raise InvalidInput(f"{len(ids)} ids for {len(texts)} texts")
        if len(set(ids)) != len(ids):
            raise InvalidInput("ids must be unique")
        hashes = text_hashes(texts)
        counts, tokenized = _assemble(texts, hashes, ids, self._previous(previous), self.options)
        bm25 = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
        if ids:
            bm25.scores = bm25_matrix(counts, self.k1, self.b)
            bm25.vocab_dict = {t: i for i, t in enumerate(counts.vocab)}
            bm25.vocab_dict.setdefault("", len(counts.vocab))  # as bm25s.index adds it
            bm25.unique_token_ids_set = set(bm25.vocab_dict.values())
            bm25.nonoccurrence_array = None  # the Lucene variant has none
        self._ids, self._bm25, self._position = list(ids), bm25, None
        self._counts, self._hashes = counts, hashes
        return tokenized

    def _previous(self, directory: Path | None) -> PreviousCounts | None:
        """The term counts of an older index made by the same tokenizer (None if absent, different or damaged)."""
        if directory is None or not (directory / _META).exists():
            return None
        try:
            meta = json.loads((directory / _META).read_text(encoding="utf-8"))
            if meta.get("tokenizer") != TOKENIZER_FINGERPRINT or meta.get("options") != asdict(self.options):
                return None
            ids = list(meta["ids"])
            vocab = [""] * 0
            for token, i in json.loads((directory / "vocab.index.json").read_text(encoding="utf-8")).items():
                vocab.extend([""] * (i + 1 - len(vocab)))
                vocab[i] = token
            counts = TermCounts(
                vocab, np.load(directory / _TF_PTR), np.load(directory / _TF_TOKENS), np.load(directory / _TF_COUNTS)
            )
            hashes = np.load(directory / _HASHES)
            if counts.n != len(ids) or len(hashes) != len(ids) or counts.tokens.size != counts.counts.size:
                return None
            return PreviousCounts(ids, hashes, counts)
        except (OSError, ValueError, KeyError, TypeError, IndexError):  # none saved (older index) or damaged
            return None

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
        """Write the BM25 matrices, the ids, the tokenizer options and the term counts into one directory."""
        if self._bm25 is None:
            raise IndexNotReady("Chỉ mục từ khóa chưa được xây dựng.")
        directory.mkdir(parents=True, exist_ok=True)
        if self._ids:
            self._bm25.save(str(directory), show_progress=False)
        if self._ids and self._counts is not None and self._hashes is not None:
            np.save(directory / _TF_PTR, self._counts.indptr)
            np.save(directory / _TF_TOKENS, self._counts.tokens)
            np.save(directory / _TF_COUNTS, self._counts.counts)
            np.save(directory / _HASHES, self._hashes)
        meta = {
            "ids": self._ids,
            "k1": self.k1,
            "b": self.b,
            "options": asdict(self.options),
            "tokenizer": TOKENIZER_FINGERPRINT,
        }
        (directory / _META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        meta_path = directory / _META
        if not meta_path.exists():
            raise IndexNotReady("Chưa có chỉ mục từ khóa.", detail=str(directory))
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        index = cls(k1=meta["k1"], b=meta["b"], options=TokenizerOptions(**meta["options"]))
        index._ids = list(meta["ids"])
        # the score arrays are memory-mapped: nothing is read at load, the pages a query touches come from the page
        # cache (shared by the processes of one host), and a damaged file still fails here (its size is checked)
        index._bm25 = bm25s.BM25.load(str(directory), show_progress=False, mmap=True) if index._ids else bm25s.BM25()
        if index._ids and index._bm25.scores["num_docs"] != len(index._ids):
            detail = f"{directory}: {len(index._ids)} ids, {index._bm25.scores['num_docs']} documents"
            raise IndexNotReady("Chỉ mục từ khóa không nhất quán, cần xây dựng lại.", detail=detail)
        index._positions()  # built now, before the index serves, not lazily by concurrent queries
        return index
