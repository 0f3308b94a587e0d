"""The same vector-store contract against embedded Chroma and a real Chroma server (`chroma run` on loopback).

Then the whole generation life (build, ask, rollback, prune) in server mode: generations are collections.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
import pytest

from assistant.config import ChromaSettings
from assistant.errors import IndexNotReady
from assistant.index.store import EmbeddedChroma, ServerChroma, VectorBackend


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from assistant.ops.local import ChromaServer

    with ChromaServer(tmp_path_factory.mktemp("chroma-server") / "data") as server:
        yield server


def server_settings(server, **kw: object) -> ChromaSettings:  # type: ignore[no-untyped-def]
    # A prefix of its own per test: collections of other tests (or other engineers) are never touched.
    return ChromaSettings(
        mode="http", host=server.host, port=server.port, collection_prefix=f"t{uuid.uuid4().hex[:8]}", **kw
    )


@pytest.fixture(params=["embedded", "http"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> VectorBackend:
    if request.param == "embedded":
        return EmbeddedChroma()
    return ServerChroma(server_settings(request.getfixturevalue("chroma_server")))


def unit_vectors(n: int, dim: int = 8, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_upsert_is_idempotent_and_query_ranks_by_cosine(backend: VectorBackend, tmp_path: Path) -> None:
    store = backend.create("g1", tmp_path / "g1")
    vecs = unit_vectors(20)
    ids = [f"u{i}" for i in range(20)]
    metas = [{"doc": "A" if i % 2 else "B", "n": i} for i in range(20)]
    store.upsert(ids, vecs, metas, [f"text {i}" for i in range(20)])
    store.upsert(ids, vecs, metas, [f"text {i}" for i in range(20)])
    assert store.count() == 20 and sorted(store.ids()) == sorted(ids)
    found = store.query(vecs[7], 3)
    assert found[0][0] == "u7" and found[0][1] == pytest.approx(1.0, abs=1e-4)
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
    assert all(i in {f"u{n}" for n in range(1, 20, 2)} for i, _ in store.query(vecs[7], 5, where={"doc": "A"}))
    assert len(store.query(vecs[0], 100)) == 20  # k larger than the store: everything, no error


def test_delete_and_exact_similarities(backend: VectorBackend, tmp_path: Path) -> None:
    store = backend.create("g1", tmp_path / "g1")
    vecs = unit_vectors(5, seed=1)
    store.upsert([f"u{i}" for i in range(5)], vecs, [{"n": i} for i in range(5)], ["t"] * 5)
    store.delete(["u0", "missing"])
    store.delete([])
    assert store.count() == 4
    sims = store.similarities(vecs[2], ["u2", "u3", "nope"])
    assert set(sims) == {"u2", "u3"}
    assert sims["u2"] == pytest.approx(1.0, abs=1e-5)
    assert sims["u3"] == pytest.approx(float(vecs[2] @ vecs[3]), abs=1e-5)
    assert store.similarities(vecs[2], []) == {}


def test_inputs_are_not_mutated(backend: VectorBackend, tmp_path: Path) -> None:
    store = backend.create("g1", tmp_path / "g1")
    vecs = unit_vectors(3, seed=2)
    copy = vecs.copy()
    metas = [{"n": 1}, {"n": 2}, {"n": 3}]
    store.upsert(["a", "b", "c"], vecs, metas, ["x", "y", "z"])
    assert np.array_equal(vecs, copy) and metas == [{"n": 1}, {"n": 2}, {"n": 3}]


def test_generations_are_separate_and_dropped(backend: VectorBackend, tmp_path: Path) -> None:
    one = backend.create("g1", tmp_path / "g1")
    two = backend.create("g2", tmp_path / "g2")
    one.upsert(["a"], unit_vectors(1), [{"n": 1}], ["x"])
    two.upsert(["b", "c"], unit_vectors(2), [{"n": 1}, {"n": 2}], ["y", "z"])
    assert backend.open("g1", tmp_path / "g1").ids() == ["a"]
    assert sorted(backend.open("g2", tmp_path / "g2").ids()) == ["b", "c"]
    if backend.mode == "http":
        assert backend.drop_others({"g2"}) == ["g1"]
        with pytest.raises(IndexNotReady):
            backend.open("g1", tmp_path / "g1")
        backend.drop("g2")
        backend.drop("g2")  # dropping twice is a no-op
        assert isinstance(backend, ServerChroma) and backend.generations() == []


def test_server_mode_in_its_own_database_with_an_auth_header(chroma_server) -> None:  # type: ignore[no-untyped-def]
    backend = ServerChroma(server_settings(chroma_server, database=f"db{uuid.uuid4().hex[:6]}", auth_token="s3cret"))
    assert backend.headers() == {"Authorization": "Bearer s3cret"}
    store = backend.create("g1", Path("/nonexistent"))
    store.upsert(["a"], unit_vectors(1), [{"n": 1}], ["x"])
    other = ServerChroma(server_settings(chroma_server))
    other.prefix = backend.prefix
    assert other.generations() == []  # the default database does not see it
    assert backend.generations() == ["g1"]
    token = ServerChroma(ChromaSettings(auth_token="t", auth_header="X-Chroma-Token"))
    assert token.headers() == {"X-Chroma-Token": "t"}


def test_an_unreachable_server_is_a_clear_error() -> None:
    from assistant.ops.local import free_port

    backend = ServerChroma(ChromaSettings(mode="http", port=free_port()))
    with pytest.raises(IndexNotReady, match="Không kết nối được máy chủ Chroma"):
        backend.create("g1", Path("/nonexistent"))


def test_generation_life_in_server_mode(settings, chroma_server) -> None:  # type: ignore[no-untyped-def]
    from assistant.services import build_services

    settings.chroma = server_settings(chroma_server)
    services = build_services(settings)
    knowledge, generations = services.knowledge, services.generations
    assert isinstance(generations.vectors, ServerChroma)
    first = knowledge.build().generation
    assert not (generations.path(first) / "chroma").exists()  # the vectors are on the server, not on disk
    answer = knowledge.ask("Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?").answer
    assert not answer.abstained and answer.quotes[0].citation.endswith("Luật Viên chức số 58/2010/QH12")
    services.documents.remove("01/2021/TT-BGDĐT")
    second = knowledge.build().generation
    assert knowledge.current().id == second and knowledge.current().dense is not None
    assert knowledge.rollback() == first and knowledge.current().id == first
    for _ in range(3):
        knowledge.build()
    kept = {m.id for m in generations.list()}
    assert generations.vectors.generations() == sorted(kept)  # pruned generations' collections are gone
    assert first not in kept
