"""The answer text: validity warnings of documents not (or maybe not) in force lead it, once per document."""

from __future__ import annotations

from assistant.answer.extractive import Quote, other_notes, render, validity_warnings

LAW = "58/2010/QH12"
REPEALED = "Luật Viên chức số 58/2010/QH12 đã hết hiệu lực từ ngày 01/7/2026, được thay thế bởi Luật số 129/2025/QH15."
UNCERTAIN = "Nghị định số 115/2020/NĐ-CP chưa rõ hiệu lực từ ngày 01/7/2026; cần đối chiếu hiệu lực."
AMENDED = "Văn bản này đã được sửa đổi, bổ sung bởi văn bản số 08/2023/TT-BGDĐT; cần đối chiếu nội dung sửa đổi."


def quote(doc: str, article: str, clause: str, text: str, notes: list[str], warning: str | None = None) -> Quote:
    return Quote(
        f"{doc}:d{article}:k{clause}",
        f"Khoản {clause} Điều {article} ({doc})",
        text,
        doc,
        article,
        clause,
        notes=notes,
        warning=warning,
    )


def test_the_warning_comes_before_the_lead_quote_once_per_document() -> None:
    quotes = [
        quote(LAW, "33", "3", "Hình thức đào tạo", [REPEALED], REPEALED),
        quote(LAW, "34", "1", "Chế độ đào tạo", []),  # same document, later quote: no notes
        quote("115/2020/NĐ-CP", "46", "1", "Tiêu chuẩn", [UNCERTAIN, AMENDED], UNCERTAIN),
    ]
    text = render(quotes)
    first, *rest = text.split("\n\n")
    assert first.splitlines() == [f"Lưu ý: {REPEALED}", f"Lưu ý: {UNCERTAIN}"]
    assert rest[0].startswith("Theo Khoản 3 Điều 33")
    assert text.count(REPEALED) == 1 and text.count(UNCERTAIN) == 1
    assert text.index(REPEALED) < text.index("«Hình thức đào tạo»")
    # the other notes stay under the document's first quote, without the warning repeated
    assert f"«Tiêu chuẩn»\nLưu ý: {AMENDED}" in text
    assert validity_warnings(quotes) == [REPEALED, UNCERTAIN]
    assert other_notes(quotes[2]) == [AMENDED]


def test_an_answer_from_text_in_force_starts_with_its_lead_quote() -> None:
    quotes = [quote("01/2021/TT-BGDĐT", "4", "3", "Có bằng tốt nghiệp", [AMENDED])]
    text = render(quotes)
    assert text.startswith("Theo Khoản 3 Điều 4") and f"«Có bằng tốt nghiệp»\nLưu ý: {AMENDED}" in text
    assert validity_warnings(quotes) == []


def test_a_warning_given_twice_for_one_document_is_shown_once() -> None:
    quotes = [quote(LAW, "33", "3", "a", [REPEALED], REPEALED), quote(LAW, "34", "1", "b", [REPEALED], REPEALED)]
    text = render(quotes)
    assert text.count(REPEALED) == 1 and text.startswith(f"Lưu ý: {REPEALED}\n\nTheo")


def _passage(unit_id: str, clause: str, text: str, score: float):  # type: ignore[no-untyped-def]
    from assistant.answer.extractive import Passage
    from assistant.index.units import IndexUnit

    unit = IndexUnit(
        unit_id,
        "25/2017/TT-BLĐTBXH",
        "Thông tư",
        "Thông tư số 25/2017/TT-BLĐTBXH",
        "t",
        "6",
        "t",
        "h",
        text,
        "Điều 6",
        "con_hieu_luc",
        "codified",
    )
    return Passage(unit, 0, clause, None, text, 0.5, score)


def test_a_clause_of_the_lead_article_holding_the_value_asked_for_leads():
    from assistant.answer.extractive import _value_first

    lead = _passage("a:d6", "1", "d) Đã có chứng chỉ ngoại ngữ Bậc 3", 3.3)
    age = _passage("a:d6", "2", "a) có tuổi đời từ đủ 55 tuổi trở lên đối với nam", 3.0)
    other = _passage("b:d7", "1", "Viên chức từ đủ 50 tuổi", 3.2)
    assert _value_first([lead, other, age], ["age"], 0.5)[0] is age
    assert _value_first([lead, other, age], ["age"], 0.2)[0] is lead  # too far below
    assert _value_first([lead, other], ["age"], 0.5)[0] is lead  # another article's value is no evidence
    assert _value_first([lead, age], [], 0.5)[0] is lead  # no value asked


def _doc_passage(doc_title: str, article: str, score: float):  # type: ignore[no-untyped-def]
    p = _passage(f"x:{article}", "1", f"Điều {article}", score)
    p.unit.doc_title = doc_title
    return p


def test_a_rule_for_other_people_never_leads_an_answer_about_cong_chuc():
    from assistant.answer.extractive import _for_subject
    from assistant.answer.question import read_question

    vien_chuc = _doc_passage("Luật Viên chức", "56", 3.0)
    cong_chuc = _doc_passage("Luật Cán bộ, công chức", "36", 2.9)
    neutral = _doc_passage("Quy chế bồi dưỡng của trung tâm chính trị", "13", 2.8)
    reading = read_question("Công chức bị kỷ luật khiển trách thì bao lâu mới được cử đi học?")
    assert _for_subject(reading, [vien_chuc, cong_chuc, neutral]) == [cong_chuc, neutral]
    assert _for_subject(reading, [vien_chuc, neutral]) == []  # nothing for công chức: refuse
    assert _for_subject(reading, [neutral, vien_chuc]) == [neutral, vien_chuc]  # a lead for anyone stays
    assert _for_subject(read_question("Bao lâu mới được cử đi học?"), [vien_chuc]) == [vien_chuc]


class _Gen:
    """Just what _beyond_title_fit reads of a generation: its units, for the term weights."""

    def __init__(self, units):  # type: ignore[no-untyped-def]
        self.units = {u.id: u for u in units}

    def memo(self, key, make):  # type: ignore[no-untyped-def]
        return make()

    def term_counts(self, table):  # type: ignore[no-untyped-def]
        from assistant.index.terms import TermCounts

        return TermCounts.count(table, self.units.values())


def test_what_a_partial_documents_held_text_must_cover_is_what_is_asked_beyond_its_title():
    from assistant.answer.extractive import ExtractiveAnswerer
    from assistant.answer.question import read_question
    from assistant.config import AnswerSettings

    scope = (
        "b) Cán bộ lãnh đạo, quản lý các cấp được phân thành 3 nhóm bồi dưỡng như sau:\n"
        "- Nhóm 1: Lãnh đạo chủ chốt và lãnh đạo cấp cao của Đảng, Nhà nước."
    )
    lead = _passage("145:d1", "2", scope, 3.0)
    lead.unit.doc_title = "Về chế độ bồi dưỡng, cập nhật kiến thức, kỹ năng đối với cán bộ lãnh đạo, quản lý các cấp"
    lead.unit.doc_type = "Quy định"
    lead.unit.title = "Phạm vi điều chỉnh, đối tượng áp dụng"
    others = [_passage(f"x:d{i}", "1", t, 1.0) for i, t in enumerate(["Nội dung bồi dưỡng gồm", "Trách nhiệm"])]
    gen = _Gen([lead.unit] + [p.unit for p in others])
    answerer = ExtractiveAnswerer(AnswerSettings())

    def fit(q: str) -> float:
        return answerer._beyond_title_fit(gen, q, read_question(q), lead)

    asked_elsewhere = "Nội dung bồi dưỡng cập nhật kiến thức cho cán bộ lãnh đạo chủ chốt của Đảng gồm những gì?"
    asked_here = "Theo Quy định 145-QĐ/TW, nhóm 1 là lãnh đạo chủ chốt của Đảng, Nhà nước phải không?"
    assert fit(asked_elsewhere) < 0.5 <= fit(asked_here)
