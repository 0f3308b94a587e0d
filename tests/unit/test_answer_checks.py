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


def test_a_question_typed_without_diacritics_asks_for_the_same_kind_of_value():
    assert expected_answer_types("tinh nghe an ho tro vien chuc di hoc thac si bao nhieu tien") == ["money"]
    assert "duration" in expected_answer_types("cong chuc phai giu hang bao nhieu nam")
    assert expected_answer_types("vien chuc duoc dao tao theo hinh thuc nao") == []


def test_a_name_typed_without_diacritics_is_looked_up_without_them():
    corpus = CORPUS + " ... ủy ban nhân dân tỉnh nghệ an ..."
    assert names_outside_corpus("Vien chuc o tinh Nghe An duoc ho tro gi?", corpus) == []
    assert names_outside_corpus("Vien chuc o tinh Thanh Hoa duoc ho tro gi?", corpus) == ["Thanh Hoa"]


def test_where_the_asker_works_is_not_whose_rule_is_asked():
    asker = "Tôi là giáo viên tiểu học hạng III ở tỉnh Nghệ An, muốn lên hạng II thì cần chứng chỉ gì?"
    assert names_outside_corpus(asker, CORPUS) == []
    assert names_outside_corpus("Tỉnh Nghệ An hỗ trợ tôi bao nhiêu tiền?", CORPUS) == ["Nghệ An"]
    assert names_outside_corpus("Kế hoạch năm 2026 của tỉnh Đồng Nai mở bao nhiêu lớp?", CORPUS) == ["Đồng Nai"]


def test_amounts_asked_in_other_words():
    assert expected_answer_types("Mức thưởng cho viên chức đạt thủ khoa là bao nhiêu?") == ["money"]
    assert expected_answer_types("Viên chức hưởng lương bao nhiêu?") == ["money"]
    assert expected_answer_types("Phụ cấp bao nhiêu phần trăm?") == ["money"]
    assert expected_answer_types("Lương bao nhiêu năm thì được nâng bậc?") == ["duration"]


def test_where_the_asker_works_may_name_the_workplace_before_the_place():
    asker = "Tôi là điều dưỡng ở bệnh viện tỉnh Hà Tĩnh, muốn thi lên hạng II thì cần chứng chỉ gì?"
    assert names_outside_corpus(asker, CORPUS) == []
    assert names_outside_corpus("Tôi muốn biết tỉnh Hà Tĩnh, ở đâu cũng được, hỗ trợ gì?", CORPUS) == ["Hà Tĩnh"]
