"""Extractive answers: quote the most relevant clause(s) verbatim, cite them in legal form, or abstain.

No language model: the answer is made of the regulation's own words, and every quoted passage is
checked in code to occur verbatim in the unit it cites.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.answer.checks import answers_type, expected_answer_types, names_outside_corpus
from assistant.config import AnswerSettings
from assistant.domain import Completeness
from assistant.index.reader import Generation
from assistant.index.units import IndexUnit
from assistant.retrieval.search import Hit
from assistant.text import fold_accents, normalize_text
from assistant.validity import DocumentValidity

ABSTAIN_TEXT = (
    "Chưa tìm thấy quy định phù hợp trong kho văn bản hiện có để trả lời câu hỏi này. "
    "Anh/chị có thể diễn đạt lại câu hỏi, nêu rõ chức danh, hạng hoặc văn bản cần tra cứu, "
    "hoặc liên hệ bộ phận tổ chức cán bộ của đơn vị."
)
MAX_QUOTE_CHARS = 1500
WHOLE_ARTICLE_CHARS = 900
SECOND_QUOTE_GAP = 0.5  # a further article is quoted when its fused score is this close to the best
_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = set(
    "la gi cua va cac co duoc khong thi nao nhu the bao nhieu phai cho voi trong khi mot nhung de tu den "
    "theo ve ma hay hoac nay do toi minh anh em ban can muon se da dang roi lai cung nhieu it".split()
)


@dataclass
class Quote:
    unit_id: str
    citation: str
    text: str
    doc_number: str
    article: str
    clause: str | None = None
    point: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Answer:
    question: str
    text: str
    abstained: bool
    confidence: float
    quotes: list[Quote] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    generation: str = ""
    abstain_reason: str = ""


def content_terms(text: str) -> list[str]:
    words = [w for w in _WORD.findall(fold_accents(normalize_text(text))) if w not in _STOP]
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]


class TermWeights:
    """Inverse document frequency of folded syllables and bigrams over a generation's units."""

    def __init__(self, units: Iterable[IndexUnit]) -> None:
        df: Counter[str] = Counter()
        n = 0
        for u in units:
            n += 1
            df.update(set(content_terms(f"{u.doc_title} {u.heading} {u.text}")))
        self.n, self.df = n, df

    def idf(self, term: str) -> float:
        return math.log(1 + (self.n + 1) / (self.df.get(term, 0) + 0.5))


def focus_terms(question: str) -> list[str]:
    """The words just before the question word ("cần *chứng chỉ* gì", "*hình thức* nào"): what is asked for."""
    words = _WORD.findall(fold_accents(normalize_text(question)))
    focus: list[str] = []
    for i, w in enumerate(words):
        if w in ("gi", "nao") or (w == "bao" and words[i + 1 : i + 2] == ["nhieu"]):
            before = [x for x in words[max(0, i - 4) : i] if x not in _STOP][-2:]
            focus += before + (["_".join(before)] if len(before) == 2 else [])
    return focus


def _asked_for_first(quotes: list[Quote], focus: list[str]) -> list[Quote]:
    """Among close candidates, quotes that name what is asked for ("chứng chỉ" in "cần chứng chỉ gì") lead."""
    words = [t for t in focus if "_" not in t]
    if not words:
        return quotes
    return sorted(quotes, key=lambda q: not set(words) <= set(content_terms(q.text)))


def coverage(query_terms: Sequence[str], text_terms: set[str], weights: TermWeights) -> float:
    """IDF-weighted share of the question's terms that the text contains (0..1)."""
    total = sum(weights.idf(t) for t in query_terms)
    if not total:
        return 0.0
    return sum(weights.idf(t) for t in query_terms if t in text_terms) / total


def _passages(unit: IndexUnit) -> list[tuple[str | None, str]]:
    """(clause number, verbatim text) candidates to quote from one article."""
    if unit.clauses:
        return [(c["number"], c["text"]) for c in unit.clauses if c["text"].strip()]
    return [(None, unit.text)]


def _trim(text: str, query_terms: set[str]) -> str:
    """A long passage is cut to its best contiguous paragraphs; the result stays a verbatim substring."""
    if len(text) <= MAX_QUOTE_CHARS:
        return text
    paras = text.split("\n")
    best, best_score = paras[0][:MAX_QUOTE_CHARS], -1.0
    for i in range(len(paras)):
        window = paras[i]
        j = i
        while j + 1 < len(paras) and len(window) + len(paras[j + 1]) + 1 <= MAX_QUOTE_CHARS:
            j += 1
            window = window + "\n" + paras[j]
        score = len(query_terms & set(content_terms(window)))
        if score > best_score and len(window) <= MAX_QUOTE_CHARS:
            best, best_score = window, score
    return best


class ExtractiveAnswerer:
    def __init__(self, settings: AnswerSettings) -> None:
        self.settings = settings

    def prepare(self, gen: Generation) -> None:
        """Build what answering needs from a generation before it serves (never lazily under concurrent asks)."""
        self.weights(gen)
        self.corpus_text(gen)

    def weights(self, gen: Generation) -> TermWeights:
        return gen.memo("term_weights", lambda: TermWeights(gen.units.values()))

    def confidence(self, gen: Generation, question: str, hits: Sequence[Hit]) -> float:
        """How well the best article covers the question's distinctive terms, lifted by dense agreement."""
        if not hits:
            return 0.0
        q = content_terms(question)
        top = hits[0].unit
        cov = coverage(q, set(content_terms(f"{top.doc_title} {top.heading} {top.text}")), self.weights(gen))
        dense = hits[0].dense
        if dense is None:
            return cov
        return max(cov, 0.5 * cov + 0.5 * max(0.0, min(1.0, (dense - 0.75) / 0.15)))

    def corpus_text(self, gen: Generation) -> str:
        return gen.memo(
            "corpus_text",
            lambda: "\n".join(f"{u.doc_title}\n{u.heading}\n{u.text}" for u in gen.units.values()).lower(),
        )

    def answer(self, gen: Generation, question: str, hits: list[Hit]) -> Answer:
        conf = self.confidence(gen, question, hits)
        if conf < self.settings.min_confidence:
            return self._abstain(gen, question, hits, conf, "low_confidence")
        quotes = self._quotes(gen, question, hits)
        missing_types = [t for t in expected_answer_types(question) if not answers_type(t, [q.text for q in quotes])]
        if missing_types:
            return self._abstain(gen, question, hits, conf, "no_" + "_".join(missing_types))
        unknown = names_outside_corpus(question, self.corpus_text(gen))
        if unknown:
            return self._abstain(gen, question, hits, conf, "unknown_name", unknown)
        verify_quotes(quotes, gen)
        return Answer(question, render(quotes), False, round(conf, 3), quotes, hits, gen.id)

    @staticmethod
    def _abstain(
        gen: Generation, question: str, hits: list[Hit], conf: float, reason: str, names: list[str] | None = None
    ) -> Answer:
        text = ABSTAIN_TEXT
        if names:
            text = f"Kho văn bản hiện có không nhắc đến {', '.join(names)}. " + text
        return Answer(question, text, True, round(conf, 3), [], hits, gen.id, reason)

    def _quotes(self, gen: Generation, question: str, hits: list[Hit]) -> list[Quote]:
        q_terms = content_terms(question)
        q_set = set(q_terms)
        clause_terms = q_terms + 2 * focus_terms(question)  # what is asked for weighs most in choosing a clause
        weights = self.weights(gen)
        top_score = hits[0].score
        quotes: list[Quote] = []
        for hit in hits[: self.settings.max_quotes]:
            if quotes and hit.score < top_score - SECOND_QUOTE_GAP:
                break
            if len(hit.unit.text) <= WHOLE_ARTICLE_CHARS:
                clause, text = None, hit.unit.text  # a short article is quoted whole: lists stay complete
            else:
                clause, text = max(
                    _passages(hit.unit), key=lambda p: coverage(clause_terms, set(content_terms(p[1])), weights)
                )
            quotes.append(self._quote(gen, hit, clause, _trim(text, q_set)))
        return _asked_for_first(quotes, focus_terms(question))

    @staticmethod
    def _quote(gen: Generation, hit: Hit, clause: str | None, text: str) -> Quote:
        u = hit.unit
        citation = f"Khoản {clause} {u.citation}" if clause else u.citation
        notes = validity_notes(gen.documents.get(u.doc_number, {}), u, gen.documents, hit.validity)
        return Quote(
            u.id + (f":k{clause}" if clause else ""), citation, text, u.doc_number, u.article, clause, None, notes
        )


def validity_notes(
    doc: dict[str, Any], unit: IndexUnit, known: Container[str] = (), validity: DocumentValidity | None = None
) -> list[str]:
    """What a reader must know about the cited document's validity and completeness (in Vietnamese).

    The validity sentence is the document's one note on the asked date (assistant.validity), never the raw
    relation or its provenance."""
    notes = [validity.note] if validity is not None and validity.note else []
    for rel in doc.get("relations", []):
        target = rel["target"] + ("" if rel["target"] in known else " (văn bản này chưa có trong kho)")
        if rel.get("kind") == "amended_by":
            notes.append(f"Văn bản này đã được sửa đổi, bổ sung bởi văn bản số {target}.")
    if doc.get("completeness", unit.completeness) == Completeness.PARTIAL:
        notes.append("Kho chỉ có một phần văn bản này; các điều khoản khác chưa có trong kho.")
    return notes


class QuoteNotVerbatim(AssertionError):
    """A quoted passage does not occur in the unit it cites: never shown to a user."""


def verify_quotes(quotes: Sequence[Quote], gen: Generation) -> None:
    for q in quotes:
        unit = gen.units.get(q.unit_id.split(":k")[0])
        if unit is None or q.text not in unit.text:
            raise QuoteNotVerbatim(f"Trích dẫn không khớp nguyên văn {q.citation}")


def render(quotes: Sequence[Quote]) -> str:
    parts = []
    noted: set[str] = set()  # a document's notes are shown once, under its first quote
    for i, q in enumerate(quotes):
        lead = "Theo" if i == 0 else "Ngoài ra, theo"
        block = f"{lead} {q.citation}:\n«{q.text}»"
        if q.notes and q.doc_number not in noted:
            block += "\nLưu ý: " + " ".join(q.notes)
            noted.add(q.doc_number)
        parts.append(block)
    return "\n\n".join(parts)
