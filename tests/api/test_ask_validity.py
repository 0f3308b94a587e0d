"""POST /ask judges validity as of a date: `as_of` in, one badge and at most one note per document out."""

from __future__ import annotations

import json
from datetime import date

FORMS = "Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?"


def _ask(api, **extra):  # type: ignore[no-untyped-def]
    r = api.call("anonymous", "POST", "/ask", json={"question": FORMS, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def _law(body):  # type: ignore[no-untyped-def]
    return next(v for v in body["validity"] if v["doc_number"] == "58/2010/QH12")


def test_as_of_before_and_after_1_july_2026(api):  # type: ignore[no-untyped-def]
    before, after = _ask(api, as_of="2026-06-30"), _ask(api, as_of="2026-07-01")
    assert (before["as_of"], _law(before)["badge"]) == ("2026-06-30", "Còn hiệu lực")
    assert (after["as_of"], _law(after)["badge"], _law(after)["badge_level"]) == ("2026-07-01", "Hết hiệu lực", "bad")
    assert "Luật số 129/2025/QH15 (chưa có trong kho)" in _law(after)["note"]
    quoted = [q for q in after["quotes"] if q["doc_number"] == "58/2010/QH12"]
    assert quoted and {q["badge"] for q in quoted} == {"Hết hiệu lực"}
    assert after["answer"].count(_law(after)["note"]) == 1  # the note once per document in the answer text


def test_default_is_today_and_nothing_users_read_carries_provenance(api):  # type: ignore[no-untyped-def]
    before = date.today()  # read around the call: a run may cross midnight
    body = _ask(api)
    assert body["as_of"] in {before.isoformat(), date.today().isoformat()}
    assert _law(body)["state"] == ("repealed" if date.today() >= date(2026, 7, 1) else "in_force")
    shown = json.dumps({k: body[k] for k in ("answer", "quotes", "sources", "validity")}, ensure_ascii=False)
    for leak in ("SOURCES.md", "reportedly", "not in the corpus"):
        assert leak not in shown


def test_a_bad_date_is_a_422_not_a_500(api):  # type: ignore[no-untyped-def]
    r = api.call("anonymous", "POST", "/ask", json={"question": FORMS, "as_of": "2026-02-31"})
    assert r.status_code == 422


def test_article_and_document_views_show_the_same_badge(api):  # type: ignore[no-untyped-def]
    after = date.today() >= date(2026, 7, 1)  # the brief's today is 2026-12-01
    article = api.call("anonymous", "GET", "/articles/58-2010-qh12:d33").json()
    assert article["status_label"] == ("Hết hiệu lực" if after else "Còn hiệu lực")
    docs = {d["number"]: d for d in api.call("anonymous", "GET", "/documents").json()}
    assert docs["58/2010/QH12"]["status_label"] == article["status_label"]  # the same badge in every view
    assert docs["115/2020/NĐ-CP"]["validity"]["badge"] == ("Chưa rõ hiệu lực" if after else "Còn hiệu lực")
