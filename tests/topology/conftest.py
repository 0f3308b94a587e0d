"""Several real processes against one PostgreSQL database: a throw-away schema per test, dropped afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import CORPUS_DOCS, FIXTURE_DOCS, ROOT

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture
def pg_schema() -> Iterator[tuple[str, str]]:
    """(schema, database url whose search_path is that schema)."""
    schema = f"topo_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as e:  # pragma: no cover - environment without PostgreSQL
        pytest.skip(f"PostgreSQL unavailable: {e}")
    yield schema, f"{PG_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def small_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    (corpus / "documents").mkdir(parents=True)
    for slug in FIXTURE_DOCS:
        (corpus / "documents" / f"{slug}.json").write_bytes((CORPUS_DOCS / f"{slug}.json").read_bytes())
    return corpus


def process_env(root: Path, db_url: str, **extra: str) -> dict[str, str]:
    """The environment of one product process: its own dirs under `root`, the fake embedder, the shared DB."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "ANONYMIZED_TELEMETRY": "False",
            "ASSISTANT_DATABASE__URL": db_url,
            "ASSISTANT_EMBEDDER__BACKEND": "fake",
            "ASSISTANT_PATHS__CORPUS_DIR": str(root / "corpus"),
            "ASSISTANT_PATHS__INDEX_DIR": str(root / "indexes"),
            "ASSISTANT_PATHS__DATA_DIR": str(root / "data"),
        }
    )
    env.update(extra)
    return env


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "assistant.cli", *args]


def run_cli(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(*args), env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
