"""A locality's own policy asked of a corpus of national rules: named, refused, unless its directive is loaded."""

from __future__ import annotations

import pytest

from assistant.answer.places import local_places, local_text, places_named

NATIONAL = {
    "171/2025/NĐ-CP": {"issuer": "Chính phủ", "title": "Nghị định về đào tạo, bồi dưỡng công chức"},
    "80/2025/QH15": {"issuer": "Quốc hội", "title": "Luật Cán bộ, công chức"},
}


@pytest.mark.parametrize(
    ("question", "places"),
    [
        ("Hà Nội có chính sách thu hút thạc sĩ như thế nào?", ["Hà Nội"]),
        ("Tỉnh Nghệ An hỗ trợ bao nhiêu tiền cho công chức đi học thạc sĩ?", ["Nghệ An"]),
        ("Năm 2026 Sở Nội vụ Hà Nội có bao nhiêu suất cử công chức đi bồi dưỡng ở nước ngoài?", ["Hà Nội"]),
        ("Kế hoạch đào tạo năm 2026 của tỉnh Đồng Nai giao chỉ tiêu mở bao nhiêu lớp?", ["Đồng Nai"]),
        ("TP. Hồ Chí Minh có chính sách hỗ trợ công chức học thạc sĩ không?", ["Hồ Chí Minh"]),
        ("Thừa Thiên Huế có kế hoạch bồi dưỡng gì cho cán bộ xã?", ["Thừa Thiên Huế"]),
        ("tinh nghe an ho tro bao nhieu tien cho cong chuc di hoc", ["Nghệ An"]),
    ],
)
def test_a_localitys_own_policy_is_outside_a_national_corpus(question, places):
    assert local_places(question, NATIONAL) == places


@pytest.mark.parametrize(
    "question",
    [
        "Tôi là giáo viên ở Hà Nội, hạng III lên hạng II cần chứng chỉ gì?",  # where the asker works
        "Học viện Chính trị quốc gia Hồ Chí Minh tổ chức bồi dưỡng cho đối tượng nào?",  # a national body
        "Công chức được hỗ trợ gì khi đi học thạc sĩ?",  # no place
        "moi nam dinh ky cong chuc phai boi duong bao nhieu ngay",  # 'nam dinh' is not Nam Định here
        "Giáo viên mầm non ở Nghệ An cần bằng gì?",  # a place, but no policy asked
    ],
)
def test_national_questions_that_mention_a_place_are_not_refused(question):
    assert local_places(question, NATIONAL) == []


def test_a_loaded_local_directive_makes_the_place_answerable():
    local = {**NATIONAL, "12/2026/QĐ-UBND": {"issuer": "UBND thành phố Hà Nội", "title": "Quyết định về hỗ trợ"}}
    assert local_places("Hà Nội hỗ trợ bao nhiêu tiền cho công chức đi học?", local) == []


def test_the_longest_name_is_the_place():
    assert places_named("Kế hoạch của tỉnh Bà Rịa - Vũng Tàu") == ["Bà Rịa - Vũng Tàu"]


def test_the_refusal_names_the_place_and_says_what_the_corpus_holds():
    text = local_text(["Cần Thơ"])
    assert "Cần Thơ" in text and "chưa có văn bản" in text and "Trung ương" in text


def test_where_a_first_person_asker_works_is_not_whose_policy_is_asked():
    assert local_places("Tôi công tác ở bệnh viện tỉnh Nghệ An, tỉnh có hỗ trợ gì khi đi học?", NATIONAL) == []
    assert local_places("Em làm việc tại Lào Cai, có chính sách thu hút nào không?", NATIONAL) == []
    assert local_places("Tỉnh Nghệ An hỗ trợ bao nhiêu tiền?", NATIONAL) == ["Nghệ An"]
