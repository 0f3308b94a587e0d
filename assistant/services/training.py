"""Courses and enrollment writes for HR, each checked against the caller's scope and written to the audit log.

The enrollment package's service reads and imports; it has no single-record writes yet (enroll one cadre,
mark a course completed with its certificate). This adapter adds them over the same models and session
factory, with the same scope rules as every other personal record. Fold it into EnrollmentService when that
grows these methods.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.accounts.errors import Conflict
from assistant.accounts.models import Role
from assistant.accounts.principal import Principal
from assistant.accounts.scope import Scope
from assistant.audit.service import AuditLog
from assistant.enrollment.models import Cadre, Course, CourseType, Enrollment, EnrollmentStatus
from assistant.errors import InvalidInput, NotFound
from assistant.services.views import jsonable

ENROLLMENT_FIELDS = frozenset({"status", "completed_on", "certificate_number", "certificate_date", "hours_earned"})


@dataclass(frozen=True)
class CourseView:
    code: str
    name: str
    course_type: str
    certificate_type: str | None
    provider: str | None
    start_date: date | None
    end_date: date | None
    hours: int | None


@dataclass(frozen=True)
class EnrollmentView:
    cadre_code: str
    course_code: str
    status: str
    registered_on: date | None
    completed_on: date | None
    hours_earned: int | None
    certificate_number: str | None
    certificate_date: date | None


def _course(c: Course) -> CourseView:
    return CourseView(
        c.code, c.name, c.course_type.value, c.certificate_type, c.provider, c.start_date, c.end_date, c.hours
    )


def _enrollment(e: Enrollment) -> EnrollmentView:
    return EnrollmentView(
        e.cadre.code,
        e.course.code,
        e.status.value,
        e.registered_on,
        e.completed_on,
        e.hours_earned,
        e.certificate_number,
        e.certificate_date,
    )


def _enum(enum: type[CourseType] | type[EnrollmentStatus], value: str, what: str):  # type: ignore[no-untyped-def]
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise InvalidInput(f"{what} '{value}' không hợp lệ; chọn một trong: {allowed}.") from None


class TrainingRecords:
    def __init__(self, sessions: Callable[[], Session], scope: Scope, audit: AuditLog) -> None:
        self._sessions = sessions
        self.scope = scope
        self.audit = audit

    def list_courses(self, p: Principal) -> list[CourseView]:
        self.scope.require_role(p, Role.CADRE, Role.HR, Role.ADMIN)
        with self._sessions() as s:
            return [_course(c) for c in s.scalars(select(Course).order_by(Course.code))]

    def create_course(
        self,
        p: Principal,
        code: str,
        name: str,
        course_type: str,
        *,
        hours: int | None = None,
        provider: str | None = None,
        certificate_type: str | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
    ) -> CourseView:
        self.scope.require_role(p, Role.HR, Role.ADMIN)
        if start_date and end_date and end_date < start_date:
            raise InvalidInput("Ngày kết thúc khóa học không được trước ngày bắt đầu.")
        course = Course(
            code=code.strip(),
            name=name.strip(),
            course_type=_enum(CourseType, course_type, "Loại khóa học"),
            hours=hours,
            provider=provider,
            certificate_type=certificate_type,
            start_date=start_date,
            end_date=end_date,
        )
        with self._sessions() as s, s.begin():
            if s.scalar(select(Course.id).where(Course.code == course.code)) is not None:
                raise Conflict(f"Đã có khóa học mã '{course.code}'.")
            s.add(course)
        self.audit.action(p, "course.create", course.code)
        return _course(course)

    def enroll(
        self, p: Principal, cadre_code: str, course_code: str, registered_on: date | None = None
    ) -> EnrollmentView:
        self.scope.require_role(p, Role.HR, Role.ADMIN)
        self.scope.require_cadre(p, cadre_code)
        with self._sessions() as s, s.begin():
            cadre, course = self._cadre(s, cadre_code), self._find_course(s, course_code)
            if self._find(s, cadre, course) is not None:
                raise Conflict(f"Cán bộ {cadre.code} đã được ghi danh khóa {course.code}.")
            e = Enrollment(cadre=cadre, course=course, status=EnrollmentStatus.REGISTERED, registered_on=registered_on)
            s.add(e)
            s.flush()
            view = _enrollment(e)
        self.audit.action(p, "enrollment.create", f"{view.cadre_code}/{view.course_code}")
        return view

    def update_enrollment(
        self, p: Principal, cadre_code: str, course_code: str, changes: Mapping[str, Any]
    ) -> EnrollmentView:
        """Change only the fields given (a field sent as null is cleared; one left out keeps its value);
        'completed' needs a completion date, given now or recorded before."""
        self.scope.require_role(p, Role.HR, Role.ADMIN)
        self.scope.require_cadre(p, cadre_code)
        unknown = set(changes) - ENROLLMENT_FIELDS
        if unknown:
            raise InvalidInput("Trường không sửa được: " + ", ".join(sorted(unknown)))
        if not changes:
            raise InvalidInput("Không có thay đổi nào: hãy gửi ít nhất một trường (status, completed_on …).")
        if "status" in changes and changes["status"] is None:
            raise InvalidInput("Trạng thái ghi danh không được để trống.")
        new_status = _enum(EnrollmentStatus, changes["status"], "Trạng thái ghi danh") if "status" in changes else None
        with self._sessions() as s, s.begin():
            cadre, course = self._cadre(s, cadre_code), self._find_course(s, course_code)
            e = self._find(s, cadre, course)
            if e is None:
                raise NotFound(f"Cán bộ {cadre.code} chưa được ghi danh khóa {course.code}.")
            if new_status is not None:
                e.status = new_status
            for name in ENROLLMENT_FIELDS - {"status"}:
                if name in changes:
                    setattr(e, name, changes[name])
            if e.status is EnrollmentStatus.COMPLETED and e.completed_on is None:
                raise InvalidInput("Cần ngày hoàn thành (completed_on) khi đánh dấu đã hoàn thành khóa học.")
            s.flush()
            view = _enrollment(e)
        self.audit.action(p, "enrollment.update", f"{view.cadre_code}/{view.course_code}", jsonable(dict(changes)))
        return view

    @staticmethod
    def _cadre(s: Session, code: str) -> Cadre:
        cadre = s.scalar(select(Cadre).where(Cadre.code == code.strip()))
        if cadre is None:
            raise NotFound(f"Không tìm thấy cán bộ, công chức, viên chức mã '{code}'")
        return cadre

    @staticmethod
    def _find_course(s: Session, code: str) -> Course:
        course = s.scalar(select(Course).where(Course.code == code.strip()))
        if course is None:
            raise NotFound(f"Không tìm thấy khóa học mã '{code}'.")
        return course

    @staticmethod
    def _find(s: Session, cadre: Cadre, course: Course) -> Enrollment | None:
        return s.scalar(select(Enrollment).where(Enrollment.cadre_id == cadre.id, Enrollment.course_id == course.id))
