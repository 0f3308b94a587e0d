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
