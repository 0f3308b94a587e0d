"""Questions about one locality's own policy: "Hà Nội hỗ trợ bao nhiêu …", "kế hoạch năm 2026 của tỉnh Đồng Nai".

The shipped corpus holds national rules (Quốc hội, Chính phủ, the ministries, the Party's central bodies). A
question about a province's own bonus, plan or quota is answered only by that province's directive; quoting
a national clause instead answers another question. A province's directive loaded by an administrator (its
issuer or title names the place) makes the question answerable again.

A place only counts when the question is about the locality's policy (a policy word is present) and not about
where the asker works ("tôi là giáo viên ở Hà Nội, …" asks a national rule).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from assistant.answer.checks import TOKEN as _TOKEN
from assistant.answer.checks import where_the_asker_is
from assistant.text import fold_accents, normalize_text

# Provinces and centrally-run cities, before and after the 2025 merger (names as written in Vietnamese).
PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bà Rịa", "Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh",
    "Bến Tre", "Bình Dương", "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ",
    "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam",
    "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hồ Chí Minh", "Huế",
    "Thừa Thiên Huế", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lạng Sơn", "Lào Cai",
    "Lâm Đồng", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên",
    "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh",
    "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long",
    "Vĩnh Phúc", "Yên Bái",
)  # fmt: skip

# Written bare, these names are also part of national bodies' names ("Học viện Chính trị quốc gia Hồ Chí Minh",
# "Đại học Huế"): they count only after "tỉnh" / "thành phố" / "TP".
_NEEDS_PREFIX = {"Hồ Chí Minh", "Huế"}
_PREFIX = r"(?:tỉnh|thành phố|tp\.?|t\.p\.?)\s+"

# What a locality's own policy is asked with.
_POLICY = re.compile(
    r"\b(?:chính sách|hỗ trợ|thưởng|khen thưởng|kế hoạch|chỉ tiêu|suất|thu hút|đề án|mức chi|trợ cấp|"
    r"quy định riêng|ngân sách (?:tỉnh|thành phố)|giao|phân bổ|bao nhiêu lớp|bao nhiêu người)\b",
    re.I,
)
# The same words typed without diacritics, where folding makes no other word ("giao" is also "giáo", "thuong" also
# "thường").
_FOLDED_POLICY = re.compile(r"\b(?:chinh sach|ho tro|ke hoach|chi tieu|thu hut|de an|muc chi|tro cap)\b")


def _folded(text: str) -> str:
    return fold_accents(normalize_text(text)).lower()


def _pattern(name: str, folded: bool) -> re.Pattern[str]:
    escaped = re.escape(_folded(name) if folded else name.lower()).replace(r"\ ", r"\s+")
    # Accent-stripped questions ("ha noi") match a name only after "tinh" / "thanh pho": bare folded names collide
    # with ordinary words ("mỗi năm định kỳ" folds to "moi nam dinh ky").
    prefix = (_folded(_PREFIX) if folded else _PREFIX) if folded or name in _NEEDS_PREFIX else f"(?:{_PREFIX})?"
    return re.compile(rf"(?<!\w){prefix}{escaped}(?!\w)", re.I)


def _has_diacritics(text: str) -> bool:
    return _folded(text) != normalize_text(text).lower()


def places_named(question: str) -> list[str]:
    """Provinces the question names (the longest name when one contains another: 'Thừa Thiên Huế', not 'Huế')."""
    q = normalize_text(question)
    folded = not _has_diacritics(q)
    text = _folded(q) if folded else q.lower()
    found = [name for name in PROVINCES if _pattern(name, folded).search(text)]
    return [n for n in found if not any(n != m and n.lower() in m.lower() for m in found)]


def _held(name: str, documents: Mapping[str, Mapping[str, Any]]) -> bool:
    """Whether a document of the corpus is issued by or titled with the place (a loaded local directive)."""
    target = _folded(name)
    for meta in documents.values():
        if target in _folded(f"{meta.get('issuer') or ''} {meta.get('title') or ''}"):
            return True
    return False


def local_places(question: str, documents: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Places whose own policy the question asks about and which no document of the corpus comes from; a place
    where a first-person asker works (checks.where_the_asker_is) is not asked about."""
    q = normalize_text(question)
    folded = not _has_diacritics(q)
    if not (_FOLDED_POLICY.search(_folded(q)) if folded else _POLICY.search(q)):
        return []
    text = _folded(q) if folded else q.lower()
    out = []
    for name in places_named(q):
        at = _pattern(name, folded).search(text)
        if at and where_the_asker_is(_TOKEN.findall(q[: at.start()]), q):
            continue
        if not _held(name, documents):
            out.append(name)
    return out


def local_text(places: Iterable[str]) -> str:
    names = ", ".join(places)
    return (
        f"Câu hỏi hỏi về chính sách, kế hoạch riêng của {names}; kho văn bản hiện có chưa có văn bản nào "
        f"do {names} ban hành (các văn bản trong kho là quy định chung của Trung ương)."
    )
