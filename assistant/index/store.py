"""Chroma vector store for one index generation: narrow interface, explicit embeddings only.

Chroma's default embedding function would try to download a model; we never let it, and its
telemetry is off.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

COLLECTION = "units"
Metadata = Mapping[str, str | int | float | bool]


class ChromaStore:
    """Idempotent upsert by caller-given ids; deleting a missing id is a no-op; inputs never mutated."""

    def __init__(self, path: Path) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        path.mkdir(parents=True, exist_ok=True)
        self._client = chromadb.PersistentClient(
            path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        )
        self._col = self._client.get_or_create_collection(
            COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )

    def upsert(
        self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[Metadata], documents: Sequence[str]
    ) -> None:
        for i in range(0, len(ids), 1000):
            self._col.upsert(
                ids=list(ids[i : i + 1000]),
                embeddings=np.asarray(vectors[i : i + 1000], dtype=np.float32),
                metadatas=[dict(m) for m in metadatas[i : i + 1000]],
                documents=list(documents[i : i + 1000]),
            )

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self._col.delete(ids=list(ids))

    def count(self) -> int:
        return int(self._col.count())

    def ids(self) -> list[str]:
        return list(self._col.get(include=[])["ids"])

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """Top-k ids by cosine similarity (1 − cosine distance)."""
        n = min(k, self.count())
        if n == 0:
            return []
        query: Any = [np.asarray(vector, np.float32)]  # a float32 vector; chromadb's annotation is narrower
        res = self._col.query(query_embeddings=query, n_results=n, where=where, include=["distances"])
        distances = res["distances"] or [[]]
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], distances[0], strict=True)]

    def similarities(self, vector: np.ndarray, ids: Sequence[str]) -> dict[str, float]:
        """Exact cosine similarity of the query to the named units (for candidates found lexically)."""
        if not ids:
            return {}
        got = self._col.get(ids=list(ids), include=["embeddings"])
        embs = np.asarray(got["embeddings"], dtype=np.float32)
        if embs.size == 0:
            return {}
        sims = embs @ np.asarray(vector, np.float32)
        return {i: float(s) for i, s in zip(got["ids"], sims, strict=True)}
