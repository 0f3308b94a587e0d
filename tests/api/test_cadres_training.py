"""HR work over HTTP: statuses, enrollments with certificates, unit reports, spreadsheet imports."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook


def test_status_lists_requirements_with_legal_basis(api):  # type: ignore[no-untyped-def]
    body = api.call("cadre", "GET", f"/cadres/{api.cadres['own']}/status").json()
    assert body["cadre"]["code"] == api.cadres["own"] and body["as_of"] == "2025-09-01"
    assert body["statuses"] and all(s["legal_basis"] for s in body["statuses"])
    assert body["summary"].startswith("Theo hồ sơ")


def test_hr_creates_course_enrolls_and_marks_completed_with_certificate(api):  # type: ignore[no-untyped-def]
    course = {"code": "K-API-01", "name": "Bồi dưỡng kỹ năng số", "course_type": "cap_nhat_kien_thuc", "hours": 24}
    assert api.call("hr", "POST", "/courses", json=course).status_code == 201
    assert api.call("hr", "POST", "/courses", json=course).status_code == 409
    assert "K-API-01" in [c["code"] for c in api.call("cadre", "GET", "/courses").json()]
    code = api.cadres["same_unit"]
    r = api.call("hr", "POST", f"/cadres/{code}/enrollments", json={"course_code": "K-API-01"})
    assert r.status_code == 201 and r.json()["status"] == "registered"
    assert api.call("hr", "POST", f"/cadres/{code}/enrollments", json={"course_code": "K-API-01"}).status_code == 409
    no_date = api.call("hr", "PATCH", f"/cadres/{code}/enrollments/K-API-01", json={"status": "completed"})
    assert no_date.status_code == 400 and "ngày hoàn thành" in no_date.json()["error"]["message"]
    done = {"status": "completed", "completed_on": "2025-08-20", "certificate_number": "KNS-0001", "hours_earned": 24}
    r = api.call("hr", "PATCH", f"/cadres/{code}/enrollments/K-API-01", json=done)
    assert r.status_code == 200 and r.json()["certificate_number"] == "KNS-0001"
    enrollments = api.call("hr", "GET", f"/cadres/{code}/status").json()["enrollments"]
    assert any(e["course_code"] == "K-API-01" and e["status"] == "completed" for e in enrollments)
    other = api.cadres["other_unit"]
    assert api.call("hr", "POST", f"/cadres/{other}/enrollments", json={"course_code": "K-API-01"}).status_code == 403
    assert api.call("cadre", "PATCH", f"/cadres/{api.cadres['own']}/enrollments/K-API-01", json=done).status_code == 403


def test_unit_reports_in_csv_and_xlsx(api):  # type: ignore[no-untyped-def]
    r = api.call("hr", "GET", "/reports/units/DEMO-H1?format=csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert any(api.cadres["own"] in row for row in rows)
    r = api.call("hr", "GET", "/reports/units/DEMO-H1?format=xlsx")
    assert r.status_code == 200 and load_workbook(io.BytesIO(r.content)).active.max_row > 2
    assert api.call("hr", "GET", "/reports/units/DEMO-H1?format=pdf").status_code == 422


def test_admin_imports_a_spreadsheet_and_bad_rows_import_nothing(api):  # type: ignore[no-untyped-def]
    good = "Mã cán bộ,Họ và tên,Mã đơn vị,Loại\nAPI-GV01,Nguyễn Thị Thử,DEMO-H1-MN,viên chức\n"
    r = api.call("admin", "POST", "/imports", files={"file": ("cb.csv", good.encode(), "text/csv")})
    assert r.status_code == 200 and r.json()["created"] >= 1, r.text
    assert api.call("hr", "GET", "/cadres/API-GV01").status_code == 200  # in DEMO-H1's subtree
    bad = "Mã cán bộ,Họ và tên,Mã đơn vị,Loại\nAPI-GV02,Trần Văn Lỗi,KHONG-CO,viên chức\n"
    r = api.call("admin", "POST", "/imports", files={"file": ("cb.csv", bad.encode(), "text/csv")})
    assert r.status_code == 400 and r.json()["error"]["code"] == "import_rejected" and r.json()["error"]["detail"]
    assert api.call("admin", "GET", "/cadres/API-GV02").status_code == 404
