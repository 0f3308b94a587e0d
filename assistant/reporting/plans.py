"""HR planning reports over the people of a scope: the training-needs plan, LLCT/QLNN gaps, overlapping
enrollments, completed-training counts ("lượt cán bộ") and the succession pool (quy hoạch, dự nguồn).

Pure functions: the service loads the people, evaluates their statuses with the rules engine and passes them in.
A need comes only from an engine status (which cites its clause); nothing here creates a requirement or a date.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from assistant.enrollment.engine import CadreRecord, EnrollmentRecord, RequirementStatus, Status
from assistant.enrollment.models import EnrollmentStatus
from assistant.enrollment.rules import Rule, RuleSet
from assistant.reporting.areas import (
    FIELD_LABELS,
    CatalogCourse,
    certificate_types,
    course_type_label,
    course_types_for,
    describe_rule,
    is_commitment_rule,
    is_promotion,
    level_label,
    qualification_conditions,
    rule_areas,
)

NO_DUE = "Không có hạn"
SUCCESSION_LABELS = {"quy_hoach": "Quy hoạch", "du_nguon": "Dự nguồn"}
KIND_LABELS = {"can_bo": "Cán bộ", "cong_chuc": "Công chức", "vien_chuc": "Viên chức"}
_UNMET = {Status.MISSING, Status.OVERDUE}


@dataclass(frozen=True)
class Person:
    """One cadre of the scope with what the engine says about them on `as_of`."""

    record: CadreRecord
    unit_code: str
    unit_name: str
    kind_label: str
    post: str
    statuses: tuple[RequirementStatus, ...]
    succession: str | None = None  # "quy_hoach" | "du_nguon"
    succession_target: str | None = None  # the post they are planned for


def quarter(d: date) -> str:
    return f"Quý {('I', 'II', 'III', 'IV')[(d.month - 1) // 3]}/{d.year}"


def quarters(start: date, end: date) -> list[str]:
    out: list[str] = []
    y, q = start.year, (start.month - 1) // 3
    while (y, q) <= (end.year, (end.month - 1) // 3):
        out.append(f"Quý {('I', 'II', 'III', 'IV')[q]}/{y}")
        y, q = (y + 1, 0) if q == 3 else (y, q + 1)
    return out


def _d(d: date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else ""


# ----------------------------------------------------------------------------------------------- (a) plan


@dataclass(frozen=True)
class PlanRow:
    rule_id: str
    requirement: str
    citation: str
    cadre_code: str
    full_name: str
    unit_name: str
    post: str
    status_label: str
    due_date: date | None
    slot: str  # the quarter the training must be done by, "Không có hạn", or the first quarter when overdue
    course_type: str
    course_type_label: str
    suggested_course: str  # an open catalogue course that awards what is missing, if any


@dataclass(frozen=True)
class PlanGroup:
    rule_id: str
    title: str
    requirement: str
    citation: str
    quote: str
    course_type_label: str
    rows: tuple[PlanRow, ...]


@dataclass(frozen=True)
class TrainingPlan:
    period_start: date
    period_end: date
    as_of: date
    groups: tuple[PlanGroup, ...]
    columns: tuple[str, ...]  # quarters of the period, then "Không có hạn"
    totals: tuple[tuple[str, tuple[int, ...], int], ...]  # (course type label, count per column, total)
    in_progress: int  # requirements already being met by a running course (not planned again)
    people: int

    @property
    def rows(self) -> list[PlanRow]:
        return [r for g in self.groups for r in g.rows]


def _suggest(rule: Rule, course_types: Sequence[str], catalog: Sequence[CatalogCourse], start: date) -> str:
    certs = set(certificate_types(rule))
    fits = [
        c
        for c in catalog
        if c.start_date
        and c.start_date >= start
        and (c.certificate_type in certs if certs else c.course_type in course_types)
    ]
    fits.sort(key=lambda c: (c.start_date or start, c.code))
    return f"{fits[0].name} ({fits[0].code}, từ {_d(fits[0].start_date)})" if fits else ""


def training_plan(
    people: Sequence[Person],
    rules: RuleSet,
    catalog: Sequence[CatalogCourse],
    period_start: date,
    period_end: date,
    as_of: date,
) -> TrainingPlan:
    """Who must be trained by when, under which clause: every unmet requirement due by the period's end (overdue
    ones in its first quarter; those the rule sets no deadline for in 'Không có hạn')."""
    by_id = {r.id: r for r in rules.rules}
    cols = quarters(period_start, period_end)
    grouped: dict[str, list[PlanRow]] = defaultdict(list)
    running = 0
    for p in people:
        for s in p.statuses:
            rule = by_id.get(s.rule_id)
            if rule is None or is_commitment_rule(rule) or is_promotion(rule):
                continue
            if s.status is Status.IN_PROGRESS:
                running += 1
                continue
            if s.status not in _UNMET or (s.due_date and s.due_date > period_end):
                continue
            slot = NO_DUE if s.due_date is None else quarter(max(s.due_date, period_start))
            types = course_types_for(rule, catalog, rules)
            ct = types[0] if types else ""
            grouped[rule.id].append(
                PlanRow(
                    rule.id,
                    describe_rule(rule, rules),
                    s.citation,
                    p.record.code,
                    p.record.full_name,
                    p.unit_name,
                    p.post,
                    s.status_label,
                    s.due_date,
                    slot,
                    ct,
                    course_type_label(ct) or "Chưa xác định",
                    _suggest(rule, types, catalog, max(as_of, period_start)),
                )
            )
    groups = []
    for rule_id, rows in grouped.items():
        rule = by_id[rule_id]
        rows.sort(key=lambda r: (r.due_date or date.max, r.unit_name, r.full_name))
        quote = rule.legal_basis[0].quote
        groups.append(
            PlanGroup(
                rule_id, rule.title, rows[0].requirement, rule.citation, quote, rows[0].course_type_label, tuple(rows)
            )
        )
    groups.sort(key=lambda g: (-len(g.rows), g.rule_id))
    columns = (*cols, NO_DUE)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for g in groups:
        for r in g.rows:
            counts[r.course_type_label][r.slot] += 1
    totals = tuple(
        (label, tuple(c.get(col, 0) for col in columns), sum(c.values())) for label, c in sorted(counts.items())
    )
    return TrainingPlan(period_start, period_end, as_of, tuple(groups), columns, totals, running, len(people))


# ----------------------------------------------------------------------------------------------- (b) LLCT / QLNN


@dataclass(frozen=True)
class LevelGap:
    field: str
    field_label: str
    cadre_code: str
    full_name: str
    unit_name: str
    post: str
    held: str
    required: str
    status_label: str
    due_date: date | None
    citation: str


@dataclass(frozen=True)
class LevelReport:
    gaps: tuple[LevelGap, ...]  # every person whose post/title has an LLCT or QLNN rule, met or not
    distribution: tuple[tuple[str, str, int, int], ...]  # (field label, level held, people, of whom with a rule)
    uncovered: int  # people none of whose rules states an LLCT or QLNN level


def _level_field(rule: Rule) -> list[str]:
    fields: list[str] = [
        c.field for c in qualification_conditions(rule) if c.field in ("political_theory", "state_management")
    ]
    areas = rule_areas(rule)
    fields += [
        f for f, a in (("political_theory", "llct"), ("state_management", "qlnn")) if a in areas and f not in fields
    ]
    return fields


def level_gaps(people: Sequence[Person], rules: RuleSet) -> LevelReport:
    by_id = {r.id: r for r in rules.rules}
    gaps: list[LevelGap] = []
    dist: Counter[tuple[str, str]] = Counter()
    with_rule: Counter[tuple[str, str]] = Counter()
    uncovered = 0
    for p in people:
        covered = False
        for fname in ("political_theory", "state_management"):
            held = level_label(fname, p.record.qualifications.get(fname)) or "chưa có"
            key = (FIELD_LABELS[fname], held)
            dist[key] += 1
            rules_here = [
                (s, by_id[s.rule_id])
                for s in p.statuses
                if s.rule_id in by_id
                and fname in _level_field(by_id[s.rule_id])
                and s.status is not Status.NOT_APPLICABLE
            ]
            if rules_here:
                with_rule[key] += 1
                covered = True
            for s, rule in rules_here:
                gaps.append(
                    LevelGap(
                        fname,
                        FIELD_LABELS[fname],
                        p.record.code,
                        p.record.full_name,
                        p.unit_name,
                        p.post,
                        held,
                        describe_rule(rule, rules),
                        s.status_label,
                        s.due_date,
                        s.citation,
                    )
                )
        uncovered += not covered
    gaps.sort(key=lambda g: (g.field, g.status_label == "Đã đáp ứng", g.unit_name, g.full_name))
    distribution = tuple((f, lvl, n, with_rule[(f, lvl)]) for (f, lvl), n in sorted(dist.items()))
    return LevelReport(tuple(gaps), distribution, uncovered)


# ----------------------------------------------------------------------------------------------- (c) overlaps

_COUNTED = {EnrollmentStatus.REGISTERED, EnrollmentStatus.IN_PROGRESS, EnrollmentStatus.COMPLETED}


@dataclass(frozen=True)
class Overlap:
    kind: str  # "Trùng thời gian" | "Học lại chứng chỉ đã có"
    cadre_code: str
    full_name: str
    unit_name: str
    course_type_label: str
    course: str
    course_dates: str
    other: str  # the overlapping course, or the certificate already held
    other_dates: str


def _span(e: EnrollmentRecord) -> tuple[date, date] | None:
    if e.start_date is None:
        return None
    return e.start_date, e.end_date or e.start_date


def _dates(e: EnrollmentRecord) -> str:
    return " – ".join(_d(x) for x in (e.start_date, e.end_date) if x)


def overlaps(people: Sequence[Person], rules: RuleSet) -> list[Overlap]:
    """The same person in overlapping courses of one type, or enrolled to earn a certificate they already hold."""
    out: list[Overlap] = []
    for p in people:
        r = p.record
        active = [e for e in r.enrollments if e.status in _COUNTED]
        for i, a in enumerate(active):
            for b in active[i + 1 :]:
                sa, sb = _span(a), _span(b)
                if a.course_type != b.course_type or sa is None or sb is None:
                    continue
                if sa[0] <= sb[1] and sb[0] <= sa[1]:
                    first, second = sorted((a, b), key=lambda e: (e.start_date or date.min, e.course_code))
                    out.append(
                        Overlap(
                            "Trùng thời gian",
                            r.code,
                            r.full_name,
                            p.unit_name,
                            course_type_label(a.course_type),
                            f"{first.course_name} ({first.course_code})",
                            _dates(first),
                            f"{second.course_name} ({second.course_code})",
                            _dates(second),
                        )
                    )
        for e in active:
            if not e.certificate_type or e.start_date is None:
                continue
            for held in _held_before(r, e):
                out.append(
                    Overlap(
                        "Học lại chứng chỉ đã có",
                        r.code,
                        r.full_name,
                        p.unit_name,
                        course_type_label(e.course_type),
                        f"{e.course_name} ({e.course_code})",
                        _dates(e),
                        f"{rules.certificate_name(e.certificate_type)}" + (f" số {held[1]}" if held[1] else ""),
                        f"cấp {_d(held[0])}",
                    )
                )
                break
    out.sort(key=lambda o: (o.unit_name, o.full_name, o.kind))
    return out


def _held_before(r: CadreRecord, e: EnrollmentRecord) -> list[tuple[date, str]]:
    """Certificates of the type `e` awards that were valid when `e` started (recorded or from an earlier course)."""
    assert e.start_date is not None
    found = [
        (c.issued_on, c.number)
        for c in r.certificates
        if c.cert_type == e.certificate_type
        and c.issued_on < e.start_date
        and (c.expires_on is None or c.expires_on >= e.start_date)
    ]
    for other in r.enrollments:
        if other is e or other.course_code == e.course_code or other.status is not EnrollmentStatus.COMPLETED:
            continue
        done = other.finished_on
        if other.certificate_type == e.certificate_type and done and done < e.start_date:
            if not any(n == (other.certificate_number or "") for _, n in found):
                found.append((done, other.certificate_number or ""))
    return sorted(found)


# ----------------------------------------------------------------------------------------------- (d) counts


@dataclass(frozen=True)
class CompletedCounts:
    period_start: date
    period_end: date
    columns: tuple[str, ...]  # quarters
    by_type: tuple[tuple[str, tuple[int, ...], int, int], ...]  # (course type label, lượt per quarter, lượt, people)
    by_kind: tuple[tuple[str, int, int], ...]  # (cán bộ / công chức / viên chức, lượt, people)
    total: int
    people: int
    abroad: int


def completed_counts(
    people: Sequence[Person], period_start: date, period_end: date, abroad_codes: set[str]
) -> CompletedCounts:
    """Completed training in the period, counted as the province does: lượt cán bộ (one per completion) and people."""
    cols = tuple(quarters(period_start, period_end))
    per_type: dict[str, Counter[str]] = defaultdict(Counter)
    people_type: dict[str, set[str]] = defaultdict(set)
    per_kind: Counter[str] = Counter()
    people_kind: dict[str, set[str]] = defaultdict(set)
    everyone: set[str] = set()
    abroad = 0
    for p in people:
        for e in p.record.enrollments:
            done = e.finished_on
            if e.status is not EnrollmentStatus.COMPLETED or done is None or not period_start <= done <= period_end:
                continue
            label = course_type_label(e.course_type)
            per_type[label][quarter(done)] += 1
            people_type[label].add(p.record.code)
            kind = KIND_LABELS.get(p.record.kind.value, p.record.kind.value)
            per_kind[kind] += 1
            people_kind[kind].add(p.record.code)
            everyone.add(p.record.code)
            abroad += e.course_code in abroad_codes
    by_type = tuple(
        (label, tuple(c.get(col, 0) for col in cols), sum(c.values()), len(people_type[label]))
        for label, c in sorted(per_type.items())
    )
    by_kind = tuple((k, n, len(people_kind[k])) for k, n in sorted(per_kind.items()))
    return CompletedCounts(
        period_start, period_end, cols, by_type, by_kind, sum(per_kind.values()), len(everyone), abroad
    )


# ----------------------------------------------------------------------------------------------- (e) succession


@dataclass(frozen=True)
class SuccessionRow:
    cadre_code: str
    full_name: str
    unit_name: str
    post: str
    pool: str  # Quy hoạch / Dự nguồn
    target: str
    political_theory: str
    state_management: str
    lacking: tuple[str, ...]  # "<requirement> — <status>, hạn … (căn cứ …)"
    met: int
    covered: bool  # whether any rule of the corpus applies to them


@dataclass(frozen=True)
class SuccessionReport:
    rows: tuple[SuccessionRow, ...]
    counts: dict[str, int] = field(default_factory=dict)


def succession(people: Sequence[Person], rules: RuleSet) -> SuccessionReport:
    by_id = {r.id: r for r in rules.rules}
    rows = []
    for p in people:
        if not p.succession:
            continue
        applicable = [s for s in p.statuses if s.status is not Status.NOT_APPLICABLE]
        lacking = tuple(
            f"{describe_rule(by_id[s.rule_id], rules) if s.rule_id in by_id else s.title} — {s.status_label.lower()}"
            + (f", hạn {_d(s.due_date)}" if s.due_date else "")
            + f" (căn cứ {s.citation})"
            for s in applicable
            if s.status.value not in ("met", "exempt") and not (s.rule_id in by_id and is_promotion(by_id[s.rule_id]))
        )
        q = p.record.qualifications
        rows.append(
            SuccessionRow(
                p.record.code,
                p.record.full_name,
                p.unit_name,
                p.post,
                SUCCESSION_LABELS.get(p.succession, p.succession),
                p.succession_target or "",
                level_label("political_theory", q.get("political_theory")) or "chưa có",
                level_label("state_management", q.get("state_management")) or "chưa có",
                lacking,
                sum(1 for s in applicable if s.status is Status.MET),
                any(s.rule_id in by_id and not is_commitment_rule(by_id[s.rule_id]) for s in applicable),
            )
        )
    rows.sort(key=lambda r: (r.pool, -len(r.lacking), r.unit_name, r.full_name))
    counts = dict(Counter(r.pool for r in rows))
    return SuccessionReport(tuple(rows), counts)
