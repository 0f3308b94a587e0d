"""The HR chat and the administrators' pages in a real browser, against the real app."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import httpx

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture fails every test with the install command
    expect = None

from tests.conftest import SHARED
from tests.e2e.browser import PHONE, Site, browser_fixture, page_fixture, site_fixture  # noqa: F401  (fixtures)

ASK_FORMS = "Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?"
ASK_NEW_DOC = "Cán bộ lãnh đạo, quản lý được phân thành mấy nhóm đối tượng bồi dưỡng?"
PARTIAL_TEXT = SHARED / "corpus-sources" / "partial" / "qd-164-tw-2013.txt"


def login(page: Any, site: Site, path: str, username: str, password: str) -> None:
    page.goto(f"{site.base}/{path}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_label("Mật khẩu").press("Enter")
    expect(page.locator("#app")).to_be_visible()


def ask(page: Any, question: str) -> Any:
    """Type a question, send it with Enter, and return the answer once every quote block has been revealed."""
    before = page.locator(".msg-bot").count()
    page.get_by_label("Câu hỏi").fill(question)
    page.get_by_label("Câu hỏi").press("Enter")
    reply = page.locator(".msg-bot").nth(before)
    expect(reply.locator(".feedback")).to_be_visible()  # the feedback bar comes after the last quote
    return reply


def bearer(page: Any) -> dict[str, str]:
    return {"authorization": "Bearer " + page.evaluate("sessionStorage.getItem('assistant.token')")}


def test_hr_asks_sees_quotes_opens_a_citation_and_gives_feedback(page: Any, site: Site) -> None:
    login(page, site, "", "demo_hr", "demo-hr-2025")
    reply = ask(page, ASK_FORMS)

    first = reply.locator(".quote").first
    expect(first.locator(".citation")).to_contain_text("Điều 33 Luật Viên chức số 58/2010/QH12")
    expect(first.locator("blockquote")).to_contain_text("Hình thức đào tạo, bồi dưỡng viên chức gồm")
    # on today's date (2026-12-01) Luật Viên chức 58/2010/QH12 is no longer in force: one badge, and one warning
    # that leads the answer, before any quote, and is not repeated under the quote
    expect(first.locator(".badges")).to_contain_text("Hết hiệu lực")
    warning = reply.locator(".validity-warnings")
    expect(warning).to_have_count(1)
    expect(warning).to_contain_text("được thay thế bởi Luật số 129/2025/QH15 (chưa có trong kho)")
    assert warning.evaluate(
        "(w, q) => !!(w.compareDocumentPosition(q) & Node.DOCUMENT_POSITION_FOLLOWING)", first.element_handle()
    )
    assert reply.inner_text().count("được thay thế bởi Luật số 129/2025/QH15") == 1

    first.get_by_role("button", name="Xem trong văn bản").click()
    panel = page.locator("#panel-citation")
    expect(panel.get_by_role("heading", level=2)).to_have_text("Luật số 58/2010/QH12")
    expect(panel.get_by_role("heading", level=2)).to_be_focused()
    expect(panel.locator(".article h3")).to_contain_text("Điều 33")
    expect(panel.locator(".article mark")).to_contain_text("Hình thức đào tạo, bồi dưỡng viên chức gồm")
    expect(panel.locator(".badges")).to_contain_text("chỉ các điều đã pháp điển")

    reply.get_by_role("button", name="Hữu ích", exact=True).click()
    expect(reply.locator(".feedback [role=status]")).to_have_text("Cảm ơn anh/chị đã góp ý.")
    expect(reply.get_by_role("button", name="Hữu ích", exact=True)).to_have_attribute("aria-pressed", "true")


def test_hr_picks_only_own_cadres_sees_status_and_the_api_refuses_others(page: Any, site: Site) -> None:
    login(page, site, "", "demo_hr", "demo-hr-2025")
    picker = page.get_by_label("Hỏi cho cán bộ")
    expect(picker.locator("option[value^='DEMO-']")).to_have_count(len(site.hr_cadres))
    offered = set(picker.locator("option[value^='DEMO-']").evaluate_all("os => os.map(o => o.value)"))
    assert offered == site.hr_cadres and site.other_cadre not in offered

    picker.select_option(site.instructive_cadre)
    cadre = page.locator("#panel-cadre")
    expect(cadre.locator(".requirement").first).to_be_visible()
    expect(cadre.locator(".requirements")).to_contain_text(re.compile("Còn thiếu|Quá hạn"))
    expect(cadre.locator(".requirement dt").first).to_have_text("Hồ sơ")  # the personal view: record, gap, next step
    with page.expect_download() as download:
        cadre.get_by_role("button", name="Tải báo cáo đơn vị (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")

    reply = ask(page, ASK_FORMS)
    expect(reply.locator(".status-block h3")).to_contain_text("Tình trạng đào tạo của")

    # Forcing a cadre of another unit: the API refuses, whether from the page's own fetch or a raw request.
    forced = page.evaluate(
        """async ([code, question]) => {
            const headers = {authorization: 'Bearer ' + sessionStorage.getItem('assistant.token'),
                             'content-type': 'application/json'};
            const status = await fetch('/api/v1/cadres/' + code + '/status', {headers});
            const asked = await fetch('/api/v1/ask', {method: 'POST', headers,
                                      body: JSON.stringify({question, cadre_code: code})});
            return [status.status, asked.status];
        }""",
        [site.other_cadre, ASK_FORMS],
    )
    assert forced == [403, 403]
    raw = page.request.get(f"{site.base}/api/v1/cadres/{site.other_cadre}", headers=bearer(page))
    assert raw.status == 403 and raw.json()["error"]["message"]


def test_keyboard_only_at_phone_width(page: Any, site: Site) -> None:
    page.set_viewport_size(PHONE)
    page.goto(site.base + "/")
    expect(page.get_by_label("Tên đăng nhập")).to_be_focused()
    page.keyboard.type("demo_hr")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mật khẩu")).to_be_focused()
    page.keyboard.type("demo-hr-2025")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Câu hỏi")).to_be_focused()

    page.keyboard.type(ASK_FORMS)
    page.keyboard.press("Enter")
    expect(page.locator(".msg-bot .quote").first).to_be_visible()
    page.get_by_label("Câu hỏi").focus()
    page.keyboard.press("Tab")
    send = page.get_by_role("button", name="Gửi")
    expect(send).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # visible focus

    # Open a citation with the keyboard: its button is reachable and Enter activates it.
    page.locator(".quote button").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#panel-citation h2")).to_be_focused()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 390 px"


def test_admin_uploads_a_directive_gets_answers_from_it_then_rolls_back(page: Any, site: Site, tmp_path: Path) -> None:
    upload = tmp_path / "quy-dinh-164-tw-2013.txt"
    shutil.copy(PARTIAL_TEXT, upload)
    login(page, site, "admin.html", "demo_admin", "demo-admin-2025")
    before = page.locator("#current-generation").inner_text()

    page.get_by_label("Tệp văn bản").set_input_files(str(upload))
    page.get_by_role("button", name="Đọc và xem trước").click()
    tree = page.locator("#preview-tree")
    expect(tree).to_contain_text("Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng")
    preview = page.get_by_role("form", name="Xem trước: cấu trúc và thông tin văn bản")
    expect(preview.get_by_label("Số hiệu", exact=True)).to_have_value("164-QĐ/TW")
    expect(preview.locator("#preview-warnings")).to_contain_text("Chưa rõ hiệu lực")
    preview.get_by_label("Hiệu lực", exact=True).select_option("con_hieu_luc")
    preview.get_by_label("Mức đầy đủ", exact=True).select_option("partial")
    preview.get_by_role("button", name="Xác nhận và lập chỉ mục").click()

    expect(page.locator("#job-status")).to_contain_text("Đã lập chỉ mục xong", timeout=60_000)
    expect(page.locator("#job-result")).to_contain_text("1đã lập chỉ mục")
    row = page.locator("#documents tr[data-number='164-QĐ/TW']")
    expect(row).to_contain_text("đã lập chỉ mục")
    expect(page.locator("#current-generation")).not_to_have_text(before)

    page.get_by_role("link", name="Hỏi đáp").click()
    reply = ask(page, ASK_NEW_DOC)
    expect(reply.locator(".quote .citation").first).to_contain_text("Quy định số 164-QĐ/TW")
    expect(reply.locator(".quote .badges").first).to_contain_text("văn bản một phần")

    page.goto(f"{site.base}/admin.html")
    page.get_by_role("button", name="Quay lui về thế hệ trước").click()
    page.get_by_role("button", name="Xác nhận quay lui").click()
    expect(page.locator("#index-status")).to_contain_text("Đã quay lui")
    expect(page.locator("#index-status")).to_contain_text("164-QĐ/TW: rút khỏi kho")
    expect(page.locator("#current-generation")).to_have_text(before)
    expect(row).to_have_count(0)  # withdrawn, not left behind as "chưa lập chỉ mục"
    expect(page.locator("#withdrawn")).to_contain_text("164-QĐ/TW")

    page.goto(site.base + "/")
    reply = ask(page, ASK_NEW_DOC)
    expect(reply).not_to_contain_text("164-QĐ/TW")


def test_admin_sets_status_and_relations_and_reads_unanswered_questions(page: Any, site: Site) -> None:
    unanswerable = "Thủ tục cấp hộ chiếu phổ thông ở Nghệ An mất bao lâu?"
    asked = httpx.post(f"{site.base}/api/v1/ask", json={"question": unanswerable}, timeout=30).json()
    assert asked["abstained"]

    login(page, site, "admin.html", "demo_admin", "demo-admin-2025")
    expect(page.locator("#unanswered")).to_contain_text(unanswerable)

    page.get_by_role("button", name="Sửa hiệu lực, quan hệ của 02/2021/TT-BGDĐT").click()
    expect(page.get_by_role("heading", name="Sửa hiệu lực và quan hệ — 02/2021/TT-BGDĐT")).to_be_focused()
    edit = page.get_by_role("form", name="Sửa hiệu lực và quan hệ — 02/2021/TT-BGDĐT")
    edit.get_by_label("Hiệu lực", exact=True).select_option("het_hieu_luc")
    edit.get_by_label("Căn cứ xác định hiệu lực").fill("Thông tư số 99/2026/TT-BGDĐT (giả định trong kiểm thử)")
    edit.get_by_role("button", name="Thêm quan hệ").click()
    relation = edit.locator(".relation-row").last
    expect(relation.get_by_label("Loại quan hệ")).to_be_focused()
    relation.get_by_label("Loại quan hệ").select_option("replaced_by")
    relation.get_by_label("Số hiệu văn bản").fill("99/2026/TT-BGDĐT")
    edit.get_by_role("button", name="Lưu và lập chỉ mục lại").click()

    expect(page.locator("#job-status")).to_contain_text("Đã lập chỉ mục xong", timeout=60_000)
    expect(page.locator("#documents tr[data-number='02/2021/TT-BGDĐT']")).to_contain_text("Hết hiệu lực")
    detail = httpx.get(f"{site.base}/api/v1/documents/02/2021/TT-BGDĐT", timeout=30).json()
    assert detail["status"] == "het_hieu_luc"
    assert {"kind": "replaced_by", "target": "99/2026/TT-BGDĐT"}.items() <= detail["relations"][-1].items()
