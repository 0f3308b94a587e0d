"""Training requirements as data: the YAML schema, its loader, and the citation check.

A rule says who it applies to, what satisfies it and by when, and *why*: each legal basis names a unit of the
corpus (document number, article, clause, point) and quotes, verbatim, the words the rule implements. Titles and
summaries are the project's own words and are presented as summaries, never as legal text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.domain import article_id, citation_doc_name, unit_id
from assistant.enrollment.errors import RulesInvalid
from assistant.enrollment.models import CadreKind, CourseType
from assistant.text import fold_accents

SEED_RULES = Path(__file__).resolve().parent / "rules" / "seed.yaml"

# Ordered levels: a higher index satisfies a lower requirement.
QUALIFICATION_LEVELS: dict[str, list[list[str]]] = {
    "education_level": [
        ["trung_cap"],
        ["cao_dang"],
        ["dai_hoc"],
        ["thac_si", "chuyen_khoa_1"],
        ["tien_si", "chuyen_khoa_2"],
    ],
    "political_theory": [["so_cap"], ["trung_cap"], ["cao_cap", "cu_nhan"]],
    "state_management": [["chuyen_vien"], ["chuyen_vien_chinh"], ["chuyen_vien_cao_cap"]],
    "foreign_language": [["bac_1"], ["bac_2"], ["bac_3"], ["bac_4"], ["bac_5"], ["bac_6"]],
    "it_skill": [["co_ban"], ["nang_cao"]],
}
QualificationField = Literal["education_level", "political_theory", "state_management", "foreign_language", "it_skill"]


def level_rank(field: str, value: str | None) -> int | None:
    """Position of `value` on the field's ladder, or None when unknown."""
    if not value:
        return None
    for rank, names in enumerate(QUALIFICATION_LEVELS[field]):
        if value in names:
            return rank
    return None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LegalBasis(_Strict):
    document: str  # canonical number, e.g. "01/2021/TT-BGDĐT"
    doc_type: str  # "Luật", "Nghị định", "Thông tư", "Thông tư liên tịch"
    doc_title: str = ""  # needed for laws: "Luật Viên chức"
    article: str
    clause: str | None = None
    point: str | None = None
    quote: str = Field(min_length=10)  # verbatim words of the source; checked by a test

    @property
    def unit_id(self) -> str:
        return unit_id(self.document, self.article, self.clause, self.point)

    @property
    def article_unit_id(self) -> str:
        return unit_id(self.document, self.article)

    @property
    def label(self) -> str:
        parts = [
            f"Điểm {self.point}" if self.point else "",
            f"Khoản {self.clause}" if self.clause else "",
            f"Điều {self.article}",
        ]
        return " ".join(p for p in parts if p) + " " + citation_doc_name(self.doc_type, self.doc_title, self.document)


class CertificateCond(_Strict):
    kind: Literal["certificate"]
    types: list[str] = Field(min_length=1)
    issued_before: date | None = None  # only certificates issued before this date count
    validity_months: int | None = Field(default=None, gt=0)  # counts only this long after issue


class CourseCond(_Strict):
    kind: Literal["course"]
    course_types: list[CourseType] = Field(min_length=1)
    certificate_types: list[str] = []  # if given, the course must award one of these


class QualificationCond(_Strict):
    kind: Literal["qualification"]
    field: QualificationField
    min_level: str
    major_contains: list[str] = []  # any of these words in the major (accent-insensitive)

    @model_validator(mode="after")
    def _known_level(self) -> QualificationCond:
        if level_rank(self.field, self.min_level) is None:
            raise ValueError(f"unknown level {self.min_level!r} for {self.field}")
        return self


class HoursCond(_Strict):
    kind: Literal["hours"]
    course_types: list[CourseType] = Field(min_length=1)
    hours: int = Field(gt=0)
    period: Literal["calendar_year"] = "calendar_year"


class CommitmentCond(_Strict):
    kind: Literal["service_commitment"]


class AllOfCond(_Strict):
    kind: Literal["all_of"]
    conditions: list[Condition] = Field(min_length=2)


Condition = Annotated[
    CertificateCond | CourseCond | QualificationCond | HoursCond | CommitmentCond | AllOfCond,
    Field(discriminator="kind"),
]
AllOfCond.model_rebuild()


class Applicability(_Strict):
    kinds: list[CadreKind] = []
    title_codes: list[str] = []
    title_ranks: list[str] = []
    positions: list[str] = []  # prefixes of the position name, accent-insensitive
    unit_codes: list[str] = []  # the cadre's unit or one of its ancestors
    in_force_from: date | None = None
    in_force_to: date | None = None


class Deadline(_Strict):
    anchor: Literal["recruitment", "title_appointment", "position_appointment", "fixed"]
    months: int = Field(default=0, ge=0)
    on: date | None = None  # for anchor "fixed"
    anchor_on_or_after: date | None = None  # the deadline binds only when the anchor date is on/after this

    @model_validator(mode="after")
    def _fixed_has_date(self) -> Deadline:
        if (self.anchor == "fixed") != (self.on is not None):
            raise ValueError("a fixed deadline needs `on`, and only a fixed one")
        return self


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    title: str
    summary: str = ""  # the project's paraphrase, shown as "Tóm tắt"
    topics: list[str] = []
    legal_basis: list[LegalBasis] = Field(min_length=1)
    applies_to: Applicability
    satisfied_by: list[Condition] = Field(min_length=1)  # any one suffices
    deadline: Deadline | None = None

    @property
    def unit_ids(self) -> list[str]:
        return [b.unit_id for b in self.legal_basis]

    @property
    def citation(self) -> str:
        return "; ".join(b.label for b in self.legal_basis)

    @property
    def folded_topics(self) -> list[str]:
        return [fold_accents(t) for t in self.topics]


class RuleSet(_Strict):
    version: int = 1
    certificate_types: dict[str, str] = {}  # code → Vietnamese name
    rules: list[Rule]

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        ids = [r.id for r in self.rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate rule ids: {dupes}")
        unknown = sorted({t for r in self.rules for t in _cert_types(r.satisfied_by)} - set(self.certificate_types))
        if unknown:
            raise ValueError(f"certificate types used but not declared: {unknown}")
        return self

    def certificate_name(self, code: str) -> str:
        return self.certificate_types.get(code, code)


def _cert_types(conds: Iterable[object]) -> Iterable[str]:
    for c in conds:
        if isinstance(c, CertificateCond):
            yield from c.types
        elif isinstance(c, CourseCond):
            yield from c.certificate_types
        elif isinstance(c, AllOfCond):
            yield from _cert_types(c.conditions)


def load_rules(path: Path | None = None) -> RuleSet:
    """Load and validate a rules file (the shipped seed by default); errors name the offending rule."""
    path = path or SEED_RULES
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return RuleSet.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as e:
        raise RulesInvalid(f"Tệp quy tắc {path.name} không hợp lệ: {e}") from e


@dataclass(frozen=True)
class CitationProblem:
    rule_id: str
    unit_id: str
    message: str


def _covering_ids(uid: str) -> list[str]:
    """'d:d3:k2:b' → ['d:d3:k2:b', 'd:d3:k2', 'd:d3']: an article's id covers its clauses and points."""
    parts = uid.split(":")
    return [":".join(parts[:n]) for n in range(len(parts), 1, -1)]


def check_rule_citations(rules: Sequence[Rule] | RuleSet, known_unit_ids: Iterable[str]) -> list[CitationProblem]:
    """Rules whose cited unit is not in the index (neither itself nor its article/clause is known)."""
    known = set(known_unit_ids)
    items = rules.rules if isinstance(rules, RuleSet) else rules
    problems = []
    for rule in items:
        for basis in rule.legal_basis:
            if not any(u in known for u in _covering_ids(basis.unit_id)):
                msg = f"Quy tắc {rule.id}: căn cứ {basis.label} ({basis.unit_id}) không có trong chỉ mục"
                problems.append(CitationProblem(rule.id, basis.unit_id, msg))
    return problems


def article_prefix(uid: str) -> str:
    """Article-level id of any unit id: '01-2021-tt-bgddt:d3:k2' → '01-2021-tt-bgddt:d3'."""
    return article_id(uid)
