"""Requirement evaluation at its edges: pure records in, statuses out (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from assistant.enrollment.engine import (
    CadreRecord,
    CertificateRecord,
    CommitmentRecord,
    EnrollmentRecord,
    Status,
    add_months,
    evaluate,
)
from assistant.enrollment.models import CadreKind, CourseType, EnrollmentStatus
from assistant.enrollment.rules import SEED_RULES, Rule, RuleSet, load_rules

RULES = load_rules(SEED_RULES)  # the hand-written rules, whose edges these tests pin
CDNN = CourseType.CHUC_DANH_NGHE_NGHIEP


def by_id(statuses, rule_id):
    return next(s for s in statuses if s.rule_id == rule_id)


def cadre(title_code: str, **kw) -> CadreRecord:
    base = {"code": "T1", "full_name": "Người Thử", "kind": CadreKind.VIEN_CHUC, "title_code": title_code}
    return CadreRecord(**(base | kw))


def cert(cert_type: str, issued: date, expires: date | None = None, number: str = "CC1") -> CertificateRecord:
    return CertificateRecord(cert_type, issued, number, "", expires)


def enrol(
    status: EnrollmentStatus,
    cert_type: str | None = "cdnn_gvmn_h3",
    *,
    done: date | None = None,
    course_type: CourseType = CDNN,
    hours: int | None = None,
    code: str = "K1",
) -> EnrollmentRecord:
    return EnrollmentRecord(code, f"Khóa {code}", course_type, status, cert_type, course_hours=hours, completed_on=done)


# --------------------------------------------------------------------------------- certificates and expiry


def test_valid_certificate_meets_and_is_cited():
    c = cadre("V.07.02.26", certificates=(cert("cdnn_gvmn_h3", date(2022, 5, 1)),))
    s = by_id(evaluate(c, date(2025, 1, 1), RULES), "gvmn-h3-chung-chi-cdnn")
    assert s.status is Status.MET
    assert s.evidence[0].counts and "CC1" in s.evidence[0].label
    assert s.citation.startswith("Điểm b Khoản 3 Điều 3 Thông tư số 01/2021/TT-BGDĐT")
    assert s.unit_ids[0] == "01-2021-tt-bgddt:d3:k3:b"
    assert s.legal_basis[0].quote.startswith("Có chứng chỉ bồi dưỡng")


def test_a_typed_expiry_does_not_lapse_a_certificate_when_the_rule_sets_no_validity():
    c = cadre("V.08.05.12", certificates=(cert("cdnn_dieu_duong", date(2020, 1, 1), expires=date(2025, 1, 1)),))
    after = by_id(evaluate(c, date(2025, 1, 2), RULES), "dieu-duong-h3-chung-chi")
    assert after.status is Status.MET and after.due_date is None
    assert after.evidence[0].counts and "hết hạn" not in after.evidence[0].label


def test_expired_certificate_is_overdue_from_its_expiry_where_the_rule_sets_validity_and_valid_on_the_last_day():
    rule = RULES.by_id("dieu-duong-h3-chung-chi")
    assert rule is not None
    cond = rule.satisfied_by[0].model_copy(update={"validity_months": 120})
    dated = RuleSet(
        certificate_types=RULES.certificate_types, rules=[rule.model_copy(update={"satisfied_by": [cond]})]
    )
    c = cadre("V.08.05.12", certificates=(cert("cdnn_dieu_duong", date(2020, 1, 1), expires=date(2025, 1, 1)),))
    on_last_day = by_id(evaluate(c, date(2025, 1, 1), dated), "dieu-duong-h3-chung-chi")
    assert on_last_day.status is Status.MET
    after = by_id(evaluate(c, date(2025, 1, 2), dated), "dieu-duong-h3-chung-chi")
    assert after.status is Status.OVERDUE and after.due_date == date(2025, 1, 1)
    assert after.evidence and not after.evidence[0].counts and "hết hạn 01/01/2025" in after.evidence[0].label


def test_certificate_issued_after_as_of_does_not_count():
    c = cadre("V.08.05.12", certificates=(cert("cchn_kcb", date(2025, 3, 1)),))
    assert by_id(evaluate(c, date(2025, 2, 28), RULES), "dieu-duong-h3-chung-chi").status is Status.MISSING
    assert by_id(evaluate(c, date(2025, 3, 1), RULES), "dieu-duong-h3-chung-chi").status is Status.MET


def test_validity_months_of_a_rule_limits_an_open_ended_certificate():
    data = RULES.rules[0].model_dump() | {
        "satisfied_by": [{"kind": "certificate", "types": ["cdnn_gvmn_h3"], "validity_months": 24}]
    }
    rule = Rule.model_validate(data)
    c = cadre("V.07.02.26", certificates=(cert("cdnn_gvmn_h3", date(2022, 1, 15)),))
    assert evaluate(c, date(2024, 1, 15), [rule])[0].status is Status.MET
    late = evaluate(c, date(2024, 1, 16), [rule])[0]
    assert late.status is Status.OVERDUE and late.due_date == date(2024, 1, 15)


# --------------------------------------------------------------------------------- deadlines from appointment


def test_deadline_boundary_is_exactly_n_months_after_recruitment():
    c = cadre("V.07.03.29", recruited_on=date(2022, 1, 31))  # tiểu học hạng III: 36 tháng
    on_due = by_id(evaluate(c, date(2025, 1, 31), RULES), "gvth-h3-chung-chi-cdnn")
    assert on_due.status is Status.MISSING and on_due.due_date == date(2025, 1, 31)
    day_after = by_id(evaluate(c, date(2025, 2, 1), RULES), "gvth-h3-chung-chi-cdnn")
    assert day_after.status is Status.OVERDUE and "31/01/2025" in day_after.detail


def test_month_arithmetic_clamps_to_month_end():
    assert add_months(date(2023, 5, 31), 9) == date(2024, 2, 29)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)
    assert add_months(date(2024, 1, 31), 36) == date(2027, 1, 31)


@pytest.mark.parametrize(
    ("recruited", "due"),
    [
        (date(2022, 8, 29), None),  # probation (09 months) over before 30/5/2023: 08/2023 Điều 6 k4 sets no term
        (date(2022, 8, 30), date(2024, 5, 30)),  # under one year of probation left on 30/5/2023
        (date(2023, 5, 29), date(2024, 5, 30)),
        (date(2023, 5, 30), date(2024, 2, 29)),  # recruited once 08/2023 is in force: within the probation
    ],
)
def test_deadline_follows_the_cohort_of_the_recruitment_date(recruited, due):
    s = by_id(evaluate(cadre("V.07.02.26", recruited_on=recruited), date(2025, 1, 1), RULES), "gvmn-h3-chung-chi-cdnn")
    assert s.due_date == due
    assert s.status is (Status.MISSING if due is None else Status.OVERDUE)


def test_enrolled_course_is_in_progress_before_the_deadline_and_overdue_after():
    c = cadre("V.07.02.26", recruited_on=date(2024, 1, 10), enrollments=(enrol(EnrollmentStatus.IN_PROGRESS),))
    before = by_id(evaluate(c, date(2024, 10, 10), RULES), "gvmn-h3-chung-chi-cdnn")
    assert before.status is Status.IN_PROGRESS and before.due_date == date(2024, 10, 10)
    after = by_id(evaluate(c, date(2024, 10, 11), RULES), "gvmn-h3-chung-chi-cdnn")
    assert after.status is Status.OVERDUE and "đang học" in after.detail


def test_completed_course_awards_its_certificate():
    done = enrol(EnrollmentStatus.COMPLETED, done=date(2024, 6, 1))
    c = cadre("V.07.02.26", recruited_on=date(2024, 1, 10), enrollments=(done,))
    s = by_id(evaluate(c, date(2024, 12, 1), RULES), "gvmn-h3-chung-chi-cdnn")
    assert s.status is Status.MET and s.evidence[0].on == date(2024, 6, 1)


@pytest.mark.parametrize("status", [EnrollmentStatus.WITHDRAWN, EnrollmentStatus.FAILED])
def test_withdrawn_and_failed_enrollments_do_not_count(status):
    c = cadre("V.07.02.26", enrollments=(enrol(status, done=date(2024, 6, 1)),))
    s = by_id(evaluate(c, date(2024, 12, 1), RULES), "gvmn-h3-chung-chi-cdnn")
    assert s.status is Status.MISSING and s.evidence == ()


def test_management_training_sets_no_deadline_and_spares_appointments_before_the_law():
    rule_id = "vien-chuc-quan-ly-boi-duong-truoc-bo-nhiem"
    ql = enrol(EnrollmentStatus.COMPLETED, None, done=date(2023, 3, 1), course_type=CourseType.LANH_DAO_QUAN_LY)
    c = cadre("V.07.03.28", position="Phó Hiệu trưởng", position_appointed_on=date(2022, 9, 1), enrollments=(ql,))
    s = by_id(evaluate(c, date(2024, 1, 1), RULES), rule_id)
    assert s.status is Status.MET and "sau hạn" not in s.detail and s.due_date is None
    no_course = replace(c, enrollments=())
    missing = by_id(evaluate(no_course, date(2024, 1, 1), RULES), rule_id)
    assert (missing.status, missing.due_date) == (Status.MISSING, None)  # Điều 33 khoản 1 sets no deadline
    old = replace(no_course, position_appointed_on=date(2011, 12, 31))
    assert rule_id not in {s.rule_id for s in evaluate(old, date(2024, 1, 1), RULES)}
    on_day = replace(no_course, position_appointed_on=date(2012, 1, 1))
    assert rule_id in {s.rule_id for s in evaluate(on_day, date(2024, 1, 1), RULES)}
    staff = replace(c, position=None)
    assert rule_id not in {s.rule_id for s in evaluate(staff, date(2024, 1, 1), RULES)}


# --------------------------------------------------------------------------------- hours over several courses

HOURS_RULE = Rule.model_validate(
    {
        "id": "thu-cap-nhat-40-tiet",
        "title": "Quy tắc thử: 40 tiết cập nhật kiến thức mỗi năm",
        "legal_basis": [
            {
                "document": "58/2010/QH12",
                "doc_type": "Luật",
                "doc_title": "Luật Viên chức",
                "article": "33",
                "clause": "3",
                "point": "c",
                "quote": "Bồi dưỡng nhằm bổ sung, cập nhật kiến thức, kỹ năng phục vụ hoạt động nghề nghiệp.",
            }
        ],
        "applies_to": {"kinds": ["vien_chuc"]},
        "satisfied_by": [
            {"kind": "hours", "course_types": ["cap_nhat_kien_thuc", "chuyen_mon_nghiep_vu"], "hours": 40}
        ],
    }
)
CNKT = CourseType.CAP_NHAT_KIEN_THUC


def hours_course(code: str, hours: int, done: date, status=EnrollmentStatus.COMPLETED, ctype=CNKT) -> EnrollmentRecord:
    return enrol(status, None, done=done, course_type=ctype, hours=hours, code=code)


def test_hours_accumulate_over_several_courses_of_the_year():
    courses = (
        hours_course("A", 16, date(2025, 2, 1)),
        hours_course("B", 16, date(2025, 5, 1)),
        hours_course("C", 8, date(2025, 9, 1), ctype=CourseType.CHUYEN_MON_NGHIEP_VU),
    )
    s = evaluate(cadre("X", enrollments=courses), date(2025, 10, 1), [HOURS_RULE])[0]
    assert s.status is Status.MET and s.progress == (40, 40) and len(s.evidence) == 3


def test_hours_partial_last_year_withdrawn_and_failed_do_not_add_up():
    courses = (
        hours_course("A", 16, date(2025, 2, 1)),
        hours_course("B", 16, date(2025, 5, 1)),
        hours_course("OLD", 40, date(2024, 12, 31)),
        hours_course("W", 40, date(2025, 6, 1), EnrollmentStatus.WITHDRAWN),
        hours_course("F", 40, date(2025, 6, 1), EnrollmentStatus.FAILED),
        hours_course("LATER", 8, date(2025, 11, 1)),
    )
    s = evaluate(cadre("X", enrollments=courses), date(2025, 10, 1), [HOURS_RULE])[0]
    assert s.status is Status.IN_PROGRESS and s.progress == (32, 40)
    assert s.due_date == date(2025, 12, 31) and "32/40 tiết trong năm 2025" in s.detail
    nothing = evaluate(cadre("X"), date(2025, 10, 1), [HOURS_RULE])[0]
    assert nothing.status is Status.MISSING and nothing.progress == (0, 40)


# --------------------------------------------------------------------------------- several rules, title change


def test_two_and_three_rules_apply_at_once():
    c = cadre("V.08.01.02", qualifications={"foreign_language": "bac_4", "it_skill": "co_ban"})
    statuses = {s.rule_id: s.status for s in evaluate(c, date(2025, 1, 1), RULES)}
    assert statuses == {
        "bac-si-chinh-h2-ngoai-ngu": Status.MET,
        "bac-si-chinh-h2-tin-hoc": Status.MET,
        "bac-si-chinh-h2-chung-chi": Status.MISSING,
    }
    low = replace(c, qualifications={"foreign_language": "bac_2"})
    s = by_id(evaluate(low, date(2025, 1, 1), RULES), "bac-si-chinh-h2-ngoai-ngu")
    assert s.status is Status.MISSING and "bậc 2" in s.detail


def test_changing_title_and_rank_changes_which_rules_apply():
    h3_cert_2021 = cert("cdnn_gvmn_h3", date(2021, 9, 1))
    teacher = cadre("V.07.02.26", certificates=(h3_cert_2021,))
    assert [s.rule_id for s in evaluate(teacher, date(2025, 1, 1), RULES)] == ["gvmn-h3-chung-chi-cdnn"]
    promoted = replace(teacher, title_code="V.07.02.25", title_rank="II", title_appointed_on=date(2024, 9, 1))
    statuses = evaluate(promoted, date(2025, 1, 1), RULES)
    assert [s.rule_id for s in statuses] == ["gvmn-h2-chung-chi-cdnn"]
    assert statuses[0].status is Status.MET  # a hạng III certificate issued before 30/6/2022 is accepted
    newer = replace(promoted, certificates=(cert("cdnn_gvmn_h3", date(2022, 7, 1)),))
    s = evaluate(newer, date(2025, 1, 1), RULES)[0]
    assert s.status is Status.MISSING and s.evidence == ()


def test_all_of_needs_every_part():
    rule_id = "luu-tru-vien-trinh-do"
    other_major = cadre("V.01.02.02", qualifications={"education_level": "dai_hoc"}, education_major="Luật")
    s = by_id(evaluate(other_major, date(2025, 1, 1), RULES), rule_id)
    assert s.status is Status.MISSING and all(not e.counts for e in s.evidence)
    with_cert = replace(other_major, certificates=(cert("bd_nghiep_vu_luu_tru", date(2020, 1, 1)),))
    assert by_id(evaluate(with_cert, date(2025, 1, 1), RULES), rule_id).status is Status.MET
    archivist = replace(other_major, education_major="Lưu trữ học")
    assert by_id(evaluate(archivist, date(2025, 1, 1), RULES), rule_id).status is Status.MET


def test_service_commitment_runs_then_ends():
    c = cadre("V.07.05.15", commitments=(CommitmentRecord(date(2023, 10, 1), 2, 120_000_000),))
    running = by_id(evaluate(c, date(2025, 9, 30), RULES), "vien-chuc-cam-ket-phuc-vu-sau-dao-tao")
    assert running.status is Status.IN_PROGRESS and running.due_date == date(2025, 10, 1)
    assert "120.000.000 đồng" in running.evidence[0].label
    done = by_id(evaluate(c, date(2025, 10, 1), RULES), "vien-chuc-cam-ket-phuc-vu-sau-dao-tao")
    assert done.status is Status.MET
    assert "vien-chuc-cam-ket-phuc-vu-sau-dao-tao" not in {
        s.rule_id for s in evaluate(replace(c, commitments=()), date(2025, 1, 1), RULES)
    }


def test_not_applicable_is_reported_on_request_and_rules_are_dated():
    c = cadre("V.07.02.26")
    everything = evaluate(c, date(2025, 1, 1), RULES, include_not_applicable=True)
    assert len(everything) == len(RULES.rules)
    assert by_id(everything, "dieu-duong-h3-chung-chi").status is Status.NOT_APPLICABLE
    assert evaluate(c, date(2021, 3, 19), RULES) == []  # before 01/2021/TT-BGDĐT took effect
    officer = replace(c, kind=CadreKind.CONG_CHUC)
    assert evaluate(officer, date(2025, 1, 1), RULES) == []


def test_evaluation_is_deterministic_and_leaves_inputs_alone():
    c = cadre("V.07.02.26", certificates=(cert("cdnn_gvmn_h3", date(2022, 5, 1)),))
    before = repr(c)
    assert evaluate(c, date(2025, 1, 1), RULES) == evaluate(c, date(2025, 1, 1), RULES)
    assert repr(c) == before


def test_unit_subtree_and_rank_applicability():
    rule = Rule.model_validate(HOURS_RULE.model_dump() | {"applies_to": {"unit_codes": ["SGD"], "title_ranks": ["II"]}})
    inside = cadre("X", unit_path=("TINH", "SGD", "THPT-A"), title_rank="II")
    assert evaluate(inside, date(2025, 1, 1), RuleSet(rules=[rule]))[0].status is Status.MISSING
    assert evaluate(replace(inside, unit_path=("TINH", "SYT")), date(2025, 1, 1), [rule]) == []
    assert evaluate(replace(inside, title_rank="III"), date(2025, 1, 1), [rule]) == []
