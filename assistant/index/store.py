"""Chroma vector store for one index generation: narrow interface, explicit embeddings only.

Two modes (``ASSISTANT_CHROMA__MODE``):

- ``embedded`` (default): a ``PersistentClient`` inside each generation's folder (``<gen>/chroma``); nothing to start.
- ``http``: one Chroma server (``chroma run``) reached with ``chromadb.HttpClient``; each generation is one
  collection named ``<prefix>-<generation id>`` in the configured tenant/database, so every API process and
  worker on any host sees the same vectors. Collections of generations no longer kept are deleted.

Chroma's default embedding function would try to download a model; we never let it, and its telemetry is off.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.config import ChromaSettings
from assistant.errors import IndexNotReady

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

COLLECTION = "units"
Metadata = Mapping[str, str | int | float | bool]
HNSW: Any = {"hnsw": {"space": "cosine"}}  # a CreateCollectionConfiguration


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaClientSettings

    return ChromaClientSettings(anonymized_telemetry=False, allow_reset=False)


class ChromaStore:
    """Idempotent upsert by caller-given ids; deleting a missing id is a no-op; inputs never mutated.

    Built from a folder (an embedded ``PersistentClient``) or from a collection of any client (server mode).
    """

    def __init__(self, target: Path | Any) -> None:
        if isinstance(target, Path):
            import chromadb

            target.mkdir(parents=True, exist_ok=True)
            self._client: Any = chromadb.PersistentClient(path=str(target), settings=_chroma_settings())
            self._col = self._client.get_or_create_collection(COLLECTION, embedding_function=None, configuration=HNSW)
        else:
            self._client, self._col = None, target
        self._private_copy: Path | None = None

    def close(self) -> None:
        """Release the embedded client (its SQLite handles, threads and memory); a shared server client stays."""
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # closing twice or after a failed start: nothing left to release
                pass
        if self._private_copy is not None:
            shutil.rmtree(self._private_copy, ignore_errors=True)
            self._private_copy = None

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
        if k <= 0:
            return []
        query: Any = [np.asarray(vector, np.float32)]  # a float32 vector; chromadb's annotation is narrower
        try:
            res = self._col.query(query_embeddings=query, n_results=k, where=where, include=["distances"])
        except Exception as e:  # an empty collection refuses n_results > 0 on some versions
            if self.count() == 0:
                return []
            raise IndexNotReady("Kho vector không trả lời truy vấn.", detail=str(e)) from e
        distances = res["distances"] or [[]]
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], distances[0], strict=True)]

    def similarities_ids(self, ids: Sequence[str]) -> list[str]:
        """The ids among these that the store holds (a read that fails on a damaged store)."""
        return list(self._col.get(ids=list(ids), include=[])["ids"])

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


class VectorBackend(Protocol):
    """Where a generation's vectors live; GenerationManager and the builder only talk to this."""

    mode: str

    def create(self, gen_id: str, work_dir: Path) -> ChromaStore:
        """An empty store for a generation being built (replacing any leftover of an interrupted build)."""
        ...

    def open(self, gen_id: str, gen_dir: Path) -> ChromaStore:
        """The store of a published generation."""
        ...

    def copy(self, gen_id: str, work_dir: Path, previous_dir: Path) -> ChromaStore | None:
        """A store for a generation being built that starts as a copy of a published one's vectors (so a rebuild
        writes only what changed), or None where this backend cannot copy."""
        ...

    def drop(self, gen_id: str) -> None:
        """Delete a generation's vectors (its folder, if any, is removed by the caller)."""
        ...

    def drop_others(self, keep: set[str]) -> list[str]:
        """Delete the vectors of every generation not in `keep`; returns the generation ids removed."""
        ...


class EmbeddedChroma:
    """Vectors in ``<generation folder>/chroma``: they move, publish and disappear with the folder."""

    mode = "embedded"

    def create(self, gen_id: str, work_dir: Path) -> ChromaStore:
        return ChromaStore(work_dir / "chroma")

    def copy(self, gen_id: str, work_dir: Path, previous_dir: Path) -> ChromaStore | None:
        """A file copy of the published generation's folder: it is never written once published."""
        folder = previous_dir / "chroma"
        if not (folder / "chroma.sqlite3").is_file():
            return None
        shutil.copytree(folder, work_dir / "chroma")
        return ChromaStore(work_dir / "chroma")

    def open(self, gen_id: str, gen_dir: Path) -> ChromaStore:
        folder = gen_dir / "chroma"
        if not folder.is_dir():
            raise IndexNotReady(f"Thế hệ chỉ mục {gen_id} không có kho vector trên máy này.", detail=str(gen_dir))
        if os.access(folder, os.W_OK) and os.access(folder / "chroma.sqlite3", os.W_OK):
            return ChromaStore(folder)
        # Chroma writes to its files even to read them; a read-only index directory is served from a private copy
        copy = Path(tempfile.mkdtemp(prefix=f"assistant-chroma-{gen_id}-"))
        shutil.copytree(folder, copy / "chroma")
        store = ChromaStore(copy / "chroma")
        store._private_copy = copy
        return store

    def drop(self, gen_id: str) -> None:
        return None

    def drop_others(self, keep: set[str]) -> list[str]:
        return []


class ServerChroma:
    """One collection per generation on a Chroma server; one HTTP client per process, shared by all threads."""

    mode = "http"

    def __init__(self, settings: ChromaSettings) -> None:
        self.settings = settings
        self.prefix = f"{settings.collection_prefix}-"
        self._client: Any = None
        self._lock = threading.Lock()

    def headers(self) -> dict[str, str]:
        s = self.settings
        if not s.auth_token:
            return {}
        if s.auth_header.lower() == "authorization":
            return {"Authorization": f"Bearer {s.auth_token}"}
        return {s.auth_header: s.auth_token}

    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._connect()
        return self._client

    def _connect(self) -> Any:
        import chromadb

        s = self.settings
        common: dict[str, Any] = {"host": s.host, "port": s.port, "ssl": s.ssl, "headers": self.headers()}
        try:
            if s.database != "default_database" or s.tenant != "default_tenant":
                self._ensure_database()
            return chromadb.HttpClient(**common, settings=_chroma_settings(), tenant=s.tenant, database=s.database)
        except Exception as e:
            raise IndexNotReady(
                f"Không kết nối được máy chủ Chroma {s.host}:{s.port}; kiểm tra ASSISTANT_CHROMA__HOST/PORT.",
                detail=f"{type(e).__name__}: {e}",
            ) from e

    def _ensure_database(self) -> None:
        """Create the configured tenant/database on first use (an operator may also create them beforehand)."""
        import chromadb
        from chromadb.config import Settings as ChromaClientSettings

        s = self.settings
        admin = chromadb.AdminClient(
            ChromaClientSettings(
                anonymized_telemetry=False,
                chroma_api_impl="chromadb.api.fastapi.FastAPI",
                chroma_server_host=s.host,
                chroma_server_http_port=s.port,
                chroma_server_ssl_enabled=s.ssl,
                chroma_server_headers=self.headers() or None,
            )
        )
        try:
            admin.get_tenant(s.tenant)
        except Exception:
            admin.create_tenant(s.tenant)
        try:
            admin.get_database(s.database, tenant=s.tenant)
        except Exception:
            admin.create_database(s.database, tenant=s.tenant)

    def collection_name(self, gen_id: str) -> str:
        return f"{self.prefix}{gen_id}"

    def create(self, gen_id: str, work_dir: Path) -> ChromaStore:
        self.drop(gen_id)
        col = self.client().create_collection(self.collection_name(gen_id), embedding_function=None, configuration=HNSW)
        return ChromaStore(col)

    def copy(self, gen_id: str, work_dir: Path, previous_dir: Path) -> ChromaStore | None:
        return None  # a Chroma server copies no collection: the new one is written in full

    def open(self, gen_id: str, gen_dir: Path) -> ChromaStore:
        try:
            col = self.client().get_collection(self.collection_name(gen_id), embedding_function=None)
        except IndexNotReady:
            raise
        except Exception as e:
            raise IndexNotReady(
                f"Máy chủ Chroma không có bộ vector của thế hệ chỉ mục {gen_id}.", detail=f"{type(e).__name__}: {e}"
            ) from e
        return ChromaStore(col)

    def generations(self) -> list[str]:
        """The generation ids that have a collection on the server (this deployment's prefix only)."""
        names = [c if isinstance(c, str) else c.name for c in self.client().list_collections()]
        return sorted(n[len(self.prefix) :] for n in names if n.startswith(self.prefix))

    def drop(self, gen_id: str) -> None:
        try:
            self.client().delete_collection(self.collection_name(gen_id))
        except IndexNotReady:
            raise
        except Exception:  # not there: nothing to delete
            return

    def drop_others(self, keep: set[str]) -> list[str]:
        removed = [g for g in self.generations() if g not in keep]
        for gen_id in removed:
            self.drop(gen_id)
        return removed


def vector_backend(settings: ChromaSettings) -> VectorBackend:
    return ServerChroma(settings) if settings.mode == "http" else EmbeddedChroma()
