"""Article re-ranking by what the question names: promotion articles and their target grade (small fixtures)."""

from __future__ import annotations

from typing import Any

from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.question import is_promotion_title, read_question, title_name
from assistant.config import AnswerSettings
from assistant.index.units import IndexUnit
from assistant.retrieval.search import Hit


def test_a_promotion_article_is_about_the_grade_it_leads_to():
    t = title_name(
        "Tiêu chuẩn, điều kiện xét thăng hạng đối với chức danh nghề nghiệp Viên chức lý lịch tư pháp"
        " hạng II lên hạng I"
    )
    assert t is not None and t.grade == "I" and t.promotion
    assert t.words == ("vien", "chuc", "ly", "lich", "tu", "phap")
    t = title_name("Thi thăng hạng chức danh nghề nghiệp từ hạng III lên hạng II")
    assert t is None  # a grade but no title name left: nothing to match
    t = title_name("Tiêu chuẩn, điều kiện xét thăng hạng chức danh nghề nghiệp Tư vấn viên dịch vụ việc làm hạng II")
    assert t is not None and t.grade == "II" and t.words[:2] == ("tu", "van")
    both = title_name(
        "Tiêu chuẩn, điều kiện xét thăng hạng lên hạng II và lên hạng I đối với viên chức hành chính, viên chức lưu trữ"
    )
    assert both is not None and both.grade is None and both.words[:2] == ("vien", "chuc")
    standard = title_name("Giáo viên trung học phổ thông hạng II - Mã sốV.07.05.14")
    assert standard is not None and not standard.promotion
    assert standard.words == ("giao", "vien", "trung", "hoc", "pho", "thong")


def test_promotion_is_read_from_the_question_and_the_article_title():
    assert read_question("tu van vien hang III muon xet len hang II thi giu hang bao lau").asks_promotion
    assert read_question("Khi thi thăng hạng thì chứng chỉ cũ còn dùng được không?").asks_promotion
    assert not read_question(
        "Viên chức X phải đáp ứng tiêu chuẩn chung về trình độ đào tạo như thế nào?"
    ).asks_promotion
    assert is_promotion_title("Tiêu chuẩn, điều kiện chung về xét thăng hạng đối với Viên chức đăng ký")
    assert not is_promotion_title("Tiêu chuẩn chung về trình độ đào tạo, bồi dưỡng")


class _Gen:
    def __init__(self, units: list[IndexUnit]) -> None:
        self.units = {u.id: u for u in units}
        self._memo: dict[str, Any] = {}

    def memo(self, key, build):
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def per_unit(self, key, compute):
        return self.memo(key, lambda: {uid: compute(u) for uid, u in self.units.items()})


def _unit(article: str, title: str, doc: str = "14/2024/TT-BTP") -> IndexUnit:
    return IndexUnit(
        id=f"{doc}#{article}",
        doc_number=doc,
        doc_type="Thông tư",
        doc_name=f"Thông tư {doc}",
        doc_title="Quy định tiêu chuẩn, điều kiện xét thăng hạng chức danh nghề nghiệp viên chức",
        article=article,
        title=title,
        heading=f"Điều {article}. {title}",
        text="…",
        citation=f"Điều {article}",
        status="in_force",
        completeness="full",
    )


def _ranked(question: str, units: list[IndexUnit], scores: list[float]) -> list[str]:
    gen = _Gen(units)
    hits = [Hit(u, s) for u, s in zip(units, scores, strict=True)]
    out = ExtractiveAnswerer(AnswerSettings()).rerank(gen, read_question(question), hits, set())  # type: ignore[arg-type]
    return [h.unit.article for h in out]


TO_I = "Tiêu chuẩn, điều kiện xét thăng hạng đối với chức danh nghề nghiệp Viên chức lý lịch tư pháp hạng II lên hạng I"
TO_II = (
    "Tiêu chuẩn, điều kiện xét thăng hạng đối với chức danh nghề nghiệp Viên chức lý lịch tư pháp hạng III lên hạng II"
)


def test_the_promotion_to_the_asked_grade_leads():
    units = [_unit("4", TO_I), _unit("5", TO_II)]
    q = "Tôi là viên chức lý lịch tư pháp hạng III được 5 năm. Tôi đã đủ thời gian để xét thăng hạng lên hạng II chưa?"
    assert _ranked(q, units, [1.0, 0.9]) == ["5", "4"]
    q1 = "Viên chức lý lịch tư pháp hạng II muốn thăng hạng lên hạng I cần điều kiện gì?"
    assert _ranked(q1, units, [0.9, 1.0]) == ["4", "5"]


def test_a_promotion_article_yields_to_the_standard_when_no_promotion_is_asked():
    standard = _unit("5", "Giảng viên cao đẳng sư phạm chính (hạng II) - Mã số: V.07.08.21", doc="35/2020/TT-BGDĐT")
    promo = _unit(
        "3",
        "Tiêu chuẩn, điều kiện thi hoặc xét thăng hạng chức danh nghề nghiệp giảng viên cao đẳng sư phạm chính"
        " (hạng II)",
        doc="31/2021/TT-BGDĐT",
    )
    assert _ranked(
        "Giảng viên cao đẳng sư phạm chính (hạng II) phải có bằng cấp gì?", [promo, standard], [1.0, 0.8]
    ) == [
        "5",
        "3",
    ]
    asked = "Giảng viên cao đẳng sư phạm chính muốn thi thăng hạng lên hạng I cần gì?"
    assert _ranked(asked, [promo, standard], [1.0, 0.8])[0] == "3"
