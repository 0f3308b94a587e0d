"""Metadata overrides: what a source or an administrator states about a document but its text does not.

An override entry is a mapping of Document fields plus `source:` (where it is stated). Status is
only ever set from such a statement; the importers never infer it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from assistant.domain import Article, Certainty, Completeness, DocStatus, Document, Relation, RelationKind
from assistant.errors import InvalidInput
from assistant.text import normalize_doc_number

_SCALAR_FIELDS = ("doc_type", "title", "issuer", "issued_date", "effective_date", "completeness_note", "status_source")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ALLOWED_KEYS = {
    *_SCALAR_FIELDS,
    *("number", "status", "completeness", "relations", "provenance", "source", "staged_effect"),
}


def _enum(enum: type[DocStatus] | type[Completeness], value: Any, key: str) -> Any:
    try:
        return enum(str(value))
    except ValueError as e:
        allowed = ", ".join(m.value for m in enum)
        raise InvalidInput(f"Giá trị '{value}' của '{key}' không hợp lệ (chỉ nhận: {allowed}).") from e


_RELATION_KEYS = {"kind", "target", "note", "effective_date", "scope", "certainty"}


def _relations(items: list[dict[str, Any]], source: str) -> list[Relation]:
    out = []
    for item in items:
        try:
            kind = RelationKind(str(item["kind"]))
            target = normalize_doc_number(str(item["target"]))
            certainty = Certainty(str(item.get("certainty") or Certainty.STATED))
        except (KeyError, ValueError, TypeError, AttributeError) as e:
            raise InvalidInput(
                f"Quan hệ văn bản không hợp lệ: {item!r} (cần 'kind', 'target'; 'certainty' là stated hoặc reported)."
            ) from e
        unknown = set(item) - _RELATION_KEYS
        if unknown:
            raise InvalidInput(f"Trường không được hỗ trợ trong quan hệ văn bản: {', '.join(sorted(unknown))}.")
        effective = str(item.get("effective_date") or "")
        if effective and not _ISO_DATE.fullmatch(effective):
            raise InvalidInput(f"Ngày có hiệu lực của quan hệ '{effective}' phải có dạng YYYY-MM-DD.")
        out.append(
            Relation(
                kind=kind,
                target=target,
                note=str(item.get("note") or source),
                effective_date=effective,
                scope=str(item.get("scope") or ""),
                certainty=certainty,
            )
        )
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
        changes["status_source"] = str(entry.get("status_source") or source or "Quản trị viên")
    if "completeness" in entry:
        changes["completeness"] = _enum(Completeness, entry["completeness"], "completeness")
    # An entry's relation supersedes the parsed one of the same kind and target (it adds dates, scope, certainty).
    stated = _relations(entry.get("relations") or [], source)
    overridden = {(r.kind, r.target) for r in stated}
    relations = [r for r in doc.relations if (r.kind, r.target) not in overridden] + stated
    provenance = {**doc.provenance, **{str(k): str(v) for k, v in (entry.get("provenance") or {}).items()}}
    articles = _staged(doc.articles, entry.get("staged_effect") or [])
    if source:
        provenance["metadata_source"] = source
    return replace(doc, **changes, relations=relations, provenance=provenance, articles=articles)


def _staged(articles: list[Article], items: list[dict[str, Any]]) -> list[Article]:
    """Parts that take effect later than the document ("Mục 3 Chương IV … được thực hiện từ ngày 01 tháng 01 năm
    2026"): each item names a chapter (and section) as the text does, and the date; matching articles carry it."""
    if not items:
        return articles
    out = list(articles)
    for item in items:
        try:
            chapter, section = str(item["chapter"]).strip(), str(item.get("section") or "").strip()
            when = str(item["effective_date"])
        except (KeyError, TypeError) as e:
            raise InvalidInput(
                f"Mục 'staged_effect' không hợp lệ: {item!r} (cần 'chapter' và 'effective_date')."
            ) from e
        if not _ISO_DATE.fullmatch(when):
            raise InvalidInput(f"Ngày '{when}' của 'staged_effect' phải có dạng YYYY-MM-DD.")
        hits = [
            i
            for i, a in enumerate(out)
            if a.chapter.startswith(chapter + ".") and (not section or a.section.startswith(section + "."))
        ]
        if not hits:
            raise InvalidInput(f"Không có điều nào thuộc {section + ' ' if section else ''}{chapter} trong văn bản.")
        for i in hits:
            out[i] = replace(out[i], effective_date=when)
    return out
