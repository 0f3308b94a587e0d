"""The HR reports page in a real browser: every report reachable from the page, scoped to the HR user's units,
exported as XLSX and CSV; and the personal view (requirement, record, gap, next step) in the cadre panel."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.browser import PHONE, Site, browser_fixture, page_fixture, site_fixture  # noqa: F401  (fixtures)
from tests.e2e.test_web import login

REPORTS = {
    "plan": "KẾ HOẠCH ĐÀO TẠO, BỒI DƯỠNG",
    "levels": "TRÌNH ĐỘ LÝ LUẬN CHÍNH TRỊ, QUẢN LÝ NHÀ NƯỚC",
    "overlaps": "KHÓA HỌC TRÙNG LẶP",
    "completed": "SỐ LƯỢT CÁN BỘ HOÀN THÀNH",
    "succession": "CÁN BỘ QUY HOẠCH, DỰ NGUỒN",
}
NAV = {
    "plan": "Kế hoạch đào tạo theo quy định",
    "levels": "Lý luận chính trị, quản lý nhà nước",
    "overlaps": "Khóa học trùng lặp",
    "completed": "Số lượt đã đào tạo",
    "succession": "Quy hoạch, dự nguồn",
}


def test_hr_reaches_every_report_from_the_chat_page_and_exports_it(page: Any, site: Site) -> None:
    login(page, site, "", "demo_hr", "demo-hr-2025")
    page.get_by_role("link", name="Kế hoạch và báo cáo").click()
    expect(page).to_have_url(f"{site.base}/reports.html")
    units = page.get_by_label("Đơn vị (kèm các đơn vị trực thuộc)")
    expect(units.locator("option[value='DEMO-H1']")).to_have_count(1)  # the list is filled after the page loads
    offered = set(units.locator("option").evaluate_all("os => os.map(o => o.value)"))
    assert "DEMO-H1" in offered and "DEMO-H2" not in offered and "DEMO-TINH" not in offered
    page.get_by_label("Năm").fill("2025")
    for kind, title in REPORTS.items():
        page.get_by_role("link", name=NAV[kind]).click()
        expect(page.locator("#report-title")).to_contain_text(title)
        expect(page.locator("#report-title")).to_contain_text("DEMO-H1")
        expect(page.locator(".report-sheet").first.locator("th").first).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("button", name="Tải XLSX").click()
        assert download.value.suggested_filename == f"bao-cao-{kind}.xlsx"
        wb = load_workbook(io.BytesIO(download.value.path().read_bytes()))
        assert title in wb.worksheets[0]["A1"].value
        with page.expect_download() as download:
            page.get_by_role("button", name="Tải CSV").click()
        assert title in download.value.path().read_text(encoding="utf-8-sig").splitlines()[0]
    page.get_by_role("link", name=NAV["plan"]).click()
    expect(page.locator("#report-title")).to_contain_text(REPORTS["plan"])
    cells = page.locator(".report-sheet").first.locator("tbody td[data-label='Mã cán bộ']")
    expect(cells.first).to_be_visible()
    codes = set(cells.all_inner_texts())
    assert codes and codes <= site.hr_cadres


def test_a_cadre_cannot_open_the_reports(page: Any, site: Site) -> None:
    login(page, site, "", "demo_canbo", "demo-canbo-2025")
    expect(page.get_by_role("link", name="Kế hoạch và báo cáo")).to_be_hidden()
    page.goto(f"{site.base}/reports.html")
    expect(page.locator("#login-status")).to_contain_text("không dùng được trang này")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_cadre_panel_shows_requirement_record_gap_and_next_step(page: Any, site: Site, width: str) -> None:
    if width == "phone":
        page.set_viewport_size(PHONE)
    login(page, site, "", "demo_hr", "demo-hr-2025")
    page.get_by_label("Hỏi cho cán bộ").select_option(site.instructive_cadre)
    panel = page.locator("#panel-cadre")
    item = panel.locator(".personal .requirement").first
    expect(item).to_be_visible()
    expect(item.locator("blockquote.clause cite").first).not_to_be_empty()
    expect(item.locator(".record")).to_contain_text("Hồ sơ của cán bộ ")
    expect(item.locator(".gap")).not_to_be_empty()
    expect(item.locator(".next-step")).not_to_be_empty()
    expect(panel.locator(".personal")).not_to_contain_text("anh/chị")
