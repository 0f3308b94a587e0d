"""The requirement engine: pure, deterministic functions from loaded records and rules to statuses.

Nothing here touches the database or the clock; callers pass `as_of`. Each status carries its evidence, its due
date and its legal basis so that any answer built on it can be checked against the cited words.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from assistant.enrollment.models import ACTIVE_ENROLLMENT, CadreKind, CourseType, EnrollmentStatus
from assistant.enrollment.rules import (
    AllOfCond,
    CertificateCond,
    CommitmentCond,
    Condition,
    CourseCond,
    HoursCond,
    QualificationCond,
    Rule,
    RuleSet,
    level_rank,
)
from assistant.text import fold_accents

# ----------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class CertificateRecord:
    cert_type: str
    issued_on: date
    number: str = ""
    name: str = ""
    expires_on: date | None = None


@dataclass(frozen=True)
class EnrollmentRecord:
    course_code: str
    course_name: str
    course_type: CourseType
    status: EnrollmentStatus
    certificate_type: str | None = None  # what the course awards
    course_hours: int | None = None
    hours_earned: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    completed_on: date | None = None
    certificate_number: str | None = None
    certificate_date: date | None = None

    @property
    def finished_on(self) -> date | None:
        return self.completed_on or self.certificate_date or self.end_date

    @property
    def hours(self) -> int:
        return self.hours_earned if self.hours_earned is not None else (self.course_hours or 0)


@dataclass(frozen=True)
class CommitmentRecord:
    start_date: date
    service_years: int
    cost: int | None = None
    course_code: str | None = None

    @property
    def end_date(self) -> date:
        return add_months(self.start_date, 12 * self.service_years)


@dataclass(frozen=True)
class CadreRecord:
    """Everything the engine may look at for one person; built from the ORM by the service."""

    code: str
    full_name: str
    kind: CadreKind
    unit_path: tuple[str, ...] = ()  # unit codes from the root down to the cadre's own unit
    title_code: str | None = None
    title_name: str | None = None
    title_rank: str | None = None
    title_appointed_on: date | None = None
    position: str | None = None
    position_appointed_on: date | None = None
    recruited_on: date | None = None
    qualifications: dict[str, str | None] = field(default_factory=dict)  # field → level code
    education_major: str | None = None
    certificates: tuple[CertificateRecord, ...] = ()
    enrollments: tuple[EnrollmentRecord, ...] = ()
    commitments: tuple[CommitmentRecord, ...] = ()


# ----------------------------------------------------------------------------------------------- results


class Status(StrEnum):
    MET = "met"
    IN_PROGRESS = "in_progress"
    MISSING = "missing"
    OVERDUE = "overdue"
    NOT_APPLICABLE = "not_applicable"


STATUS_LABELS = {
    Status.MET: "Đã đáp ứng",
    Status.IN_PROGRESS: "Đang thực hiện",
    Status.MISSING: "Còn thiếu",
    Status.OVERDUE: "Quá hạn",
    Status.NOT_APPLICABLE: "Không áp dụng",
}


@dataclass(frozen=True)
class Evidence:
    kind: str  # "certificate", "enrollment", "qualification", "commitment"
    ref: str  # certificate number, course code, qualification field
    label: str  # Vietnamese, for people
    on: date | None = None
    counts: bool = True  # False: shown for context (expired certificate, course still running)


@dataclass(frozen=True)
class LegalRef:
    unit_id: str
    label: str
    quote: str


@dataclass(frozen=True)
class RequirementStatus:
    rule_id: str
    title: str
    status: Status
    due_date: date | None
    evidence: tuple[Evidence, ...]
    citation: str  # "Điểm b Khoản 3 Điều 3 Thông tư số 01/2021/TT-BGDĐT; …"
    legal_basis: tuple[LegalRef, ...]
    detail: str = ""  # Vietnamese explanation of the status
    summary: str = ""  # the rule's own summary (project words)
    progress: tuple[int, int] | None = None  # (done, required) for hour quotas

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def unit_ids(self) -> tuple[str, ...]:
        return tuple(ref.unit_id for ref in self.legal_basis)


# ----------------------------------------------------------------------------------------------- helpers


def add_months(d: date, months: int) -> date:
    """Calendar-month arithmetic, clamped to the month's last day (31/1 + 1 month = 28 or 29/2)."""
    total = d.month - 1 + months
    year, month = d.year + total // 12, total % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _fold(text: str | None) -> str:
    return " ".join(fold_accents(text or "").split())


def applicability_problem(rule: Rule, cadre: CadreRecord, as_of: date) -> str | None:
    """Why the rule does not apply to this cadre on this date, or None when it does."""
    a = rule.applies_to
    if a.in_force_from and as_of < a.in_force_from:
        return f"quy định áp dụng từ {a.in_force_from:%d/%m/%Y}"
    if a.in_force_to and as_of > a.in_force_to:
        return f"quy định chỉ áp dụng đến {a.in_force_to:%d/%m/%Y}"
    if a.kinds and cadre.kind not in a.kinds:
        return "không thuộc đối tượng (loại cán bộ, công chức, viên chức)"
    if a.title_codes and (cadre.title_code or "").strip().upper() not in {c.upper() for c in a.title_codes}:
        return "không giữ chức danh nghề nghiệp/ngạch mà quy định áp dụng"
    if a.title_ranks and (cadre.title_rank or "") not in a.title_ranks:
        return "không giữ hạng mà quy định áp dụng"
    if a.positions and not any(_fold(cadre.position).startswith(_fold(p)) for p in a.positions):
        return "không giữ chức vụ mà quy định áp dụng"
    if a.unit_codes and not set(a.unit_codes) & set(cadre.unit_path):
        return "không thuộc đơn vị mà quy định áp dụng"
    if any(isinstance(c, CommitmentCond) for c in rule.satisfied_by) and not cadre.commitments:
        return "không có cam kết phục vụ sau đào tạo"
    return None


def due_date(rule: Rule, cadre: CadreRecord) -> date | None:
    d = rule.deadline
    if d is None:
        return None
    if d.anchor == "fixed":
        return d.on
    anchor = {
        "recruitment": cadre.recruited_on,
        "title_appointment": cadre.title_appointed_on,
        "position_appointment": cadre.position_appointed_on,
    }[d.anchor]
    if anchor is None or (d.anchor_on_or_after and anchor < d.anchor_on_or_after):
        return None
    return add_months(anchor, d.months)


# ----------------------------------------------------------------------------------------------- matching


@dataclass
class _Match:
    met: bool = False
    evidence: list[Evidence] = field(default_factory=list)  # what satisfies (or would, when it ends)
    context: list[Evidence] = field(default_factory=list)  # expired, pending or partial items
    active: bool = False  # a course that would satisfy is registered or under way
    expired_on: date | None = None  # latest expiry of a certificate that used to satisfy
    progress: tuple[int, int] | None = None
    until: date | None = None  # end of the latest running service commitment
    notes: list[str] = field(default_factory=list)


def _cert_valid_until(cert: CertificateRecord, cond: CertificateCond) -> date | None:
    ends = [
        d
        for d in (cert.expires_on, add_months(cert.issued_on, cond.validity_months) if cond.validity_months else None)
        if d
    ]
    return min(ends) if ends else None


def _held_certificates(cadre: CadreRecord) -> list[CertificateRecord]:
    """Recorded certificates plus those awarded by completed courses (a course certificate need not be re-typed)."""
    held = list(cadre.certificates)
    known = {(c.cert_type, c.number) for c in held}
    for e in cadre.enrollments:
        if e.status is EnrollmentStatus.COMPLETED and e.certificate_type and e.finished_on:
            key = (e.certificate_type, e.certificate_number or "")
            if key not in known:
                held.append(
                    CertificateRecord(e.certificate_type, e.finished_on, e.certificate_number or "", e.course_name)
                )
    return held


def _match_certificate(cond: CertificateCond, cadre: CadreRecord, as_of: date, names: RuleSet | None) -> _Match:
    m = _Match()
    for cert in sorted(_held_certificates(cadre), key=lambda c: c.issued_on, reverse=True):
        if cert.cert_type not in cond.types or cert.issued_on > as_of:
            continue
        label = (names.certificate_name(cert.cert_type) if names else cert.name) or cert.cert_type
        if cert.number:
            label += f" số {cert.number}"
        if cond.issued_before and cert.issued_on >= cond.issued_before:
            continue
        until = _cert_valid_until(cert, cond)
        if until is not None and until < as_of:
            m.context.append(
                Evidence("certificate", cert.number, f"{label} (hết hạn {until:%d/%m/%Y})", cert.issued_on, False)
            )
            m.expired_on = max(m.expired_on or until, until)
            continue
        suffix = f", cấp {cert.issued_on:%d/%m/%Y}" + (f", hiệu lực đến {until:%d/%m/%Y}" if until else "")
        m.evidence.append(Evidence("certificate", cert.number, label + suffix, cert.issued_on))
        m.met = True
    for e in cadre.enrollments:
        if e.status in ACTIVE_ENROLLMENT and e.certificate_type in cond.types:
            m.active = True
            m.context.append(Evidence("enrollment", e.course_code, f"Đang học: {e.course_name}", e.start_date, False))
    return m


def _match_course(cond: CourseCond, cadre: CadreRecord, as_of: date) -> _Match:
    m = _Match()
    for e in cadre.enrollments:
        if e.course_type not in cond.course_types:
            continue
        if cond.certificate_types and e.certificate_type not in cond.certificate_types:
            continue
        if e.status is EnrollmentStatus.COMPLETED and e.finished_on and e.finished_on <= as_of:
            m.met = True
            m.evidence.append(Evidence("enrollment", e.course_code, f"Hoàn thành: {e.course_name}", e.finished_on))
        elif e.status in ACTIVE_ENROLLMENT:
            m.active = True
            m.context.append(Evidence("enrollment", e.course_code, f"Đang học: {e.course_name}", e.start_date, False))
    return m


def _match_qualification(cond: QualificationCond, cadre: CadreRecord) -> _Match:
    value = cadre.qualifications.get(cond.field)
    rank, need = level_rank(cond.field, value), level_rank(cond.field, cond.min_level)
    major_ok = not cond.major_contains or any(_fold(w) in _fold(cadre.education_major) for w in cond.major_contains)
    m = _Match()
    if rank is not None and need is not None and rank >= need and major_ok:
        label = f"Trình độ: {value}" + (f" ({cadre.education_major})" if cond.major_contains else "")
        m.met, m.evidence = True, [Evidence("qualification", cond.field, label)]
    elif value:
        m.notes.append(f"hồ sơ ghi {value}" + (f", ngành {cadre.education_major}" if cadre.education_major else ""))
    return m


def _match_hours(cond: HoursCond, cadre: CadreRecord, as_of: date) -> _Match:
    start = date(as_of.year, 1, 1)
    m = _Match()
    done = 0
    for e in cadre.enrollments:
        if e.course_type not in cond.course_types:
            continue
        if e.status is EnrollmentStatus.COMPLETED and e.finished_on and start <= e.finished_on <= as_of:
            done += e.hours
            m.evidence.append(Evidence("enrollment", e.course_code, f"{e.course_name}: {e.hours} tiết", e.finished_on))
        elif e.status in ACTIVE_ENROLLMENT:
            m.active = True
            m.context.append(Evidence("enrollment", e.course_code, f"Đang học: {e.course_name}", e.start_date, False))
    m.progress = (done, cond.hours)
    m.met = done >= cond.hours
    if not m.met and done:
        m.active = True  # partly done counts as under way
    return m


def _match_commitments(cadre: CadreRecord, as_of: date) -> _Match:
    m = _Match()
    running = [c for c in cadre.commitments if c.end_date > as_of]
    for c in sorted(cadre.commitments, key=lambda c: c.start_date):
        cost = f", chi phí {c.cost:,} đồng".replace(",", ".") if c.cost else ""
        label = f"Cam kết phục vụ {c.service_years} năm từ {c.start_date:%d/%m/%Y} đến {c.end_date:%d/%m/%Y}{cost}"
        m.evidence.append(Evidence("commitment", c.course_code or "", label, c.start_date, c.end_date <= as_of))
    m.met = not running
    m.active = bool(running)
    m.until = max((c.end_date for c in running), default=None)
    return m


def _match(cond: Condition, cadre: CadreRecord, as_of: date, names: RuleSet | None) -> _Match:
    if isinstance(cond, CertificateCond):
        return _match_certificate(cond, cadre, as_of, names)
    if isinstance(cond, CourseCond):
        return _match_course(cond, cadre, as_of)
    if isinstance(cond, QualificationCond):
        return _match_qualification(cond, cadre)
    if isinstance(cond, HoursCond):
        return _match_hours(cond, cadre, as_of)
    if isinstance(cond, CommitmentCond):
        return _match_commitments(cadre, as_of)
    if isinstance(cond, AllOfCond):
        parts = [_match(c, cadre, as_of, names) for c in cond.conditions]
        combined = _Match(met=all(p.met for p in parts), active=any(p.active for p in parts))
        for p in parts:
            combined.evidence += p.evidence
            combined.context += p.context
            combined.notes += p.notes
            combined.expired_on = max(filter(None, [combined.expired_on, p.expired_on]), default=None)
        if not combined.met:  # partial evidence of an unmet conjunction is context, not proof
            combined.context = [replace(e, counts=False) for e in combined.evidence] + combined.context
            combined.evidence = []
        return combined
    raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover


def _best(matches: Sequence[_Match]) -> _Match:
    if len(matches) == 1:
        return matches[0]
    met = [m for m in matches if m.met]
    if met:
        return met[0]
    merged = _Match(active=any(m.active for m in matches))
    for m in matches:
        merged.context += m.evidence + m.context
        merged.notes += m.notes
        merged.expired_on = max(filter(None, [merged.expired_on, m.expired_on]), default=None)
        merged.progress = merged.progress or m.progress
    return merged


# ----------------------------------------------------------------------------------------------- evaluation


def _decide(rule: Rule, match: _Match, due: date | None, as_of: date) -> tuple[Status, date | None, str]:
    is_commitment = any(isinstance(c, CommitmentCond) for c in rule.satisfied_by)
    if is_commitment:
        if match.met:
            return Status.MET, None, "đã làm việc đủ thời gian cam kết"
        return Status.IN_PROGRESS, match.until, "đang trong thời gian cam kết phục vụ"
    if match.met:
        dates = [e.on for e in match.evidence if e.on]
        if due and dates and min(dates) > due:
            return Status.MET, due, f"đã đáp ứng nhưng sau hạn {due:%d/%m/%Y}"
        return Status.MET, due, "đã có minh chứng đáp ứng"
    if due is None and match.expired_on is not None:
        due = match.expired_on
    if due is not None and due < as_of:
        detail = f"đã quá hạn ngày {due:%d/%m/%Y}"
        if match.active:
            detail += " (đang học khóa bồi dưỡng liên quan)"
        return Status.OVERDUE, due, detail
    if match.active:
        return Status.IN_PROGRESS, due, "đang học khóa bồi dưỡng liên quan" if not match.progress else "đang tích lũy"
    detail = "chưa có minh chứng trong hồ sơ"
    if match.notes:
        detail += " (" + "; ".join(match.notes) + ")"
    return Status.MISSING, due, detail


def _legal_refs(rule: Rule) -> tuple[LegalRef, ...]:
    return tuple(LegalRef(b.unit_id, b.label, b.quote) for b in rule.legal_basis)


def _status(
    rule: Rule,
    status: Status,
    due: date | None,
    evidence: tuple[Evidence, ...],
    detail: str,
    progress: tuple[int, int] | None = None,
) -> RequirementStatus:
    return RequirementStatus(
        rule.id, rule.title, status, due, evidence, rule.citation, _legal_refs(rule), detail, rule.summary, progress
    )


def evaluate_rule(rule: Rule, cadre: CadreRecord, as_of: date, names: RuleSet | None = None) -> RequirementStatus:
    if problem := applicability_problem(rule, cadre, as_of):
        return _status(rule, Status.NOT_APPLICABLE, None, (), problem)
    match = _best([_match(c, cadre, as_of, names) for c in rule.satisfied_by])
    due = due_date(rule, cadre)
    if match.progress is not None and not match.met:
        due = due or date(as_of.year, 12, 31)
    status, due, detail = _decide(rule, match, due, as_of)
    if match.progress:
        detail += f": {match.progress[0]}/{match.progress[1]} tiết trong năm {as_of.year}"
    if match.met:
        evidence = tuple(match.evidence)
    elif match.progress is not None or any(isinstance(c, CommitmentCond) for c in rule.satisfied_by):
        evidence = tuple(match.evidence + match.context)  # partial hours and running commitments are real records
    else:
        evidence = tuple([replace(e, counts=False) for e in match.evidence] + match.context)
    return _status(rule, status, due, evidence, detail, match.progress)


def evaluate(
    cadre: CadreRecord, as_of: date, rules: RuleSet | Iterable[Rule], *, include_not_applicable: bool = False
) -> list[RequirementStatus]:
    """Status of every rule that applies to `cadre` on `as_of` (rule-file order); optionally the others too."""
    names = rules if isinstance(rules, RuleSet) else None
    items = rules.rules if isinstance(rules, RuleSet) else list(rules)
    statuses = [evaluate_rule(rule, cadre, as_of, names) for rule in items]
    if include_not_applicable:
        return statuses
    return [s for s in statuses if s.status is not Status.NOT_APPLICABLE]
