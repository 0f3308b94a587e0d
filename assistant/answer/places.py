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
_FIRST_PERSON = re.compile(r"\b(?:tôi|toi|em|mình|minh)\b", re.I)
_LOCATED = r"(?:ở|o|tại|tai|thuộc|thuoc)\s+(?:" + _PREFIX + r"|tinh\s+|thanh pho\s+)?"


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
    """Places whose own policy the question asks about and which no document of the corpus comes from."""
    q = normalize_text(question)
    if not _POLICY.search(q) and not _POLICY.search(_restore_policy_words(q)):
        return []
    where = asker_places(q)
    return [name for name in places_named(q) if name not in where and not _held(name, documents)]


def asker_places(question: str) -> set[str]:
    """Places a first-person question says the asker works in ("tôi là giáo viên ở Nghệ An"): where the asker
    is, not what is asked; the national rule answers."""
    q = normalize_text(question)
    if not _FIRST_PERSON.search(q):
        return set()
    return {
        name
        for name in places_named(q)
        if re.search(_LOCATED + re.escape(name.lower()), q.lower())
        or re.search(_LOCATED + re.escape(_folded(name)), _folded(q))
    }


_FOLDED_POLICY = {
    "chinh sach": "chính sách",
    "ho tro": "hỗ trợ",
    "thuong": "thưởng",
    "ke hoach": "kế hoạch",
    "chi tieu": "chỉ tiêu",
    "thu hut": "thu hút",
    "de an": "đề án",
    "muc chi": "mức chi",
    "tro cap": "trợ cấp",
}


def _restore_policy_words(question: str) -> str:
    """An accent-stripped question's policy words, written with their accents so _POLICY reads them."""
    text = _folded(question)
    return " ".join(v for k, v in _FOLDED_POLICY.items() if re.search(rf"(?<!\w){k}(?!\w)", text))


def local_text(places: Iterable[str]) -> str:
    names = ", ".join(places)
    return (
        f"Câu hỏi hỏi về chính sách, kế hoạch riêng của {names}; kho văn bản hiện có chưa có văn bản nào "
        f"do {names} ban hành (các văn bản trong kho là quy định chung của Trung ương)."
    )
