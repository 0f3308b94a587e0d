"""Shared loaders for the benchmarks: the public legal-retrieval set and the shipped corpus eval."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.text import normalize_text

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BENCH_DIR = SHARED / "bench" / "vn-legal-retrieval"


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def bench_passage(row: dict) -> str:
    """Passage text for one benchmark article: document name, article number, then its text."""
    return normalize_text(f"{row['doc_name']}\nĐiều {row['article']}. {row['text']}")
