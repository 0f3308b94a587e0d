"""Metadata overrides: what a source or an administrator states about a document but its text does not.

An override entry is a mapping of Document fields plus `source:` (where it is stated). Status is
only ever set from such a statement; the importers never infer it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assistant.domain import Completeness, DocStatus, Document, Relation, RelationKind
from assistant.errors import InvalidInput
from assistant.text import normalize_doc_number

_SCALAR_FIELDS = ("doc_type", "title", "issuer", "issued_date", "effective_date", "completeness_note", "status_source")
ALLOWED_KEYS = {*_SCALAR_FIELDS, "number", "status", "completeness", "relations", "provenance", "source"}


def _enum(enum: type[DocStatus] | type[Completeness], value: Any, key: str) -> Any:
    try:
        return enum(str(value))
    except ValueError as e:
        allowed = ", ".join(m.value for m in enum)
        raise InvalidInput(f"Giá trị '{value}' của '{key}' không hợp lệ (chỉ nhận: {allowed}).") from e


def _relations(items: list[dict[str, Any]], source: str) -> list[Relation]:
    out = []
    for item in items:
        try:
            kind = RelationKind(str(item["kind"]))
            target = normalize_doc_number(str(item["target"]))
        except (KeyError, ValueError, TypeError) as e:
            raise InvalidInput(f"Quan hệ văn bản không hợp lệ: {item!r} (cần 'kind' và 'target').") from e
        out.append(Relation(kind=kind, target=target, note=str(item.get("note") or source)))
    return out


def apply_overrides(doc: Document, entry: dict[str, Any] | None) -> Document:
    """A copy of `doc` with the entry's fields; relations are added, provenance merged."""
    if not entry:
        return doc
    unknown = set(entry) - ALLOWED_KEYS
    if unknown:
        raise InvalidInput(f"Trường không được hỗ trợ trong siêu dữ liệu bổ sung: {', '.join(sorted(unknown))}.")
    source = str(entry.get("source", "")).strip()
    changes: dict[str, Any] = {k: str(entry[k]) for k in _SCALAR_FIELDS if entry.get(k) not in (None, "")}
    if entry.get("number"):
        changes["number"] = normalize_doc_number(str(entry["number"]))
    if "status" in entry:
        changes["status"] = _enum(DocStatus, entry["status"], "status")
        changes["status_source"] = str(entry.get("status_source") or source or "administrator")
    if "completeness" in entry:
        changes["completeness"] = _enum(Completeness, entry["completeness"], "completeness")
    relations = list(doc.relations)
    known = {(r.kind, r.target) for r in relations}
    relations += [r for r in _relations(entry.get("relations") or [], source) if (r.kind, r.target) not in known]
    provenance = {**doc.provenance, **{str(k): str(v) for k, v in (entry.get("provenance") or {}).items()}}
    if source:
        provenance["metadata_source"] = source
    return replace(doc, **changes, relations=relations, provenance=provenance)
