"""Validity as of a date: a document's status computed from its effective date and its relations.

Facts come only from document metadata (the text's own "có hiệu lực từ ngày …", `corpus/overrides.yaml`,
an administrator): relations `replaced_by` / `repealed_by` on the document, and `replaces` / `repeals` on
any other document of the corpus, each with the date it takes effect (empty = when the stating document
takes effect), the part it concerns (empty = all) and its certainty (`reported` = secondary sources only:
the document's validity is then *uncertain*, never plainly ended). Nothing here guesses a status or a date.

One object per document and date, `DocumentValidity`, carries everything a front end shows: one badge
(`badge`, `badge_level`) and at most one short Vietnamese note (`note`) naming the replacement and
whether the corpus holds it. Provenance (`sources`) is for admin / detail views only, never for answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from assistant.domain import DocStatus, Document, article_display, citation_doc_name
from assistant.errors import InvalidInput
from assistant.ingest.parser import doc_type_from_number

_ENDS = {"replaced_by": "replaced", "repealed_by": "repealed"}
_ENDED_BY_OTHER = {"replaces": "replaced", "repeals": "repealed"}


class Validity(StrEnum):
    IN_FORCE = "in_force"
    NOT_YET = "not_yet"
    REPEALED = "repealed"  # no longer in force (replaced or repealed)
    PARTLY_REPEALED = "partly_repealed"
    UNCERTAIN = "uncertain"  # a change is reported by secondary sources only
    UNKNOWN = "unknown"  # no source states the validity


BADGES = {
    Validity.IN_FORCE: "Còn hiệu lực",
    Validity.NOT_YET: "Chưa có hiệu lực",
    Validity.REPEALED: "Hết hiệu lực",
    Validity.PARTLY_REPEALED: "Hết hiệu lực một phần",
    Validity.UNCERTAIN: "Chưa rõ hiệu lực",
    Validity.UNKNOWN: "Không rõ hiệu lực",
}
# For styling: "ok" (green), "warn" (amber), "bad" (red).
BADGE_LEVELS = {
    Validity.IN_FORCE: "ok",
    Validity.NOT_YET: "warn",
    Validity.REPEALED: "bad",
    Validity.PARTLY_REPEALED: "warn",
    Validity.UNCERTAIN: "warn",
    Validity.UNKNOWN: "warn",
}
# The stored-status vocabulary for a computed state (API fields that have always carried a status code).
STATUS_CODES = {
    Validity.IN_FORCE: DocStatus.IN_FORCE,
    Validity.NOT_YET: DocStatus.NOT_YET,
    Validity.REPEALED: DocStatus.REPEALED,
    Validity.PARTLY_REPEALED: DocStatus.PARTLY_REPEALED,
    Validity.UNCERTAIN: DocStatus.UNKNOWN,
    Validity.UNKNOWN: DocStatus.UNKNOWN,
}
# The stored status (stated by a source as of its own date) when no dated relation says more.
_FROM_STATUS = {
    DocStatus.IN_FORCE: Validity.IN_FORCE,
    DocStatus.REPEALED: Validity.REPEALED,
    DocStatus.PARTLY_REPEALED: Validity.PARTLY_REPEALED,
    DocStatus.NOT_YET: Validity.NOT_YET,
    DocStatus.UNKNOWN: Validity.UNKNOWN,
}


@dataclass(frozen=True)
class Change:
    """One change that ends (all or part of) a document."""

    other: str  # the replacing / repealing document's number
    how: str  # "replaced" | "repealed"
    on: date | None  # when it takes effect; None when no source gives a date
    scope: str = ""  # the part concerned, in the text's words; "" = the whole document
    reported: bool = False  # only secondary sources say so
    source: str = ""  # where it is stated (provenance: admin / detail views only)


@dataclass(frozen=True)
class DocumentValidity:
    number: str
    name: str  # "Luật Viên chức số 58/2010/QH12"
    as_of: date
    state: Validity
    badge: str
    badge_level: str
    note: str | None  # one short Vietnamese sentence when the reader must know something, else None
    since: date | None = None  # when the current state began (ended / uncertain since; in force since)
    until: date | None = None  # a known future change while the document is still in force
    changes: tuple[Change, ...] = ()
    in_corpus: Mapping[str, bool] = field(default_factory=dict)  # replacement number → held by the corpus
    sources: tuple[str, ...] = ()  # provenance of the facts used (admin / detail views only)

    @property
    def status_code(self) -> str:
        """The state in the stored-status vocabulary ("het_hieu_luc" …), for fields that always carried one."""
        return STATUS_CODES[self.state].value

    @property
    def in_force(self) -> bool:
        return self.state is Validity.IN_FORCE

    @property
    def warns(self) -> bool:
        """True when the text is not, or may not be, in force on the date: quoting it needs the note."""
        return self.state is not Validity.IN_FORCE

    @property
    def replacement_in_corpus(self) -> bool:
        """Some document that ended this one (on or before the date) is in the corpus: rank it first."""
        return any(self.in_corpus.get(c.other, False) for c in self.changes if _applies(c, self.as_of))

    def to_dict(self, *, detail: bool = False) -> dict[str, Any]:
        """The JSON view for API / web / bot; `detail=True` adds the provenance (admin / detail views)."""
        out: dict[str, Any] = {
            "doc_number": self.number,
            "as_of": self.as_of.isoformat(),
            "state": self.state.value,
            "badge": self.badge,
            "badge_level": self.badge_level,
            "note": self.note,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "replaced_by": [
                {"doc_number": c.other, "in_corpus": self.in_corpus.get(c.other, False)}
                for c in self.changes
                if _applies(c, self.as_of) or c.on is None
            ],
        }
        if detail:
            out["sources"] = list(self.sources)
        return out


def validity_metadata(doc: Document) -> dict[str, Any]:
    """What the validity of a document depends on, as plain data (a generation's documents.json holds the same)."""
    return {
        "number": doc.number,
        "doc_type": doc.doc_type,
        "title": doc.title,
        "status": str(doc.status),
        "status_source": doc.status_source,
        "effective_date": doc.effective_date,
        "relations": [asdict(r) for r in doc.relations],
    }


def parse_as_of(value: str | date | None) -> date:
    """A date from 'YYYY-MM-DD' or 'DD/MM/YYYY'; today when empty. Raises InvalidInput (Vietnamese)."""
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if not text:
        return date.today()
    try:
        if "/" in text:
            d, m, y = (int(x) for x in text.split("/"))
            return date(y, m, d)
        return date.fromisoformat(text)
    except ValueError as e:
        raise InvalidInput(
            f"Ngày '{text}' không hợp lệ; hãy nhập theo dạng YYYY-MM-DD hoặc DD/MM/YYYY (ví dụ 2026-03-01)."
        ) from e


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _applies(change: Change, as_of: date) -> bool:
    return change.on is not None and change.on <= as_of


def _vi_date(d: date) -> str:
    """'01/7/2026', the way the texts write dates."""
    return f"{d.day:02d}/{d.month}/{d.year}"


class ValidityBook:
    """Validity of every document of one corpus (a generation's document metadata), as of any date.

    `documents` maps a canonical number to its metadata dict (Document.to_dict() without articles, as in
    a generation's documents.json): status, effective_date, relations, doc_type, title.
    """

    def __init__(self, documents: Mapping[str, Mapping[str, Any]]) -> None:
        self.documents = documents
        self._cache: dict[tuple[str, date], DocumentValidity] = {}
        self._ended_by: dict[str, list[Change]] = {}
        for number, meta in documents.items():
            for rel in meta.get("relations") or []:
                how = _ENDED_BY_OTHER.get(str(rel.get("kind")))
                if how:
                    on = _date(rel.get("effective_date")) or _date(meta.get("effective_date"))
                    self._ended_by.setdefault(str(rel["target"]), []).append(_change(number, how, on, rel))

    def name(self, number: str) -> str:
        meta = self.documents.get(number)
        if meta:
            return citation_doc_name(str(meta.get("doc_type", "")), str(meta.get("title", "")), number)
        return citation_doc_name(doc_type_from_number(number) or "Văn bản", "", number)

    def changes(self, number: str) -> list[Change]:
        """Every known change ending (part of) the document, from both sides, one per other document."""
        meta = self.documents.get(number) or {}
        own = [
            _change(str(rel["target"]), _ENDS[str(rel.get("kind"))], _date(rel.get("effective_date")), rel)
            for rel in meta.get("relations") or []
            if str(rel.get("kind")) in _ENDS
        ]
        merged: dict[str, Change] = {}
        for c in own + self._ended_by.get(number, []):
            kept = merged.get(c.other)
            # a dated, stated change says more than an undated or reported one
            if kept is None or (kept.on is None and c.on is not None) or (kept.reported and not c.reported):
                merged[c.other] = c
        return sorted(merged.values(), key=lambda c: (c.on or date.max, c.other))

    def of(self, number: str, as_of: date | None = None) -> DocumentValidity:
        """The document's validity on `as_of` (today by default)."""
        as_of = as_of or date.today()
        key = (number, as_of)
        cached = self._cache.get(key)
        if cached is None:
            if len(self._cache) > 4096:
                self._cache.clear()
            cached = self._cache[key] = self._compute(number, as_of)
        return cached

    def _compute(self, number: str, as_of: date) -> DocumentValidity:
        meta = self.documents.get(number) or {}
        changes = self.changes(number)
        effective = _date(meta.get("effective_date"))
        try:
            stated = _FROM_STATUS[DocStatus(meta.get("status", DocStatus.UNKNOWN))]
        except ValueError:
            stated = Validity.UNKNOWN
        state, since, until = self._state(stated, effective, changes, as_of)
        in_corpus = {c.other: c.other in self.documents for c in changes}
        sources = tuple(s for s in [str(meta.get("status_source") or "")] + [c.source for c in changes] if s)
        v = DocumentValidity(
            number=number,
            name=self.name(number),
            as_of=as_of,
            state=state,
            badge=BADGES[state],
            badge_level=BADGE_LEVELS[state],
            note=None,
            since=since,
            until=until,
            changes=tuple(changes),
            in_corpus=in_corpus,
            sources=sources,
        )
        return _with_note(v, self, effective)

    def for_article(
        self, number: str, article: str, article_effective: str, as_of: date | None = None
    ) -> DocumentValidity:
        """The document's validity, narrowed to one article that the text brings into effect later than the rest
        ("Quy định … tại Mục 3 Chương IV của Luật này được thực hiện từ ngày 01 tháng 01 năm 2026")."""
        v = self.of(number, as_of)
        starts = _date(article_effective)
        if starts is None or v.as_of >= starts or v.state is not Validity.IN_FORCE:
            return v
        shown, annex = article_display(article)
        where = f"Điều {shown}{' ' + annex + ' ban hành kèm theo' if annex else ''} {v.name}"
        note = f"{where} chưa được thực hiện vào ngày {_vi_date(v.as_of)} (thực hiện từ ngày {_vi_date(starts)})."
        return replace(
            v,
            state=Validity.NOT_YET,
            badge=BADGES[Validity.NOT_YET],
            badge_level=BADGE_LEVELS[Validity.NOT_YET],
            note=note,
            since=None,
            until=starts,
        )

    def many(self, numbers: Iterable[str], as_of: date | None = None) -> dict[str, DocumentValidity]:
        """One validity per distinct document, in first-seen order (what an answer shows once per document)."""
        out: dict[str, DocumentValidity] = {}
        for n in numbers:
            if n not in out:
                out[n] = self.of(n, as_of)
        return out

    @staticmethod
    def _state(
        stated: Validity, effective: date | None, changes: list[Change], as_of: date
    ) -> tuple[Validity, date | None, date | None]:
        if effective and as_of < effective:
            return Validity.NOT_YET, None, effective
        past = [c for c in changes if _applies(c, as_of)]
        future = [c for c in changes if c.on is not None and c.on > as_of]
        undated = [c for c in changes if c.on is None]

        def first(cs: list[Change]) -> date | None:
            return min((c.on for c in cs if c.on), default=None)

        for reported, partial, state in (
            (False, False, Validity.REPEALED),
            (True, False, Validity.UNCERTAIN),
            (False, True, Validity.PARTLY_REPEALED),
            (True, True, Validity.UNCERTAIN),
        ):
            hits = [c for c in past if c.reported == reported and bool(c.scope) == partial]
            if hits:
                return state, first(hits), None
        if undated:
            if any(c.reported for c in undated) and stated in (Validity.IN_FORCE, Validity.UNKNOWN):
                return Validity.UNCERTAIN, None, None
            if stated is Validity.IN_FORCE:  # stated in force, ended on a date nobody gives: cannot say
                return Validity.UNCERTAIN, None, None
            return stated, None, None
        if future:
            # the stated "ended" status is the future change's: before it the document was in force
            still = Validity.UNKNOWN if stated is Validity.UNKNOWN else Validity.IN_FORCE
            return still, effective, first(future)
        if stated is Validity.NOT_YET and (effective is None or as_of >= effective):
            return (Validity.IN_FORCE if effective else Validity.NOT_YET), effective, None
        return stated, (effective if stated is Validity.IN_FORCE else None), None


def _change(other: str, how: str, on: date | None, rel: Mapping[str, Any]) -> Change:
    return Change(
        other=other,
        how=how,
        on=on,
        scope=str(rel.get("scope") or ""),
        reported=str(rel.get("certainty") or "stated") == "reported",
        source=str(rel.get("note") or ""),
    )


def _others(v: DocumentValidity, book: ValidityBook, cs: list[Change]) -> str:
    """'Luật số 129/2025/QH15 (chưa có trong kho)'; several joined with 'và'."""
    parts = [f"{book.name(c.other)} ({'có' if v.in_corpus.get(c.other) else 'chưa có'} trong kho)" for c in cs]
    return " và ".join(parts)


def _with_note(v: DocumentValidity, book: ValidityBook, effective: date | None) -> DocumentValidity:
    """The one short Vietnamese sentence shown with a quote of this document (None when in force, no change due)."""
    name, as_of = v.name, v.as_of
    relevant = [c for c in v.changes if _applies(c, as_of)] or [c for c in v.changes if c.on is None]
    since = f" từ ngày {_vi_date(v.since)}" if v.since else ""
    note: str | None
    if v.state is Validity.NOT_YET:
        when = f" (có hiệu lực từ ngày {_vi_date(effective)})" if effective else ""
        note = f"{name} chưa có hiệu lực vào ngày {_vi_date(as_of)}{when}."
    elif v.state is Validity.REPEALED:
        full = [c for c in relevant if not c.scope and not c.reported] or relevant
        if full:
            verb = "được thay thế bởi" if full[0].how == "replaced" else "bị bãi bỏ bởi"
            note = f"{name} đã hết hiệu lực{since}, {verb} {_others(v, book, full)}."
        else:
            note = f"{name} đã hết hiệu lực; cần đối chiếu văn bản thay thế."
    elif v.state is Validity.PARTLY_REPEALED:
        part = [c for c in relevant if c.scope] or relevant
        if part:
            scopes = "; ".join(dict.fromkeys(c.scope for c in part if c.scope))
            what = f" ({scopes})" if scopes else ""
            note = (
                f"{name} đã hết hiệu lực một phần{since}{what} theo {_others(v, book, part)}; "
                "cần đối chiếu hiệu lực của quy định được trích."
            )
        else:
            note = f"{name} đã hết hiệu lực một phần; cần đối chiếu hiệu lực của quy định được trích."
    elif v.state is Validity.UNCERTAIN:
        rep = [c for c in relevant if c.reported] or relevant
        if rep:
            scopes = "; ".join(dict.fromkeys(c.scope for c in rep if c.scope))
            what = f" ({scopes})" if scopes else ""
            note = (
                f"{name} chưa rõ hiệu lực{since}: theo một số nguồn, văn bản này{what} đã được thay thế bởi "
                f"{_others(v, book, rep)}; cần đối chiếu hiệu lực."
            )
        else:
            note = f"{name} chưa rõ hiệu lực; cần đối chiếu hiệu lực."
    elif v.state is Validity.UNKNOWN:
        note = f"Kho chưa có thông tin về hiệu lực của {name}; cần đối chiếu hiệu lực."
    elif v.until is not None:
        coming = [c for c in v.changes if c.on == v.until]
        scopes = "; ".join(dict.fromkeys(c.scope for c in coming if c.scope))
        subject = scopes if scopes else "văn bản này"
        verb = "được thay thế bởi" if coming and coming[0].how == "replaced" else "hết hiệu lực theo"
        hedge = "theo một số nguồn, " if coming and all(c.reported for c in coming) else ""
        note = (
            f"{name} còn hiệu lực vào ngày {_vi_date(as_of)}; {hedge}từ ngày {_vi_date(v.until)} {subject} "
            f"{verb} {_others(v, book, coming)}."
        )
    else:
        note = None
    return DocumentValidity(**{**v.__dict__, "note": note})
