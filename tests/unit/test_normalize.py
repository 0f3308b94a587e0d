import unicodedata

import pytest

from assistant.text import fold_accents, normalize_doc_number, normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("hoà bình", "hòa bình"),
        ("thuỷ lợi", "thủy lợi"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("Hoà", "Hòa"),
        ("quý", "quý"),
        ("hoàng", "hoàng"),
        ("thuyền", "thuyền"),
        ("hòa", "hòa"),
    ],
)
def test_one_tone_mark_convention(raw, expected):
    assert normalize_text(raw) == expected


def test_nfd_input_becomes_nfc():
    nfd = unicodedata.normalize("NFD", "Viên chức được đào tạo")
    assert normalize_text(nfd) == "Viên chức được đào tạo"
    assert unicodedata.is_normalized("NFC", normalize_text(nfd))


def test_whitespace_and_invisible_characters_are_cleaned():
    assert normalize_text("Điều\u00a033.\u200b  Chế độ \r\n\r\n\r\n\r\nđào tạo ") == "Điều 33. Chế độ\n\nđào tạo"


def test_fold_accents_strips_every_mark():
    assert fold_accents("Đền bù CHI PHÍ đào tạo") == "den bu chi phi dao tao"
    assert fold_accents(normalize_text("thuỷ")) == fold_accents("thủy") == "thuy"


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("11/2020/TT- BGTVT", "11/2020/TT-BGTVT"),
        ("50/2022/NĐ_CP", "50/2022/NĐ-CP"),
        ("6/2020/TT-BNV", "06/2020/TT-BNV"),
        ("04 /2015/TT-NHNN", "04/2015/TT-NHNN"),
        ("58/2010/QH12", "58/2010/QH12"),
        ("145-QĐ/TW", "145-QĐ/TW"),
        ("10/2015/TTLT-BYT-BNV", "10/2015/TTLT-BYT-BNV"),
        ("115/2020/nđ-cp", "115/2020/NĐ-CP"),
    ],
)
def test_document_numbers_are_canonical(raw, canonical):
    assert normalize_doc_number(raw) == canonical


def test_markdown_links_of_a_mirror_become_their_text():
    from assistant.text import strip_markdown_links

    raw = "theo quy định tại [Thông tư liên tịch số 21/2015/TTLT-BGDĐT-BNV](https://example.org/a-b.html) nay"
    assert strip_markdown_links(raw) == "theo quy định tại Thông tư liên tịch số 21/2015/TTLT-BGDĐT-BNV nay"
    assert strip_markdown_links("điểm [a] khoản 1") == "điểm [a] khoản 1"
