"""The web fixes of issue #12 in a real browser, each at desktop and at phone width, with a screenshot of every
page visited in test-artifacts/ (kept by CI as the run's artefacts):

rollback and withdraw as distinct admin actions that stick across a re-index; formula-safe exports; upload
preview warning on missing metadata and refusing a citation that would read wrongly; Vietnamese only in what
users read; feedback readable by admins with the answer it rates (one record for a 👎 with a comment); the
cadre's own page without export buttons they cannot use; the status panel in view after picking a cadre on a
phone; UTF-16 text without BOM read as text; the way from the chat to the unit reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture fails every test with the install command
    expect = None

from tests.e2e.browser import ARTIFACTS, DESKTOP, PHONE, Site, browser_fixture, site_fixture  # noqa: F401

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
ENGLISH = re.compile(r"\b(anonymous|administrator|in_progress|not_applicable|SOURCES\.md|user:|bot:)", re.I)
ASK = "Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?"


def text_of(number: str) -> str:
    return (
        f"QUYẾT ĐỊNH\nSố: {number}\n\nBan hành Quy định thử nghiệm về bồi dưỡng (văn bản giả định cho kiểm thử)\n\n"
        "Điều 1. Phạm vi điều chỉnh\nQuy định này quy định việc bồi dưỡng kỹ năng số cho công chức cấp xã.\n\n"
        "Điều 2. Thời lượng\nMỗi công chức cấp xã tham gia bồi dưỡng kỹ năng số tối thiểu 24 tiết mỗi năm.\n"
    )


@pytest.fixture(params=list(WIDTHS))
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport=WIDTHS[request.param], locale="vi-VN", accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.width_name = request.param
    pg.shots = 0
    yield pg
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def snap(page: Any, request: pytest.FixtureRequest, what: str) -> None:
    """A full-page screenshot into test-artifacts/<test>-<width>-<n>-<what>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.shots += 1
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.shots:02d}-{what}.png"), full_page=True)


def login(page: Any, site: Site, path: str, username: str, password: str) -> None:
    page.goto(f"{site.base}/{path}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_label("Mật khẩu").press("Enter")
    expect(page.locator("#app")).to_be_visible()


def no_english(page: Any) -> None:
    shown = page.locator("body").inner_text()
    assert not ENGLISH.search(shown), ENGLISH.search(shown)


def upload(page: Any, path: Path) -> Any:
    page.get_by_label("Tệp văn bản").set_input_files(str(path))
    page.get_by_role("button", name="Đọc và xem trước").click()
    preview = page.get_by_role("form", name="Xem trước: cấu trúc và thông tin văn bản")
    expect(preview).to_be_visible()
    return preview


def job_done(page: Any, title: str) -> None:
    """Wait for this job (its title, e.g. "Rút văn bản — 31/2026/QĐ-UBND") to finish and the page to refresh."""
    expect(page.locator("#job-title")).to_have_text(title)
    expect(page.locator("#job-status")).to_contain_text("Đã lập chỉ mục xong", timeout=60_000)
    expect(page.locator("#job-result")).to_contain_text("đã lập chỉ mục")


def test_rollback_withdraws_what_it_undoes_and_a_reindex_does_not_bring_it_back(
    page: Any, site: Site, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    number = f"{31 if page.width_name == 'desktop' else 32}/2026/QĐ-UBND"
    source = tmp_path / "quyet-dinh.txt"
    source.write_text(text_of(number), encoding="utf-8")
    login(page, site, "admin.html", "demo_admin", "demo-admin-2025")
    preview = upload(page, source)
    preview.get_by_label("Loại văn bản").fill("Quyết định")
    preview.get_by_label("Cơ quan ban hành").fill("Ủy ban nhân dân tỉnh Mẫu")
    preview.get_by_label("Hiệu lực", exact=True).select_option("con_hieu_luc")
    preview.get_by_role("button", name="Xác nhận và lập chỉ mục").click()
    job_done(page, f"Thêm văn bản — {number}")
    row = page.locator(f"#documents tr[data-number='{number}']")
    expect(row).to_contain_text("đã lập chỉ mục")

    page.get_by_role("button", name="Quay lui về thế hệ trước").click()
    expect(page.locator("#rollback-confirm")).to_contain_text("văn bản thêm sau sẽ được rút")
    page.get_by_role("button", name="Xác nhận quay lui").click()
    expect(page.locator("#rollback-changes")).to_contain_text(f"{number}: đã rút khỏi kho")
    expect(row).to_have_count(0)
    expect(page.locator("#withdrawn")).to_contain_text(number)
    snap(page, request, "admin-after-rollback")

    r = httpx.post(f"{site.base}/api/v1/admin/index/rebuild", headers=bearer(page), timeout=30)  # unrelated
    assert r.status_code == 202, r.text
    wait_job(site, page, r.json()["id"])
    page.reload()
    expect(page.locator("#withdrawn")).to_contain_text(number)
    expect(row).to_have_count(0)

    page.locator(f"#withdrawn li[data-number='{number}']").get_by_role("button", name=f"Khôi phục {number}").click()
    job_done(page, f"Khôi phục văn bản — {number}")
    expect(row).to_contain_text("đã lập chỉ mục")

    row.get_by_role("button", name=f"Rút văn bản {number} khỏi kho").click()  # withdraw: its own action
    expect(row).to_contain_text("kể cả sau khi lập chỉ mục lại")
    row.get_by_role("button", name="Xác nhận rút").click()
    job_done(page, f"Rút văn bản — {number}")
    expect(row).to_have_count(0)
    expect(page.locator("#jobs")).to_contain_text("Rút văn bản")
    no_english(page)
    snap(page, request, "admin-after-withdraw")


def test_upload_preview_warns_on_missing_metadata_and_refuses_a_wrong_citation(
    page: Any, site: Site, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    source = tmp_path / "qd-145.txt"
    body = text_of("145-QĐ/TW").replace("QUYẾT ĐỊNH\n", "").replace("Ban hành Quy định thử nghiệm về bồi dưỡng", "")
    source.write_text(body, encoding="utf-8")
    login(page, site, "admin.html", "demo_admin", "demo-admin-2025")
    preview = upload(page, source)
    warnings = preview.locator("#preview-warnings")
    expect(warnings).to_contain_text("loại văn bản")
    expect(warnings).to_contain_text("cơ quan ban hành")
    expect(preview.locator("#citation-example")).to_have_text("Điều 1 số 145-QĐ/TW")
    expect(preview.locator("#citation-warning")).to_be_visible()
    snap(page, request, "preview-missing-metadata")
    preview.get_by_role("button", name="Xác nhận và lập chỉ mục").click()
    expect(page.locator("#upload-status")).to_contain_text("trích dẫn sẽ đọc sai")
    expect(page.locator("#documents tr[data-number='145-QĐ/TW']")).to_have_count(0)

    preview.get_by_label("Loại văn bản").fill("Quy định")
    expect(preview.locator("#citation-example")).to_have_text("Điều 1 Quy định số 145-QĐ/TW")
    expect(preview.locator("#citation-warning")).to_be_hidden()
    preview.get_by_role("button", name="Hủy").click()


def test_utf16_without_bom_is_read_as_text(
    page: Any, site: Site, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    source = tmp_path / "unicode.txt"
    source.write_bytes(text_of("41/2026/QĐ-UBND").encode("utf-16-le"))  # Notepad's "Unicode", no BOM
    login(page, site, "admin.html", "demo_admin", "demo-admin-2025")
    preview = upload(page, source)
    expect(preview.get_by_label("Số hiệu", exact=True)).to_have_value("41/2026/QĐ-UBND")
    expect(preview.locator("#preview-tree")).to_contain_text("Điều 2. Thời lượng")
    expect(page.locator("#upload-status")).not_to_contain_text("nhị phân")
    snap(page, request, "preview-utf16")
    preview.get_by_role("button", name="Hủy").click()


def test_feedback_with_a_comment_is_one_record_admins_read_with_the_answer(
    page: Any, site: Site, request: pytest.FixtureRequest
) -> None:
    comment = f"Trích chưa đúng khoản ({page.width_name})"
    login(page, site, "", "demo_hr", "demo-hr-2025")
    page.get_by_label("Câu hỏi").fill(ASK)
    page.get_by_label("Câu hỏi").press("Enter")
    reply = page.locator(".msg-bot").last
    expect(reply.locator(".feedback")).to_be_visible()
    trace = reply.locator(".trace").inner_text().split()[-1]
    reply.get_by_role("button", name="Xem trong văn bản").first.click()  # the document's detail, as HR reads it
    expect(page.locator("#panel-citation h2")).to_be_visible()
    no_english(page)
    reply.get_by_role("button", name="Hữu ích", exact=True).click()
    expect(reply.locator(".feedback [role=status]")).to_have_text("Cảm ơn anh/chị đã góp ý.")
    reply.get_by_role("button", name="Không hữu ích").click()
    field = reply.get_by_label("Góp ý thêm (không bắt buộc)")
    field.fill(comment)
    field.press("Enter")
    expect(reply.locator(".feedback [role=status]")).to_contain_text("cập nhật")
    snap(page, request, "chat-feedback")
    from sqlalchemy import func, select

    from assistant.audit.models import Feedback

    with site.services.personal.audit._sessions() as s:
        assert s.scalar(select(func.count()).select_from(Feedback).where(Feedback.trace_id == trace)) == 1

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()  # signed out: the page has settled
    page.wait_for_load_state("load")
    login(page, site, "admin.html", "demo_admin", "demo-admin-2025")
    row = page.locator(f"#feedback tr[data-trace='{trace}']")
    expect(row).to_contain_text(comment)
    expect(row).to_contain_text("👎 Chưa đúng")
    expect(row).to_contain_text(ASK)
    expect(row).to_contain_text("Điều 33")
    expect(row).to_contain_text("demo_hr")
    page.get_by_label("Hiển thị").select_option("true")
    expect(row).to_have_count(0)
    no_english(page)
    snap(page, request, "admin-feedback")


def test_the_cadres_own_page_has_no_buttons_they_cannot_use(
    page: Any, site: Site, request: pytest.FixtureRequest
) -> None:
    login(page, site, "", "demo_canbo", "demo-canbo-2025")
    panel = page.locator("#panel-cadre")
    expect(panel.locator("h2")).to_be_visible()
    expect(panel.get_by_role("button", name=re.compile("Tải báo cáo"))).to_have_count(0)
    expect(page.get_by_role("link", name="Kế hoạch và báo cáo")).to_be_hidden()
    no_english(page)
    snap(page, request, "cadre-own-page")


def test_hr_picks_a_cadre_the_status_is_in_view_and_exports_are_formula_safe(
    page: Any, site: Site, request: pytest.FixtureRequest
) -> None:
    from sqlalchemy import select

    from assistant.enrollment.models import Cadre

    code = sorted(site.hr_cadres)[-1 if page.width_name == "desktop" else -2]
    with site.services.personal.enrollment._sessions() as s, s.begin():
        cadre = s.scalar(select(Cadre).where(Cadre.code == code))
        cadre.position = '=HYPERLINK("http://example.invalid","bấm")'
        name = cadre.full_name
    login(page, site, "", "demo_hr", "demo-hr-2025")
    expect(page.get_by_role("link", name="Kế hoạch và báo cáo")).to_be_visible()
    page.get_by_label("Hỏi cho cán bộ").select_option(code)
    panel = page.locator("#panel-cadre")
    expect(panel.locator("h2")).to_have_text(name)
    expect(panel.locator("h2")).to_be_in_viewport()  # on a phone too: the panel is brought into view
    no_english(page)
    snap(page, request, "hr-cadre-status")

    with page.expect_download() as download:
        panel.get_by_role("button", name="Tải báo cáo đơn vị (CSV)").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    line = next(x for x in content.splitlines() if x.startswith(code))
    assert "'=HYPERLINK" in line and ",=HYPERLINK" not in line
    expect(panel.get_by_role("link", name="Kế hoạch và báo cáo các đơn vị")).to_have_attribute("href", "reports.html")


def test_admin_pages_speak_vietnamese(page: Any, site: Site, request: pytest.FixtureRequest) -> None:
    httpx.post(f"{site.base}/api/v1/ask", json={"question": "Giá vé tàu hỏa Hà Nội – Huế bao nhiêu?"}, timeout=30)
    login(page, site, "admin.html", "demo_admin", "demo-admin-2025")
    expect(page.locator("#unanswered")).to_contain_text("Khách (chưa đăng nhập)")
    expect(page.get_by_role("link", name="Kế hoạch và báo cáo")).to_be_visible()
    no_english(page)
    snap(page, request, "admin")


def bearer(page: Any) -> dict[str, str]:
    return {"authorization": "Bearer " + page.evaluate("sessionStorage.getItem('assistant.token')")}


def wait_job(site: Site, page: Any, job_id: str) -> None:
    import time

    deadline = time.time() + 60
    while time.time() < deadline:
        job = httpx.get(f"{site.base}/api/v1/admin/jobs/{job_id}", headers=bearer(page), timeout=30).json()
        if job["status"] in ("succeeded", "failed"):
            assert job["status"] == "succeeded", job
            return
        time.sleep(0.2)
    raise AssertionError("the re-index did not finish")
