"""Defects found by trying the front ends as users would (issue #12), each fixed in the API/services they use:
rollback and withdraw stick across an unrelated re-index; feedback is one record per answer and person, only on
one's own answers, and admins can read it with the answer it rates; the bot resolves a button through the API;
an honest unlink; upload preview warns on missing metadata and refuses a citation that would read wrongly;
UTF-16 text without BOM is text; exports never carry live formulas."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

TEXT_145 = """Điều 1. Phạm vi điều chỉnh
Quy định này quy định việc bồi dưỡng kỹ năng số cho cán bộ của tỉnh Mẫu (văn bản giả định cho kiểm thử).

Điều 2. Thời lượng
Mỗi cán bộ tham gia bồi dưỡng tối thiểu 16 tiết mỗi năm.
"""
NUMBERED = "QUY ĐỊNH\nSố: 77/2026/QĐ-UBND\n\n" + TEXT_145
QUESTION = "Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?"


def _numbers(api, path="/documents", who="anonymous"):  # type: ignore[no-untyped-def]
    return {d["number"] for d in api.call(who, "GET", path).json()}


def _upload(api, text, name="van-ban.txt", **corrections):  # type: ignore[no-untyped-def]
    r = api.call("admin", "POST", "/admin/documents/preview", files={"file": (name, text.encode(), "text/plain")})
    assert r.status_code == 201, r.text
    preview = r.json()
    r = api.call("admin", "POST", f"/admin/documents/{preview['upload_id']}/commit", json=corrections)
    return preview, r


def _rebuild(api):  # type: ignore[no-untyped-def]
    r = api.call("admin", "POST", "/admin/index/rebuild")
    assert r.status_code == 202, r.text
    assert api.wait_job(r.json()["id"])["status"] == "succeeded"


def test_rollback_of_an_upload_withdraws_it_and_a_later_reindex_does_not_bring_it_back(api):  # type: ignore[no-untyped-def]
    before = _numbers(api)
    _, r = _upload(api, NUMBERED, doc_type="Quyết định", title="Quy định bồi dưỡng kỹ năng số", issuer="UBND tỉnh Mẫu")
    assert r.status_code == 202, r.text
    assert api.wait_job(r.json()["id"])["status"] == "succeeded"
    assert "77/2026/QĐ-UBND" in _numbers(api)

    r = api.call("admin", "POST", "/admin/index/rollback")
    assert r.status_code == 200, r.text
    body = r.json()
    assert {"number": "77/2026/QĐ-UBND", "change": "withdrawn"} in body["changes"]
    assert "77/2026/QĐ-UBND" in body["message"] and "rút khỏi kho" in body["message"]
    assert _numbers(api) == before  # not listed as "chưa lập chỉ mục" any more
    assert "77/2026/QĐ-UBND" in _numbers(api, "/admin/withdrawn", "admin")

    _rebuild(api)  # an unrelated re-index
    assert _numbers(api) == before
    index = api.call("admin", "GET", "/admin/index").json()
    assert all(g["documents"] == len(before) for g in index["generations"] if g["id"] == index["current"])

    r = api.call("admin", "POST", "/admin/withdrawn/77/2026/QĐ-UBND/restore")  # a distinct, explicit action
    assert r.status_code == 202 and api.wait_job(r.json()["id"])["status"] == "succeeded"
    assert "77/2026/QĐ-UBND" in _numbers(api)
    r = api.call("admin", "DELETE", "/admin/documents/77/2026/QĐ-UBND")  # withdraw it again for the other tests
    assert r.status_code == 202 and api.wait_job(r.json()["id"])["status"] == "succeeded"
    _rebuild(api)
    assert "77/2026/QĐ-UBND" not in _numbers(api)
    actions = [a["action"] for a in api.call("admin", "GET", "/admin/audit").json()]
    assert {"index.rollback", "document.withdraw", "document.restore"} <= set(actions)


def test_rollback_of_a_withdrawal_brings_the_document_back_for_good(api):  # type: ignore[no-untyped-def]
    number = "01/2021/TT-BGDĐT"
    assert number in _numbers(api)
    r = api.call("admin", "DELETE", f"/admin/documents/{number}")
    assert r.status_code == 202 and api.wait_job(r.json()["id"])["status"] == "succeeded"
    assert number not in _numbers(api)
    r = api.call("admin", "POST", "/admin/index/rollback")
    assert r.status_code == 200, r.text
    assert {"number": number, "change": "restored"} in r.json()["changes"]
    _rebuild(api)
    assert number in _numbers(api)


def test_preview_warns_on_missing_metadata_and_commit_refuses_a_citation_that_reads_wrongly(api):  # type: ignore[no-untyped-def]
    text = "Số: 145-QĐ/TW\n\n" + TEXT_145
    preview, r = _upload(api, text, name="qd-145.txt")
    warnings = " ".join(preview["warnings"])
    assert "loại văn bản" in warnings and "trích yếu" in warnings and "cơ quan ban hành" in warnings
    assert preview["citation_example"] == "Điều 1 số 145-QĐ/TW"
    assert r.status_code == 400, r.text
    assert "Điều 1 số 145-QĐ/TW" in r.json()["error"]["message"] and "Loại văn bản" in r.json()["error"]["message"]
    assert "145-QĐ/TW" not in _numbers(api)
    r = api.call(
        "admin",
        "POST",
        f"/admin/documents/{preview['upload_id']}/commit",
        json={"doc_type": "Quy định", "status": "con_hieu_luc"},
    )
    assert r.status_code == 202, r.text
    assert api.wait_job(r.json()["id"])["status"] == "succeeded"
    units = api.call("anonymous", "GET", "/documents/145-QĐ/TW").json()["units"]
    assert units[0]["citation"] == "Điều 1 Quy định số 145-QĐ/TW"
    r = api.call("admin", "DELETE", "/admin/documents/145-QĐ/TW")
    assert api.wait_job(r.json()["id"])["status"] == "succeeded"


def test_utf16_without_bom_is_read_as_text(api):  # type: ignore[no-untyped-def]
    for encoding in ("utf-16-le", "utf-16-be"):
        data = NUMBERED.encode(encoding)
        r = api.call("admin", "POST", "/admin/documents/preview", files={"file": ("unicode.txt", data, "text/plain")})
        assert r.status_code == 201, (encoding, r.text)
        assert r.json()["document"]["number"] == "77/2026/QĐ-UBND"
        assert [a["number"] for a in r.json()["structure"]] == ["1", "2"]


def _feedback_rows(api, trace_id):  # type: ignore[no-untyped-def]
    from assistant.audit.models import Feedback

    with api.services.personal.audit._sessions() as s:
        return s.scalar(select(func.count()).select_from(Feedback).where(Feedback.trace_id == trace_id))


def test_feedback_is_one_record_per_answer_and_person_and_only_on_ones_own_answer(api):  # type: ignore[no-untyped-def]
    trace = api.call("hr", "POST", "/ask", json={"question": QUESTION}).json()["trace_id"]
    r = api.call("hr", "POST", "/feedback", json={"trace_id": trace, "helpful": True})
    assert r.status_code == 200 and r.json()["message"] == "Cảm ơn anh/chị đã góp ý."
    r = api.call("hr", "POST", "/feedback", json={"trace_id": trace, "helpful": False})  # the second tap
    assert r.status_code == 200 and "cập nhật" in r.json()["message"]
    r = api.call("hr", "POST", "/feedback", json={"trace_id": trace, "helpful": False, "comment": "Sai khoản"})
    assert r.status_code == 200
    assert _feedback_rows(api, trace) == 1  # a 👎 with its comment is one record

    for stranger in ("hr_other", "cadre", "anonymous", "bot"):
        r = api.call(stranger, "POST", "/feedback", json={"trace_id": trace, "helpful": True})
        assert r.status_code == 403, (stranger, r.text)
    assert _feedback_rows(api, trace) == 1

    listed = api.call("admin", "GET", "/admin/feedback?helpful=false").json()
    mine = next(f for f in listed if f["answer"]["trace_id"] == trace)
    assert mine["helpful"] is False and mine["comment"] == "Sai khoản" and mine["rated_by"] == "user:demo_hr"
    assert mine["answer"]["question"] == QUESTION and mine["answer"]["cited_unit_ids"]
    assert api.call("hr", "GET", "/admin/feedback").status_code == 403


def test_the_bot_resolves_an_answer_of_its_user_through_the_api_and_no_one_else_can(api):  # type: ignore[no-untyped-def]
    asked = api.call("bot", "POST", "/ask", json={"question": QUESTION}, headers={"x-telegram-user-id": "7770001"})
    body = asked.json()
    r = api.call("bot", "GET", f"/answers/{body['trace_id']}", headers={"x-telegram-user-id": "7770001"})
    assert r.status_code == 200, r.text
    assert r.json()["cited_unit_ids"] == [q["unit_id"] for q in body["quotes"]]
    other = api.call("bot", "GET", f"/answers/{body['trace_id']}", headers={"x-telegram-user-id": "7770002"})
    assert other.status_code == 404
    assert api.call("hr", "GET", f"/answers/{body['trace_id']}").status_code == 404
    vote = {"trace_id": body["trace_id"], "helpful": True}
    assert api.call("bot", "POST", "/feedback", json=vote, headers={"x-telegram-user-id": "7770002"}).status_code == 403
    assert api.call("bot", "POST", "/feedback", json=vote, headers={"x-telegram-user-id": "7770001"}).status_code == 200


def test_unlink_says_whether_anything_was_linked(api):  # type: ignore[no-untyped-def]
    r = api.call("bot", "DELETE", "/telegram/links/7770009")
    assert r.status_code == 200 and r.json()["unlinked"] is False and "chưa liên kết" in r.json()["message"]
    code = api.call("hr", "POST", "/telegram/link-codes", json={"cadre_code": api.cadres["same_unit"]}).json()["code"]
    assert (
        api.call("bot", "POST", "/telegram/links", json={"telegram_user_id": 7770009, "code": code}).status_code == 201
    )
    r = api.call("bot", "DELETE", "/telegram/links/7770009")
    assert r.status_code == 200 and r.json()["unlinked"] is True and r.json()["message"] == "Đã hủy liên kết."


def test_unit_reports_never_carry_live_formulas(api):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from assistant.enrollment.models import Cadre

    code = api.cadres["same_unit"]
    with api.services.personal.enrollment._sessions() as s, s.begin():
        cadre = s.scalar(select(Cadre).where(Cadre.code == code))
        cadre.full_name = "=1+2"
        cadre.position = '=HYPERLINK("http://example.invalid","bấm")'
        unit = cadre.unit.code
    assert unit
    r = api.call("hr", "GET", f"/reports/units/{unit}?format=csv")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    header = next(x for x in rows if "Chức vụ" in x)
    row = next(x for x in rows if x[0] == code)
    assert row[1] == "'=1+2" and row[header.index("Chức vụ")].startswith("'=HYPERLINK")
    r = api.call("hr", "GET", f"/reports/units/{unit}?format=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row if c.value in ("=1+2",) or str(c.value).startswith("=HYPER")]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
