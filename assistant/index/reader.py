"""A loaded, read-only index generation: units, document metadata, lexical index, dense store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.index.generations import Manifest
from assistant.index.lexical import LexicalIndex
from assistant.index.store import ChromaStore, EmbeddedChroma, VectorBackend
from assistant.index.units import IndexUnit


@dataclass
class Generation:
    manifest: Manifest
    units: dict[str, IndexUnit]
    documents: dict[str, dict[str, Any]]  # document number → metadata (no article text)
    lexical: LexicalIndex
    dense: ChromaStore | None

    @property
    def id(self) -> str:
        return self.manifest.id

    @classmethod
    def load(cls, path: Path, vectors: VectorBackend | None = None) -> Generation:
        manifest = Manifest.read(path)
        with (path / "units.jsonl").open(encoding="utf-8") as f:
            units = {u.id: u for u in (IndexUnit.from_json(line) for line in f if line.strip())}
        docs_file = path / "documents.json"
        documents = json.loads(docs_file.read_text(encoding="utf-8")) if docs_file.exists() else {}
        dense = (vectors or EmbeddedChroma()).open(manifest.id, path) if manifest.embedder else None
        return cls(manifest, units, documents, LexicalIndex.load(path / "lexical"), dense)
