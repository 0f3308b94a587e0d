from assistant.text.tokenize import TokenizerOptions, fold_for_search, is_unaccented, tokenize


def test_unaccented_query_shares_tokens_with_accented_text() -> None:
    query = set(tokenize("vien chuc co phai den bu chi phi dao tao khong"))
    text = set(tokenize("Viên chức phải đền bù chi phí đào tạo theo quy định."))
    assert {"vien", "chuc", "vien_chuc", "den_bu", "dao_tao", "chi_phi"} <= query & text


def test_folding_is_lower_case_without_diacritics() -> None:
    assert fold_for_search("Điều 5. ĐÀO TẠO, bồi dưỡng") == "dieu 5. dao tao, boi duong"


def test_document_numbers_and_codes_stay_whole_and_split() -> None:
    tokens = tokenize("Luật Viên chức số 58/2010/QH12, điểm 5a")
    assert {"58/2010/qh12", "58", "2010", "qh12", "5a"} <= set(tokens)


def test_bigrams_do_not_cross_clause_boundaries() -> None:
    tokens = tokenize("đào tạo. bồi dưỡng")
    assert "dao_tao" in tokens and "tao_boi" not in tokens
    assert "dao_tao" not in tokenize("đào tạo", TokenizerOptions(bigrams=False))


def test_abbreviation_meets_spelled_out_words_both_ways() -> None:
    short = set(tokenize("Theo NĐ-CP và TT-BNV"))
    assert {"nghi", "dinh", "nghi_dinh", "chinh_phu", "thong_tu", "bo_noi", "noi_vu", "nd-cp"} <= short
    assert {"ly_luan", "chinh_tri"} <= set(tokenize("trình độ LLCT"))
    assert {"quan_ly", "nha_nuoc"} <= set(tokenize("bồi dưỡng QLNN"))
    assert {"can_bo", "cong_chuc", "vien_chuc"} <= set(tokenize("CBCCVC"))
    assert {"chuc_danh", "nghe_nghiep"} <= set(tokenize("hạng CDNN"))
    assert {"quyet_dinh"} <= set(tokenize("QĐ số 12"))
    assert "quoc_hoi" in tokenize("58/2010/QH12")
    assert "nghi_dinh" not in tokenize("NĐ", TokenizerOptions(expand_abbreviations=False))


def test_same_tokens_for_equivalent_spellings() -> None:
    assert tokenize("hoà giải  thuỷ sản") == tokenize("hòa giải thủy sản")


def test_empty_text_has_no_tokens() -> None:
    assert tokenize("") == [] and tokenize(" .,;") == []


def test_is_unaccented() -> None:
    assert is_unaccented("vien chuc co phai den bu khong")
    assert not is_unaccented("viên chức có phải đền bù không")
    assert not is_unaccented("58/2010")
