"""The personal answer's wording and the HR reports' arithmetic, on pure records and a small rule set.

The fixture rules quote real clauses of the corpus (checked here against the source files), so every wording
test runs on the same kind of data the product ships.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from assistant.enrollment.engine import CadreRecord, CertificateRecord, CommitmentRecord, EnrollmentRecord, evaluate
from assistant.enrollment.models import CadreKind, CourseType, EnrollmentStatus
from assistant.enrollment.rules import RuleSet
from assistant.reporting import plans, tables
from assistant.reporting.areas import CatalogCourse
from assistant.reporting.personal import CadreFacts, build_view, view_to_text

SOURCES = Path(__file__).resolve().parents[2].parent / "shared" / "corpus-sources"
RULES_YAML = """
version: 1
certificate_types:
  cdnn_gvth_h3: Chứng chỉ bồi dưỡng theo tiêu chuẩn CDNN giáo viên tiểu học hạng III
rules:
  - id: t-gvth-h3
    title: Giáo viên tiểu học hạng III có chứng chỉ bồi dưỡng theo tiêu chuẩn CDNN
    topics: [giáo viên tiểu học]
    legal_basis:
      - {document: 02/2021/TT-BGDĐT, doc_type: Thông tư, article: "3", clause: "3", point: b,
         quote: "Có chứng chỉ bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp giáo viên tiểu học hạng III"}
    applies_to: {kinds: [vien_chuc], title_codes: [V.07.03.29]}
    satisfied_by:
      - {kind: certificate, types: [cdnn_gvth_h3]}
    deadline: {anchor: recruitment, months: 36}
  - id: t-btv-h2-llct
    title: Biên tập viên hạng II có bằng trung cấp lý luận chính trị trở lên
    legal_basis:
      - {document: 11/2016/TTLT-BTTTT-BNV, doc_type: Thông tư liên tịch, article: "5", clause: "2", point: d,
         quote: "Có bằng tốt nghiệp Trung cấp lý luận chính trị trở lên;"}
    applies_to: {kinds: [vien_chuc], title_codes: [V.11.01.02]}
    satisfied_by:
      - {kind: qualification, field: political_theory, min_level: trung_cap}
  - id: t-cam-ket
    title: Viên chức được cử đi đào tạo làm việc đủ thời gian cam kết
    topics: [cam kết, đền bù]
    legal_basis:
      - {document: 115/2020/NĐ-CP, doc_type: Nghị định, article: "57", clause: "2", point: b,
         quote: "Chưa làm việc đủ thời gian cam kết với đơn vị sự nghiệp công lập khi được cử đi đào tạo, trừ trường hợp đã đền bù chi phí đào tạo;"}
    applies_to: {kinds: [vien_chuc]}
    satisfied_by:
      - {kind: service_commitment}
"""
RULES = RuleSet.model_validate(yaml.safe_load(RULES_YAML))
AS_OF = date(2026, 12, 1)
CDNN = CourseType.CHUC_DANH_NGHE_NGHIEP
CATALOG = [
    CatalogCourse(
        "K-OLD", "Bồi dưỡng CDNN GVTH hạng III khóa 1", CDNN.value, "cdnn_gvth_h3", date(2025, 3, 1), date(2025, 5, 1)
    ),
    CatalogCourse(
        "K-NEW", "Bồi dưỡng CDNN GVTH hạng III khóa 2", CDNN.value, "cdnn_gvth_h3", date(2027, 3, 1), date(2027, 5, 1)
    ),
]


def test_fixture_quotes_are_verbatim_in_the_sources():
    text = " ".join(p.read_text(encoding="utf-8") for p in SOURCES.rglob("*.md"))
    text = " ".join(text.split())
    for rule in RULES.rules:
        for b in rule.legal_basis:
            assert b.quote in text, f"{rule.id}: quote not in the corpus sources"


def teacher(**kw) -> CadreRecord:
    base = dict(
        code="GV1",
        full_name="Nguyễn Văn A",
        kind=CadreKind.VIEN_CHUC,
        title_code="V.07.03.29",
        title_name="Giáo viên tiểu học hạng III",
        title_rank="III",
        recruited_on=date(2024, 1, 10),
    )
    return CadreRecord(**(base | kw))


def facts(r: CadreRecord) -> CadreFacts:
    return CadreFacts(r.code, r.full_name, "Viên chức", r.title_name, r.title_rank, r.position, dict(r.qualifications))


def view(r: CadreRecord, audience="self", question=None):
    return build_view(facts(r), evaluate(r, AS_OF, RULES), RULES, AS_OF, audience, question=question, catalog=CATALOG)


# ----------------------------------------------------------------------------------------------- personal answer


def test_missing_certificate_names_requirement_record_gap_deadline_and_next_step_for_the_cadre():
    v = view(teacher(), question="Tôi cần chứng chỉ bồi dưỡng gì để đạt chuẩn chức danh hiện tại?")
    [item] = v.items
    assert item.status == "missing" and item.due_date == date(2027, 1, 10)
    assert item.quotes[0].citation == "Điểm b Khoản 3 Điều 3 Thông tư số 02/2021/TT-BGDĐT"
    assert "Có chứng chỉ bồi dưỡng" in item.quotes[0].quote
    assert item.record == "Hồ sơ của anh/chị chưa ghi nhận chứng chỉ, khóa học hay trình độ nào đáp ứng yêu cầu này."
    assert item.gap.startswith(
        "Anh/chị còn thiếu: Chứng chỉ bồi dưỡng theo tiêu chuẩn CDNN giáo viên tiểu học hạng III"
    )
    assert item.gap.endswith("hạn 10/01/2027.")
    assert "«Bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp»" in item.next_step
    assert "K-NEW" in item.next_step and "K-OLD" not in item.next_step  # only courses still to come
    assert v.lead.startswith("Theo hồ sơ của anh/chị (tính đến 01/12/2026): 1 yêu cầu còn thiếu")
    assert v.complete_items == [item]


def test_hr_reading_about_a_cadre_gets_their_name_and_never_anh_chi():
    v = view(teacher(), audience="hr", question="Cán bộ này cần chứng chỉ gì?")
    text = view_to_text(v)
    assert v.subject == "cán bộ Nguyễn Văn A"
    assert v.lead.startswith("Theo hồ sơ của cán bộ Nguyễn Văn A")
    assert v.items[0].record.startswith("Hồ sơ của cán bộ Nguyễn Văn A chưa ghi nhận")
    assert v.items[0].gap.startswith("Cán bộ Nguyễn Văn A còn thiếu:")
    assert "anh/chị" not in text.lower()


def test_a_held_certificate_is_shown_with_number_and_date_and_nothing_is_missing():
    r = teacher(certificates=(CertificateRecord("cdnn_gvth_h3", date(2024, 6, 3), "CC-77"),))
    [item] = view(r, question="chứng chỉ chức danh của tôi").items
    assert item.status == "met"
    assert "số CC-77" in item.record and "03/06/2024" in item.record
    assert item.gap == "Anh/chị đã đáp ứng yêu cầu này; không còn thiếu."
    assert item.next_step == "Không cần học thêm cho yêu cầu này."
    assert item.courses == ()


def test_a_running_course_is_the_next_step():
    course = EnrollmentRecord(
        "K-NEW",
        "Bồi dưỡng CDNN GVTH hạng III khóa 2",
        CDNN,
        EnrollmentStatus.IN_PROGRESS,
        "cdnn_gvth_h3",
        start_date=date(2026, 11, 1),
        end_date=date(2027, 1, 5),
    )
    [item] = view(teacher(enrollments=(course,)), question="tôi còn thiếu gì?").items
    assert item.status == "in_progress"
    assert item.next_step.startswith("Hoàn thành khóa đang học (Bồi dưỡng CDNN GVTH hạng III khóa 2")
    assert any("01/11/2026" in e.text for e in item.evidence)


def test_overdue_says_since_when():
    r = teacher(recruited_on=date(2022, 1, 10))
    [item] = view(r, question="tôi còn thiếu gì").items
    assert item.status == "overdue"
    assert item.gap.endswith("đã quá hạn từ 10/01/2025.")


def test_selection_follows_the_question_not_every_rule():
    commitment = CommitmentRecord(date(2025, 1, 1), 5)
    r = teacher(commitments=(commitment,))
    by_cert = view(r, question="Tôi cần chứng chỉ bồi dưỡng gì để đạt chuẩn chức danh hiện tại?")
    assert [i.rule_id for i in by_cert.items] == ["t-gvth-h3"] and by_cert.not_shown == 1
    by_commitment = view(r, question="Tôi phải đền bù chi phí đào tạo nếu nghỉ việc không?")
    assert [i.rule_id for i in by_commitment.items] == ["t-cam-ket"]
    assert by_commitment.items[0].gap.startswith("Anh/chị đang trong thời gian cam kết phục vụ đến 01/01/2030")
    everything = view(r)
    assert {i.rule_id for i in everything.items} == {"t-gvth-h3", "t-cam-ket"}


def test_uncovered_person_is_told_plainly_for_self_and_for_hr():
    r = CadreRecord("CC1", "Trần Thị B", CadreKind.CONG_CHUC, title_name="Chuyên viên")
    mine = build_view(facts(r), evaluate(r, AS_OF, RULES), RULES, AS_OF, "self", question="tôi cần học gì?")
    assert (
        mine.coverage_note
        == "Kho quy định chưa có tiêu chuẩn đào tạo, bồi dưỡng cho chức danh Chuyên viên của anh/chị."
    )
    assert mine.items == ()
    theirs = build_view(facts(r), evaluate(r, AS_OF, RULES), RULES, AS_OF, "hr")
    assert theirs.coverage_note == (
        "Kho quy định chưa có tiêu chuẩn đào tạo, bồi dưỡng cho chức danh Chuyên viên của cán bộ Trần Thị B."
    )


def test_qualification_record_is_worded_not_coded():
    r = CadreRecord(
        "BT1",
        "Lê Văn C",
        CadreKind.VIEN_CHUC,
        title_code="V.11.01.02",
        title_name="Biên tập viên hạng II",
        qualifications={"political_theory": "so_cap"},
    )
    [item] = view(r, question="lý luận chính trị").items
    assert item.status == "missing"
    assert item.record == "Hồ sơ của anh/chị ghi: lý luận chính trị: sơ cấp."
    assert "lý luận chính trị từ trung cấp trở lên" in item.gap
    assert "«Lý luận chính trị»" in item.next_step


def test_view_is_plain_json_data():
    import json

    data = view(teacher()).to_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["items"][0]["due_date"] == "2027-01-10"
    assert data["items"][0]["courses"][0]["code"] == "K-NEW"


# ----------------------------------------------------------------------------------------------- reports


def person(r: CadreRecord, unit="U1", succession=None, target=None) -> plans.Person:
    return plans.Person(
        r, unit, f"Đơn vị {unit}", "Viên chức", r.title_name or "", tuple(evaluate(r, AS_OF, RULES)), succession, target
    )


def test_plan_lists_who_must_be_trained_by_when_and_totals_by_course_type_and_quarter():
    due_in_q1 = teacher(code="A", full_name="A", recruited_on=date(2024, 1, 10))  # due 10/01/2027
    overdue = teacher(code="B", full_name="B", recruited_on=date(2022, 5, 1))  # due 01/05/2025
    later = teacher(code="C", full_name="C", recruited_on=date(2026, 1, 1))  # due 01/01/2029: not this year
    met = teacher(code="D", full_name="D", certificates=(CertificateRecord("cdnn_gvth_h3", date(2024, 2, 1)),))
    running = teacher(
        code="E",
        full_name="E",
        enrollments=(
            EnrollmentRecord(
                "K-NEW", "k", CDNN, EnrollmentStatus.REGISTERED, "cdnn_gvth_h3", start_date=date(2027, 3, 1)
            ),
        ),
    )
    plan = plans.training_plan(
        [person(x) for x in (due_in_q1, overdue, later, met, running)],
        RULES,
        CATALOG,
        date(2027, 1, 1),
        date(2027, 12, 31),
        AS_OF,
    )
    assert [(r.cadre_code, r.slot) for r in plan.rows] == [("B", "Quý I/2027"), ("A", "Quý I/2027")]
    assert plan.rows[0].status_label == "Quá hạn" and plan.rows[0].citation.startswith("Điểm b Khoản 3 Điều 3")
    assert plan.rows[1].suggested_course.startswith("Bồi dưỡng CDNN GVTH hạng III khóa 2 (K-NEW")
    assert plan.columns == ("Quý I/2027", "Quý II/2027", "Quý III/2027", "Quý IV/2027", "Không có hạn")
    assert plan.totals == (("Bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp", (2, 0, 0, 0, 0), 2),)
    assert plan.in_progress == 1
    sheets = tables.plan_sheets(plan, "Đơn vị U1")
    assert sheets[1].rows[-1] == ("Tổng cộng", 2, 0, 0, 0, 0, 2)


def test_level_gaps_only_where_a_rule_states_the_level():
    editor = CadreRecord(
        "BT1",
        "Lê Văn C",
        CadreKind.VIEN_CHUC,
        title_code="V.11.01.02",
        title_name="Biên tập viên hạng II",
        qualifications={"political_theory": "so_cap"},
    )
    other = teacher(qualifications={"political_theory": "trung_cap"})
    report = plans.level_gaps([person(editor), person(other)], RULES)
    [gap] = report.gaps
    assert (gap.cadre_code, gap.held, gap.status_label) == ("BT1", "sơ cấp", "Còn thiếu")
    assert gap.required == "lý luận chính trị từ trung cấp trở lên"
    assert gap.citation == "Điểm d Khoản 2 Điều 5 Thông tư liên tịch số 11/2016/TTLT-BTTTT-BNV"
    assert report.uncovered == 1
    assert ("lý luận chính trị", "sơ cấp", 1, 1) in report.distribution
    assert ("lý luận chính trị", "trung cấp", 1, 0) in report.distribution


def _course(code, ctype, status, start, end, cert=None, done=None):
    return EnrollmentRecord(
        code, f"Khóa {code}", ctype, status, cert, start_date=start, end_date=end, completed_on=done
    )


def test_overlaps_same_type_at_the_same_time_and_retraining_a_held_certificate():
    llct = CourseType.LY_LUAN_CHINH_TRI
    r = teacher(
        certificates=(CertificateRecord("cdnn_gvth_h3", date(2024, 2, 1), "CC-1"),),
        enrollments=(
            _course("L1", llct, EnrollmentStatus.IN_PROGRESS, date(2026, 9, 1), date(2027, 3, 1)),
            _course("L2", llct, EnrollmentStatus.REGISTERED, date(2027, 1, 1), date(2027, 6, 1)),
            _course(
                "L3", llct, EnrollmentStatus.WITHDRAWN, date(2026, 9, 1), date(2027, 3, 1)
            ),  # withdrawn: not counted
            _course("T1", CourseType.TIN_HOC, EnrollmentStatus.REGISTERED, date(2026, 9, 1), date(2026, 12, 1)),
            _course("K-NEW", CDNN, EnrollmentStatus.REGISTERED, date(2027, 3, 1), date(2027, 5, 1), "cdnn_gvth_h3"),
        ),
    )
    found = plans.overlaps([person(r)], RULES)
    assert [(o.kind, o.course.split(" (")[-1], o.other) for o in found] == [
        (
            "Học lại chứng chỉ đã có",
            "K-NEW)",
            "Chứng chỉ bồi dưỡng theo tiêu chuẩn CDNN giáo viên tiểu học hạng III số CC-1",
        ),
        ("Trùng thời gian", "L1)", "Khóa L2 (L2)"),
    ]


def test_an_expired_certificate_is_no_duplicate():
    r = teacher(
        certificates=(CertificateRecord("cdnn_gvth_h3", date(2020, 2, 1), "CC-1", "", date(2025, 2, 1)),),
        enrollments=(
            _course("K-NEW", CDNN, EnrollmentStatus.REGISTERED, date(2027, 3, 1), date(2027, 5, 1), "cdnn_gvth_h3"),
        ),
    )
    assert plans.overlaps([person(r)], RULES) == []


def test_completed_counts_are_turns_and_people_by_type_and_quarter():
    done = EnrollmentStatus.COMPLETED
    a = teacher(
        code="A",
        enrollments=(
            _course(
                "L1", CourseType.LY_LUAN_CHINH_TRI, done, date(2026, 1, 5), date(2026, 2, 1), done=date(2026, 2, 1)
            ),
            _course("Q1", CourseType.QUAN_LY_NHA_NUOC, done, date(2026, 4, 1), date(2026, 5, 1), done=date(2026, 5, 2)),
            _course("Q2", CourseType.QUAN_LY_NHA_NUOC, done, date(2026, 8, 1), date(2026, 9, 1), done=date(2026, 9, 2)),
            _course(
                "X", CourseType.QUAN_LY_NHA_NUOC, done, date(2025, 8, 1), date(2025, 9, 1), done=date(2025, 9, 2)
            ),  # before
            _course("R", CourseType.QUAN_LY_NHA_NUOC, EnrollmentStatus.IN_PROGRESS, date(2026, 8, 1), date(2026, 9, 1)),
        ),
    )
    b = teacher(
        code="B",
        enrollments=(
            _course("Q3", CourseType.QUAN_LY_NHA_NUOC, done, date(2026, 4, 1), date(2026, 5, 1), done=date(2026, 5, 3)),
        ),
    )
    c = plans.completed_counts([person(a), person(b)], date(2026, 1, 1), date(2026, 12, 31), {"Q3"})
    assert c.by_type == (
        ("Lý luận chính trị", (1, 0, 0, 0), 1, 1),
        ("Quản lý nhà nước", (0, 2, 1, 0), 3, 2),
    )
    assert (c.total, c.people, c.abroad) == (4, 2, 1)
    assert c.by_kind == (("Viên chức", 4, 2),)


def test_succession_pool_lists_only_flagged_people_with_what_they_lack():
    flagged = teacher(code="A", full_name="A")
    other = teacher(code="B", full_name="B")
    report = plans.succession([person(flagged, succession="quy_hoach", target="Phó Hiệu trưởng"), person(other)], RULES)
    [row] = report.rows
    assert (row.cadre_code, row.pool, row.target, row.covered) == ("A", "Quy hoạch", "Phó Hiệu trưởng", True)
    assert row.lacking[0].startswith(
        "Chứng chỉ bồi dưỡng theo tiêu chuẩn CDNN giáo viên tiểu học hạng III — còn thiếu, hạn 10/01/2027"
    )
    assert report.counts == {"Quy hoạch": 1}


@pytest.mark.parametrize("kind", list(tables.BUILDERS))
def test_exports_keep_formula_like_text_as_text(kind):
    from openpyxl import load_workbook
    import io

    evil = teacher(code='=HYPERLINK("x")', full_name="=1+1", recruited_on=date(2022, 1, 1))
    p = person(evil, succession="du_nguon", target="@SUM(A1)")
    rep = {
        "plan": lambda: plans.training_plan([p], RULES, CATALOG, date(2026, 1, 1), date(2026, 12, 31), AS_OF),
        "levels": lambda: plans.level_gaps([p], RULES),
        "overlaps": lambda: [plans.Overlap("Trùng thời gian", "=X", "=1+1", "u", "t", "c", "", "o", "")],
        "completed": lambda: plans.completed_counts([p], date(2026, 1, 1), date(2026, 12, 31), set()),
        "succession": lambda: plans.succession([p], RULES),
    }[kind]()
    sheets = tables.sheets(kind, rep, "-U1")
    csv_text = tables.to_csv(sheets).decode("utf-8-sig")
    assert "\n=" not in csv_text and ",=" not in csv_text
    wb = load_workbook(io.BytesIO(tables.to_xlsx(sheets)))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} became a formula"


def test_a_question_matching_nothing_gets_the_titles_standards_said_so():
    editor = CadreRecord(
        "BT1",
        "Lê Văn C",
        CadreKind.VIEN_CHUC,
        title_code="V.11.01.02",
        title_name="Biên tập viên hạng II",
        qualifications={"political_theory": "trung_cap"},
    )
    v = view(editor, question="Tôi cần chứng chỉ bồi dưỡng gì để đạt chuẩn chức danh hiện tại?")
    assert [i.rule_id for i in v.items] == ["t-btv-h2-llct"]
    assert "không có yêu cầu nào khớp đúng câu hỏi cho chức danh Biên tập viên hạng II" in v.lead
    assert v.items[0].status == "met"


def test_an_hour_quota_shows_what_the_year_adds_up_to():
    rules = RuleSet.model_validate(
        yaml.safe_load(
            """
version: 1
rules:
  - id: t-cc-40-tiet
    title: Công chức học tối thiểu 40 tiết mỗi năm
    legal_basis:
      - {document: 171/2025/NĐ-CP, doc_type: Nghị định, article: "16", clause: "3",
         quote: "bảo đảm thời gian thực hiện tối thiểu 01 tuần (40 tiết)/năm."}
    applies_to: {kinds: [cong_chuc]}
    satisfied_by:
      - {kind: hours, course_types: [chuyen_mon_nghiep_vu], hours: 40}
"""
        )
    )
    done = EnrollmentRecord(
        "N1", "Nghiệp vụ 1", CourseType.CHUYEN_MON_NGHIEP_VU, EnrollmentStatus.COMPLETED,
        course_hours=16, completed_on=date(2026, 4, 2),
    )
    r = CadreRecord("CC2", "Phạm D", CadreKind.CONG_CHUC, title_name="Chuyên viên", enrollments=(done,))
    [item] = build_view(facts(r), evaluate(r, AS_OF, rules), rules, AS_OF, "self").items
    assert "đã học 16/40 tiết trong năm" in item.record
    assert item.due_date == date(2026, 12, 31)
