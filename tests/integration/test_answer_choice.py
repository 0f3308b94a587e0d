"""Which clause answers, and when to refuse: the answerer on the fixture corpus (fake embedder, real index)."""

from __future__ import annotations

import pytest


@pytest.fixture
def ask(built):
    return lambda q: built.knowledge.ask(q).answer


def test_the_training_standard_clause_of_the_named_grade_leads(ask):
    a = ask("Giáo viên mầm non hạng II phải có bằng tốt nghiệp trình độ nào?")
    lead = a.quotes[0]
    assert (lead.doc_number, lead.article, lead.clause) == ("01/2021/TT-BGDĐT", "4", "3")
    assert lead.text.startswith("3. Tiêu chuẩn về trình độ đào tạo, bồi dưỡng")
    assert lead.citation == "Khoản 3 Điều 4 Thông tư số 01/2021/TT-BGDĐT" and lead.text in a.text
    other = ask("Giáo viên tiểu học hạng I cần trình độ đào tạo gì?").quotes[0]
    assert (other.doc_number, other.article, other.clause) == ("02/2021/TT-BGDĐT", "5", "3")


def test_the_clause_that_lists_what_is_asked_for_leads(ask):
    a = ask("Viên chức được đào tạo, bồi dưỡng theo những hình thức nào?")  # the bot's welcome example
    lead = a.quotes[0]
    assert (lead.doc_number, lead.article, lead.clause) == ("58/2010/QH12", "33", "3")
    assert lead.text.startswith("3. Hình thức đào tạo, bồi dưỡng viên chức gồm:")


def test_the_answer_is_short_and_points_to_more(ask):
    a = ask("Giáo viên mầm non hạng II phải có bằng tốt nghiệp trình độ nào?")
    assert len(a.quotes) <= 3 and len(a.text) < 1200
    assert "Xem thêm: " in a.text and a.text.count("«") == len(a.quotes)


def test_validity_notes_once_per_document(ask):
    a = ask("Viên chức được đào tạo, bồi dưỡng theo những hình thức nào?")
    assert not a.abstained and a.quotes[0].doc_number == "58/2010/QH12"
    by_doc = [q.doc_number for q in a.quotes if q.notes]
    assert len(by_doc) == len(set(by_doc))


def test_a_document_the_corpus_does_not_hold_is_named_in_the_refusal(ask):
    a = ask("Nghị định 259/2026/NĐ-CP quy định viên chức xét thăng hạng phải đáp ứng điều kiện gì?")
    assert a.abstained and a.abstain_reason == "not_in_corpus" and "259/2026/NĐ-CP" in a.text and not a.quotes


def test_a_question_about_other_people_is_refused(ask):
    a = ask("Công chức được cử đi đào tạo, bồi dưỡng theo những hình thức nào?")
    assert a.abstained and a.abstain_reason == "other_subject" and "công chức" in a.text


def test_a_question_about_a_named_place_outside_the_corpus_is_refused(ask):
    a = ask("Tỉnh Quảng Trị hỗ trợ bao nhiêu tiền cho viên chức đi học thạc sĩ?")
    assert a.abstained


def test_a_provinces_own_policy_is_refused_even_when_the_corpus_mentions_the_place(ask):
    a = ask("Hà Nội có chính sách hỗ trợ viên chức đi học thạc sĩ như thế nào?")
    assert a.abstained and a.abstain_reason == "local_policy" and "Hà Nội" in a.text and not a.quotes


def test_where_the_asker_works_does_not_refuse_a_national_question(ask):
    a = ask("Tôi là giáo viên mầm non ở Hà Nội, hạng II phải có bằng tốt nghiệp trình độ nào?")
    assert not a.abstained and a.quotes[0].doc_number == "01/2021/TT-BGDĐT"


def test_a_law_named_by_a_title_the_corpus_does_not_hold_is_named_in_the_refusal(ask):
    a = ask("Theo Luật Giáo dục, giáo viên mầm non phải có bằng tốt nghiệp trình độ nào?")
    assert a.abstained and a.abstain_reason == "not_in_corpus" and "Luật Giáo dục" in a.text and not a.quotes
    b = ask("Luật Viên chức năm 2025 quy định viên chức được đào tạo, bồi dưỡng theo những hình thức nào?")
    assert b.abstained and "Luật Viên chức năm 2025 chưa có trong kho" in b.text and "58/2010/QH12" in b.text
    c = ask("Theo Luật Viên chức, viên chức được đào tạo, bồi dưỡng theo những hình thức nào?")
    assert not c.abstained and c.quotes[0].doc_number == "58/2010/QH12"


def test_a_short_article_whose_title_names_what_is_asked_leads(settings):
    """Điều 25 of 171/2025/NĐ-CP ("Hình thức tổ chức bồi dưỡng") is three words long: searchers rank the longer
    articles about programmes above it (as the real model does); its title naming "hình thức" puts it first."""
    import shutil
    from dataclasses import replace

    from assistant.answer.extractive import focus_terms
    from assistant.answer.question import read_question
    from assistant.services import build_services
    from tests.conftest import CORPUS_DOCS

    shutil.copy(CORPUS_DOCS / "171-2025-nd-cp.json", settings.paths.corpus_dir / "documents")
    services = build_services(settings)
    services.knowledge.build()
    knowledge = services.knowledge
    question = "Công chức được bồi dưỡng theo những hình thức nào?"
    hits = knowledge.ask(question).answer.hits
    ordered = sorted(hits, key=lambda h: h.unit.article == "25" and h.unit.doc_number == "171/2025/NĐ-CP")
    hits = [replace(h, score=1.0 - 0.05 * i) for i, h in enumerate(ordered)]  # Điều 25 last, 0.3-0.5 behind
    assert hits[-1].unit.article == "25"
    gen, answerer = knowledge.current(), knowledge.answerer
    reranked = answerer.rerank(gen, read_question(question), hits, set(), focus_terms(question))
    assert (reranked[0].unit.doc_number, reranked[0].unit.article) == ("171/2025/NĐ-CP", "25")
    assert answerer.rerank(gen, read_question(question), hits, set())[0].unit.article != "25"  # without the focus


def test_a_rank_the_corpus_does_not_define_is_refused_not_answered_with_another_title(ask):
    a = ask("Chuyên viên chính phải có chứng chỉ gì?")
    assert a.abstained and a.abstain_reason == "title_not_in_corpus" and "«Chuyên viên chính»" in a.text
    b = ask("Giáo viên mầm non hạng II phải có chứng chỉ gì?")
    assert not b.abstained and b.quotes[0].doc_number == "01/2021/TT-BGDĐT"


def test_people_the_corpus_is_not_about_are_refused_when_no_quote_names_them(ask):
    a = ask("Sĩ quan quân đội được đào tạo, bồi dưỡng theo những hình thức nào?")
    assert a.abstained and a.abstain_reason == "other_subject" and "sĩ quan" in a.text and not a.quotes
