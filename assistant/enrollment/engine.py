"""The requirement engine: pure, deterministic functions from loaded records and rules to statuses.

Nothing here touches the database or the clock; callers pass `as_of`. Each status carries its evidence, its due
date and its legal basis so that any answer built on it can be checked against the cited words.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
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
    Deadline,
    Exemption,
    HoursCond,
    QualificationCond,
    Rule,
    RuleSet,
    TenureCond,
    level_rank,
    normalize_title_code,
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


class TitleChange(StrEnum):
    RECRUITMENT = "tuyen_dung"  # bổ nhiệm khi tuyển dụng
    PROMOTION = "thang_hang"  # thăng hạng
    TRANSFER = "chuyen_chuc_danh"  # xét chuyển chức danh nghề nghiệp
    APPOINTMENT = "bo_nhiem"  # bổ nhiệm (ngạch, chức danh) khác


@dataclass(frozen=True)
class TitleSpell:
    """One title held, from `since` (its appointment date) until the next spell starts."""

    title_code: str
    since: date
    change: TitleChange = TitleChange.APPOINTMENT
    title_name: str = ""
    title_rank: str | None = None


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
    title_history: tuple[TitleSpell, ...] = ()  # earlier titles and the current one, any order

    def spells(self) -> list[TitleSpell]:
        """Title history oldest first, ending with the current title (added when the history lacks it)."""
        spells = sorted(self.title_history, key=lambda t: t.since)
        current = normalize_title_code(self.title_code)
        if (
            current
            and self.title_appointed_on
            and not any(
                normalize_title_code(t.title_code) == current and t.since == self.title_appointed_on for t in spells
            )
        ):
            spells.append(TitleSpell(current, self.title_appointed_on, TitleChange.APPOINTMENT, self.title_name or ""))
            spells.sort(key=lambda t: t.since)
        return spells

    def current_spell(self) -> TitleSpell | None:
        current = normalize_title_code(self.title_code)
        matching = [t for t in self.spells() if normalize_title_code(t.title_code) == current]
        return matching[-1] if matching else None


# ----------------------------------------------------------------------------------------------- results


class Status(StrEnum):
    MET = "met"
    IN_PROGRESS = "in_progress"
    MISSING = "missing"
    OVERDUE = "overdue"
    EXEMPT = "exempt"  # the corpus waives the requirement for this person (e.g. on a change of title)
    NOT_APPLICABLE = "not_applicable"


STATUS_LABELS = {
    Status.MET: "Đã đáp ứng",
    Status.IN_PROGRESS: "Đang thực hiện",
    Status.MISSING: "Còn thiếu",
    Status.OVERDUE: "Quá hạn",
    Status.EXEMPT: "Không yêu cầu",
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
    basis_notes: tuple[str, ...] = ()  # "…: căn cứ đã hết hiệu lực / chưa rõ hiệu lực (…)" — shown with the status
    basis_state: str = "in_force"  # worst state of the requirement's own bases (see validity.BasisState)
    purpose: str = "standard"  # "standard", "promotion" (thăng hạng condition) or "obligation"
    note: str = ""  # what the engine does not check (the project's words)

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


def cadre_title_code(cadre: CadreRecord, names: RuleSet | None = None) -> str:
    """The cadre's title code, normalised; found from the title's name when the record has no code."""
    code = normalize_title_code(cadre.title_code)
    if not code and names is not None:
        code = names.title_code_for_name(cadre.title_name) or ""
    return code


def applicability_problem(rule: Rule, cadre: CadreRecord, as_of: date, names: RuleSet | None = None) -> str | None:
    """Why the rule does not apply to this cadre on this date, or None when it does."""
    a = rule.applies_to
    if a.in_force_from and as_of < a.in_force_from:
        return f"quy định áp dụng từ {a.in_force_from:%d/%m/%Y}"
    if a.in_force_to and as_of > a.in_force_to:
        return f"quy định chỉ áp dụng đến {a.in_force_to:%d/%m/%Y}"
    if a.kinds and cadre.kind not in a.kinds:
        return "không thuộc đối tượng (loại cán bộ, công chức, viên chức)"
    if a.title_codes and cadre_title_code(cadre, names) not in a.normalized_title_codes:
        return "không giữ chức danh nghề nghiệp/ngạch mà quy định áp dụng"
    if a.title_ranks and (cadre.title_rank or "") not in a.title_ranks:
        return "không giữ hạng mà quy định áp dụng"
    if a.positions and not any(_fold(cadre.position).startswith(_fold(p)) for p in a.positions):
        return "không giữ chức vụ mà quy định áp dụng"
    if a.position_appointed_on_or_after and (
        cadre.position_appointed_on is None or cadre.position_appointed_on < a.position_appointed_on_or_after
    ):
        when = f"ngày {cadre.position_appointed_on:%d/%m/%Y}" if cadre.position_appointed_on else "ngày chưa rõ"
        return f"bổ nhiệm chức vụ {when}, không từ {a.position_appointed_on_or_after:%d/%m/%Y} trở đi"
    if a.unit_codes and not set(a.unit_codes) & set(cadre.unit_path):
        return "không thuộc đơn vị mà quy định áp dụng"
    if any(isinstance(c, CommitmentCond) for c in rule.satisfied_by) and not cadre.commitments:
        return "không có cam kết phục vụ sau đào tạo"
    return None


_ANCHOR_LABELS = {
    "recruitment": "ngày tuyển dụng",
    "title_appointment": "ngày bổ nhiệm chức danh/ngạch",
    "position_appointment": "ngày bổ nhiệm chức vụ",
}


def _anchor_date(anchor: str, cadre: CadreRecord) -> date | None:
    if anchor == "title_appointment":
        spell = cadre.current_spell()
        return spell.since if spell else cadre.title_appointed_on
    return {"recruitment": cadre.recruited_on, "position_appointment": cadre.position_appointed_on}.get(anchor)


def _deadline_applies(d: Deadline, cadre: CadreRecord) -> bool:
    window = d.window_anchor
    if window is None:
        return True
    tested = _anchor_date(window, cadre)
    if tested is None:
        return False
    if d.anchor_on_or_after and tested < d.anchor_on_or_after:
        return False
    return not (d.anchor_before and tested >= d.anchor_before)


def due_date(rule: Rule, cadre: CadreRecord) -> date | None:
    """The first of the rule's deadlines whose window holds the cadre; None when none does."""
    for d in rule.deadlines:
        if not _deadline_applies(d, cadre):
            continue
        if d.anchor == "fixed":
            return d.on
        anchor = _anchor_date(d.anchor, cadre)
        if anchor is None:
            continue
        return add_months(anchor, d.months)
    return None


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
    """Only a rule that sets a validity makes a certificate lapse; a typed expiry alone changes nothing."""
    if not cond.validity_months:
        return None
    ends = [d for d in (cert.expires_on, add_months(cert.issued_on, cond.validity_months)) if d]
    return min(ends)


def _canonical(cert_type: str | None, names: RuleSet | None) -> str | None:
    if not cert_type:
        return None
    return (names.certificate_code(cert_type) if names else None) or cert_type


def _held_certificates(cadre: CadreRecord, names: RuleSet | None) -> list[CertificateRecord]:
    """Recorded certificates plus those awarded by completed courses, each once.

    A course certificate need not be re-typed; when it is (same type and number, or same type and date), the
    recorded certificate is the one kept.
    """
    held: list[CertificateRecord] = []
    seen: set[tuple[str, str]] = set()
    for c in cadre.certificates:
        code = _canonical(c.cert_type, names) or c.cert_type
        key = (code, c.number or f"@{c.issued_on.isoformat()}")
        if key in seen:
            continue
        seen.add(key)
        held.append(replace(c, cert_type=code))
    recorded = {(c.cert_type, c.number) for c in held if c.number} | {(c.cert_type, c.issued_on) for c in held}
    for e in cadre.enrollments:
        awarded = _canonical(e.certificate_type, names)
        if e.status is EnrollmentStatus.COMPLETED and awarded and e.finished_on:
            if (awarded, e.certificate_number) in recorded or (awarded, e.finished_on) in recorded:
                continue
            recorded.add((awarded, e.finished_on))
            held.append(CertificateRecord(awarded, e.finished_on, e.certificate_number or "", e.course_name))
    return held


def _pending(e: EnrollmentRecord, as_of: date) -> Evidence | None:
    """An enrollment still open in the record: under way (counts as in progress) or without a result."""
    if e.status not in ACTIVE_ENROLLMENT:
        return None
    if e.end_date is not None and e.end_date < as_of:
        return Evidence(
            "enrollment",
            e.course_code,
            f"Chưa có kết quả: {e.course_name} (khóa học kết thúc {e.end_date:%d/%m/%Y}, hồ sơ chưa ghi kết quả)",
            e.end_date,
            False,
        )
    verb = "Đã đăng ký" if e.status is EnrollmentStatus.REGISTERED else "Đang học"
    when = f", {e.start_date:%d/%m/%Y}–{e.end_date:%d/%m/%Y}" if e.start_date and e.end_date else ""
    return Evidence("enrollment", e.course_code, f"{verb}: {e.course_name}{when}", e.start_date, False)


def _is_running(e: EnrollmentRecord, as_of: date) -> bool:
    return e.status in ACTIVE_ENROLLMENT and not (e.end_date is not None and e.end_date < as_of)


def _match_certificate(cond: CertificateCond, cadre: CadreRecord, as_of: date, names: RuleSet | None) -> _Match:
    m = _Match()
    types = {_canonical(t, names) or t for t in cond.types}
    for cert in sorted(_held_certificates(cadre, names), key=lambda c: c.issued_on, reverse=True):
        if cert.cert_type not in types or cert.issued_on > as_of:
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
        if _canonical(e.certificate_type, names) in types and (pending := _pending(e, as_of)) is not None:
            m.active = m.active or _is_running(e, as_of)
            m.context.append(pending)
    return m


def _match_course(cond: CourseCond, cadre: CadreRecord, as_of: date, names: RuleSet | None) -> _Match:
    m = _Match()
    wanted = {_canonical(t, names) or t for t in cond.certificate_types}
    for e in cadre.enrollments:
        if e.course_type not in cond.course_types:
            continue
        if wanted and _canonical(e.certificate_type, names) not in wanted:
            continue
        if e.status is EnrollmentStatus.COMPLETED and e.finished_on and e.finished_on <= as_of:
            since = _anchor_date(cond.after, cadre) if cond.after else None
            if cond.after is not None and since is not None and e.finished_on < since:
                m.context.append(
                    Evidence(
                        "enrollment",
                        e.course_code,
                        f"Hoàn thành: {e.course_name} ({e.finished_on:%d/%m/%Y}, trước {_ANCHOR_LABELS[cond.after]})",
                        e.finished_on,
                        False,
                    )
                )
                continue
            m.met = True
            m.evidence.append(
                Evidence(
                    "enrollment",
                    e.course_code,
                    f"Hoàn thành: {e.course_name} ({e.finished_on:%d/%m/%Y})",
                    e.finished_on,
                )
            )
        elif (pending := _pending(e, as_of)) is not None:
            m.active = m.active or _is_running(e, as_of)
            m.context.append(pending)
    return m


_LEVEL_NAMES = {
    "trung_cap": "trung cấp",
    "cao_dang": "cao đẳng",
    "dai_hoc": "đại học",
    "thac_si": "thạc sĩ",
    "chuyen_khoa_1": "chuyên khoa cấp I",
    "tien_si": "tiến sĩ",
    "chuyen_khoa_2": "chuyên khoa cấp II",
    "so_cap": "sơ cấp",
    "cao_cap": "cao cấp",
    "cu_nhan": "cử nhân",
    "chuyen_vien": "chuyên viên",
    "chuyen_vien_chinh": "chuyên viên chính",
    "chuyen_vien_cao_cap": "chuyên viên cao cấp",
    "co_ban": "cơ bản",
    "nang_cao": "nâng cao",
}
_FIELD_NAMES = {
    "education_level": "Trình độ chuyên môn",
    "political_theory": "Lý luận chính trị",
    "state_management": "Quản lý nhà nước",
    "foreign_language": "Ngoại ngữ",
    "it_skill": "Tin học",
}


def level_label(value: str) -> str:
    if value.startswith("bac_"):
        return "bậc " + value.removeprefix("bac_")
    return _LEVEL_NAMES.get(value, value)


def _match_qualification(cond: QualificationCond, cadre: CadreRecord) -> _Match:
    value = cadre.qualifications.get(cond.field)
    rank, need = level_rank(cond.field, value), level_rank(cond.field, cond.min_level)
    major_ok = not cond.major_contains or any(_fold(w) in _fold(cadre.education_major) for w in cond.major_contains)
    m = _Match()
    if value and rank is not None and need is not None and rank >= need and major_ok:
        label = f"{_FIELD_NAMES[cond.field]}: {level_label(value)}"
        if cond.field == "education_level" and cadre.education_major:
            label += f" ({cadre.education_major})"
        m.met, m.evidence = True, [Evidence("qualification", cond.field, label)]
    elif value:
        m.notes.append(
            f"hồ sơ ghi {level_label(value)}" + (f", ngành {cadre.education_major}" if cadre.education_major else "")
        )
    return m


def _years_between(start: date, end: date) -> float:
    return (end - start).days / 365.25


def _match_tenure(cond: TenureCond, cadre: CadreRecord, as_of: date) -> _Match:
    """Time held in the listed titles up to `as_of`; earlier spells count only through a chuyển chức danh chain."""
    m = _Match()
    if cond.min_education:
        rank = level_rank("education_level", cadre.qualifications.get("education_level"))
        need = level_rank("education_level", cond.min_education)
        if rank is None or need is None or rank < need:
            m.notes.append(f"thời hạn này áp dụng cho người có trình độ {level_label(cond.min_education)} trở lên")
            return m
    codes = {normalize_title_code(c) for c in cond.title_codes}
    spells = cadre.spells()
    held_days = 0
    start_of_run: date | None = None
    for i, spell in enumerate(spells):
        end = spells[i + 1].since if i + 1 < len(spells) else as_of
        if spell.since > as_of:
            break
        end = min(end, as_of)
        if normalize_title_code(spell.title_code) in codes:
            held_days += (end - spell.since).days
            start_of_run = start_of_run or spell.since
    years = held_days / 365.25
    if held_days and start_of_run:
        m.evidence.append(
            Evidence(
                "title",
                ", ".join(sorted(codes)),
                f"Giữ chức danh mã {', '.join(sorted(codes))} từ {start_of_run:%d/%m/%Y}: {years:.1f} năm",
                start_of_run,
            )
        )
    m.met = years >= cond.years
    if not m.met:
        m.context, m.evidence = [replace(e, counts=False) for e in m.evidence], []
        m.notes.append(f"cần đủ {cond.years} năm, hồ sơ ghi {years:.1f} năm")
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
        elif (pending := _pending(e, as_of)) is not None:
            m.active = m.active or _is_running(e, as_of)
            m.context.append(pending)
    m.progress = (done, cond.hours)
    m.met = done >= cond.hours
    if not m.met and done:
        m.active = True  # partly done counts as under way
    return m


def _match_commitments(cadre: CadreRecord, as_of: date) -> _Match:
    m = _Match()
    running = [c for c in cadre.commitments if c.end_date > as_of]
    for c in sorted(cadre.commitments, key=lambda c: c.start_date):
        cost = ", chi phí " + f"{c.cost:,}".replace(",", ".") + " đồng" if c.cost else ""
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
        return _match_course(cond, cadre, as_of, names)
    if isinstance(cond, QualificationCond):
        return _match_qualification(cond, cadre)
    if isinstance(cond, HoursCond):
        return _match_hours(cond, cadre, as_of)
    if isinstance(cond, CommitmentCond):
        return _match_commitments(cadre, as_of)
    if isinstance(cond, TenureCond):
        return _match_tenure(cond, cadre, as_of)
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


def _once(items: Iterable[Evidence]) -> tuple[Evidence, ...]:
    """Each record once: the same enrollment or certificate reached through two alternatives is one line."""
    out: dict[tuple[str, str, str], Evidence] = {}
    for e in items:
        key = (e.kind, e.ref, e.label)
        if key not in out:
            out[key] = e
        elif e.counts and not out[key].counts:
            out[key] = e
    return tuple(out.values())


# ----------------------------------------------------------------------------------------------- exemptions


def _exemption_applies(ex: Exemption, cadre: CadreRecord) -> tuple[bool, Evidence | None]:
    if ex.when == "title_transfer":
        spell = cadre.current_spell()
        if spell is not None and spell.change is TitleChange.TRANSFER:
            label = f"Chuyển sang chức danh mã {normalize_title_code(spell.title_code)} ngày {spell.since:%d/%m/%Y}"
            return True, Evidence("title", spell.title_code, label, spell.since)
        return False, None
    anchor = "title_appointment" if ex.when == "appointed_before" else "recruitment"
    on = _anchor_date(anchor, cadre)
    if on is not None and ex.before is not None and on < ex.before:
        label = f"{_ANCHOR_LABELS[anchor].capitalize()} {on:%d/%m/%Y} (trước {ex.before:%d/%m/%Y})"
        return True, Evidence("title" if anchor == "title_appointment" else "recruitment", anchor, label, on)
    return False, None


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


def _legal_refs(rule: Rule, extra: Sequence[Exemption] = ()) -> tuple[LegalRef, ...]:
    bases = list(rule.legal_basis) + [b for ex in extra for b in ex.legal_basis]
    return tuple(LegalRef(b.unit_id, b.label, b.quote) for b in bases)


# A judge of a rule's bases on a date: (notes shown with the status, worst state); see validity.RuleValidity.
BasisJudge = Callable[[Rule, date], tuple[tuple[str, ...], str]]


def _status(
    rule: Rule,
    status: Status,
    due: date | None,
    evidence: Iterable[Evidence],
    detail: str,
    progress: tuple[int, int] | None = None,
    exemptions: Sequence[Exemption] = (),
) -> RequirementStatus:
    citation = rule.citation + "".join(f"; {ex.citation}" for ex in exemptions)
    return RequirementStatus(
        rule.id,
        rule.title,
        status,
        due,
        _once(evidence),
        citation,
        _legal_refs(rule, exemptions),
        detail,
        rule.summary,
        progress,
        purpose=rule.purpose,
        note=rule.note,
    )


def evaluate_rule(
    rule: Rule, cadre: CadreRecord, as_of: date, names: RuleSet | None = None, judge: BasisJudge | None = None
) -> RequirementStatus:
    result = _evaluate_rule(rule, cadre, as_of, names)
    if judge is None or result.status is Status.NOT_APPLICABLE:
        return result
    notes, state = judge(rule, as_of)
    if not notes:
        return result
    status, detail = result.status, result.detail
    if status is Status.OVERDUE and state in ("expired", "not_yet", "missing"):
        # a basis no longer (or not yet) in force, or absent, cannot make anyone overdue: the gap is shown, the
        # deadline is not enforced; an uncertain one keeps the status and says so
        status = Status.MISSING
        detail = detail.replace("đã quá hạn", "hạn theo căn cứ là")
    return replace(result, status=status, detail=detail, basis_notes=notes, basis_state=state)


def _evaluate_rule(rule: Rule, cadre: CadreRecord, as_of: date, names: RuleSet | None) -> RequirementStatus:
    if problem := applicability_problem(rule, cadre, as_of, names):
        return _status(rule, Status.NOT_APPLICABLE, None, (), problem)
    match = _best([_match(c, cadre, as_of, names) for c in rule.satisfied_by])
    due = due_date(rule, cadre)
    if match.progress is not None and not match.met:
        due = due or date(as_of.year, 12, 31)
    if not match.met:
        pointed: list[str] = []
        for ex in rule.exemptions:
            applies, fact = _exemption_applies(ex, cadre)
            if not applies:
                continue
            if ex.confirm:
                pointed.append(f"có thể không phải đáp ứng nếu {ex.confirm} (căn cứ {ex.citation})")
                continue
            facts = [fact] if fact else []
            if ex.effect == "met":
                detail = f"được xác định là đáp ứng theo {ex.legal_basis[0].label}"
                return _status(rule, Status.MET, None, facts, detail, exemptions=[ex])
            detail = f"không yêu cầu theo {ex.legal_basis[0].label}"
            return _status(rule, Status.EXEMPT, None, facts, detail, exemptions=[ex])
        match.notes += pointed
    status, due, detail = _decide(rule, match, due, as_of)
    if match.progress:
        detail += f": {match.progress[0]}/{match.progress[1]} tiết trong năm {as_of.year}"
    if match.met:
        evidence: list[Evidence] = list(match.evidence)
    elif match.progress is not None or any(isinstance(c, CommitmentCond) for c in rule.satisfied_by):
        evidence = match.evidence + match.context  # partial hours and running commitments are real records
    else:
        evidence = [replace(e, counts=False) for e in match.evidence] + match.context
    return _status(rule, status, due, evidence, detail, match.progress)


def evaluate(
    cadre: CadreRecord,
    as_of: date,
    rules: RuleSet | Iterable[Rule],
    *,
    include_not_applicable: bool = False,
    purposes: Iterable[str] = ("standard", "obligation"),
    judge: BasisJudge | None = None,
) -> list[RequirementStatus]:
    """Status of every rule that applies to `cadre` on `as_of` (rule-file order); optionally the others too.

    Thăng hạng conditions ("promotion") are evaluated only when asked for through `purposes`.
    """
    names = rules if isinstance(rules, RuleSet) else None
    items = rules.rules if isinstance(rules, RuleSet) else list(rules)
    wanted = set(purposes)
    items = [r for r in items if r.purpose in wanted]
    if not include_not_applicable:  # a rule for another title cannot apply: skip it without evaluating
        code = cadre_title_code(cadre, names)
        if names is not None:
            allowed = {id(r) for r in names.candidates(code)}
            items = [r for r in items if id(r) in allowed]
        else:
            items = [r for r in items if not r.applies_to.title_codes or code in r.applies_to.normalized_title_codes]
    statuses = [evaluate_rule(rule, cadre, as_of, names, judge) for rule in items]
    if include_not_applicable:
        return statuses
    return [s for s in statuses if s.status is not Status.NOT_APPLICABLE]
