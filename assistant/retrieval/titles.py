"""How much of an article's title the question says: a precision signal next to BM25's recall.

BM25 rewards an article for every question word it holds, so a long title that shares a few distinctive
words with the question ("Tiêu chuẩn, điều kiện chung về xét thăng hạng đối với Viên chức đăng ký biện pháp
bảo đảm") can beat the article whose whole title the question repeats ("Tiêu chuẩn chung về trình độ đào
tạo, bồi dưỡng"). Here each candidate gets the IDF-weighted share of its title's tokens that occur in the
question (0..1); words frequent among titles ("quy định", "tiêu chuẩn") weigh little. The weight of this
signal in the fusion was chosen on the benchmark's train split (bench/retrieval_quality.py --tune).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from assistant.text.tokenize import TokenizerOptions, tokenize

# Title tokens: folded syllables and their bigrams, no abbreviation expansion (a title is read as written).
TITLE_TOKENS = TokenizerOptions(bigrams=True, expand_abbreviations=False)
# "… - Mã số: V.07.02.26": a code the question never repeats, not part of what the title is about.
_CODE = re.compile(r"\s*[-–(,]?\s*\b(?:mã số|ma so).*$", re.IGNORECASE)


def title_tokens(title: str) -> set[str]:
    return set(tokenize(_CODE.sub("", title), TITLE_TOKENS))


class TitleMatcher:
    """IDF of title tokens over a collection of article titles, and each title's share said by a question."""

    def __init__(self, titles: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        pairs = titles.items() if isinstance(titles, Mapping) else titles
        self._index({i: title_tokens(t) for i, t in pairs})

    @classmethod
    def from_tokens(cls, tokens: Mapping[str, set[str]]) -> TitleMatcher:
        """A matcher over titles already read into tokens (`title_tokens`), e.g. a generation's, kept per unit."""
        matcher = cls.__new__(cls)
        matcher._index(tokens)
        return matcher

    def _index(self, tokens: Mapping[str, set[str]]) -> None:
        self._tokens = tokens
        df: Counter[str] = Counter()
        for toks in self._tokens.values():
            df.update(toks)
        n = max(len(self._tokens), 1)
        self._idf = {t: math.log(1.0 + n / c) for t, c in df.items()}

    def coverage(self, query: str, ids: Iterable[str]) -> dict[str, float]:
        """For each id: the IDF-weighted share of its title tokens that the question contains (0 without a title)."""
        q = set(tokenize(query, TITLE_TOKENS))
        out: dict[str, float] = {}
        for i in ids:
            toks = self._tokens.get(i)
            if not toks:
                continue
            total = sum(self._idf[t] for t in toks)
            out[i] = sum(self._idf[t] for t in toks if t in q) / total if total else 0.0
        return out
