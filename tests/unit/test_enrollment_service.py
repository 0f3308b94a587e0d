"""The service facade over a real SQLite database: demo province, status reports, relevance, exports."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date

import pytest
from openpyxl import load_workbook

from assistant.db import make_engine, sessions, upgrade
from assistant.enrollment.demo import DEMO_AS_OF, DEMO_LABEL, _courses, build_demo, load_demo
from assistant.enrollment.engine import Status
from assistant.enrollment.rules import SEED_RULES, load_rules
from assistant.enrollment.service import EnrollmentService, render_status_summary
from assistant.errors import InvalidInput, NotFound

TEACHER = """Mã cán bộ,Họ và tên,Mã đơn vị,Loại,Mã ngạch/chức danh,Hạng,Ngày tuyển dụng
GV01,Nguyễn Thị Thử,DEMO-H1-MN,viên chức,V.07.02.26,III,01/12/2024
"""


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    engine = make_engine("", sqlite_path=tmp_path_factory.mktemp("svc") / "enr.db")
    upgrade(engine)
    factory = sessions(engine)
    with factory() as session:
        load_demo(session)
    svc = EnrollmentService(factory, load_rules(SEED_RULES), today=lambda: DEMO_AS_OF)
    assert svc.import_file(TEACHER.encode(), "gv.csv").ok
    yield svc
    engine.dispose()


def test_demo_is_reproducible_labelled_and_varied():
    a, b = build_demo(), build_demo()
    assert a == b and len(a.cadres) == 200
    assert {c["kind"] for c in a.cadres} == {"can_bo", "cong_chuc", "vien_chuc"}
    assert {e["status"] for e in a.enrollments} == {"registered", "in_progress", "completed", "failed", "withdrawn"}
    assert not any(c.get("expires_on") for c in a.certificates)  # no rule sets a validity: no invented expiry
    ends = {c["code"]: c["end_date"] for c in _courses()}
    open_ = [e for e in a.enrollments if e["status"] in {"in_progress", "registered"}]
    assert any(ends[e["course_code"]] < DEMO_AS_OF for e in open_)  # open in a course that ended: no result
    assert any(ends[e["course_code"]] >= DEMO_AS_OF for e in open_)  # and courses really under way
    assert len(a.commitments) >= 3
    assert len({c["title_code"] for c in a.cadres if c.get("title_code")}) >= 15


def test_demo_is_dated_relative_to_the_day_it_is_loaded():
    later = date(2027, 3, 15)
    base, moved = build_demo(), build_demo(as_of=later)
    shift = later - DEMO_AS_OF
    assert [c["recruited_on"] + shift if c.get("recruited_on") else None for c in base.cadres] == [
        c.get("recruited_on") for c in moved.cadres
    ]
    assert [e.get("completed_on") and e["completed_on"] + shift for e in base.enrollments] == [
        e.get("completed_on") for e in moved.enrollments
    ]
    assert {(c["code"], c["kind"], c.get("title_code")) for c in base.cadres} == {
        (c["code"], c["kind"], c.get("title_code")) for c in moved.cadres
    }


def test_demo_has_two_tier_local_government_and_many_title_families():
    from assistant.enrollment.demo import UNITS

    levels = {code: level for code, _, level, _ in UNITS}
    assert "huyen" not in levels.values() and levels["DEMO-H1"] == levels["DEMO-H2"] == "xa"
    names = {name for _, name, _, _ in UNITS}
    assert not any("huyện" in n for n in names)
    families = {c["title_code"][:7] for c in build_demo().cadres if (c.get("title_code") or "").startswith("V.")}
    assert len(families) >= 10  # teachers, health, archives, libraries, heritage, sport, agriculture, land, …


def test_demo_statuses_cover_every_outcome(service):
    reports = service.unit_report("DEMO-TINH")
    assert len(reports) == 201
    seen = Counter(s.status for r in reports for s in r.statuses)
    assert {Status.MET, Status.IN_PROGRESS, Status.MISSING, Status.OVERDUE} <= set(seen)
    assert DEMO_LABEL in reports[0].cadre.unit_path[0]


def test_units_and_cadres_follow_the_tree(service):
    units = service.units_under("DEMO-H1")
    assert units[0].code == "DEMO-H1" and units[0].depth == 0
    assert {u.code for u in units} == {"DEMO-H1", "DEMO-H1-PNV", "DEMO-H1-MN", "DEMO-H1-TH", "DEMO-H1-THCS"}
    assert all(u.depth == 1 and u.parent_code == "DEMO-H1" for u in units[1:])
    everyone = service.list_cadres("DEMO-H1")
    direct = service.list_cadres("DEMO-H1", include_subunits=False)
    assert len(everyone) > len(direct) and {c.unit_code for c in direct} <= {"DEMO-H1"}
    with pytest.raises(NotFound, match="KHONGCO"):
        service.units_under("KHONGCO")


def test_cadre_status_report(service):
    report = service.cadre_status("GV01")
    assert report.as_of == DEMO_AS_OF and report.cadre.unit_name == "Trường Mầm non Hoa Sen"
    assert report.cadre.unit_path[-2] == "UBND xã Mẫu Một"  # two tiers: tỉnh → xã/phường
    [status] = report.statuses
    assert status.rule_id == "gvmn-h3-chung-chi-cdnn" and status.status is Status.MISSING
    assert status.due_date == date(2025, 9, 1) == DEMO_AS_OF  # 09 tháng tập sự from 01/12/2024; due today
    later = service.cadre_status("GV01", as_of=date(2025, 9, 2)).statuses[0]
    assert later.status is Status.OVERDUE
    with pytest.raises(NotFound):
        service.get_cadre("KHONGCO")
    assert service.get_cadre(" GV01 ").full_name == "Nguyễn Thị Thử"


def test_relevant_statuses_by_unit_id_and_by_keywords(service):
    rid = "gvmn-h3-chung-chi-cdnn"
    by_clause = service.relevant_statuses("GV01", ["01-2021-tt-bgddt:d3:k2"], "")
    assert [s.rule_id for s in by_clause] == [rid]
    assert service.relevant_statuses("GV01", ["01-2021-tt-bgddt:d4"], "Điều kiện thăng hạng?") == []
    folded = service.relevant_statuses("GV01", [], "giao vien mam non can chung chi gi?")
    assert [s.rule_id for s in folded] == [rid]
    assert service.relevant_statuses("GV01", [], "Thủ tục nghỉ hưu thế nào?") == []
    assert [s.rule_id for s in service.relevant_statuses("GV01", [], "Tôi còn thiếu gì?")] == [rid]


def test_render_status_summary_names_each_group_and_its_basis(service):
    statuses = service.cadre_status("GV01", as_of=date(2025, 1, 1)).statuses
    text = render_status_summary(statuses)
    assert text.startswith("Theo hồ sơ của anh/chị: còn thiếu: giáo viên mầm non hạng III")
    assert "hạn 01/09/2025" in text and "(căn cứ Điểm b Khoản 3 Điều 3 Thông tư số 01/2021/TT-BGDĐT)" in text
    met = next(r for r in service.unit_report("DEMO-H1-MN") if r.count(Status.MET))
    assert "đã đáp ứng:" in service.render_status_summary(met.statuses)
    assert "chưa có yêu cầu" in render_status_summary([])


def test_csv_export_has_bom_and_one_row_per_requirement(service):
    data = service.export_unit_report("DEMO-H1-MN", "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Mã cán bộ", "Họ và tên", "Mã đơn vị", "Đơn vị"]
    expected = sum(max(1, len(r.statuses)) for r in service.unit_report("DEMO-H1-MN"))
    assert len(rows) - 1 == expected
    gv = next(r for r in rows if r[0] == "GV01")
    assert gv[2] == "DEMO-H1-MN"
    assert gv[11] == "Còn thiếu" and gv[12] == "01/09/2025" and "01/2021/TT-BGDĐT" in gv[15]


def test_xlsx_export_opens_with_detail_and_summary_sheets(service):
    wb = load_workbook(io.BytesIO(service.export_unit_report("DEMO-H1", "xlsx")))
    assert wb.sheetnames == ["Chi tiết", "Tổng hợp"]
    detail = wb["Chi tiết"]
    assert "UBND xã Mẫu Một (DEMO-H1)" in detail["A1"].value and "01/09/2025" in detail["A2"].value
    assert detail["A3"].value == "Mã cán bộ"
    summary = list(wb["Tổng hợp"].iter_rows(values_only=True))
    assert summary[0] == ("Mã đơn vị", "Đơn vị", "Quá hạn", "Còn thiếu", "Đang thực hiện", "Đã đáp ứng", "Không yêu cầu")
    assert len(summary) >= 4
    codes = [row[0] for row in summary[1:]]
    assert len(codes) == len(set(codes)) and "DEMO-H1-MN" in codes  # keyed by unit code
    with pytest.raises(InvalidInput):
        service.export_unit_report("DEMO-H1", "pdf")


def test_exported_csv_can_be_read_back_by_the_importer_layout_finder(service):
    # A report is not an import file: the importer must refuse it rather than guess.
    from assistant.enrollment.errors import ImportRejected

    with pytest.raises(ImportRejected):
        service.import_file(service.export_unit_report("DEMO-H1-MN", "csv"), "bao-cao.csv", kind="courses")


def test_import_template_round_trips_through_the_importer(service):
    from openpyxl import load_workbook

    template = service.import_template("courses")
    ws = load_workbook(io.BytesIO(template)).worksheets[0]
    ws.append(["TPL-1", "Khóa từ mẫu", "tin học", None, None, None, None, 40])
    buffer = io.BytesIO()
    ws.parent.save(buffer)
    report = service.import_file(buffer.getvalue(), "mau.xlsx")
    assert report.ok and report.kind == "courses" and report.created == 1
    with pytest.raises(InvalidInput):
        service.import_template("luong")
