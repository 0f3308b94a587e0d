"""Tokens for the lexical index, produced identically at index time and at query time.

Text is normalised, lower-cased and accent-folded (so "vien chuc" typed without diacritics
matches "viên chức"), split into syllables, and enriched with syllable bigrams: Vietnamese
words are mostly two syllables, so a bigram approximates a word without a slow segmenter.
Document numbers ("58/2010/qh12") and codes ("5a", "nd-cp") stay whole. Common legal
abbreviations add their spelled-out syllables, so "NĐ-CP" and "nghị định" meet on both sides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.text.normalize import fold_accents, normalize_text

# Folded abbreviation -> folded expansion. Both the index and the query side add the expansion,
# which makes matching symmetric: an abbreviation in either text meets the full words in the other.
ABBREVIATIONS: dict[str, str] = {
    "nd": "nghi dinh",
    "nd-cp": "nghi dinh chinh phu",
    "cp": "chinh phu",
    "tt": "thong tu",
    "ttlt": "thong tu lien tich",
    "qd": "quyet dinh",
    "ttg": "thu tuong",
    "bnv": "bo noi vu",
    "bldtbxh": "bo lao dong thuong binh va xa hoi",
    "bgddt": "bo giao duc va dao tao",
    "btc": "bo tai chinh",
    "vbhn": "van ban hop nhat",
    "vpqh": "van phong quoc hoi",
    "ubtvqh": "uy ban thuong vu quoc hoi",
    "qh": "quoc hoi",
    "llct": "ly luan chinh tri",
    "qlnn": "quan ly nha nuoc",
    "cbccvc": "can bo cong chuc vien chuc",
    "cbcc": "can bo cong chuc",
    "ccvc": "cong chuc vien chuc",
    "cdnn": "chuc danh nghe nghiep",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "tand": "toa an nhan dan",
    "vksnd": "vien kiem sat nhan dan",
    "blld": "bo luat lao dong",
    "blds": "bo luat dan su",
    "blhs": "bo luat hinh su",
    "bhxh": "bao hiem xa hoi",
    "bhyt": "bao hiem y te",
    "hdld": "hop dong lao dong",
    "nld": "nguoi lao dong",
    "nsdld": "nguoi su dung lao dong",
    "tthc": "thu tuc hanh chinh",
    "xlvphc": "xu ly vi pham hanh chinh",
    "dcsvn": "dang cong san viet nam",
    "bchtw": "ban chap hanh trung uong",
    "tw": "trung uong",
    "vn": "viet nam",
    "tp": "thanh pho",
}

# A token: letters/digits, optionally joined by "/" or "-" into one code ("58/2010/qh12", "nd-cp").
_TOKEN = re.compile(r"[a-z0-9]+(?:[/\-][a-z0-9]+)*")
# Bigrams never bridge a sentence or clause boundary.
_CLAUSE_BREAK = re.compile(r"[.,;:!?()\[\]\"“”\n]+")
_JOINERS = re.compile(r"[/\-]")


@dataclass(frozen=True)
class TokenizerOptions:
    """What the lexical tokens include; the defaults are what bench/retrieval_quality.py measured best."""

    bigrams: bool = True
    expand_abbreviations: bool = True


DEFAULT_OPTIONS = TokenizerOptions()


def _units(token: str) -> list[str]:
    """The token itself plus, for a joined code, its parts ("58/2010/qh12" -> also 58, 2010, qh12)."""
    parts = _JOINERS.split(token)
    return [token] if len(parts) == 1 else [token, *parts]


def _expansion(token: str) -> list[str]:
    """Spelled-out syllables of an abbreviation, of a code as a whole or of each of its parts."""
    if token in ABBREVIATIONS:
        return ABBREVIATIONS[token].split()
    words: list[str] = []
    for part in _JOINERS.split(token):
        key = part.rstrip("0123456789") if part[:1].isalpha() else part  # "qh12" -> "qh"
        words.extend(ABBREVIATIONS.get(key, "").split())
    return words


def _bigrams(words: list[str]) -> Iterator[str]:
    return (f"{a}_{b}" for a, b in zip(words, words[1:], strict=False))


def _clause_tokens(clause: str, options: TokenizerOptions) -> Iterator[str]:
    words = _TOKEN.findall(clause)
    for word in words:
        yield from _units(word)
    if options.bigrams:
        yield from _bigrams(words)
    if not options.expand_abbreviations:
        return
    for word in words:
        expanded = _expansion(word)
        yield from expanded
        if options.bigrams:
            yield from _bigrams(expanded)


def fold_for_search(text: str) -> str:
    """The searchable form of a text: normalised, lower-case, without diacritics."""
    return fold_accents(normalize_text(text))


def tokenize(text: str, options: TokenizerOptions = DEFAULT_OPTIONS) -> list[str]:
    """Lexical tokens of a text (index side and query side alike)."""
    folded = fold_for_search(text)
    return [t for clause in _CLAUSE_BREAK.split(folded) for t in _clause_tokens(clause, options)]


def is_unaccented(text: str) -> bool:
    """True when a text was typed without Vietnamese diacritics (dense models read such text poorly)."""
    lower = normalize_text(text).lower()
    return any(c.isalpha() for c in lower) and lower == fold_accents(lower)
