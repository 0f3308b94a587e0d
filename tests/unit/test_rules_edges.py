"""Edge cases of the requirement engine and the rule files, each at its boundary date (issue 11 items 1–3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from assistant.domain import Document
from assistant.enrollment.engine import (
    CadreRecord,
    CertificateRecord,
    EnrollmentRecord,
    Status,
    TitleChange,
    TitleSpell,
    evaluate,
)
from assistant.enrollment.errors import RulesInvalid
from assistant.enrollment.models import CadreKind, CourseType, EnrollmentStatus
from assistant.enrollment.rules import RULES_DIR, SEED_RULES, load_rules, normalize_title_code
from assistant.enrollment.validity import CorpusValidity

SEED = load_rules(SEED_RULES)
ALL = load_rules(RULES_DIR)
CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "documents"
CDNN = CourseType.CHUC_DANH_NGHE_NGHIEP


def person(title_code: str | None, **kw: object) -> CadreRecord:
    base: dict[str, object] = {"code": "E1", "full_name": "Người Thử", "kind": CadreKind.VIEN_CHUC}
    return CadreRecord(**(base | {"title_code": title_code} | kw))  # type: ignore[arg-type]


def status_of(c: CadreRecord, on: date, rule_id: str, rules=SEED, **kw: object):
    found = [s for s in evaluate(c, on, rules, include_not_applicable=True, **kw) if s.rule_id == rule_id]  # type: ignore[arg-type]
    assert found, rule_id
    return found[0]


def course(
    status: EnrollmentStatus, end: date | None, cert: str = "cdnn_gvmn_h3", code: str = "K1"
) -> EnrollmentRecord:
    start = date(end.year - 1, end.month, 1) if end else None
    return EnrollmentRecord(code, f"Lớp {code}", CDNN, status, cert, start_date=start, end_date=end)


# ------------------------------------------------------------------------------------------ stale enrollments


def test_an_enrollment_still_open_after_its_course_ended_has_no_result_and_counts_as_missing():
    ended = date(2024, 5, 31)
    c = person("V.07.02.26", enrollments=(course(EnrollmentStatus.IN_PROGRESS, ended),))
    on_last_day = status_of(c, ended, "gvmn-h3-chung-chi-cdnn")
    assert on_last_day.status is Status.IN_PROGRESS
    day_after = status_of(c, date(2024, 6, 1), "gvmn-h3-chung-chi-cdnn")
    assert day_after.status is Status.MISSING
    assert "Chưa có kết quả" in day_after.evidence[0].label and not day_after.evidence[0].counts
    nineteen_months = status_of(c, date(2025, 12, 31), "gvmn-h3-chung-chi-cdnn")
    assert nineteen_months.status is Status.MISSING


def test_a_stale_enrollment_past_the_deadline_is_overdue_not_in_progress():
    c = person(
        "V.07.02.26",
        recruited_on=date(2023, 6, 1),
        enrollments=(course(EnrollmentStatus.REGISTERED, date(2023, 12, 1)),),
    )
    s = status_of(c, date(2025, 6, 1), "gvmn-h3-chung-chi-cdnn")
    assert s.status is Status.OVERDUE and "đang học" not in s.detail


def test_a_registered_course_yet_to_end_is_in_progress():
    c = person("V.07.02.26", enrollments=(course(EnrollmentStatus.REGISTERED, date(2026, 3, 1)),))
    s = status_of(c, date(2025, 12, 1), "gvmn-h3-chung-chi-cdnn")
    assert s.status is Status.IN_PROGRESS and s.evidence[0].label.startswith("Đã đăng ký")


# ------------------------------------------------------------------------------------------ evidence once


def test_a_certificate_recorded_and_awarded_by_a_course_is_listed_once():
    done = EnrollmentRecord(
        "K9",
        "Lớp K9",
        CDNN,
        EnrollmentStatus.COMPLETED,
        "cdnn_gvmn_h3",
        completed_on=date(2024, 3, 1),
        certificate_number="CC-9",
    )
    recorded = CertificateRecord("cdnn_gvmn_h3", date(2024, 3, 1), "CC-9")
    s = status_of(
        person("V.07.02.26", certificates=(recorded,), enrollments=(done,)), date(2025, 1, 1), "gvmn-h3-chung-chi-cdnn"
    )
    assert s.status is Status.MET and len(s.evidence) == 1
    untyped_number = replace(recorded, number="")
    s2 = status_of(
        person("V.07.02.26", certificates=(untyped_number,), enrollments=(done,)),
        date(2025, 1, 1),
        "gvmn-h3-chung-chi-cdnn",
    )
    assert len(s2.evidence) == 1


# ------------------------------------------------------------------------------------------ codes, names, types


@pytest.mark.parametrize("typed", ["V.07.02.26", "V07.02.26", "v.07.02.26 ", "V 07 02 26", "Ｖ.07.02.26", "V.7.2.26"])
def test_title_codes_are_normalised(typed):
    assert normalize_title_code(typed) == "V.07.02.26"
    s = status_of(person(typed), date(2025, 1, 1), "gvmn-h3-chung-chi-cdnn")
    assert s.status is not Status.NOT_APPLICABLE


def test_a_title_without_code_is_matched_by_its_name():
    c = person(None, title_name="giáo viên MẦM NON hạng III")
    assert status_of(c, date(2025, 1, 1), "gvmn-h3-chung-chi-cdnn", ALL).status is not Status.NOT_APPLICABLE
    other = person(None, title_name="Giáo viên mầm non hạng IIII")
    assert status_of(other, date(2025, 1, 1), "gvmn-h3-chung-chi-cdnn", ALL).status is Status.NOT_APPLICABLE


def test_certificate_types_resolve_through_the_vocabulary_synonyms():
    typed = "chứng chỉ CDNN giáo viên mầm non hạng III"
    assert ALL.certificate_code(typed) == "cdnn_gvmn_h3"
    assert ALL.certificate_code("Chứng chỉ bồi dưỡng theo tiêu chuẩn CDNN điều dưỡng") == "cdnn_dieu_duong"
    assert ALL.certificate_code("chứng chỉ bơi lội") is None
    c = person("V.07.02.26", certificates=(CertificateRecord(typed, date(2024, 1, 1), "X"),))
    assert status_of(c, date(2025, 1, 1), "gvmn-h3-chung-chi-cdnn", ALL).status is Status.MET


# ------------------------------------------------------------------------------------------ exemptions


def test_librarians_appointed_before_the_circular_are_deemed_to_meet_it():
    rid = "thu-vien-h3-chung-chi"
    before = status_of(person("V.10.02.06", title_appointed_on=date(2022, 8, 14)), date(2025, 1, 1), rid)
    assert before.status is Status.MET and "được xác định là đáp ứng" in before.detail
    assert "Khoản 1 Điều 11 Thông tư số 02/2022/TT-BVHTTDL" in before.citation
    assert before.evidence[0].on == date(2022, 8, 14)
    on_day = status_of(person("V.10.02.06", title_appointed_on=date(2022, 8, 15)), date(2025, 1, 1), rid)
    assert on_day.status is Status.MISSING


def test_a_teacher_who_moved_title_needs_no_certificate_but_one_promoted_does():
    rid = "gvth-h3-chung-chi-cdnn"
    moved = person(
        "V.07.03.29",
        recruited_on=date(2021, 9, 1),
        title_appointed_on=date(2024, 1, 15),
        title_history=(
            TitleSpell("V.07.02.26", date(2021, 9, 1), TitleChange.RECRUITMENT),
            TitleSpell("V.07.03.29", date(2024, 1, 15), TitleChange.TRANSFER),
        ),
    )
    s = status_of(moved, date(2025, 6, 1), rid)
    assert s.status is Status.EXEMPT and "Điểm c Khoản 5 Điều 6 Thông tư số 08/2023/TT-BGDĐT" in s.citation
    promoted = replace(
        moved,
        title_history=(
            TitleSpell("V.07.02.26", date(2021, 9, 1), TitleChange.RECRUITMENT),
            TitleSpell("V.07.03.29", date(2024, 1, 15), TitleChange.PROMOTION),
        ),
    )
    assert status_of(promoted, date(2025, 6, 1), rid).status is Status.OVERDUE  # 36 months from 01/9/2021


def test_the_health_transition_is_pointed_out_not_assumed():
    s = status_of(
        person("V.08.05.12", title_appointed_on=date(2022, 6, 9)), date(2025, 1, 1), "dieu-duong-h3-chung-chi"
    )
    assert s.status is Status.MISSING and "có thể không phải đáp ứng" in s.detail
    later = status_of(
        person("V.08.05.12", title_appointed_on=date(2022, 6, 10)), date(2025, 1, 1), "dieu-duong-h3-chung-chi"
    )
    assert "có thể không phải đáp ứng" not in later.detail


@pytest.mark.parametrize(
    ("cert", "issued", "expected"),
    [
        ("cdnn_gvmn_h3", date(2022, 6, 29), Status.MET),  # 08/2023 Điều 6 khoản 3: before 30/6/2022
        ("cdnn_gvmn_h3", date(2022, 6, 30), Status.MISSING),
        ("cdnn_gvmn_h4", date(2020, 1, 1), Status.MET),
        ("cdnn_gvmn_h1", date(2023, 1, 1), Status.MISSING),  # a hạng I certificate is not the hạng II one
        ("cdnn_gvmn_h2", date(2024, 1, 1), Status.MET),
    ],
)
def test_kindergarten_grade_ii_certificate_per_08_2023_article_6_clause_3(cert, issued, expected):
    c = person("V.07.02.25", certificates=(CertificateRecord(cert, issued, "N"),))
    assert status_of(c, date(2025, 1, 1), "gvmn-h2-chung-chi-cdnn").status is expected


@pytest.mark.parametrize(
    ("recruited", "due"),
    [
        (date(2021, 3, 19), None),  # before 02/2021 took effect: its 36-month term does not bind
        (date(2021, 3, 20), date(2024, 3, 20)),
        (date(2022, 5, 29), date(2025, 5, 29)),
        (date(2022, 5, 30), date(2024, 5, 30)),  # still in the 12-month probation on 30/5/2023
        (date(2023, 5, 29), date(2024, 5, 30)),
        (date(2023, 5, 30), date(2024, 5, 30)),  # recruited under 08/2023: within the probation (12 months)
        (date(2024, 2, 29), date(2025, 2, 28)),
    ],
)
def test_primary_grade_iii_deadline_follows_08_2023_not_only_36_months(recruited, due):
    s = status_of(person("V.07.03.29", recruited_on=recruited), date(2023, 1, 1), "gvth-h3-chung-chi-cdnn")
    assert s.due_date == due


def test_management_rule_sets_no_deadline():
    rule = SEED.by_id("vien-chuc-quan-ly-boi-duong-truoc-bo-nhiem")
    assert rule is not None and rule.deadlines == []


# ------------------------------------------------------------------------------------------ validity of the basis


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shipped corpus not built")
def test_a_rule_whose_law_lapsed_says_so_on_the_status_and_cannot_be_overdue():
    judge = CorpusValidity.of_directories(CORPUS)
    c = person(
        "V.07.03.28",
        position="Hiệu trưởng",
        position_appointed_on=date(2020, 1, 1),
        recruited_on=date(2023, 6, 1),
    )
    rid = "vien-chuc-quan-ly-boi-duong-truoc-bo-nhiem"
    before = status_of(c, date(2026, 6, 30), rid, judge=judge)
    assert before.basis_notes == () and before.basis_state == "in_force"
    after = status_of(c, date(2026, 7, 1), rid, judge=judge)
    assert after.basis_state == "expired" and "căn cứ đã hết hiệu lực" in after.basis_notes[0]
    # 115/2020/NĐ-CP is only reported replaced: uncertain — the status keeps its deadline and says so
    teacher = person("V.07.02.26", recruited_on=date(2023, 6, 1))
    s = status_of(teacher, date(2026, 12, 1), "gvmn-h3-chung-chi-cdnn", judge=judge)
    assert s.basis_state == "uncertain" and s.status is Status.OVERDUE and "chưa rõ hiệu lực" in s.basis_notes[0]
    assert status_of(teacher, date(2026, 6, 1), "gvmn-h3-chung-chi-cdnn", judge=judge).basis_notes == ()


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shipped corpus not built")
def test_a_lapsed_basis_cannot_make_anyone_overdue():
    from assistant.enrollment.rules import Deadline

    judge = CorpusValidity.of_directories(CORPUS)
    rule = SEED.by_id("vien-chuc-quan-ly-boi-duong-truoc-bo-nhiem")
    assert rule is not None
    dated = rule.model_copy(update={"deadline": Deadline(anchor="position_appointment", months=6)})
    c = person("V.07.03.28", position="Hiệu trưởng", position_appointed_on=date(2020, 1, 1))
    in_force = evaluate(c, date(2026, 6, 30), [dated], judge=judge)[0]
    assert in_force.status is Status.OVERDUE
    lapsed = evaluate(c, date(2026, 7, 1), [dated], judge=judge)[0]
    assert lapsed.status is Status.MISSING and lapsed.basis_state == "expired"


def test_a_cited_document_missing_from_the_corpus_is_reported():
    judge = CorpusValidity(lambda: [Document(number="01/2021/TT-BGDĐT", doc_type="Thông tư", title="x")])
    s = status_of(person("V.07.02.26"), date(2025, 1, 1), "gvmn-h3-chung-chi-cdnn", judge=judge)
    assert s.basis_state == "missing"
    assert any("không tìm thấy trong kho" in n for n in s.basis_notes)
    assert any("văn bản chưa có trong kho" in n for n in s.basis_notes)


# ------------------------------------------------------------------------------------------ rule files


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


RULE = """  - id: {id}
    title: Thử
    summary: Tóm tắt thử
    legal_basis: [{{document: 01/2021/TT-BGDĐT, doc_type: Thông tư, article: "3", quote: "Có chứng chỉ bồi dưỡng"}}]
    applies_to: {{title_codes: [V.07.02.26]}}
    satisfied_by: [{{kind: certificate, types: [cc_thu]}}]
"""
HEAD = "certificate_types: {cc_thu: Chứng chỉ thử}\nrules:\n"


def test_rules_errors_name_the_file_the_rule_and_the_field_in_vietnamese(tmp_path: Path):
    bad = write(
        tmp_path, "a.yaml", HEAD + RULE.format(id="qt-mot").replace("title_codes: [V.07.02.26]", "title_codes: V.07")
    )
    with pytest.raises(RulesInvalid) as e:
        load_rules(bad)
    assert "a.yaml" in e.value.message and 'quy tắc "qt-mot"' in e.value.message
    assert "applies_to.title_codes" in e.value.message and "phải là danh sách" in e.value.message
    deadline = HEAD + RULE.format(id="qt-hai") + "    deadline: {anchor: fixed}\n"
    with pytest.raises(RulesInvalid, match="hạn cố định"):
        load_rules(write(tmp_path, "b.yaml", deadline))
    unknown = HEAD.replace("cc_thu: Chứng chỉ thử", "cc_khac: Khác") + RULE.format(id="qt-ba")
    with pytest.raises(RulesInvalid, match="chưa khai báo.*cc_thu"):
        load_rules(write(tmp_path, "c.yaml", unknown))
    with pytest.raises(RulesInvalid, match=r"d.yaml sai cú pháp YAML \(dòng \d+, cột \d+\)"):
        load_rules(write(tmp_path, "d.yaml", "rules:\n  - id: [x\n"))
    with pytest.raises(RulesInvalid, match=r"trường satisfied_by\[1\]: loại điều kiện \(kind\) không hợp lệ"):
        load_rules(
            write(tmp_path, "e.yaml", HEAD + RULE.format(id="qt-bon").replace("kind: certificate", "kind: bang"))
        )


def test_a_rules_directory_is_merged_and_duplicates_across_files_are_named(tmp_path: Path):
    d = tmp_path / "rules"
    d.mkdir()
    write(d, "1.yaml", HEAD + RULE.format(id="qt-mot"))
    write(d, "2.yml", HEAD + RULE.format(id="qt-hai"))
    assert [r.id for r in load_rules(d).rules] == ["qt-mot", "qt-hai"]
    write(d, "3.yaml", HEAD + RULE.format(id="qt-mot"))
    with pytest.raises(RulesInvalid, match='3.yaml: quy tắc "qt-mot" trùng mã với 1.yaml'):
        load_rules(d)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RulesInvalid, match="không có tệp .yaml"):
        load_rules(empty)
    with pytest.raises(RulesInvalid, match="Không có tệp hay thư mục"):
        load_rules(tmp_path / "nowhere")


def test_the_configured_rules_path_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from assistant.config import Settings

    one = write(tmp_path, "mine.yaml", HEAD + RULE.format(id="qt-rieng"))
    monkeypatch.setenv("ASSISTANT_RULES__PATH", str(one))
    assert [r.id for r in load_rules(Settings().rules.path).rules] == ["qt-rieng"]


# ------------------------------------------------------------------------------------------ thăng hạng, no standard


@pytest.mark.parametrize(
    ("appointed", "education", "expected"),
    [
        (date(2023, 6, 2), "cao_dang", Status.MET),  # 2 years with cao đẳng
        (date(2023, 6, 3), "cao_dang", Status.MISSING),
        (date(2023, 6, 2), "trung_cap", Status.MISSING),  # trung cấp needs 3 years
        (date(2022, 6, 2), "trung_cap", Status.MET),
    ],
)
def test_promotion_tenure_of_a_grade_iv_librarian(appointed, education, expected):
    c = person("V.10.02.07", title_appointed_on=appointed, qualifications={"education_level": education})
    [s] = [x for x in evaluate(c, date(2025, 6, 2), ALL, purposes=("promotion",)) if x.purpose == "promotion"]
    assert s.rule_id == "thang-hang-thu-vien-iv-len-iii" and s.status is expected
    assert all(x.purpose != "promotion" for x in evaluate(c, date(2025, 6, 2), ALL))  # asked for only on request


def test_earlier_spells_count_towards_tenure_only_in_the_listed_titles():
    c = person(
        "V.06.01.03",
        title_appointed_on=date(2025, 1, 1),
        title_history=(TitleSpell("V.06.01.03", date(2024, 3, 1), TitleChange.RECRUITMENT),),
    )
    [s] = evaluate(c, date(2025, 6, 1), ALL, purposes=("promotion",))
    assert s.status is Status.MET and "01/03/2024" in s.evidence[0].label


def test_a_title_the_corpus_has_no_standard_for_is_said_so():
    from assistant.enrollment.service import title_has_standard

    assert title_has_standard(person("V.07.02.26"), ALL)
    assert title_has_standard(person(None, title_name="Thư viện viên hạng III"), ALL)
    assert not title_has_standard(person("01.003", kind=CadreKind.CONG_CHUC), ALL)
    assert not title_has_standard(person(None), ALL)
