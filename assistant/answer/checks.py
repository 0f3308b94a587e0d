"""Checks that decide whether retrieved text can answer a question at all.

Two reasons to abstain that retrieval scores cannot see:
- the question names something (a province, an agency) that no document in the corpus mentions;
- the question asks for a kind of value (an amount of money, a duration, an age) that none of
  the quoted clauses contains — quoting them would answer a different question.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from assistant.text import fold_accents, normalize_text

TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_BREAK = set(".?!:;,()\"'«»-–")

ANSWER_TYPES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    # question pattern → what a clause must contain to answer it
    "money": (
        re.compile(
            r"bao nhiêu tiền|bao nhiêu đồng|mức (?:hỗ trợ|chi|tiền|thanh toán|thưởng)[^?]*bao nhiêu"
            r"|học phí[^?]*bao nhiêu|(?:tiền|chi phí)[^?]*mức bao nhiêu"
            r"|(?:thưởng|lương|kinh phí|phụ cấp|trợ cấp)\s+(?:là\s+|được\s+|mức\s+)?bao nhiêu"
            r"(?!\s*(?:năm|tháng|tuần|ngày|người|lần))",
            re.I,
        ),
        re.compile(r"\d[\d.,]*\s*(?:đồng|triệu|nghìn|ngàn|tỷ)|lương cơ sở|mức lương|\d+\s*%|phần trăm|hệ số", re.I),
    ),
    "duration": (
        re.compile(r"bao nhiêu\s*(?:năm|tháng|tuần|ngày|giờ|tiết|lâu)|bao lâu|mấy (?:năm|tháng|tuần|ngày)", re.I),
        re.compile(
            r"(?:\d+|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mươi)\s*(?:\([^)]*\)\s*)?(?:năm|tháng|tuần|ngày|giờ|tiết|phút)"
            r"|thời hạn|thời gian",
            re.I,
        ),
    ),
    "age": (re.compile(r"bao nhiêu tuổi|mấy tuổi|độ tuổi", re.I), re.compile(r"tuổi", re.I)),
}


def _fold_case(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def _is_name_word(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].islower()


def _capitalised_runs(question: str) -> list[tuple[str, list[str]]]:
    """Spans like 'Nghệ An' or 'Ban Tổ chức Trung' (names capitalise some syllables, not all), each with the
    tokens before it."""
    tokens = TOKEN.findall(question)
    runs: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(tokens):
        initial = i == 0 or tokens[i - 1] in _BREAK - {","}
        if not _is_name_word(tokens[i]) or initial:
            i += 1
            continue
        j, last, names = i + 1, i, 1
        while j < len(tokens) and tokens[j].isalpha():
            if _is_name_word(tokens[j]):
                last, names = j, names + 1
            elif not any(_is_name_word(t) for t in tokens[j + 1 : j + 3] if t.isalpha()):
                break
            j += 1
        if names >= 2:
            runs.append((" ".join(tokens[i : last + 1]), tokens[:i]))
        i = last + 1
    return runs


_FIRST_PERSON = re.compile(r"\b(?:tôi|em|mình)\b", re.I)
_PLACE_WORDS = {"tỉnh", "thành", "phố", "tp", "huyện", "quận", "thị", "xã", "phường"}


def where_the_asker_is(before: list[str], question: str) -> bool:
    """'Tôi là giáo viên … ở tỉnh Nghệ An': a place after 'ở' / 'tại' in a first-person question says where the asker
    works, not whose rule is asked; national rules still answer it."""
    if not _FIRST_PERSON.search(question):
        return False
    clause: list[str] = []  # the words since the last punctuation: "ở bệnh viện tỉnh", "tại trường tiểu học huyện"
    for t in reversed(before):
        if not t.isalpha():
            if t in _BREAK:
                break
            continue
        clause.append(t.lower())
    return any(w in ("ở", "tại") for w in clause[:6])


def names_outside_corpus(question: str, corpus_text: str, folded_text: Callable[[], str] | None = None) -> list[str]:
    """Proper names in the question (two or more capitalised words, not sentence-initial) the corpus never mentions;
    a name typed without diacritics ('Nghe An') is compared without them.

    `corpus_text` is the lower-cased text of every unit; `folded_text` gives it without diacritics (called only for a
    name typed without them; by default folded here).
    """
    text = normalize_text(question)
    out = []
    for name, before in _capitalised_runs(text):
        if where_the_asker_is(before, text):
            continue
        folded = fold_accents(name)
        if _fold_case(name) in corpus_text or (
            folded == name.lower() and folded in (folded_text() if folded_text else fold_accents(corpus_text))
        ):
            continue
        out.append(name)
    return out


# The question patterns, without diacritics: a question typed without them asks for the same kind of value.
_FOLDED_ASKS = {kind: re.compile(fold_accents(asks.pattern), re.I) for kind, (asks, _) in ANSWER_TYPES.items()}


def expected_answer_types(question: str) -> list[str]:
    text = normalize_text(question)
    folded = fold_accents(text)
    return [kind for kind, (asks, _) in ANSWER_TYPES.items() if asks.search(text) or _FOLDED_ASKS[kind].search(folded)]


def answers_type(kind: str, passages: Iterable[str]) -> bool:
    pattern = ANSWER_TYPES[kind][1]
    return any(pattern.search(p) for p in passages)
