"""The JSON contract of POST /api/v1/ask that clients rely on: the lead quote first, cited, verbatim; sources."""

from __future__ import annotations

QUOTE_FIELDS = {"doc_number", "article", "clause", "point", "text", "citation", "notes", "unit_id"}


def test_answer_contract_lead_first_and_concise(api):  # type: ignore[no-untyped-def]
    r = api.call(
        "anonymous", "POST", "/ask", json={"question": "Giáo viên mầm non hạng II phải có bằng tốt nghiệp gì?"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert {"answer", "abstained", "quotes", "sources"} <= set(body) and body["abstained"] is False
    assert 1 <= len(body["quotes"]) <= 3 and all(QUOTE_FIELDS <= set(q) for q in body["quotes"])
    lead = body["quotes"][0]
    assert (lead["doc_number"], lead["article"], lead["clause"]) == ("01/2021/TT-BGDĐT", "4", "3")
    assert lead["citation"].startswith("Khoản 3 Điều 4 ") and body["answer"].startswith(f"Theo {lead['citation']}:")
    assert all(q["text"] in body["answer"] for q in body["quotes"]) and isinstance(lead["notes"], list)
    assert body["sources"] and {"unit_id", "citation"} <= set(body["sources"][0])
    assert "Xem thêm:" in body["answer"]


def test_refusal_contract_says_what_is_missing(api):  # type: ignore[no-untyped-def]
    body = api.call(
        "anonymous", "POST", "/ask", json={"question": "Luật Viên chức số 129/2025/QH15 quy định những hình thức nào?"}
    ).json()
    assert body["abstained"] is True and body["quotes"] == [] and "129/2025/QH15" in body["answer"]
    assert "chưa có trong kho" in body["answer"]


def test_a_quote_not_in_force_carries_its_warning_and_the_answer_leads_with_it(api):  # type: ignore[no-untyped-def]
    body = api.call(
        "anonymous",
        "POST",
        "/ask",
        json={"question": "Viên chức được đào tạo, bồi dưỡng theo những hình thức nào?", "as_of": "2026-12-01"},
    ).json()
    warned = [q for q in body["quotes"] if q.get("warning")]
    assert warned and warned[0]["doc_number"] == "58/2010/QH12" and warned[0]["notes"][0] == warned[0]["warning"]
    assert body["answer"].startswith(f"Lưu ý: {warned[0]['warning']}")
    assert sum(1 for q in body["quotes"] if q.get("warning")) == len({q["doc_number"] for q in warned})
