"""Extractive answers: quote the most relevant clause(s) verbatim, cite them in legal form, or abstain.

No language model: the answer is made of the regulation's own words, and every quoted passage is
checked in code to occur verbatim in the unit it cites.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.answer.checks import answers_type, expected_answer_types, names_outside_corpus
from assistant.answer.corpus import CorpusText
from assistant.answer.places import local_places, local_text
from assistant.answer.question import (
    OTHER_PEOPLE,
    QUALIFICATION_TERMS,
    DocRef,
    QuestionReading,
    TitleName,
    doc_subjects,
    is_promotion_title,
    laws_by_title,
    named_documents,
    named_laws,
    read_question,
    title_name,
)
from assistant.answer.titles import title_outside_corpus, title_text
from assistant.config import AnswerSettings
from assistant.domain import Completeness, article_id, citation_doc_name, citation_for
from assistant.index.fingerprint import code_fingerprint
from assistant.index.reader import Generation
from assistant.index.terms import TermCounts, TermTable
from assistant.index.units import IndexUnit
from assistant.retrieval.search import Hit, validity_tier
from assistant.text import fold_accents, normalize_text
from assistant.text import normalize as text_normalize
from assistant.validity import DocumentValidity

ABSTAIN_TEXT = (
    "Chưa tìm thấy quy định phù hợp trong kho văn bản hiện có để trả lời câu hỏi này. "
    "Anh/chị có thể diễn đạt lại câu hỏi, nêu rõ chức danh, hạng hoặc văn bản cần tra cứu, "
    "hoặc liên hệ bộ phận tổ chức cán bộ của đơn vị."
)
MAX_QUOTE_CHARS = 900
_ASKS = re.compile(r"\b(?:gi|nao|bao nhieu|bao lau)\b")  # question words: two of them = two things asked
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
    # The document's validity warning when its text is not (or may not be) in force on the asked date: one
    # short sentence naming the replacement and whether the corpus holds it. Set on the document's first
    # quote only (it is also the first of that quote's notes); every front end shows it first, once.
    warning: str | None = None


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


def unit_terms(u: IndexUnit) -> set[str]:
    """The distinct terms of a unit that its document frequencies count: document title, heading and body."""
    return set(content_terms(f"{u.doc_title} {u.heading} {u.text}"))


# Counted by the index builder and saved with each generation, so loading one never recounts (assistant.index.terms);
# the fingerprint makes a generation counted by other code be recounted instead of trusted.
ANSWER_TERMS = TermTable(
    "answer_terms", unit_terms, code_fingerprint(content_terms, unit_terms, _STOP, _WORD.pattern, text_normalize)
)


class TermWeights:
    """Inverse document frequency of folded syllables and bigrams over a generation's units."""

    def __init__(self, units: Iterable[IndexUnit]) -> None:
        counts = TermCounts.count(ANSWER_TERMS, units)
        self.n, self.df = counts.n, counts.df

    @classmethod
    def from_counts(cls, counts: TermCounts) -> TermWeights:
        weights = cls.__new__(cls)
        weights.n, weights.df = counts.n, counts.df
        return weights

    def idf(self, term: str) -> float:
        return math.log(1 + (self.n + 1) / (self.df.get(term, 0) + 0.5))


# "Trong những trường hợp nào", "theo cách nào": question words that ask for conditions or a manner without naming
# a topic; an article titled "Trường hợp đặc biệt …" is not thereby the answer.
_GENERIC_FOCUS = frozenset({"truong", "hop", "truong_hop", "cach", "nhung", "cac"})


def focus_terms(question: str) -> list[str]:
    """The words just before the question word ("cần *chứng chỉ* gì", "*hình thức* nào"): what is asked for."""
    words = _WORD.findall(fold_accents(normalize_text(question)))
    focus: list[str] = []
    for i, w in enumerate(words):
        if w in ("gi", "nao") or (w == "bao" and words[i + 1 : i + 2] == ["nhieu"]):
            before = [x for x in words[max(0, i - 4) : i] if x not in _STOP][-2:]
            focus += before + (["_".join(before)] if len(before) == 2 else [])
    return focus


def coverage(query_terms: Sequence[str], text_terms: set[str], weights: TermWeights) -> float:
    """IDF-weighted share of the question's terms that the text contains (0..1)."""
    total = sum(weights.idf(t) for t in query_terms)
    if not total:
        return 0.0
    return sum(weights.idf(t) for t in query_terms if t in text_terms) / total


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


@dataclass
class Passage:
    """One quotable piece of a retrieved article: the whole article, a clause or a point, with its score."""

    unit: IndexUnit
    rank: int  # of its article in the re-ranked list
    clause: str | None
    point: str | None
    text: str  # verbatim
    fit: float  # how well it answers (0..1)
    score: float  # article score + fit terms
    validity: DocumentValidity | None = None  # its document's validity on the asked date


def _heading(clause_text: str) -> str:
    """The clause's own heading: the first line of a clause with points ('2. Tiêu chuẩn về trình độ đào tạo,
    bồi dưỡng', '3. Hình thức đào tạo, bồi dưỡng viên chức gồm:'); a one-paragraph clause has none."""
    first, _, rest = clause_text.partition("\n")
    return first if rest.strip() else ""


class ExtractiveAnswerer:
    """Quote the clause or point that answers, cite it, say what the reader must know — or abstain and say why.

    Articles retrieved by the hybrid searcher are re-ranked with what the question names (professional
    title and grade, document number, subject); then every clause and point of the best articles is scored
    by how much of the question it covers, its own heading weighing in ("Tiêu chuẩn về trình độ đào tạo,
    bồi dưỡng" for a question about a diploma). Weights were chosen on answers-dev.jsonl (see README).
    """

    def __init__(self, settings: AnswerSettings) -> None:
        self.settings = settings

    def prepare(self, gen: Generation) -> None:
        """Build what answering needs from a generation before it serves (never lazily under concurrent asks)."""
        self.weights(gen)
        self.corpus_text(gen)
        self.titles(gen)

    term_tables = (ANSWER_TERMS,)  # what the index builder counts and saves for `weights`

    def weights(self, gen: Generation) -> TermWeights:
        return gen.memo("term_weights", lambda: TermWeights.from_counts(gen.term_counts(ANSWER_TERMS)))

    def coverage_of(self, gen: Generation, question: str, unit: IndexUnit) -> float:
        q = content_terms(question)
        return coverage(q, set(content_terms(f"{unit.doc_title} {unit.heading} {unit.text}")), self.weights(gen))

    def confidence(self, gen: Generation, question: str, hits: Sequence[Hit]) -> float:
        """How well the best article covers the question's distinctive terms, lifted by dense agreement."""
        if not hits:
            return 0.0
        cov = self.coverage_of(gen, question, hits[0].unit)
        dense = hits[0].dense
        if dense is None:
            return cov
        return max(cov, 0.5 * cov + 0.5 * max(0.0, min(1.0, (dense - 0.75) / 0.15)))

    def corpus_text(self, gen: Generation) -> str:
        """The lower-cased text of every unit (built from the served generation's where units are unchanged)."""
        corpus: CorpusText = gen.memo(
            "corpus_text", lambda: CorpusText.of(gen.units, gen.previous_value("corpus_text"))
        )
        return corpus.text

    def corpus_folded(self, gen: Generation) -> str:
        """`corpus_text` without diacritics: built on the first question that needs it (one typed without them)."""
        return gen.memo("corpus_folded", lambda: fold_accents(self.corpus_text(gen)))

    def titles(self, gen: Generation) -> dict[str, TitleName | None]:
        """The professional title (name, grade) each article defines, if any."""
        return gen.per_unit("title_names", lambda u: title_name(u.title))  # a switch reads only changed titles

    # ------------------------------------------------------------------------------------------ answering

    def answer(self, gen: Generation, question: str, hits: list[Hit]) -> Answer:
        reading = read_question(question)
        named, missing = named_documents(reading.doc_refs, gen.documents)
        by_title, unheld_laws = laws_by_title(named_laws(question), gen.documents)
        named |= by_title
        missing += unheld_laws  # a law the corpus does not hold, or another year's law of a held title
        if missing:
            return self._abstain(gen, question, hits, 0.0, "not_in_corpus", text=_missing_text(gen, missing))
        places = local_places(question, gen.documents)
        if places:
            return self._abstain(gen, question, hits, 0.0, "local_policy", text=local_text(places))
        title = title_outside_corpus(question, self.titles(gen).values())
        if title:
            return self._abstain(gen, question, hits, 0.0, "title_not_in_corpus", text=title_text(title))
        ranked = self.rerank(gen, reading, hits, named, focus_terms(question))[: self.settings.sources]
        conf = self.confidence(gen, question, ranked)
        if conf < self.settings.min_confidence:
            return self._abstain(gen, question, ranked, conf, "low_confidence")
        passages = self.passages(gen, question, reading, ranked)
        lead = passages[0]
        partial = self._partial_gap(gen, named, lead, question, reading)
        if partial:
            return self._abstain(gen, question, ranked, conf, "partial_document", text=partial)
        chosen = self._complete(question, passages, self._choose(passages), expected_answer_types(question))
        chosen = _for_subject(reading, chosen)
        if not chosen:
            return self._abstain(gen, question, ranked, conf, "other_subject", text=_subject_text(reading, lead))
        if reading.others and not reading.subjects:  # "sĩ quan quân đội …": only a text that names them answers
            said = fold_accents(" ".join(f"{p.unit.doc_title} {p.unit.title} {p.text}" for p in chosen))
            absent = [o for o in sorted(reading.others) if OTHER_PEOPLE[o] not in said]
            if absent:
                return self._abstain(gen, question, ranked, conf, "other_subject", text=_others_text(absent, lead))
        quotes = self._quotes(gen, chosen)
        missing_types = [t for t in expected_answer_types(question) if not answers_type(t, [q.text for q in quotes])]
        if missing_types:
            gap = _partial_text(gen, chosen[0].unit.doc_number)  # say what is missing when the lead is from one
            return self._abstain(gen, question, ranked, conf, "no_" + "_".join(missing_types), text=gap)
        unknown = names_outside_corpus(question, self.corpus_text(gen), lambda: self.corpus_folded(gen))
        if unknown:
            return self._abstain(gen, question, ranked, conf, "unknown_name", names=unknown)
        verify_quotes(quotes, gen)
        quoted = {article_id(q.unit_id) for q in quotes}
        more = [h.unit for h in ranked if h.unit.id not in quoted][: self.settings.see_also]
        return Answer(question, render(quotes, more), False, round(conf, 3), quotes, ranked, gen.id)

    @staticmethod
    def _abstain(
        gen: Generation,
        question: str,
        hits: list[Hit],
        conf: float,
        reason: str,
        names: list[str] | None = None,
        text: str = "",
    ) -> Answer:
        body = ABSTAIN_TEXT
        if names:
            body = f"Kho văn bản hiện có không nhắc đến {', '.join(names)}. " + body
        if text:
            body = text + " " + ABSTAIN_TEXT
        return Answer(question, body, True, round(conf, 3), [], hits, gen.id, reason)

    # ------------------------------------------------------------------------------------------ ranking

    def rerank(
        self,
        gen: Generation,
        reading: QuestionReading,
        hits: list[Hit],
        named: set[str],
        focus: Sequence[str] = (),
    ) -> list[Hit]:
        """Articles re-scored with the professional title, grade, named document and subject of the question,
        and with what it asks for when the article's own title names it ("những hình thức nào" → "Hình thức tổ
        chức bồi dưỡng"): a short article that is exactly the answer has little text for the searcher to match."""
        s = self.settings
        titles = self.titles(gen)
        topical = [t for t in focus if t not in _GENERIC_FOCUS]
        weights = self.weights(gen) if topical and s.focus_title_weight else None
        # A promotion article names a title too, but speaks to the question only when a promotion is asked.
        names = [
            None if n is not None and n.promotion and not reading.asks_promotion else n
            for n in (titles.get(h.unit.id) for h in hits)
        ]
        matches = [reading.title_match(name) for name in names]
        longest = max((n for n, _ in matches), default=0)
        rescored = []
        for h, name, (n, grade_after) in zip(hits, names, matches, strict=True):
            score = h.score
            if longest and n:
                score += s.title_weight * n / longest
            grades = reading.grades or ({grade_after} if grade_after else set())
            if grades and name is not None and name.grade:
                score += s.grade_weight if name.grade in grades else -s.grade_weight
            if h.unit.doc_number in named:
                score += s.named_doc_weight
            if weights is not None:
                score += s.focus_title_weight * coverage(topical, set(content_terms(h.unit.title)), weights)
            scope = doc_subjects(h.unit.doc_title, h.unit.doc_type)
            if reading.subjects and scope and not reading.subjects & scope:
                score -= s.subject_weight
            if not reading.asks_promotion and is_promotion_title(h.unit.title):
                score -= s.promotion_weight
            rescored.append((score, h))
        rescored.sort(key=lambda x: (validity_tier(x[1].validity), -x[0]))  # text not yet in force never leads
        return [replace(h, score=round(sc, 4)) for sc, h in rescored]

    def passages(self, gen: Generation, question: str, reading: QuestionReading, ranked: list[Hit]) -> list[Passage]:
        """Candidate quotes from the best articles, best first: short articles whole, else clauses (or points)."""
        s = self.settings
        weights = self.weights(gen)
        terms = content_terms(question) + 2 * focus_terms(question)
        if reading.asks_qualification:
            terms += list(QUALIFICATION_TERMS)
        heading_terms = list(QUALIFICATION_TERMS) if reading.asks_qualification else focus_terms(question)
        out: list[Passage] = []
        top = ranked[0].score if ranked else 0.0
        for rank, hit in enumerate(ranked[: s.passage_articles]):
            if hit.score < top - s.article_gap:
                break
            u = hit.unit
            if not u.clauses or len(u.text) <= s.whole_article_chars:
                fit = coverage(terms, set(content_terms(f"{u.title}\n{u.text}")), weights)
                out.append(Passage(u, rank, None, None, u.text, fit, hit.score + s.passage_weight * fit, hit.validity))
                continue
            for c in u.clauses:
                text = c["text"]
                if not text.strip():
                    continue
                fit = coverage(terms, set(content_terms(text)), weights)
                head = coverage(heading_terms, set(content_terms(_heading(text))), weights) if heading_terms else 0.0
                score = hit.score + s.passage_weight * fit + s.heading_weight * head
                out.append(Passage(u, rank, c["number"], None, text, fit, score, hit.validity))
        out.sort(key=lambda p: -p.score)
        kinds = expected_answer_types(question)
        narrowed = [self._narrow(gen, p, terms, kinds) for p in out]
        return _value_first(narrowed, kinds, s.value_gap)

    def _narrow(self, gen: Generation, p: Passage, terms: list[str], kinds: Sequence[str] = ()) -> Passage:
        """A long clause is narrowed to its best point (the clause heading counts for each point) or trimmed."""
        if p.clause is None or len(p.text) <= self.settings.whole_clause_chars:
            return replace(p, text=_trim(p.text, set(terms)))
        clause = next(c for c in p.unit.clauses if c["number"] == p.clause)
        points = [pt for pt in clause.get("points") or [] if pt.get("text", "").strip()]
        if not points:
            return replace(p, text=_trim(p.text, set(terms)))
        head = _heading(p.text)
        weights = self.weights(gen)
        # a question asking for a value (an age, a duration, an amount): the points that hold one compete first
        holding = [pt for pt in points if kinds and all(answers_type(k, [pt["text"]]) for k in kinds)]
        best = max(
            holding or points, key=lambda pt: coverage(terms, set(content_terms(f"{head}\n{pt['text']}")), weights)
        )
        if best["text"] not in p.unit.text:
            return replace(p, text=_trim(p.text, set(terms)))
        return replace(p, point=best["letter"], text=_trim(best["text"], set(terms)))

    def _choose(self, passages: list[Passage]) -> list[Passage]:
        """The lead, then at most two more quotes from other articles that score close to it."""
        lead = passages[0]
        chosen = [lead]
        for p in passages[1:]:
            if len(chosen) > self.settings.max_quotes - 1:
                break
            if p.score < lead.score - self.settings.extra_quote_gap or any(p.unit.id == c.unit.id for c in chosen):
                continue
            if p.text in lead.text or lead.text in p.text:
                continue
            chosen.append(p)
        return chosen

    def _complete(
        self, question: str, passages: list[Passage], chosen: list[Passage], kinds: list[str]
    ) -> list[Passage]:
        """A question asking two things ("chứng chỉ gì và giữ hạng bao lâu"): the lead's article may hold the
        part of the answer the chosen quotes lack (a duration, an amount); quote that clause too."""
        if len(_ASKS.findall(fold_accents(normalize_text(question)))) < 2:
            return chosen  # one thing asked: a value the lead lacks means the corpus does not answer it
        lead = chosen[0]
        for kind in kinds:
            if answers_type(kind, [p.text for p in chosen]):
                continue
            extra = next(
                (p for p in passages if p.unit.id == lead.unit.id and p not in chosen and answers_type(kind, [p.text])),
                None,
            )
            if extra is not None:
                chosen = chosen[: self.settings.max_quotes - 1] + [extra]
        return chosen

    def _partial_gap(
        self, gen: Generation, named: set[str], lead: Passage, question: str, reading: QuestionReading
    ) -> str:
        """When the answer would lie in the missing part of a partial document, what is missing (else '').

        What the held text must cover is what the question asks beyond the document itself: the held articles of
        a partial document (its scope, its purpose) repeat the document's title, and the number the question
        names it by is not asked either, so both are left out of the measure."""
        partial = [
            n for n in sorted(named) if gen.documents.get(n, {}).get("completeness") == str(Completeness.PARTIAL)
        ]
        lead_doc = gen.documents.get(lead.unit.doc_number, {})
        is_partial = lead_doc.get("completeness") == str(Completeness.PARTIAL)
        fit = self._beyond_title_fit(gen, question, reading, lead) if is_partial else lead.fit
        if is_partial and fit < self.settings.partial_min_fit:
            partial = [lead.unit.doc_number]
        elif not partial or (lead.unit.doc_number in partial and fit >= self.settings.partial_min_fit):
            return ""
        return " ".join(_partial_text(gen, n) for n in partial)

    def _beyond_title_fit(self, gen: Generation, question: str, reading: QuestionReading, lead: Passage) -> float:
        """How much of what the question asks, less its document reference and the words of the lead document's
        own title, the lead passage covers."""
        title = set(content_terms(f"{lead.unit.doc_type} {lead.unit.doc_title}"))
        asked = [t for t in content_terms(_without_refs(question, reading)) if t not in title]
        return coverage(asked, set(content_terms(f"{lead.unit.title}\n{lead.text}")), self.weights(gen))

    # ------------------------------------------------------------------------------------------ quoting

    def _quotes(self, gen: Generation, chosen: list[Passage]) -> list[Quote]:
        seen: set[str] = set()
        quotes = []
        for p in chosen:
            u = p.unit
            notes: list[str] = []
            warning: str | None = None
            if u.doc_number not in seen:  # validity notes once per document
                seen.add(u.doc_number)
                validity = p.validity or gen.validity.of(u.doc_number)
                notes = document_notes(validity, gen.documents, u)
                warning = validity.note if validity.warns and validity.note else None
            citation = citation_for(u.doc_name, u.article, p.clause, p.point)
            uid = u.id + (f":k{p.clause}" if p.clause else "") + (f":{p.point}" if p.point else "")
            quotes.append(Quote(uid, citation, p.text, u.doc_number, u.article, p.clause, p.point, notes, warning))
        return quotes


_REF_KIND = re.compile(
    r"\b(?:theo\s+)?(?:quy định|nghị định|quyết định|thông tư(?: liên tịch)?|nghị quyết|chỉ thị|kết luận|luật)"
    r"(?:\s+số)?\s*$",
    re.I,
)


def _without_refs(question: str, reading: QuestionReading) -> str:
    """The question without the document numbers it names and the kind word before each ('Theo Quy định …')."""
    text = normalize_text(question)
    for ref in reading.doc_refs:
        at = text.find(ref.text)
        if at >= 0:
            text = _REF_KIND.sub("", text[:at]) + " " + text[at + len(ref.text) :]
    return text


def _partial_text(gen: Generation, number: str) -> str:
    """What the corpus holds of a partial document and that the rest is missing ('' for a whole document)."""
    meta = gen.documents.get(number, {})
    if meta.get("completeness") != str(Completeness.PARTIAL):
        return ""
    name = citation_doc_name(str(meta.get("doc_type", "")), str(meta.get("title", "")), number)
    held = ", ".join(sorted({u.heading.split(".")[0] for u in gen.units.values() if u.doc_number == number}))
    note = str(meta.get("completeness_note") or "").strip()
    return (
        f"Kho chỉ có một phần của {name} ({held or 'không có điều nào'}); "
        f"phần quy định mà câu hỏi cần chưa có trong kho." + (f" {note}" if note else "")
    )


def _for_subject(reading: QuestionReading, chosen: list[Passage]) -> list[Passage]:
    """The quotes that may answer a question about cán bộ / công chức / viên chức: a lead from a document for other
    people gives way to a chosen quote from one for them (a viên chức rule never leads an answer about công chức),
    and quotes for other people are dropped; [] when none is for them."""
    if not reading.subjects or not chosen:
        return chosen

    def scope(p: Passage) -> frozenset[str]:
        return doc_subjects(p.unit.doc_title, p.unit.doc_type)

    lead_scope = scope(chosen[0])
    if not lead_scope or reading.subjects & lead_scope:
        return chosen
    fitting = [p for p in chosen if reading.subjects & scope(p)]
    if not fitting:
        return []
    return [p for p in chosen if not scope(p) or reading.subjects & scope(p)]


def _value_first(passages: list[Passage], kinds: Sequence[str], gap: float) -> list[Passage]:
    """A question asking for a value: when the best passage holds none, a passage of the same article that holds
    it and scores within `gap` leads instead (the clause with the number, not its neighbour). Only the lead's own
    article: a value from another article is no evidence that the corpus answers."""
    if not kinds or not passages or all(answers_type(k, [passages[0].text]) for k in kinds):
        return passages
    lead = passages[0]
    for i, p in enumerate(passages[1:], 1):
        if p.unit.id == lead.unit.id and p.score >= lead.score - gap and all(answers_type(k, [p.text]) for k in kinds):
            return [p, *passages[:i], *passages[i + 1 :]]
    return passages


def document_notes(v: DocumentValidity, documents: Mapping[str, Mapping[str, Any]], unit: IndexUnit) -> list[str]:
    """What a reader must know about a quoted document, in Vietnamese: its validity on the asked date (one
    sentence, assistant.validity), the amending documents, and whether the corpus holds only part of it."""
    notes = [v.note] if v.note else []
    meta = documents.get(unit.doc_number, {})
    amending = [str(r["target"]) for r in meta.get("relations") or [] if r.get("kind") == "amended_by"]
    if amending:
        held = [n for n in amending if n in documents]
        codified = meta.get("completeness") == str(Completeness.CODIFIED)  # Pháp điển text: amendments merged in
        notes.append(
            "Văn bản này đã được sửa đổi, bổ sung bởi văn bản số "
            + ", ".join(amending)
            + ("" if held else " (chưa có trong kho)")
            + (
                "; nội dung trích theo Bộ pháp điển, đã cập nhật phần sửa đổi."
                if codified
                else "; cần đối chiếu nội dung sửa đổi."
            )
        )
    if meta.get("completeness") == str(Completeness.PARTIAL):
        notes.append("Kho chỉ có một phần văn bản này; các điều khoản khác chưa có trong kho.")
    return notes


def _missing_text(gen: Generation, missing: list[tuple[DocRef, set[str]]]) -> str:
    parts = []
    for ref, related in missing:
        text = f"Văn bản {ref.text.strip()} chưa có trong kho văn bản"
        if related:
            text += " (kho chỉ có văn bản liên quan: " + ", ".join(sorted(related)) + ")"
        parts.append(text + ".")
    return " ".join(parts)


def _others_text(others: list[str], lead: Passage) -> str:
    who = ", ".join(others)
    return (
        f"Quy định gần nhất tìm được ({lead.unit.citation}) không nói đến {who} như câu hỏi nêu; "
        f"kho chưa có quy định tương ứng cho {who}."
    )


def _subject_text(reading: QuestionReading, lead: Passage) -> str:
    asked = ", ".join(sorted(reading.subjects))
    scope = ", ".join(sorted(doc_subjects(lead.unit.doc_title, lead.unit.doc_type)))
    return (
        f"Quy định gần nhất tìm được ({lead.unit.citation}) áp dụng cho {scope}, "
        f"không phải cho {asked} như câu hỏi nêu; kho chưa có quy định tương ứng cho {asked}."
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
        unit = gen.units.get(article_id(q.unit_id))
        if unit is None or q.text not in unit.text:
            raise QuoteNotVerbatim(f"Trích dẫn không khớp nguyên văn {q.citation}")


def validity_warnings(quotes: Sequence[Quote]) -> list[str]:
    """The validity warnings of the quoted documents not (or maybe not) in force: one per document, in quote order."""
    seen: set[str] = set()
    out = []
    for q in quotes:
        if q.warning and q.doc_number not in seen:
            seen.add(q.doc_number)
            out.append(q.warning)
    return out


def other_notes(q: Quote) -> list[str]:
    """A quote's notes without its validity warning (which leads the answer): amendments, a partial document."""
    return [n for n in q.notes if n != q.warning]


def render(quotes: Sequence[Quote], see_also: Sequence[IndexUnit] = ()) -> str:
    """The validity warnings first (one per document not in force), then the lead quote and at most two more,
    each document's other notes once under its first quote, then "Xem thêm" citations without text."""
    warnings = validity_warnings(quotes)
    parts = ["\n".join(f"Lưu ý: {w}" for w in warnings)] if warnings else []
    noted: set[str] = set()  # a document's notes are shown once, under its first quote
    for i, q in enumerate(quotes):
        lead = "Theo" if i == 0 else "Ngoài ra, theo"
        block = f"{lead} {q.citation}:\n«{q.text}»"
        notes = other_notes(q)
        if q.notes and q.doc_number not in noted:
            if notes:
                block += "\nLưu ý: " + " ".join(notes)
            noted.add(q.doc_number)
        parts.append(block)
    if see_also:
        parts.append("Xem thêm: " + "; ".join(u.citation for u in see_also) + ".")
    return "\n\n".join(parts)
