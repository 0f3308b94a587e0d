"""The answerer's corpus text, put together from the previous generation's where units are unchanged."""

from __future__ import annotations

from dataclasses import replace

from assistant.answer.corpus import CorpusText, unit_text
from assistant.index.units import IndexUnit


def _unit(i: int, text: str) -> IndexUnit:
    return IndexUnit(
        id=f"u{i}",
        doc_number=f"{i}/2020/TT-BGDĐT",
        doc_type="Thông tư",
        doc_name=f"Thông tư số {i}/2020/TT-BGDĐT",
        doc_title=f"Thông tư số {i}",
        article=str(i),
        title=f"Điều {i}",
        heading=f"Điều {i}. Tiêu chuẩn",
        text=text,
        citation=f"Điều {i}",
        status="con_hieu_luc",
        completeness="full",
    )


def _fresh(units: dict[str, IndexUnit]) -> str:
    return "".join(unit_text(u) for u in units.values())


def test_a_rebuilt_text_equals_a_fresh_one_and_spans_point_at_each_unit() -> None:
    units = {u.id: u for u in (_unit(i, f"Nội dung Điều {i} VỀ Chứng Chỉ") for i in range(1, 8))}
    first = CorpusText.of(units)
    assert first.text == _fresh(units) and first.text == first.text.lower()
    changed = dict(units)
    changed["u3"] = replace(units["u3"], text="Nội dung MỚI của Điều 3")
    del changed["u5"]
    changed["u9"] = _unit(9, "Điều mới thêm")
    second = CorpusText.of(changed, first)
    assert second.text == _fresh(changed)
    for uid, (unit, start, end) in second.spans.items():
        assert second.text[start:end] == unit_text(unit) and unit is changed[uid]
    assert "nội dung mới của điều 3" in second.text and "điều 5 về" not in second.text


def test_units_in_another_order_give_the_text_in_that_order() -> None:
    units = {u.id: u for u in (_unit(i, f"Nội dung {i}") for i in range(1, 6))}
    first = CorpusText.of(units)
    reordered = {uid: units[uid] for uid in ("u4", "u5", "u1", "u2", "u3")}
    assert CorpusText.of(reordered, first).text == _fresh(reordered)
