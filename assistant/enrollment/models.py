"""The enrollment records as SQLAlchemy 2 typed ORM classes.

The schema is owned by the Alembic migrations in `assistant/db/migrations/`; these classes must match them (a test
compares the two). Enumerations are stored as plain strings (no native PostgreSQL enum types) so that one migration
works on SQLite and PostgreSQL alike and a new value needs no DDL.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Date, Enum, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.db.base import Base


class CadreKind(StrEnum):
    CAN_BO = "can_bo"
    CONG_CHUC = "cong_chuc"
    VIEN_CHUC = "vien_chuc"


class SuccessionPool(StrEnum):
    """Diện cán bộ: quy hoạch (succession planning for a post) or dự nguồn (source pool for a leadership body)."""

    QUY_HOACH = "quy_hoach"
    DU_NGUON = "du_nguon"


class TitleChangeKind(StrEnum):
    """How a title (ngạch / chức danh nghề nghiệp) was reached."""

    RECRUITMENT = "tuyen_dung"  # bổ nhiệm khi tuyển dụng
    PROMOTION = "thang_hang"  # thăng hạng, nâng ngạch
    TRANSFER = "chuyen_chuc_danh"  # xét chuyển chức danh nghề nghiệp, chuyển ngạch
    APPOINTMENT = "bo_nhiem"  # bổ nhiệm khác (khi chưa rõ)


class UnitLevel(StrEnum):
    TINH = "tinh"  # UBND tỉnh
    SO_BAN_NGANH = "so_ban_nganh"  # sở, ban, ngành cấp tỉnh
    HUYEN = "huyen"  # UBND cấp huyện
    PHONG = "phong"  # phòng chuyên môn
    DON_VI_SU_NGHIEP = "don_vi_su_nghiep"  # trường học, bệnh viện, trung tâm …
    XA = "xa"


class CourseType(StrEnum):
    LY_LUAN_CHINH_TRI = "ly_luan_chinh_tri"
    QUAN_LY_NHA_NUOC = "quan_ly_nha_nuoc"
    CHUC_DANH_NGHE_NGHIEP = "chuc_danh_nghe_nghiep"
    LANH_DAO_QUAN_LY = "lanh_dao_quan_ly"
    CAP_NHAT_KIEN_THUC = "cap_nhat_kien_thuc"
    CHUYEN_MON_NGHIEP_VU = "chuyen_mon_nghiep_vu"
    NGOAI_NGU = "ngoai_ngu"
    TIN_HOC = "tin_hoc"
    QUOC_PHONG_AN_NINH = "quoc_phong_an_ninh"
    SAU_DAI_HOC = "sau_dai_hoc"
    KHAC = "khac"


class CourseFormat(StrEnum):
    TAP_TRUNG = "tap_trung"
    KHONG_TAP_TRUNG = "khong_tap_trung"
    TRUC_TUYEN = "truc_tuyen"


class EnrollmentStatus(StrEnum):
    REGISTERED = "registered"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"


ACTIVE_ENROLLMENT = frozenset({EnrollmentStatus.REGISTERED, EnrollmentStatus.IN_PROGRESS})


def _enum(cls: type[StrEnum]) -> Enum:
    return Enum(
        cls, native_enum=False, create_constraint=False, length=32, values_callable=lambda e: [m.value for m in e]
    )


class OrgUnit(Base):
    """Đơn vị: tỉnh → sở/ban/huyện → phòng/đơn vị sự nghiệp."""

    __tablename__ = "enr_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    level: Mapped[UnitLevel] = mapped_column(_enum(UnitLevel))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("enr_units.id", ondelete="RESTRICT"), index=True)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent")


class Cadre(Base):
    """Cán bộ, công chức hoặc viên chức, with the title and qualifications the rules look at."""

    __tablename__ = "enr_cadres"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(16))
    unit_id: Mapped[int] = mapped_column(ForeignKey("enr_units.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[CadreKind] = mapped_column(_enum(CadreKind))
    recruited_on: Mapped[date | None] = mapped_column(Date)  # ngày tuyển dụng
    position: Mapped[str | None] = mapped_column(String(255))  # chức vụ
    position_appointed_on: Mapped[date | None] = mapped_column(Date)
    title_code: Mapped[str | None] = mapped_column(String(32))  # mã ngạch / mã số chức danh nghề nghiệp
    title_name: Mapped[str | None] = mapped_column(String(255))
    title_rank: Mapped[str | None] = mapped_column(String(8))  # hạng: I, II, III, IV
    title_appointed_on: Mapped[date | None] = mapped_column(Date)
    education_level: Mapped[str | None] = mapped_column(String(32))  # trình độ chuyên môn
    education_major: Mapped[str | None] = mapped_column(String(255))
    political_theory: Mapped[str | None] = mapped_column(String(32))  # lý luận chính trị
    state_management: Mapped[str | None] = mapped_column(String(32))  # quản lý nhà nước
    foreign_language: Mapped[str | None] = mapped_column(String(32))
    it_skill: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    succession_pool: Mapped[SuccessionPool | None] = mapped_column(_enum(SuccessionPool))  # quy hoạch / dự nguồn
    succession_target: Mapped[str | None] = mapped_column(String(255))  # the post they are planned for

    unit: Mapped[OrgUnit] = relationship()
    certificates: Mapped[list[Certificate]] = relationship(back_populates="cadre", cascade="all, delete-orphan")
    enrollments: Mapped[list[Enrollment]] = relationship(back_populates="cadre", cascade="all, delete-orphan")
    commitments: Mapped[list[StudyCommitment]] = relationship(back_populates="cadre", cascade="all, delete-orphan")
    title_history: Mapped[list[TitleHistory]] = relationship(back_populates="cadre", cascade="all, delete-orphan")


class TitleHistory(Base):
    """A title held earlier (or the current one), from its appointment date: imported, or recorded when an import
    changes a cadre's title. Exemptions such as "no certificate on a change of title" and thăng hạng tenure read it."""

    __tablename__ = "enr_title_history"
    __table_args__ = (
        UniqueConstraint("cadre_id", "title_code", "since", name="uq_enr_title_history_cadre_code_since"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("enr_cadres.id", ondelete="CASCADE"), index=True)
    title_code: Mapped[str] = mapped_column(String(32))
    title_name: Mapped[str | None] = mapped_column(String(255))
    title_rank: Mapped[str | None] = mapped_column(String(8))
    since: Mapped[date] = mapped_column(Date)
    change: Mapped[TitleChangeKind] = mapped_column(_enum(TitleChangeKind))
    note: Mapped[str | None] = mapped_column(Text)

    cadre: Mapped[Cadre] = relationship(back_populates="title_history")


class Course(Base):
    """A programme or course (khóa/lớp đào tạo, bồi dưỡng)."""

    __tablename__ = "enr_courses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    course_type: Mapped[CourseType] = mapped_column(_enum(CourseType))
    certificate_type: Mapped[str | None] = mapped_column(String(64))  # what completing it awards, if anything
    provider: Mapped[str | None] = mapped_column(String(255))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    hours: Mapped[int | None] = mapped_column(Integer)  # số tiết
    format: Mapped[CourseFormat | None] = mapped_column(_enum(CourseFormat))
    location: Mapped[str | None] = mapped_column(String(255))
    country: Mapped[str | None] = mapped_column(String(64))  # empty or "Việt Nam" for domestic courses

    enrollments: Mapped[list[Enrollment]] = relationship(back_populates="course")

    @property
    def abroad(self) -> bool:
        country = (self.country or "").strip().casefold()
        return country not in {"", "việt nam", "viet nam", "vn"}


class Enrollment(Base):
    __tablename__ = "enr_enrollments"
    __table_args__ = (UniqueConstraint("cadre_id", "course_id", name="uq_enr_enrollments_cadre_course"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("enr_cadres.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("enr_courses.id", ondelete="RESTRICT"), index=True)
    status: Mapped[EnrollmentStatus] = mapped_column(_enum(EnrollmentStatus))
    registered_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    hours_earned: Mapped[int | None] = mapped_column(Integer)
    certificate_number: Mapped[str | None] = mapped_column(String(64))
    certificate_date: Mapped[date | None] = mapped_column(Date)

    cadre: Mapped[Cadre] = relationship(back_populates="enrollments")
    course: Mapped[Course] = relationship(back_populates="enrollments")


class Certificate(Base):
    """A certificate or diploma held (chứng chỉ), whether or not it came from a recorded course."""

    __tablename__ = "enr_certificates"
    __table_args__ = (
        UniqueConstraint("cadre_id", "cert_type", "number", name="uq_enr_certificates_cadre_type_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("enr_cadres.id", ondelete="CASCADE"), index=True)
    cert_type: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(500))
    number: Mapped[str] = mapped_column(String(64), default="")
    issuer: Mapped[str | None] = mapped_column(String(255))
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)

    cadre: Mapped[Cadre] = relationship(back_populates="certificates")


class StudyCommitment(Base):
    """Cam kết phục vụ sau đào tạo / đền bù chi phí đào tạo."""

    __tablename__ = "enr_commitments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("enr_cadres.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("enr_courses.id", ondelete="SET NULL"))
    cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 0))  # VND
    service_years: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    cadre: Mapped[Cadre] = relationship(back_populates="commitments")
    course: Mapped[Course | None] = relationship()
