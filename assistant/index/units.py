"""Indexable units derived from documents: one per article, carrying its parent context.

Retrieval works on articles (measured better than clauses, see bench/); answers then quote the
clauses of the retrieved articles. Clause and point ids stay addressable through the article.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.domain import Article, Document, article_heading, citation_label, unit_id


@dataclass
class IndexUnit:
    id: str
    doc_number: str
    doc_type: str
    doc_name: str  # short citation name, e.g. "Luật Viên chức số 58/2010/QH12"
    doc_title: str
    article: str
    title: str
    heading: str  # "Điều 33. Chế độ đào tạo, bồi dưỡng viên chức"
    text: str  # the article body, verbatim
    citation: str
    status: str
    completeness: str
    chapter: str = ""
    clauses: list[dict[str, Any]] = field(default_factory=list)
    codification_id: str = ""
    effective_date: str = ""  # the article's own later effective date, when the text sets one

    @property
    def passage(self) -> str:
        """What the dense model reads: document, heading, then the body."""
        return f"{self.doc_title}\n{self.heading}\n{self.text}"

    @property
    def lexical_text(self) -> str:
        """What BM25 reads: document name and number, then the title three times (measured best), then the body."""
        return f"{self.doc_name} {self.doc_title}\n{self.heading}\n{self.title}\n{self.title}\n{self.text}"

    def metadata(self) -> dict[str, str | int | float | bool]:
        return {
            "doc": self.doc_number,
            "article": self.article,
            "status": self.status,
            "completeness": self.completeness,
        }

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> IndexUnit:
        return cls(**json.loads(line))


def article_unit(doc: Document, art: Article) -> IndexUnit:
    heading = article_heading(art.number, art.title)
    return IndexUnit(
        id=unit_id(doc.number, art.number),
        doc_number=doc.number,
        doc_type=doc.doc_type,
        doc_name=doc.short_name,
        doc_title=doc.title,
        article=art.number,
        title=art.title,
        heading=heading,
        text=art.text,
        citation=citation_label(doc, art.number),
        status=str(doc.status),
        completeness=str(doc.completeness),
        chapter=art.chapter,
        clauses=[{"number": c.number, "text": c.text, "points": [asdict(p) for p in c.points]} for c in art.clauses],
        codification_id=art.codification_id,
        effective_date=art.effective_date,
    )


def document_units(doc: Document) -> list[IndexUnit]:
    """Article units of one document; duplicate article numbers keep the first occurrence."""
    seen: set[str] = set()
    units = []
    for art in doc.articles:
        unit = article_unit(doc, art)
        if unit.id not in seen and art.text.strip():
            seen.add(unit.id)
            units.append(unit)
    return units
