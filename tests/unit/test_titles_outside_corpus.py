"""A title or rank whose standards no article of the corpus defines: named in the refusal, never another's quoted."""

from __future__ import annotations

import pytest

from assistant.answer.question import title_name
from assistant.answer.titles import title_outside_corpus, title_text

# Article titles as the corpus writes them.
TITLES = [
    title_name(t)
    for t in (
        "Giáo viên mầm non hạng II - Mã số V.07.02.25",
        "Giảng viên cao cấp (hạng I) - Mã số: V.07.01.01",
        "Bác sĩ (hạng III) - Mã số: V.08.01.03",
        "Thư viện viên hạng II - Mã số: V.10.02.06",
        "Kỹ sư chính (hạng II) - Mã số: V.05.02.06",
    )
]


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("Chuyên viên chính phải có chứng chỉ gì?", "Chuyên viên chính"),
        ("Kế toán viên chính cần bằng gì?", "Kế toán viên chính"),
        ("Tiêu chuẩn của chuyên viên cao cấp là gì?", "chuyên viên cao cấp"),
        ("Điều dưỡng hạng II cần bằng gì?", "Điều dưỡng hạng II"),
    ],
)
def test_a_title_no_article_defines_is_named(question, title):
    assert title_outside_corpus(question, TITLES) == title
    assert f"«{title}»" in title_text(title)


@pytest.mark.parametrize(
    "question",
    [
        "Giáo viên mầm non hạng II cần bằng gì?",
        "Tôi là giáo viên hạng III, lên hạng II cần chứng chỉ gì?",  # the family is defined; "lên hạng" is no name
        "Giảng viên cao cấp hạng I cần trình độ gì?",  # "cao cấp" is the grade, not the name
        "Bác sĩ hạng III cần văn bằng gì?",
        "Kỹ sư chính cần tiêu chuẩn gì?",
        "Viên chức hạng II muốn thăng hạng I cần điều kiện gì?",  # no title named
        "Chuyên viên chính được hưởng lương bao nhiêu?",  # not its standards
        "Bộ Tài chính hướng dẫn chi phí đào tạo thế nào?",  # "tài chính" is no grade
    ],
)
def test_defined_titles_and_other_questions_pass(question):
    assert title_outside_corpus(question, TITLES) is None


def test_a_defined_title_named_anywhere_in_the_question_passes():
    assert title_outside_corpus("Tôi là giáo viên mầm non ở Hà Nội, hạng II cần bằng gì?", TITLES) is None
