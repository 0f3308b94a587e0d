"""Read models of enrollment records: plain, frozen views of units, cadres, their courses and requirement statuses.

The service builds them from the ORM rows; exports, the API and the CLI read them. Nothing here touches a session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from assistant.enrollment.engine import RequirementStatus, Status
from assistant.enrollment.models import Cadre, CadreKind, Enrollment, EnrollmentStatus
from assistant.enrollment.repository import UnitTree

KIND_LABELS = {CadreKind.CAN_BO: "Cán bộ", CadreKind.CONG_CHUC: "Công chức", CadreKind.VIEN_CHUC: "Viên chức"}
ENROLLMENT_LABELS = {
    EnrollmentStatus.REGISTERED: "Đã đăng ký",
    EnrollmentStatus.IN_PROGRESS: "Đang học",
    EnrollmentStatus.COMPLETED: "Hoàn thành",
    EnrollmentStatus.FAILED: "Không đạt",
    EnrollmentStatus.WITHDRAWN: "Đã rút",
}


@dataclass(frozen=True)
class UnitSummary:
    code: str
    name: str
    level: str
    parent_code: str | None
    depth: int  # 0 for the unit asked about


@dataclass(frozen=True)
class CadreSummary:
    code: str
    full_name: str
    kind: str
    kind_label: str
    unit_code: str
    unit_name: str
    unit_path: tuple[str, ...]  # unit names from the province down
    position: str | None
    title_code: str | None
    title_name: str | None
    title_rank: str | None
    recruited_on: date | None
    qualifications: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class EnrollmentSummary:
    course_code: str
    course_name: str
    course_type: str
    status: str
    status_label: str
    hours: int | None
    start_date: date | None
    end_date: date | None
    completed_on: date | None
    certificate_number: str | None
    provider: str | None
    format: str | None
    location: str | None
    abroad: bool


@dataclass(frozen=True)
class CadreStatusReport:
    cadre: CadreSummary
    as_of: date
    statuses: list[RequirementStatus]
    enrollments: list[EnrollmentSummary]
    # False when no rule of the corpus states a training standard for the person's title (code or name): say
    # "Kho quy định chưa có tiêu chuẩn đào tạo, bồi dưỡng cho chức danh … của anh/chị", never "no requirement".
    title_standard_known: bool = True
    promotion: list[RequirementStatus] = field(default_factory=list)  # thăng hạng conditions, where the corpus has them

    def count(self, status: Status) -> int:
        return sum(1 for s in self.statuses if s.status is status)


def cadre_summary(cadre: Cadre, tree: UnitTree) -> CadreSummary:
    path = tree.path(cadre.unit_id)
    return CadreSummary(
        code=cadre.code,
        full_name=cadre.full_name,
        kind=cadre.kind.value,
        kind_label=KIND_LABELS[cadre.kind],
        unit_code=path[-1].code,
        unit_name=path[-1].name,
        unit_path=tuple(u.name for u in path),
        position=cadre.position,
        title_code=cadre.title_code,
        title_name=cadre.title_name,
        title_rank=cadre.title_rank,
        recruited_on=cadre.recruited_on,
        qualifications={
            "education_level": cadre.education_level,
            "education_major": cadre.education_major,
            "political_theory": cadre.political_theory,
            "state_management": cadre.state_management,
            "foreign_language": cadre.foreign_language,
            "it_skill": cadre.it_skill,
        },
    )


def enrollment_summary(e: Enrollment) -> EnrollmentSummary:
    c = e.course
    return EnrollmentSummary(
        course_code=c.code,
        course_name=c.name,
        course_type=c.course_type.value,
        status=e.status.value,
        status_label=ENROLLMENT_LABELS[e.status],
        hours=e.hours_earned if e.hours_earned is not None else c.hours,
        start_date=c.start_date,
        end_date=c.end_date,
        completed_on=e.completed_on,
        certificate_number=e.certificate_number,
        provider=c.provider,
        format=c.format.value if c.format else None,
        location=c.location,
        abroad=c.abroad,
    )
