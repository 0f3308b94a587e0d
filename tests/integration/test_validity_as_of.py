"""Validity as of a date through the engine: ranking in force first, one note per document, the CLI's --as-of."""

from __future__ import annotations

import json
from datetime import date

from typer.testing import CliRunner

from assistant.services.views import answer_to_dict

KINDERGARTEN = "Tiêu chuẩn về trình độ đào tạo, bồi dưỡng của giáo viên mầm non hạng II"
FORMS = "Hình thức đào tạo, bồi dưỡng viên chức gồm những gì?"


def test_text_not_yet_in_force_on_the_date_ranks_below_what_is(built):
    today = built.knowledge.search(KINDERGARTEN, k=5, as_of=date(2026, 12, 1))
    assert today[0].unit.doc_number == "01/2021/TT-BGDĐT" and today[0].validity.in_force
    before = built.knowledge.search(KINDERGARTEN, k=50, as_of=date(2021, 1, 1))  # 01/2021 takes effect 20/3/2021
    states = [h.validity.state.value for h in before]
    first_not_yet = states.index("not_yet")
    assert (
        first_not_yet > 0 and set(states[:first_not_yet]) == {"in_force"} and set(states[first_not_yet:]) == {"not_yet"}
    )
    kinder = next(h for h in before if h.unit.doc_number == "01/2021/TT-BGDĐT")
    assert kinder.warning.startswith("Thông tư số 01/2021/TT-BGDĐT chưa có hiệu lực vào ngày 01/1/2021")


def test_answer_notes_follow_the_date_and_appear_once_per_document(built):
    after = built.knowledge.ask(FORMS, as_of=date(2026, 7, 1))
    quotes = [q for q in after.answer.quotes if q.doc_number == "58/2010/QH12"]
    assert quotes, after.answer.text
    assert any("đã hết hiệu lực từ ngày 01/7/2026" in n for n in quotes[0].notes)
    assert after.answer.text.count("đã hết hiệu lực từ ngày 01/7/2026") == 1  # once, however many quotes
    # the warning leads the answer, before the lead quote; it is the first quote's `warning` (and first note)
    assert quotes[0].warning == quotes[0].notes[0] and "129/2025/QH15 (chưa có trong kho)" in quotes[0].warning
    assert after.answer.text.startswith(f"Lưu ý: {quotes[0].warning}")
    assert after.answer.text.index(quotes[0].warning) < after.answer.text.index("Theo ")
    assert all(q.warning is None for q in after.answer.quotes[1:] if q.doc_number == "58/2010/QH12")
    data = answer_to_dict(after)
    assert data["as_of"] == "2026-07-01"
    law = next(v for v in data["validity"] if v["doc_number"] == "58/2010/QH12")
    assert (law["badge"], law["state"]) == ("Hết hiệu lực", "repealed")
    assert law["replaced_by"] == [{"doc_number": "129/2025/QH15", "in_corpus": False}]
    assert {q["badge"] for q in data["quotes"] if q["doc_number"] == "58/2010/QH12"} == {"Hết hiệu lực"}
    law_sources = [x for x in data["sources"] if x["unit_id"].startswith("58-2010-qh12:")]
    assert law_sources and {(x["status"], x["badge"]) for x in law_sources} == {("het_hieu_luc", "Hết hiệu lực")}
    before = answer_to_dict(built.knowledge.ask(FORMS, as_of=date(2026, 6, 30)))
    assert next(v for v in before["validity"] if v["doc_number"] == "58/2010/QH12")["badge"] == "Còn hiệu lực"
    assert before["answer"].startswith("Theo ") and not any(q["warning"] for q in before["quotes"])
    assert "SOURCES.md" not in json.dumps(data, ensure_ascii=False)  # provenance never reaches an answer


def test_article_view_carries_todays_badge(built):
    before = date.today()  # read around the call: a run may cross midnight
    unit, notes, validity = built.knowledge.article("58-2010-qh12:d33:k1")
    assert validity.as_of in {before, date.today()} and validity.badge == (
        "Hết hiệu lực" if date.today() >= date(2026, 7, 1) else "Còn hiệu lực"
    )
    assert not validity.note or notes[0] == validity.note


def test_cli_ask_as_of(built, monkeypatch):
    from assistant import cli

    monkeypatch.setattr(cli, "services", lambda: built)
    runner = CliRunner()
    out = runner.invoke(cli.app, ["ask", FORMS, "--json", "--as-of", "30/6/2026"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.output)
    assert body["as_of"] == "2026-06-30"
    assert next(v for v in body["validity"] if v["doc_number"] == "58/2010/QH12")["state"] == "in_force"
    bad = runner.invoke(cli.app, ["ask", FORMS, "--as-of", "31/02/2026"])
    assert bad.exit_code != 0 and "không hợp lệ" in bad.output
