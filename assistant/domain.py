"""Domain types shared by every layer: documents, their legal structure, and indexable units.

Identifiers are stable across re-imports: a unit id is derived from the canonical document
number and the article / clause / point numbers, never from file order.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from assistant.text import fold_accents


class DocStatus(StrEnum):
    """Validity of a document, as stated by a source or set by an administrator (never guessed)."""

    IN_FORCE = "con_hieu_luc"
    REPEALED = "het_hieu_luc"
    PARTLY_REPEALED = "het_hieu_luc_mot_phan"
    NOT_YET = "chua_co_hieu_luc"
    UNKNOWN = "khong_ro"


DOC_STATUS_LABELS = {
    DocStatus.IN_FORCE: "Còn hiệu lực",
    DocStatus.REPEALED: "Hết hiệu lực",
    DocStatus.PARTLY_REPEALED: "Hết hiệu lực một phần",
    DocStatus.NOT_YET: "Chưa có hiệu lực",
    DocStatus.UNKNOWN: "Không rõ",
}


class Completeness(StrEnum):
    FULL = "full"  # the whole text is in the corpus
    CODIFIED = "codified"  # only the articles taken into the Pháp điển topic
    PARTIAL = "partial"  # only a beginning of the text was obtainable


class RelationKind(StrEnum):
    AMENDS = "amends"
    AMENDED_BY = "amended_by"
    REPLACES = "replaces"
    REPLACED_BY = "replaced_by"
    REPEALS = "repeals"
    REPEALED_BY = "repealed_by"


class Certainty(StrEnum):
    STATED = "stated"  # the document itself or an official text says so
    REPORTED = "reported"  # only secondary sources say so: the validity is uncertain, never plainly stated


@dataclass
class Relation:
    kind: RelationKind
    target: str  # canonical document number of the other document
    note: str = ""  # where the relation is stated (source sentence or administrator)
    effective_date: str = ""  # ISO date the change takes effect, as stated; "" = with the stating document
    scope: str = ""  # the part concerned, in the text's words ("các quy định về đào tạo, …"); "" = all of it
    certainty: Certainty = Certainty.STATED


@dataclass
class Point:
    """Điểm a, b, c … of a clause."""

    letter: str
    text: str


@dataclass
class Clause:
    """Khoản 1, 2, … of an article; `text` is the clause's full verbatim text incl. its points."""

    number: str
    text: str
    points: list[Point] = field(default_factory=list)


@dataclass
class Article:
    """Điều N. `text` is the article body verbatim (no heading, no editorial notes)."""

    number: str
    title: str
    text: str
    clauses: list[Clause] = field(default_factory=list)
    chapter: str = ""  # e.g. "Chương II. ĐÀO TẠO, BỒI DƯỠNG"
    section: str = ""  # e.g. "Mục 1. …"
    codification_id: str = ""  # Pháp điển article number, e.g. "5.2.LQ.33"
    effective_note: str = ""  # the origin note's own wording on effect, where given
    effective_date: str = ""  # ISO date, only where the text sets a later date for this part than for the document
    related: list[str] = field(default_factory=list)  # Pháp điển cross-references, as stated


@dataclass
class Document:
    number: str  # canonical: "58/2010/QH12"
    doc_type: str  # "Luật", "Nghị định", "Thông tư", "Thông tư liên tịch", "Quy định", …
    title: str
    issuer: str = ""
    issued_date: str = ""  # ISO yyyy-mm-dd when known
    effective_date: str = ""
    status: DocStatus = DocStatus.UNKNOWN
    status_source: str = ""  # who says so: a source file's words or "administrator"
    completeness: Completeness = Completeness.FULL
    completeness_note: str = ""
    provenance: dict[str, str] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return doc_slug(self.number)

    @property
    def short_name(self) -> str:
        """'Luật Viên chức số 58/2010/QH12' style name used in citations."""
        return citation_doc_name(self.doc_type, self.title, self.number)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        articles = [
            Article(
                **{
                    **a,
                    "clauses": [
                        Clause(**{**c, "points": [Point(**p) for p in c.get("points", [])]})
                        for c in a.get("clauses", [])
                    ],
                }
            )
            for a in data.get("articles", [])
        ]
        return cls(
            **{
                **data,
                "status": DocStatus(data.get("status", DocStatus.UNKNOWN)),
                "completeness": Completeness(data.get("completeness", Completeness.FULL)),
                "relations": [
                    Relation(
                        kind=RelationKind(r["kind"]),
                        target=r["target"],
                        note=r.get("note", ""),
                        effective_date=r.get("effective_date", ""),
                        scope=r.get("scope", ""),
                        certainty=Certainty(r.get("certainty", Certainty.STATED)),
                    )
                    for r in data.get("relations", [])
                ],
                "articles": articles,
            }
        )


def doc_slug(number: str) -> str:
    """'58/2010/QH12' → '58-2010-qh12'; 'NĐ-CP' folds to 'nd-cp'. Safe for file names and ids."""
    return re.sub(r"[^a-z0-9]+", "-", fold_accents(number)).strip("-")


# A unit id as `unit_id` writes it: document slug, article ("d33", "dqc-5" for Điều 5 of a Quy chế), clause, point.
UNIT_ID_PATTERN = r"^[a-z0-9-]+:d[a-z0-9]+(-[0-9a-z]+)?(:k[0-9a-z]+(:[a-z0-9]+)?)?$"


def article_id(uid: str) -> str:
    """The id of the article any unit id (article, clause or point) belongs to: '…:d33:k2:a' → '…:d33'."""
    return ":".join(uid.strip().split(":")[:2])


def unit_id(number: str, article: str, clause: str | None = None, point: str | None = None) -> str:
    """Stable id: '58-2010-qh12:d33', '…:d33:k2', '…:d33:k2:a'."""
    uid = f"{doc_slug(number)}:d{fold_accents(article)}"
    if clause:
        uid += f":k{clause}"
    if point:
        uid += f":{fold_accents(point)}"
    return uid


_TYPE_PREFIX_IN_TITLE = re.compile(
    r"^(luật|nghị định|thông tư liên tịch|thông tư|quyết định|quy định|nghị quyết)\s+", re.I
)


def citation_doc_name(doc_type: str, title: str, number: str) -> str:
    """'Luật Viên chức số 58/2010/QH12'; for sub-law documents the type and number suffice."""
    if doc_type == "Luật" and title:
        name = _TYPE_PREFIX_IN_TITLE.sub("", title).strip()
        return f"Luật {name} số {number}"
    return f"{doc_type} số {number}".strip()


# Instruments issued with a document and numbered on their own: article "QC-5" is Điều 5 of the Quy chế.
ANNEX_NAMES = {"QC": "Quy chế", "QĐ": "Quy định", "ĐL": "Điều lệ"}
_ANNEXED = re.compile(r"^(?P<code>[A-ZĐ]{2})-(?P<num>\d{1,3}[a-zđ]?)$")


def article_display(article: str) -> tuple[str, str]:
    """('5', 'Quy chế') for an annexed instrument's article 'QC-5'; (article, '') otherwise."""
    m = _ANNEXED.match(article)
    if m and m.group("code") in ANNEX_NAMES:
        return m.group("num"), ANNEX_NAMES[m.group("code")]
    return article, ""


def article_heading(article: str, title: str) -> str:
    """'Điều 33. Chế độ đào tạo…'; 'Điều 5 Quy chế. Tổ chức…' for an annexed instrument's article."""
    number, annex = article_display(article)
    return f"Điều {number}{' ' + annex if annex else ''}. {title}".strip().rstrip(".")


def citation_label(doc: Document, article: str, clause: str | None = None, point: str | None = None) -> str:
    """Legal-form citation: 'Điểm a Khoản 2 Điều 33 Luật Viên chức số 58/2010/QH12'; an annexed instrument's
    article: 'Khoản 2 Điều 5 Quy chế ban hành kèm theo Quyết định số 1147-QĐ/BTGDVTW'."""
    return citation_for(doc.short_name, article, clause, point)


def citation_for(doc_name: str, article: str, clause: str | None = None, point: str | None = None) -> str:
    """citation_label from the document's short name (when only the name is at hand)."""
    number, annex = article_display(article)
    parts = []
    if point:
        parts.append(f"Điểm {point}")
    if clause:
        parts.append(f"Khoản {clause}")
    parts.append(f"Điều {number}")
    if annex:
        parts.append(f"{annex} ban hành kèm theo")
    return " ".join(parts) + " " + doc_name


def document_hash(doc: Document) -> str:
    """Content hash of everything a document contributes to the index (and of the version a rollback restores)."""
    payload = json.dumps(doc.to_dict(), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
