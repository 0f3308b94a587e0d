"""The bot renders the API's personal view as it is worded: one block per requirement with its clause, record,
gap and next step — valid Telegram HTML, escaped, never cut inside a requirement while it fits."""

from __future__ import annotations

from bots.telegram import render
from bots.telegram.client import Answer, Quote
from bots.telegram.personal import personal_blocks
from tests.e2e.bot_api_emulator import parse_html

VIEW = {
    "lead": "Theo hồ sơ của anh/chị (tính đến 01/12/2026): 1 yêu cầu còn thiếu.",
    "coverage_note": None,
    "items": [
        {
            "rule_id": "r1",
            "status": "missing",
            "status_label": "Còn thiếu",
            "title": "Giáo viên tiểu học hạng III <có> chứng chỉ",
            "requirement": "Yêu cầu: Chứng chỉ bồi dưỡng theo tiêu chuẩn CDNN giáo viên tiểu học hạng III.",
            "quotes": [{"citation": "Điểm b Khoản 3 Điều 3 Thông tư số 02/2021/TT-BGDĐT", "quote": "Có chứng chỉ & …"}],
            "record": "Hồ sơ của anh/chị chưa ghi nhận chứng chỉ, khóa học hay trình độ nào đáp ứng yêu cầu này.",
            "gap": "Anh/chị còn thiếu: Chứng chỉ …, hạn 10/01/2027.",
            "next_step": "Đăng ký một khóa «Bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp».",
            "due_date": "2027-01-10",
        }
    ],
}
QUOTE = Quote("02-2021-tt-bgddt:d3:k3:b", "Điểm b Khoản 3 Điều 3 Thông tư số 02/2021/TT-BGDĐT", "Có chứng chỉ")


def test_each_requirement_is_one_block_with_all_four_parts() -> None:
    head, block = personal_blocks(VIEW)
    assert "Theo hồ sơ của anh/chị" in parse_html(head)[0]
    text = parse_html(block)[0]
    for part in ("Còn thiếu", "Điểm b Khoản 3 Điều 3", "Có chứng chỉ & …", "chưa ghi nhận", "hạn 10/01/2027"):
        assert part in text
    assert "Bước tiếp theo: Đăng ký một khóa" in text
    assert "&lt;có&gt;" in block  # escaped, so Telegram shows it as text


def test_linked_answer_and_status_use_the_worded_view() -> None:
    answer = Answer("q", "", False, "t", (QUOTE,), cadre_code="GV1", statuses=({"status": "missing"},), personal=VIEW)
    text = parse_html("\n\n".join(render.answer_blocks(answer)))[0]
    assert "Tình trạng đào tạo liên quan đến câu hỏi" in text and "Bước tiếp theo:" in text
    report = {"cadre": {"code": "GV1", "full_name": "Nguyễn Văn A"}, "as_of": "2026-12-01", "statuses": [], "personal": VIEW}
    status = parse_html("\n\n".join(render.status_blocks(report)))[0]
    assert "Các yêu cầu" in status and "Anh/chị còn thiếu" in status


def test_a_person_without_rules_is_told_plainly() -> None:
    view = {**VIEW, "items": [], "coverage_note": "Kho quy định chưa có tiêu chuẩn đào tạo, bồi dưỡng cho chức danh X."}
    [head] = personal_blocks(view)
    assert "Kho quy định chưa có tiêu chuẩn đào tạo, bồi dưỡng cho chức danh X." in parse_html(head)[0]
