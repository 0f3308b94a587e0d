"""The title-share signal: how much of an article's title the question says, and its place in the fusion."""

from __future__ import annotations

import pytest

from assistant.retrieval.fusion import FusionParams, fuse_scores
from assistant.retrieval.titles import TitleMatcher

TITLES = {
    "gold": "Tiêu chuẩn chung về trình độ đào tạo, bồi dưỡng",
    "promo": "Tiêu chuẩn, điều kiện chung về xét thăng hạng đối với Viên chức đăng ký biện pháp bảo đảm",
    "code": "Giáo viên mầm non hạng III - Mã số: V.07.02.26",
    "other": "Phạm vi điều chỉnh",
    "other2": "Đối tượng áp dụng",
}
Q = "Viên chức đăng ký biện pháp bảo đảm phải đáp ứng tiêu chuẩn chung về trình độ đào tạo, bồi dưỡng như thế nào?"


def test_a_title_the_question_repeats_whole_covers_more_than_one_it_shares_a_name_with():
    cov = TitleMatcher(TITLES).coverage(Q, TITLES)
    assert cov["gold"] == pytest.approx(1.0)
    assert 0.2 < cov["promo"] < 0.9
    assert cov["other"] == 0.0


def test_the_code_after_a_title_name_is_not_counted_and_diacritics_do_not_matter():
    m = TitleMatcher(TITLES)
    assert m.coverage("giao vien mam non hang III can bang gi", ["code"])["code"] == pytest.approx(1.0)
    assert m.coverage("câu hỏi", ["missing"]) == {}


def test_title_share_moves_the_fused_ranking_only_with_its_weight():
    dense = {"promo": 0.90, "gold": 0.89, "other": 0.80}
    lexical = {"promo": 40.0, "gold": 38.0, "other": 5.0}
    titles = TitleMatcher(TITLES).coverage(Q, [*dense, *lexical])
    plain = fuse_scores(dense, lexical, FusionParams(title_weight=0.0), query_words=20, title_match=titles)
    assert plain[0][0] == "promo"  # weight 0: the title share is ignored
    weighted = fuse_scores(dense, lexical, FusionParams(title_weight=1.0), query_words=20, title_match=titles)
    assert weighted[0][0] == "gold"
