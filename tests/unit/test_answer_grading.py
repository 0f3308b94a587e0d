"""Answer-level grading on hand-made answers: each measure can fail."""

from __future__ import annotations

from assistant.answer.grading import grade, report

ROW = {
    "id": "x",
    "question": "Hộ sinh hạng II phải tốt nghiệp trình độ nào?",
    "kind": "direct",
    "gold": [{"doc": "26/2015/TTLT-BYT-BNV", "article": "7", "clause": "2", "point": "a"}],
    "answer_fact": "Tốt nghiệp chuyên khoa cấp I",
    "notes": "topic=title_standard | …",
}


def quote(article: str, clause: str | None, point: str | None, text: str, notes: list[str] | None = None) -> dict:
    return {
        "doc_number": "26/2015/TTLT-BYT-BNV",
        "article": article,
        "clause": clause,
        "point": point,
        "text": text,
        "citation": "",
        "notes": notes or [],
    }


def answer(*quotes: dict, text: str | None = None, abstained: bool = False) -> dict:
    body = text if text is not None else "\n\n".join(f"«{q['text']}»" for q in quotes)
    return {
        "answer": body,
        "abstained": abstained,
        "quotes": list(quotes),
        "sources": [{"unit_id": "26-2015-ttlt-byt-bnv:d8"}, {"unit_id": "26-2015-ttlt-byt-bnv:d7"}],
    }


def test_the_gold_point_as_lead_hits_everything():
    r = grade(ROW, answer(quote("7", "2", "a", "a) Tốt nghiệp chuyên khoa cấp I hoặc thạc sĩ")))
    assert r["article_hit"] and r["clause_hit"] and r["point_hit"] and r["fact_hit"] and r["lead_fact_hit"]
    assert r["source_rank"] == 2


def test_wrong_clause_and_wrong_grade_are_told_apart():
    wrong_clause = grade(ROW, answer(quote("7", "1", None, "1. Nhiệm vụ")))
    assert wrong_clause["article_hit"] and not wrong_clause["clause_hit"] and wrong_clause["wrong_clause_same_article"]
    wrong_grade = grade(ROW, answer(quote("8", "2", "a", "a) Tốt nghiệp đại học")))
    assert not wrong_grade["article_hit"] and wrong_grade["wrong_article_same_doc"]


def test_a_whole_article_quote_counts_only_when_it_holds_the_fact():
    assert grade(ROW, answer(quote("7", None, None, "2. … a) Tốt nghiệp chuyên khoa  cấp I …")))["point_hit"]
    assert not grade(ROW, answer(quote("7", None, None, "1. Nhiệm vụ …")))["clause_hit"]


def test_the_lead_is_the_first_quote():
    r = grade(ROW, answer(quote("7", "1", None, "1. Nhiệm vụ"), quote("7", "2", "a", "Tốt nghiệp chuyên khoa cấp I")))
    assert r["fact_hit"] and r["clause_hit"] and not r["lead_fact_hit"]


def test_quy_che_articles_need_the_fact_when_numbered_plainly():
    row = dict(
        ROW,
        gold=[{"doc": "1147-QĐ/BTGDVTW", "article": "QC-6", "clause": "4", "point": None}],
        answer_fact="tối thiểu 80% số tiết học",
    )
    q = {
        "doc_number": "1147-QĐ/BTGDVTW",
        "article": "6",
        "clause": "4",
        "point": None,
        "text": "4. … tối thiểu 80% số tiết học",
    }
    assert grade(row, answer(q))["clause_hit"]
    assert not grade(row, answer(dict(q, text="4. Khác")))["article_hit"]


def test_validity_note_counts_in_notes_or_in_a_paragraph_naming_the_document():
    row = dict(ROW, expects_warning=True)
    q = quote("7", "2", "a", "Tốt nghiệp chuyên khoa cấp I")
    assert not grade(row, answer(q))["warning_hit"]
    assert grade(row, answer(dict(q, notes=["Văn bản này đã hết hiệu lực."])))["warning_hit"]
    assert grade(row, answer(q, text=f"«{q['text']}»\n\nThông tư 26/2015/TTLT-BYT-BNV đã hết hiệu lực."))["warning_hit"]
    quoted_only = f"«{q['text']} đã hết hiệu lực» 26/2015/TTLT-BYT-BNV"
    assert not grade(row, answer(q, text=quoted_only))["warning_hit"]
    amended = answer(dict(q, notes=["Văn bản này đã được sửa đổi, bổ sung bởi văn bản số 03/2022/TT-BYT."]))
    assert not grade(row, amended)["warning_hit"]


def test_report_rates_abstention_and_false_abstention():
    una = {"id": "u", "question": "?", "kind": "unanswerable", "gold": [], "answer_fact": None, "notes": "topic=x"}
    recs = [
        grade(una, answer(abstained=True, text="Chưa có trong kho")),
        grade(dict(una, id="u2"), answer(quote("7", "2", "a", "x"))),
        grade(ROW, answer(abstained=True, text="Chưa có")),
        grade(ROW, answer(quote("7", "2", "a", "Tốt nghiệp chuyên khoa cấp I"))),
    ]
    s = report(recs)["summary"]
    assert s["abstention_on_unanswerable"] == 0.5 and s["false_abstentions"] == 1 and s["false_abstention_rate"] == 0.5
    assert s["fact_hit"] == 0.5 and report(recs)["by_kind"]["unanswerable"]["n"] == 2
