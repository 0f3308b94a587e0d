"""Vietnamese normalisation used identically at index time and at query time.

One tone-mark convention (the "new" placement: hòa, thủy, khỏe), NFC, OCR and
whitespace clean-up, and accent folding for diacritic-insensitive matching.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SYLLABLE = re.compile(r"[^\W\d_]+", re.UNICODE)
# Open syllables whose tone the old convention puts on the second vowel (hoà, thuỷ, khoẻ).
_OLD_STYLE_ENDINGS = ("oa", "oe", "uy")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u202f]+")


@functools.lru_cache(maxsize=1 << 16)  # a pure function of one syllable; the language has a few thousand
def _retone_syllable(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) != 1:
        return word
    base = "".join(c for c in decomposed if c not in _TONES)
    letters = unicodedata.normalize("NFC", base)
    lower = letters.lower()
    if not lower.endswith(_OLD_STYLE_ENDINGS) or lower.endswith("quy"):
        return word
    if len(lower) >= 3 and lower[-3] in "aăâeêioôơuưy":
        return word  # e.g. "ngoaì" is not a real pattern; leave unusual clusters alone
    target = len(letters) - 2
    rebuilt = letters[: target + 1] + tones[0] + letters[target + 1 :]
    return unicodedata.normalize("NFC", rebuilt)


def unify_tone_marks(text: str) -> str:
    """Move tone marks of open oa/oe/uy syllables to the first vowel (hoà → hòa, thuỷ → thủy)."""
    return _SYLLABLE.sub(lambda m: _retone_syllable(m.group(0)), text)


def normalize_text(text: str) -> str:
    """NFC, one tone-mark convention, zero-width and odd-space removal, tidy whitespace."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unify_tone_marks(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\((?:https?://|/)[^)\s]*\)")


def strip_markdown_links(text: str) -> str:
    """'[Thông tư số 21/2015/…](https://…)' → 'Thông tư số 21/2015/…': a mirror's links are markup, not the text."""
    return _MARKDOWN_LINK.sub(r"\1", text)


def fold_accents(text: str) -> str:
    """Lower-case and strip every diacritic (đ → d) for accent-insensitive matching."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return decomposed.translate(_WITHOUT_MARKS).replace("đ", "d")


class _MarkTable(dict[int, int | None]):
    """str.translate table dropping every combining mark (category Mn), filled in as characters are met."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.category(chr(code)) == "Mn" else code
        self[code] = value
        return value


_WITHOUT_MARKS = _MarkTable()


_DOC_NUMBER = re.compile(
    r"(?P<num>\d{1,4})\s*/\s*(?:(?P<year>\d{4})\s*/\s*)?(?P<code>[A-ZĐa-zđ][A-ZĐa-zđ0-9]*(?:\s*[-_–]\s*[A-ZĐa-zđ0-9]+)*)"
)


def normalize_doc_number(raw: str) -> str:
    """Canonical document number: leading zeros, hyphenated issuer code, no spaces.

    `6/2020/TT-BNV` → `06/2020/TT-BNV`; `50/2022/NĐ_CP` → `50/2022/NĐ-CP`; `11/2020/TT- BGTVT` → `11/2020/TT-BGTVT`.
    """
    text = unicodedata.normalize("NFC", raw).strip()
    m = _DOC_NUMBER.search(text)
    if not m:
        return re.sub(r"\s+", "", text).upper()
    num = m.group("num")
    num = num.zfill(2) if len(num) < 2 else num
    code = re.sub(r"\s*[-_–]\s*", "-", m.group("code")).upper()
    year = m.group("year")
    return f"{num}/{year}/{code}" if year else f"{num}/{code}"
