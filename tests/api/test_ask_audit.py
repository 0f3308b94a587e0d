"""Answers carry the asker's own requirement statuses when known, and every answer is logged with what it showed."""

from __future__ import annotations

QUESTION = "Tôi còn thiếu gì về đào tạo, bồi dưỡng?"  # a question about one's own standing: every status applies
OFF_TOPIC = "Giá vé máy bay từ Hà Nội đi Đà Nẵng tháng sau là bao nhiêu?"


def _logged(api, trace_id):  # type: ignore[no-untyped-def]
    r = api.call("admin", "GET", f"/admin/answers/{trace_id}")
    assert r.status_code == 200, r.text
    return r.json()


def test_anonymous_answer_has_no_statuses_and_is_logged(api):  # type: ignore[no-untyped-def]
    body = api.call("anonymous", "POST", "/ask", json={"question": "Hình thức đào tạo, bồi dưỡng viên chức"}).json()
    assert body["statuses"] == [] and body["cadre_code"] is None and body["quotes"]
    assert all("notes" in q for q in body["quotes"])  # validity notes travel with each citation
    logged = _logged(api, body["trace_id"])
    assert logged["asker"] == "anonymous" and logged["abstained"] is False
    assert logged["cited_unit_ids"] == [q["unit_id"] for q in body["quotes"]]
    assert logged["generation"] == body["generation"]


def test_signed_in_cadre_gets_own_statuses_and_the_snapshot_is_logged(api):  # type: ignore[no-untyped-def]
    body = api.call("cadre", "POST", "/ask", json={"question": QUESTION}).json()
    own = api.cadres["own"]
    assert body["cadre_code"] == own and body["statuses"], body
    assert {"rule_id", "status", "status_label", "citation", "legal_basis"} <= set(body["statuses"][0])
    assert body["status_summary"].startswith("Theo hồ sơ của anh/chị")
    logged = _logged(api, body["trace_id"])
    assert logged["cadre_code"] == own and logged["statuses"] == body["statuses"]
    assert logged["asker"] == "user:demo_canbo"


def test_bot_for_linked_telegram_user_gets_that_cadres_statuses(api):  # type: ignore[no-untyped-def]
    code = api.call("hr", "POST", "/telegram/link-codes", json={"cadre_code": api.cadres["own"]}).json()["code"]
    assert (
        api.call("bot", "POST", "/telegram/links", json={"telegram_user_id": 6660001, "code": code}).status_code == 201
    )
    body = api.call(
        "bot", "POST", "/ask", json={"question": QUESTION}, headers={"x-telegram-user-id": "6660001"}
    ).json()
    assert body["cadre_code"] == api.cadres["own"] and body["statuses"]
    assert _logged(api, body["trace_id"])["asker"] == "bot:telegram-bot/tg:6660001"
    unlinked = api.call(
        "bot", "POST", "/ask", json={"question": QUESTION}, headers={"x-telegram-user-id": "6660002"}
    ).json()
    assert unlinked["cadre_code"] is None and unlinked["statuses"] == []


def test_hr_names_a_cadre_of_its_scope(api):  # type: ignore[no-untyped-def]
    body = api.call("hr", "POST", "/ask", json={"question": QUESTION, "cadre_code": api.cadres["own"]}).json()
    assert body["cadre_code"] == api.cadres["own"] and body["statuses"]
    assert api.call("hr", "POST", "/ask", json={"question": QUESTION}).json()["statuses"] == []  # HR itself: none


def test_abstentions_are_listed_and_feedback_is_recorded(api):  # type: ignore[no-untyped-def]
    body = api.call("anonymous", "POST", "/ask", json={"question": OFF_TOPIC}).json()
    assert body["abstained"] is True
    unanswered = api.call("admin", "GET", "/admin/unanswered").json()
    assert unanswered[0]["question"] == OFF_TOPIC and unanswered[0]["trace_id"] == body["trace_id"]
    r = api.call(
        "anonymous",
        "POST",
        "/feedback",
        json={"trace_id": body["trace_id"], "helpful": False, "comment": "Chưa có câu trả lời"},
    )
    assert r.status_code == 200 and r.json()["ok"]
    assert api.call("anonymous", "POST", "/feedback", json={"trace_id": "khong-co", "helpful": True}).status_code == 404
    assert (
        api.call("anonymous", "POST", "/feedback", json={"trace_id": body["trace_id"], "helpful": "có lẽ"}).status_code
        == 422
    )


def test_a_nul_character_is_answered_and_logged_on_every_database(api):  # type: ignore[no-untyped-def]
    """PostgreSQL refuses NUL in text; a question carrying one is still a valid request."""
    r = api.call("hr", "POST", "/ask", json={"question": "Viên chức\x00 được đào tạo?", "documents": ["58/2010\x00"]})
    assert r.status_code == 200, r.text
