"""What a rule asks for, in terms a plan can count: its areas, the course types that meet it, the words for it.

Everything is read from the rule's own conditions and applicability (and, for certificates, from the course
catalogue: which courses award that certificate) — never guessed from the rule's title.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from assistant.enrollment.models import CourseType
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
)
from assistant.text import fold_accents

COURSE_TYPE_LABELS: dict[str, str] = {
    CourseType.LY_LUAN_CHINH_TRI: "Lý luận chính trị",
    CourseType.QUAN_LY_NHA_NUOC: "Quản lý nhà nước",
    CourseType.CHUC_DANH_NGHE_NGHIEP: "Bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp",
    CourseType.LANH_DAO_QUAN_LY: "Bồi dưỡng lãnh đạo, quản lý",
    CourseType.CAP_NHAT_KIEN_THUC: "Cập nhật kiến thức",
    CourseType.CHUYEN_MON_NGHIEP_VU: "Chuyên môn, nghiệp vụ",
    CourseType.NGOAI_NGU: "Ngoại ngữ",
    CourseType.TIN_HOC: "Tin học",
    CourseType.QUOC_PHONG_AN_NINH: "Quốc phòng, an ninh",
    CourseType.SAU_DAI_HOC: "Sau đại học",
    CourseType.KHAC: "Khác",
}
FIELD_LABELS = {
    "education_level": "trình độ chuyên môn",
    "political_theory": "lý luận chính trị",
    "state_management": "quản lý nhà nước",
    "foreign_language": "ngoại ngữ",
    "it_skill": "kỹ năng công nghệ thông tin",
}
LEVEL_LABELS = {
    "education_level": {
        "trung_cap": "trung cấp",
        "cao_dang": "cao đẳng",
        "dai_hoc": "đại học",
        "thac_si": "thạc sĩ",
        "chuyen_khoa_1": "chuyên khoa cấp I",
        "tien_si": "tiến sĩ",
        "chuyen_khoa_2": "chuyên khoa cấp II",
    },
    "political_theory": {"so_cap": "sơ cấp", "trung_cap": "trung cấp", "cao_cap": "cao cấp", "cu_nhan": "cử nhân"},
    "state_management": {
        "chuyen_vien": "chuyên viên",
        "chuyen_vien_chinh": "chuyên viên chính",
        "chuyen_vien_cao_cap": "chuyên viên cao cấp",
    },
    "foreign_language": {f"bac_{n}": f"bậc {n}" for n in range(1, 7)},
    "it_skill": {"co_ban": "cơ bản", "nang_cao": "nâng cao"},
}
FIELD_COURSE = {
    "political_theory": CourseType.LY_LUAN_CHINH_TRI,
    "state_management": CourseType.QUAN_LY_NHA_NUOC,
    "foreign_language": CourseType.NGOAI_NGU,
    "it_skill": CourseType.TIN_HOC,
}
POSTGRADUATE = {"thac_si", "tien_si", "chuyen_khoa_1", "chuyen_khoa_2"}

# Areas: what kind of training a rule concerns ("what"), and whose standard it is ("scope").
WHAT_AREAS = ("chung_chi", "khoa_hoc", "trinh_do", "llct", "qlnn", "ngoai_ngu", "tin_hoc", "gio_hoc", "cam_ket")
SCOPE_AREAS = ("chuc_danh", "chuc_vu", "thang_hang")


def level_label(field: str, value: str | None) -> str:
    if not value:
        return ""
    return LEVEL_LABELS.get(field, {}).get(value, value)


def course_type_label(course_type: str | None) -> str:
    return COURSE_TYPE_LABELS.get(course_type or "", course_type or "")


@dataclass(frozen=True)
class CatalogCourse:
    """A course of the catalogue, as far as planning needs it."""

    code: str
    name: str
    course_type: str
    certificate_type: str | None = None
    start_date: date | None = None
    end_date: date | None = None


def _walk(conds: Iterable[Condition]) -> Iterable[Condition]:
    for c in conds:
        if isinstance(c, AllOfCond):
            yield from _walk(c.conditions)
        else:
            yield c


def rule_areas(rule: Rule) -> set[str]:
    out: set[str] = set()
    for c in _walk(rule.satisfied_by):
        if isinstance(c, CertificateCond):
            out.add("chung_chi")
        elif isinstance(c, CourseCond):
            out.add("khoa_hoc")
            out |= {a for t in c.course_types for a in _course_areas(t)}
        elif isinstance(c, QualificationCond):
            out.add(
                {"education_level": "trinh_do", "political_theory": "llct", "state_management": "qlnn"}.get(
                    c.field, "ngoai_ngu" if c.field == "foreign_language" else "tin_hoc"
                )
            )
        elif isinstance(c, HoursCond):
            out.add("gio_hoc")
            out |= {a for t in c.course_types for a in _course_areas(t)}
        elif isinstance(c, CommitmentCond):
            out.add("cam_ket")
        elif getattr(c, "kind", "") == "tenure":
            out.add("thang_hang")
    a = rule.applies_to
    if a.title_codes:
        out.add("chuc_danh")
    if a.positions:
        out.add("chuc_vu")
    folded = " ".join(rule.folded_topics) + " " + rule.id
    if "thang hang" in folded or "thang-hang" in folded or getattr(rule, "purpose", "") == "promotion":
        out.add("thang_hang")
    return out


def _course_areas(course_type: str) -> set[str]:
    return {
        CourseType.LY_LUAN_CHINH_TRI: {"llct"},
        CourseType.QUAN_LY_NHA_NUOC: {"qlnn"},
        CourseType.NGOAI_NGU: {"ngoai_ngu"},
        CourseType.TIN_HOC: {"tin_hoc"},
        CourseType.LANH_DAO_QUAN_LY: {"chuc_vu"},
    }.get(CourseType(course_type), set())


def only_tenure(rule: Rule) -> bool:
    """A thăng hạng condition on years held, which no course can replace."""
    return all(getattr(c, "kind", "") == "tenure" for c in _walk(rule.satisfied_by))


def is_promotion(rule: Rule) -> bool:
    """A condition for registering for thăng hạng (optional), not an obligation of the title held."""
    return bool(getattr(rule, "purpose", "standard") == "promotion")


def is_commitment_rule(rule: Rule) -> bool:
    return all(isinstance(c, CommitmentCond) for c in _walk(rule.satisfied_by))


def certificate_types(rule: Rule) -> list[str]:
    seen: list[str] = []
    for c in _walk(rule.satisfied_by):
        types = c.types if isinstance(c, CertificateCond) else c.certificate_types if isinstance(c, CourseCond) else []
        seen += [t for t in types if t not in seen]
    return seen


def qualification_conditions(rule: Rule) -> list[QualificationCond]:
    return [c for c in _walk(rule.satisfied_by) if isinstance(c, QualificationCond)]


def course_types_for(rule: Rule, catalog: Sequence[CatalogCourse], names: RuleSet | None = None) -> list[str]:
    """The course types that lead to meeting the rule, most direct first.

    Certificates: the types of the catalogue's courses that award them, else the type the certificate's own name
    states (e.g. "… chức danh nghề nghiệp …"); courses and hour quotas: their types; qualifications: the
    matching training (LLCT, QLNN, ngoại ngữ, tin học; sau đại học for a master's or higher).
    """
    out: list[str] = []

    def add(t: str) -> None:
        if t not in out:
            out.append(t)

    for c in _walk(rule.satisfied_by):
        if isinstance(c, CertificateCond):
            for t in _certificate_course_types(c.types, catalog, names):
                add(t)
        elif isinstance(c, CourseCond | HoursCond):
            for ct in c.course_types:
                add(ct.value)
        elif isinstance(c, QualificationCond):
            if c.field in FIELD_COURSE:
                add(FIELD_COURSE[c.field].value)
            elif c.min_level in POSTGRADUATE:
                add(CourseType.SAU_DAI_HOC.value)
            else:
                add(CourseType.CHUYEN_MON_NGHIEP_VU.value)
    return out


_NAME_HINTS = (
    ("chuc danh nghe nghiep", CourseType.CHUC_DANH_NGHE_NGHIEP),
    ("cdnn", CourseType.CHUC_DANH_NGHE_NGHIEP),
    ("ly luan chinh tri", CourseType.LY_LUAN_CHINH_TRI),
    ("quan ly nha nuoc", CourseType.QUAN_LY_NHA_NUOC),
    ("lanh dao, quan ly", CourseType.LANH_DAO_QUAN_LY),
    ("lanh dao quan ly", CourseType.LANH_DAO_QUAN_LY),
    ("ngoai ngu", CourseType.NGOAI_NGU),
    ("tin hoc", CourseType.TIN_HOC),
    ("cong nghe thong tin", CourseType.TIN_HOC),
    ("nghiep vu", CourseType.CHUYEN_MON_NGHIEP_VU),
)


def _certificate_course_types(
    types: Sequence[str], catalog: Sequence[CatalogCourse], names: RuleSet | None
) -> list[str]:
    from_catalog = [c.course_type for c in catalog if c.certificate_type in types]
    if from_catalog:
        return list(dict.fromkeys(from_catalog))
    for t in types:
        folded = fold_accents(names.certificate_name(t) if names else t)
        for hint, course_type in _NAME_HINTS:
            if hint in folded:
                return [course_type.value]
    return []


def describe_condition(cond: Condition, names: RuleSet | None) -> str:
    """What one condition asks for, in plain Vietnamese (the project's words; the clause is quoted beside it)."""
    if isinstance(cond, CertificateCond):
        certs = " hoặc ".join(dict.fromkeys(names.certificate_name(t) if names else t for t in cond.types))
        extra = f" (cấp trước ngày {cond.issued_before:%d/%m/%Y})" if cond.issued_before else ""
        return certs + extra
    if isinstance(cond, CourseCond):
        kinds = " hoặc ".join(course_type_label(t.value) for t in cond.course_types)
        return f"hoàn thành khóa {kinds.lower()}"
    if isinstance(cond, QualificationCond):
        major = f", ngành {' hoặc '.join(cond.major_contains)}" if cond.major_contains else ""
        return f"{FIELD_LABELS[cond.field]} từ {level_label(cond.field, cond.min_level)} trở lên{major}"
    if isinstance(cond, HoursCond):
        kinds = " hoặc ".join(course_type_label(t.value).lower() for t in cond.course_types)
        return f"{cond.hours} tiết {kinds} trong năm"
    if isinstance(cond, CommitmentCond):
        return "làm việc đủ thời gian cam kết sau đào tạo (hoặc đền bù chi phí theo quy định)"
    if isinstance(cond, AllOfCond):
        return " và ".join(describe_condition(c, names) for c in cond.conditions)
    if getattr(cond, "kind", "") == "tenure":  # years held in a title (thăng hạng)
        codes = ", ".join(getattr(cond, "title_codes", []))
        return f"đủ {getattr(cond, 'years', '?')} năm giữ chức danh mã {codes}"
    return ""


def describe_rule(rule: Rule, names: RuleSet | None) -> str:
    """Any one of the rule's alternatives suffices: 'A; hoặc B'."""
    parts = list(dict.fromkeys(describe_condition(c, names) for c in rule.satisfied_by))
    return "; hoặc ".join(p for p in parts if p)
