from assistant.answer.checks import answers_type, expected_answer_types, names_outside_corpus

CORPUS = "luật viên chức quy định ... ban tổ chức cán bộ ... bộ giáo dục và đào tạo".lower()


def test_names_the_corpus_never_mentions_are_found():
    assert names_outside_corpus("Viên chức ở tỉnh Nghệ An được hỗ trợ gì?", CORPUS) == ["Nghệ An"]
    assert names_outside_corpus("Cán bộ được Ban Tổ chức Trung ương cử đi học", CORPUS) == ["Ban Tổ chức Trung"]


def test_known_names_and_sentence_starts_are_not_flagged():
    assert names_outside_corpus("Theo Luật Viên chức, viên chức được đào tạo thế nào?", CORPUS) == []
    assert names_outside_corpus("Giáo viên hạng III cần gì?", CORPUS) == []
    assert names_outside_corpus("Bộ Giáo dục và Đào tạo quy định gì?", CORPUS) == []


def test_expected_answer_types():
    assert expected_answer_types("Học phí lớp bồi dưỡng hiện nay là bao nhiêu tiền?") == ["money"]
    assert "duration" in expected_answer_types("Thời hạn giữ chức vụ quản lý là bao lâu?")
    assert expected_answer_types("Người chưa đủ 18 tuổi được dự tuyển không, bao nhiêu tuổi thì được?") == ["age"]
    assert expected_answer_types("Viên chức được đào tạo theo hình thức nào?") == []


def test_a_passage_answers_a_type_only_when_it_holds_such_a_value():
    assert answers_type("duration", ["Thời hạn bổ nhiệm là 05 năm"])
    assert answers_type("money", ["mức 1.500.000 đồng/tháng"])
    assert not answers_type("money", ["Viên chức được cử đi đào tạo theo quy định."])


def test_focus_is_what_the_question_asks_for():
    from assistant.answer.extractive import focus_terms

    assert focus_terms("Tôi là giáo viên hạng III, lên hạng II cần chứng chỉ gì?") == ["chung", "chi", "chung_chi"]
    assert focus_terms("Viên chức được đào tạo theo những hình thức nào?") == ["hinh", "thuc", "hinh_thuc"]
    assert focus_terms("Viên chức có phải đền bù chi phí đào tạo không") == []
