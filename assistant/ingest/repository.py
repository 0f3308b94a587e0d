"""The documents the index is built from: the shipped corpus plus what administrators load.

Administrator changes live in their own directory (never in the committed corpus): a JSON file
replaces or adds a document; a `.removed` marker withdraws one.
"""

from __future__ import annotations

import builtins
import json
from pathlib import Path

from assistant.domain import Document, doc_slug
from assistant.errors import NotFound


def _read(path: Path) -> Document:
    return Document.from_dict(json.loads(path.read_text(encoding="utf-8")))


class DocumentRepository:
    def __init__(self, shipped_dir: Path, admin_dir: Path) -> None:
        self.shipped_dir = shipped_dir
        self.admin_dir = admin_dir

    def list(self) -> list[Document]:
        return self.scan()[0]

    def scan(self) -> tuple[builtins.list[Document], builtins.list[dict[str, str]]]:
        """Every readable document, and the files that could not be read (reported, never fatal)."""
        docs: dict[str, Document] = {}
        unreadable: builtins.list[dict[str, str]] = []
        for directory in (self.shipped_dir, self.admin_dir):
            if directory.exists():
                for path in sorted(directory.glob("*.json")):
                    try:
                        doc = _read(path)
                    except (OSError, ValueError, KeyError, TypeError) as e:
                        reason = f"Không đọc được tệp văn bản {path.name}: {type(e).__name__}"
                        unreadable.append({"document": path.name, "reason": reason})
                        continue
                    docs[doc.doc_id] = doc
        removed = {p.stem for p in self.admin_dir.glob("*.removed")} if self.admin_dir.exists() else set()
        return [d for slug, d in sorted(docs.items()) if slug not in removed], unreadable

    def get(self, number: str) -> Document:
        slug = doc_slug(number)
        for doc in self.list():
            if doc.doc_id == slug:
                return doc
        raise NotFound(f"Không có văn bản số {number} trong kho.")

    def put(self, doc: Document) -> None:
        """Add or replace a document (administrator action)."""
        self.admin_dir.mkdir(parents=True, exist_ok=True)
        (self.admin_dir / f"{doc.doc_id}.removed").unlink(missing_ok=True)
        tmp = self.admin_dir / f".{doc.doc_id}.json.tmp"
        tmp.write_text(json.dumps(doc.to_dict(), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        tmp.replace(self.admin_dir / f"{doc.doc_id}.json")

    def remove(self, number: str) -> None:
        doc = self.get(number)
        self.admin_dir.mkdir(parents=True, exist_ok=True)
        (self.admin_dir / f"{doc.doc_id}.json").unlink(missing_ok=True)
        (self.admin_dir / f"{doc.doc_id}.removed").touch()
