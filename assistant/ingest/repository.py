"""The documents the index is built from: the shipped corpus plus what administrators load.

Administrator changes live in their own directory (never in the committed corpus): a JSON file
replaces or adds a document; a `.removed` marker withdraws one (its text is kept, so it can be restored).
Every version an administrator puts is also kept under `history/` by content hash, so a rollback can
bring back the exact document set an earlier index generation was built from.
"""

from __future__ import annotations

import builtins
import dataclasses
import json
import typing
from dataclasses import MISSING
from pathlib import Path
from typing import Any

from assistant.domain import Document, doc_slug, document_hash
from assistant.errors import InvalidInput, NotFound


def _read(path: Path) -> Document:
    """A document file, validated field by field: a damaged or hand-edited file gives a sentence naming the file
    and the field (DocumentFileInvalid), never a traceback or a 500."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise DocumentFileInvalid(f"Tệp văn bản {path.name} không hợp lệ: JSON lồng nhau quá sâu.") from None
    except UnicodeDecodeError:
        raise DocumentFileInvalid(f"Tệp văn bản {path.name} không phải văn bản UTF-8.") from None
    except ValueError as e:
        raise DocumentFileInvalid(f"Tệp văn bản {path.name} không phải JSON hợp lệ ({e}).") from None
    problem = _check(Document, data, "")
    if problem is not None:
        raise DocumentFileInvalid(f"Tệp văn bản {path.name} không hợp lệ: {problem}.")
    try:
        return Document.from_dict(data)
    except (ValueError, KeyError, TypeError) as e:  # an enumerated value outside its list (status, relation kind …)
        raise DocumentFileInvalid(f"Tệp văn bản {path.name} không hợp lệ: giá trị không được chấp nhận ({e}).") from e


class DocumentFileInvalid(InvalidInput):
    code = "document_file_invalid"


_TYPE_WORDS = {str: "chuỗi ký tự", dict: "đối tượng", list: "danh sách"}


def _check(cls: type[Any], data: Any, where: str) -> str | None:
    """The first field of `data` that does not fit dataclass `cls` (by its annotations), or None."""
    if not isinstance(data, dict):
        return f"{where or 'nội dung tệp'} phải là một đối tượng JSON, không phải {type(data).__name__}"
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    required = {f.name for f in fields if f.default is MISSING and f.default_factory is MISSING}
    for name in sorted(required - set(data)):
        return f"thiếu trường '{where}{name}'"
    for key, value in data.items():
        if key not in hints:
            continue
        problem = _check_value(hints[key], value, f"{where}{key}")
        if problem is not None:
            return problem
    unknown = sorted(set(data) - set(hints))
    if unknown:
        return f"trường không biết '{where}{unknown[0]}'"
    return None


def _check_value(hint: Any, value: Any, where: str) -> str | None:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return _check(hint, value, f"{where}.")  # type: ignore[arg-type]
    if origin is list:
        if not isinstance(value, list):
            return f"trường '{where}' phải là danh sách"
        (item,) = typing.get_args(hint)
        for i, v in enumerate(value):
            problem = _check_value(item, v, f"{where}[{i}]")
            if problem is not None:
                return problem
        return None
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            return f"trường '{where}' phải là đối tượng gồm các chuỗi ký tự"
        return None
    if isinstance(hint, type) and issubclass(hint, str):  # str and the StrEnums (checked by value in from_dict)
        return None if isinstance(value, str) else f"trường '{where}' phải là chuỗi ký tự"
    return None


def _write(path: Path, doc: Document) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(doc.to_dict(), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    tmp.replace(path)


class DocumentRepository:
    def __init__(self, shipped_dir: Path, admin_dir: Path) -> None:
        self.shipped_dir = shipped_dir
        self.admin_dir = admin_dir
        self.history_dir = admin_dir / "history"

    def list(self) -> list[Document]:
        return self.scan()[0]

    def _all(self) -> tuple[dict[str, Document], builtins.list[dict[str, str]]]:
        docs: dict[str, Document] = {}
        unreadable: builtins.list[dict[str, str]] = []
        for directory in (self.shipped_dir, self.admin_dir):
            if directory.exists():
                for path in sorted(directory.glob("*.json")):
                    try:
                        doc = _read(path)
                    except DocumentFileInvalid as e:
                        unreadable.append({"document": path.name, "reason": e.message})
                        continue
                    except OSError as e:
                        reason = f"Không đọc được tệp văn bản {path.name}: {e.strerror or type(e).__name__}"
                        unreadable.append({"document": path.name, "reason": reason})
                        continue
                    docs[doc.doc_id] = doc
        return docs, unreadable

    def _removed(self) -> set[str]:
        return {p.stem for p in self.admin_dir.glob("*.removed")} if self.admin_dir.exists() else set()

    def scan(self) -> tuple[builtins.list[Document], builtins.list[dict[str, str]]]:
        """Every readable document, and the files that could not be read (reported, never fatal)."""
        docs, unreadable = self._all()
        removed = self._removed()
        return [d for slug, d in sorted(docs.items()) if slug not in removed], unreadable

    def withdrawn(self) -> builtins.list[Document]:
        """Documents an administrator (or a rollback) withdrew: kept, but left out of every build."""
        docs, _ = self._all()
        return [d for slug, d in sorted(docs.items()) if slug in self._removed()]

    def get(self, number: str) -> Document:
        slug = doc_slug(number)
        for doc in self.list():
            if doc.doc_id == slug:
                return doc
        raise NotFound(f"Không có văn bản số {number} trong kho.")

    def get_withdrawn(self, number: str) -> Document:
        slug = doc_slug(number)
        for doc in self.withdrawn():
            if doc.doc_id == slug:
                return doc
        raise NotFound(f"Không có văn bản số {number} trong danh sách văn bản đã rút.")

    def put(self, doc: Document) -> None:
        """Add or replace a document (administrator action); it is no longer withdrawn."""
        self.admin_dir.mkdir(parents=True, exist_ok=True)
        self._archive(doc)
        (self.admin_dir / f"{doc.doc_id}.removed").unlink(missing_ok=True)
        _write(self.admin_dir / f"{doc.doc_id}.json", doc)

    def remove(self, number: str) -> None:
        """Withdraw a document from the next builds; its text stays, so it can be restored."""
        doc = self.get(number)
        self._archive(doc)
        self.admin_dir.mkdir(parents=True, exist_ok=True)
        (self.admin_dir / f"{doc.doc_id}.removed").touch()

    def reinstate(self, number: str) -> Document:
        """Undo a withdrawal: the document is built again from the next re-index."""
        doc = self.get_withdrawn(number)
        (self.admin_dir / f"{doc.doc_id}.removed").unlink(missing_ok=True)
        return doc

    def version(self, number: str, content_hash: str) -> Document | None:
        """The version of a document with this content hash, wherever it is kept (admin, shipped, history)."""
        slug = doc_slug(number)
        candidates = [self.admin_dir / f"{slug}.json", self.shipped_dir / f"{slug}.json"]
        candidates += sorted(self.history_dir.glob(f"{slug}.*.json")) if self.history_dir.exists() else []
        for path in candidates:
            if path.exists():
                try:
                    doc = _read(path)
                except (OSError, ValueError, KeyError, TypeError):
                    continue
                if document_hash(doc) == content_hash:
                    return doc
        return None

    def restore(self, doc: Document) -> None:
        """Make exactly this version the one built: the shipped file when it is that version, else an admin copy."""
        shipped = self.shipped_dir / f"{doc.doc_id}.json"
        same_as_shipped = False
        if shipped.exists():
            try:
                same_as_shipped = document_hash(_read(shipped)) == document_hash(doc)
            except (OSError, ValueError, KeyError, TypeError):
                same_as_shipped = False
        if same_as_shipped:
            self._archive(doc)
            (self.admin_dir / f"{doc.doc_id}.json").unlink(missing_ok=True)
            (self.admin_dir / f"{doc.doc_id}.removed").unlink(missing_ok=True)
        else:
            self.put(doc)

    def _archive(self, doc: Document) -> None:
        path = self.history_dir / f"{doc.doc_id}.{document_hash(doc)[:16]}.json"
        if not path.exists():
            _write(path, doc)
