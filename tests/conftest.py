"""Shared fixtures: real documents from the committed corpus, tmp-dir settings, a fake embedder."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DOCS = ROOT / "corpus" / "documents"
SHARED = ROOT.parent / "shared"
# Real documents of the shipped corpus used as a small fixture (the full corpus is never indexed in tests).
FIXTURE_DOCS = ["58-2010-qh12", "115-2020-nd-cp", "01-2021-tt-bgddt", "02-2021-tt-bgddt"]


@pytest.fixture(scope="session")
def fixture_doc_files() -> list[Path]:
    files = [CORPUS_DOCS / f"{slug}.json" for slug in FIXTURE_DOCS]
    missing = [f.name for f in files if not f.exists()]
    assert not missing, f"corpus fixture documents missing: {missing} (run: assistant corpus import)"
    return files


@pytest.fixture
def settings(tmp_path: Path, fixture_doc_files: list[Path]):
    from assistant.config import EmbedderSettings, PathSettings, Settings

    corpus = tmp_path / "corpus" / "documents"
    corpus.mkdir(parents=True)
    for f in fixture_doc_files:
        shutil.copy(f, corpus / f.name)
    return Settings(
        paths=PathSettings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "indexes", data_dir=tmp_path / "data"),
        embedder=EmbedderSettings(backend="fake"),
    )


@pytest.fixture
def services(settings):
    from assistant.services import build_services

    return build_services(settings)


@pytest.fixture
def built(services):
    services.knowledge.build()
    return services


def load_doc(slug: str):
    from assistant.domain import Document

    return Document.from_dict(json.loads((CORPUS_DOCS / f"{slug}.json").read_text(encoding="utf-8")))
