"""Whether the clauses a rule cites exist in the corpus and are in force on the evaluation date.

A rule is only as good as its basis: when a cited document is missing, not yet or no longer in force, or its
validity is uncertain, every status built on the rule says so ("căn cứ đã hết hiệu lực / chưa rõ hiệu lực").
Document validity as of a date comes from the corpus's own metadata (effective date, status, relations); nothing
here guesses a date.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from assistant.domain import Document, unit_id
from assistant.enrollment.rules import LegalBasis, Rule, RuleSet
from assistant.validity import Validity, ValidityBook


class BasisState(StrEnum):
    IN_FORCE = "in_force"
    EXPIRED = "expired"  # căn cứ đã hết hiệu lực
    UNCERTAIN = "uncertain"  # chưa rõ hiệu lực
    NOT_YET = "not_yet"  # chưa có hiệu lực
    MISSING = "missing"  # the cited document or unit is not in the corpus


STATE_LABELS = {
    BasisState.EXPIRED: "căn cứ đã hết hiệu lực",
    BasisState.UNCERTAIN: "căn cứ chưa rõ hiệu lực",
    BasisState.NOT_YET: "căn cứ chưa có hiệu lực",
    BasisState.MISSING: "căn cứ không có trong kho văn bản",
}


@dataclass(frozen=True)
class BasisNote:
    rule_id: str
    unit_id: str
    label: str
    state: BasisState
    message: str  # Vietnamese, one sentence


# An external judgement of a document's validity on a date (the corpus's validity-as-of module, when available):
# returns (state, reason) or None to fall back to the document's own metadata.
DocumentVerdict = Callable[[Document, date], tuple[BasisState, str] | None]

_AMENDED_BY = re.compile(
    r"(?:sửa đổi|bổ sung|bãi bỏ)[^()]*?bởi (?P<art>Điều \d+[a-z]?) (?P<type>[^\s]+(?: [^\s]+)*?) "
    r"số (?P<doc>\d+/\d{4}/[^\s,)]+)"
)


_STATES = {
    Validity.IN_FORCE: BasisState.IN_FORCE,
    Validity.NOT_YET: BasisState.NOT_YET,
    Validity.REPEALED: BasisState.EXPIRED,
    Validity.PARTLY_REPEALED: BasisState.UNCERTAIN,
    Validity.UNCERTAIN: BasisState.UNCERTAIN,
    Validity.UNKNOWN: BasisState.UNCERTAIN,
}


def book_of(documents: Iterable[Document]) -> ValidityBook:
    """The corpus's validity-as-of book over these documents' metadata (articles left out)."""
    meta: dict[str, dict[str, Any]] = {}
    for d in documents:
        data = d.to_dict()
        data.pop("articles", None)
        meta[d.number] = data
    return ValidityBook(meta)


def document_state(book: ValidityBook, number: str, as_of: date) -> tuple[BasisState, str]:
    """A document's validity on `as_of` (assistant.validity), as the state of a rule basis and its reason."""
    v = book.of(number, as_of)
    return _STATES[v.state], v.note or v.badge.lower()


class RuleValidity:
    """Checks every rule's bases against the documents of the corpus, as of a date."""

    def __init__(self, documents: Iterable[Document], verdict: DocumentVerdict | None = None) -> None:
        self._docs: dict[str, Document] = {d.number: d for d in documents}
        self._book = book_of(self._docs.values())
        self._units: set[str] = set()
        self._article_notes: dict[str, str] = {}
        for d in self._docs.values():
            for a in d.articles:
                art = unit_id(d.number, a.number)
                self._units.add(art)
                self._article_notes[art] = a.effective_note
                for c in a.clauses:
                    self._units.add(unit_id(d.number, a.number, c.number))
                    for p in c.points:
                        self._units.add(unit_id(d.number, a.number, c.number, p.letter))
        self._verdict = verdict

    @property
    def documents(self) -> Mapping[str, Document]:
        return self._docs

    def _unit_known(self, basis: LegalBasis) -> bool:
        uid = basis.unit_id
        parts = uid.split(":")
        # a clause or point the parser did not split out is still found through its article
        return any(":".join(parts[:n]) in self._units for n in range(len(parts), 1, -1))

    def basis_note(self, rule_id: str, basis: LegalBasis, as_of: date) -> BasisNote | None:
        doc = self._docs.get(basis.document)
        if doc is None:
            return BasisNote(
                rule_id, basis.unit_id, basis.label, BasisState.MISSING, f"{basis.label}: văn bản chưa có trong kho"
            )
        if not self._unit_known(basis):
            return BasisNote(
                rule_id, basis.unit_id, basis.label, BasisState.MISSING, f"{basis.label}: không tìm thấy trong kho"
            )
        verdict = self._verdict(doc, as_of) if self._verdict else None
        state, reason = verdict or document_state(self._book, doc.number, as_of)
        if state is BasisState.IN_FORCE:
            amended = self._amended_elsewhere(basis)
            if amended:
                return BasisNote(rule_id, basis.unit_id, basis.label, BasisState.UNCERTAIN, amended)
            return None
        return BasisNote(rule_id, basis.unit_id, basis.label, state, f"{basis.label}: {STATE_LABELS[state]} ({reason})")

    def _amended_elsewhere(self, basis: LegalBasis) -> str:
        """An article the corpus marks as amended by a text it does not hold cannot be confirmed word for word."""
        note = self._article_notes.get(basis.article_unit_id, "")
        for m in _AMENDED_BY.finditer(note):
            target = self._docs.get(m["doc"])
            art = m["art"].removeprefix("Điều ")
            if target is None or not any(a.number == art for a in target.articles):
                if basis.amended_by:
                    continue  # the rule states the amendment it relies on
                return (
                    f"{basis.label}: {STATE_LABELS[BasisState.UNCERTAIN]} (điều này có nội dung được sửa đổi, "
                    f"bổ sung bởi {m['art']} {m['type']} số {m['doc']}, văn bản đó chưa có trong kho)"
                )
        return ""

    def notes(self, rule: Rule, as_of: date) -> tuple[BasisNote, ...]:
        """Problems with the requirement's own bases (an exemption's basis is judged when the exemption is used)."""
        out = [self.basis_note(rule.id, b, as_of) for b in rule.legal_basis]
        return tuple(n for n in out if n is not None)

    def report(self, rules: RuleSet, as_of: date) -> list[BasisNote]:
        """Every basis of every rule (exemptions included) that is missing or not plainly in force on `as_of`."""
        out: list[BasisNote] = []
        for rule in rules.rules:
            for basis in rule.all_bases:
                note = self.basis_note(rule.id, basis, as_of)
                if note is not None:
                    out.append(note)
        return out


_STATE_ORDER = [BasisState.EXPIRED, BasisState.MISSING, BasisState.NOT_YET, BasisState.UNCERTAIN]


def worst_state(notes: Iterable[BasisNote]) -> BasisState:
    states = {n.state for n in notes}
    return next((s for s in _STATE_ORDER if s in states), BasisState.IN_FORCE)


class CorpusValidity:
    RECHECK_SECONDS = 2.0  # how often the document files are looked at again (a new document counts within that)

    """The engine's judge of rule bases, over the documents the product currently holds.

    `load` returns the documents; `stamp` returns something that changes when they do (file names and times),
    so an administrator's new or withdrawn document is taken into account without a restart.
    """

    def __init__(
        self,
        load: Callable[[], Iterable[Document]],
        stamp: Callable[[], object] = lambda: None,
        verdict: DocumentVerdict | None = None,
    ) -> None:
        self._load, self._stamp, self._verdict = load, stamp, verdict
        self._key: object = object()
        self._validity: RuleValidity | None = None
        self._checked = 0.0
        self._memo: dict[tuple[str, date], tuple[tuple[str, ...], str]] = {}

    @classmethod
    def of_directories(cls, *directories: Path, verdict: DocumentVerdict | None = None) -> CorpusValidity:
        def stamp() -> object:
            return tuple(
                (p.name, p.stat().st_mtime_ns)
                for d in directories
                if d.exists()
                for p in sorted(d.iterdir())
                if p.suffix in {".json", ".removed"}
            )

        def load() -> list[Document]:
            from assistant.ingest.repository import DocumentRepository

            shipped, *rest = directories
            return DocumentRepository(shipped, rest[0] if rest else shipped / ".none").list()

        return cls(load, stamp, verdict)

    @property
    def validity(self) -> RuleValidity:
        now = time.monotonic()
        if self._validity is not None and now - self._checked < self.RECHECK_SECONDS:
            return self._validity
        key = self._stamp()
        self._checked = now
        if self._validity is None or key != self._key:
            self._validity = RuleValidity(self._load(), self._verdict)
            self._key = key
            self._memo = {}
        return self._validity

    def __call__(self, rule: Rule, as_of: date) -> tuple[tuple[str, ...], str]:
        validity = self.validity
        key = (rule.id, as_of)
        found = self._memo.get(key)
        if found is None:
            notes = validity.notes(rule, as_of)
            found = self._memo[key] = (tuple(n.message for n in notes), worst_state(notes).value)
        return found
