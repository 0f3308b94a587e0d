"""HR planning reports over real HTTP, on SQLite and PostgreSQL: scoped to the HR user's units, audited, the same
tables on the page as in the XLSX/CSV files; and the personal answer worded for whoever reads it."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

KINDS = ["plan", "levels", "overlaps", "completed", "succession"]
QUESTION = "Tôi cần chứng chỉ bồi dưỡng gì để đạt chuẩn chức danh hiện tại?"


def _codes_in(api, unit):  # type: ignore[no-untyped-def]
    return {c.code for c in api.services.personal.enrollment.list_cadres(unit)}


@pytest.mark.parametrize("kind", KINDS)
def test_each_report_is_served_for_the_hr_users_own_units_and_exported(api, kind):  # type: ignore[no-untyped-def]
    r = api.call("hr", "GET", f"/reports/{kind}", params={"year": 2025})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["unit_code"] == "DEMO-H1" and "DEMO-H1" in body["title"]
    assert body["sheets"] and all(s["headers"] for s in body["sheets"])
    for fmt, media in (("xlsx", "spreadsheetml"), ("csv", "text/csv")):
        f = api.call("hr", "GET", f"/reports/{kind}/export", params={"year": 2025, "format": fmt})
        assert f.status_code == 200 and media in f.headers["content-type"], f.text
        assert f.headers["content-disposition"].endswith(f'-DEMO-H1.{fmt}"')
        if fmt == "xlsx":
            wb = load_workbook(io.BytesIO(f.content))
            assert [ws.title for ws in wb.worksheets] == [s["name"] for s in body["sheets"]]
            first = wb.worksheets[0]
            assert first["A1"].value == body["sheets"][0]["title"]
            assert first.max_row == 3 + len(body["sheets"][0]["rows"])
        else:
            rows = list(csv.reader(io.StringIO(f.content.decode("utf-8-sig"))))
            assert rows[0] == [body["sheets"][0]["title"]]
            assert body["sheets"][0]["headers"] in rows


def test_plan_rows_are_only_people_of_the_scope_each_with_a_clause(api):  # type: ignore[no-untyped-def]
    body = api.call("hr", "GET", "/reports/plan", params={"year": 2025}).json()
    detail = body["sheets"][0]
    col = detail["headers"].index("Mã cán bộ")
    basis = detail["headers"].index("Căn cứ")
    rows = detail["rows"]
    assert rows, "the demo unit has unmet requirements"
    assert {r[col] for r in rows} <= _codes_in(api, "DEMO-H1")
    assert all(r[basis].startswith(("Điểm", "Khoản", "Điều")) for r in rows)
    admin = api.call("admin", "GET", "/reports/plan", params={"year": 2025, "unit": "DEMO-TINH"}).json()
    assert len(admin["sheets"][0]["rows"]) > len(rows)


@pytest.mark.parametrize("kind", KINDS)
def test_hr_of_one_unit_cannot_see_another(api, kind):  # type: ignore[no-untyped-def]
    for path in (f"/reports/{kind}", f"/reports/{kind}/export"):
        r = api.call("hr", "GET", path, params={"unit": "DEMO-H2"})
        assert r.status_code == 403 and "đơn vị" in r.json()["error"]["message"]
        assert api.call("hr_other", "GET", path, params={"unit": "DEMO-H1"}).status_code == 403
        assert api.call("hr", "GET", path, params={"unit": "DEMO-TINH"}).status_code == 403  # the parent either
        assert api.call("cadre", "GET", path, params={"unit": "DEMO-H1"}).status_code == 403
        assert api.call("anonymous", "GET", path, params={"unit": "DEMO-H1"}).status_code == 401
    assert api.call("hr_other", "GET", f"/reports/{kind}").json()["unit_code"] == "DEMO-H2"


def test_units_list_is_the_scope_and_reports_are_audited(api):  # type: ignore[no-untyped-def]
    units = api.call("hr", "GET", "/reports/units").json()
    codes = {u["code"] for u in units}
    assert "DEMO-H1" in codes and "DEMO-H2" not in codes and "DEMO-TINH" not in codes
    assert units[0] == {**units[0], "code": "DEMO-H1", "depth": 0}
    assert {u["code"] for u in api.call("admin", "GET", "/reports/units").json()} >= {"DEMO-TINH", "DEMO-H2"}
    api.call("hr", "GET", "/reports/overlaps")
    audit = api.call("admin", "GET", "/admin/audit").json()
    assert any(
        a["action"] == "report.overlaps" and a["target"] == "DEMO-H1" and a["actor"] == "user:demo_hr" for a in audit
    )


def test_bad_periods_get_a_vietnamese_message(api):  # type: ignore[no-untyped-def]
    r = api.call("hr", "GET", "/reports/plan", params={"from": "2026-01-01"})
    assert r.status_code in (400, 422) and "ngày kết thúc" in r.json()["error"]["message"]
    r = api.call("hr", "GET", "/reports/completed", params={"from": "2026-05-01", "to": "2026-01-01"})
    assert r.status_code in (400, 422) and "không được trước" in r.json()["error"]["message"]
    assert api.call("hr", "GET", "/reports/plan", params={"year": 3000}).status_code == 422
    assert api.call("hr", "GET", "/reports/nothing").status_code == 422
    assert api.call("hr", "GET", "/reports/plan/export", params={"format": "pdf"}).status_code == 422
    assert api.call("admin", "GET", "/reports/plan", params={"unit": "KHONG-CO"}).status_code == 404


# ----------------------------------------------------------------------------------------------- personal answer


def _personal_ok(view):  # type: ignore[no-untyped-def]
    for item in view["items"]:
        assert item["quotes"] and item["quotes"][0]["citation"] and item["quotes"][0]["quote"]
        assert item["record"] and item["gap"] and item["next_step"]


def test_cadre_reads_about_themselves_as_anh_chi(api):  # type: ignore[no-untyped-def]
    own = api.cadres["own"]
    status = api.call("cadre", "GET", f"/cadres/{own}/status").json()
    assert status["summary"].startswith("Theo hồ sơ của anh/chị")
    assert status["personal"]["subject"] == "anh/chị" and status["personal"]["items"]
    _personal_ok(status["personal"])
    body = api.call("cadre", "POST", "/ask", json={"question": QUESTION}).json()
    assert body["personal"]["subject"] == "anh/chị"
    assert body["status_summary"].startswith("Theo hồ sơ của anh/chị")
    assert {s["rule_id"] for s in body["statuses"]} == {i["rule_id"] for i in body["personal"]["items"]}
    _personal_ok(body["personal"])


def test_hr_reads_about_a_cadre_by_name_never_as_anh_chi(api):  # type: ignore[no-untyped-def]
    code = api.cadres["same_unit"]
    name = api.call("hr", "GET", f"/cadres/{code}").json()["full_name"]
    status = api.call("hr", "GET", f"/cadres/{code}/status").json()
    assert status["summary"].startswith(f"Theo hồ sơ của cán bộ {name}")
    assert "anh/chị" not in str(status["personal"]).lower()
    body = api.call("hr", "POST", "/ask", json={"question": QUESTION, "cadre_code": code}).json()
    assert body["personal"]["subject"] == f"cán bộ {name}"
    assert "anh/chị" not in str(body["personal"]).lower() and "anh/chị" not in (body["status_summary"] or "").lower()
    assert api.call("hr", "GET", f"/cadres/{api.cadres['other_unit']}/status").status_code == 403


def test_succession_report_lists_flagged_cadres_with_what_they_lack(api):  # type: ignore[no-untyped-def]
    body = api.call("admin", "GET", "/reports/succession", params={"unit": "DEMO-TINH"}).json()
    sheet = body["sheets"][0]
    rows = sheet["rows"]
    assert rows, "the demo flags deputies (quy hoạch) and some long-serving cadres (dự nguồn)"
    pool, lacking = sheet["headers"].index("Diện"), sheet["headers"].index("Còn thiếu (theo quy định)")
    assert {r[pool] for r in rows} <= {"Quy hoạch", "Dự nguồn"}
    assert all(r[lacking] for r in rows)
    hr_rows = api.call("hr", "GET", "/reports/succession").json()["sheets"][0]["rows"]
    code = sheet["headers"].index("Mã cán bộ")
    assert {r[code] for r in hr_rows} <= _codes_in(api, "DEMO-H1")


def test_viewing_a_cadres_status_is_audited(api):  # type: ignore[no-untyped-def]
    code = api.cadres["same_unit"]
    assert api.call("hr", "GET", f"/cadres/{code}/status").status_code == 200
    audit = api.call("admin", "GET", "/admin/audit").json()
    assert any(a["action"] == "cadre.status.view" and a["target"] == code and a["actor"] == "user:demo_hr" for a in audit)


def test_the_demo_shows_both_kinds_of_duplicated_training(api):  # type: ignore[no-untyped-def]
    sheet = api.call("admin", "GET", "/reports/overlaps", params={"unit": "DEMO-TINH"}).json()["sheets"][0]
    kinds = {r[sheet["headers"].index("Loại trùng lặp")] for r in sheet["rows"]}
    assert kinds == {"Trùng thời gian", "Học lại chứng chỉ đã có"}
