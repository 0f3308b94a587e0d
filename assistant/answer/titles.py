"""A professional title or civil-service rank the corpus does not define ("Chuyên viên chính cần chứng chỉ gì?").

Title-standard articles name the title they define ("Giảng viên cao cấp (hạng I) - Mã số V.07.01.01"). A
question about the standards of a title that no article of the corpus defines would otherwise get the
standards of another title quoted — the same clause heading, other people. The title is read from the
question where a grade marks it: the words before "hạng I–IV", or a "-viên / -sĩ / -sư" title before
"chính" / "cao cấp" ("chuyên viên chính", "kế toán viên cao cấp", "bác sĩ chính").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.answer.question import TitleName, folded_words
from assistant.text import normalize_text

_WORD = re.compile(r"\w+", re.UNICODE)
# Words before "hạng" that are not a title's name: "thăng hạng II", "lên hạng I", "chức danh nghề nghiệp hạng III".
_NOT_NAME = frozenset(
    {"thang", "len", "xet", "thi", "hang", "la", "o", "cua", "tu", "sang", "nghiep", "danh", "chuc", "ngach", "giu"}
    | {"toi", "em", "minh", "anh", "chi", "ban", "cho", "doi", "voi", "ve", "cac", "nhung", "muon", "duoc", "va"}
)
_TITLE_ENDINGS = frozenset({"vien", "si", "su"})  # chuyên viên, bác sĩ, kỹ sư …
_ROMAN = {"i", "ii", "iii", "iv", "1", "2", "3", "4"}
# What asks for a title's standards (not, say, its salary or who appoints it).
_STANDARD_CUES = re.compile(
    r"\b(?:tieu chuan|chung chi|bang|van bang|trinh do|tot nghiep|dieu kien|nhiem vu|nang luc|yeu cau)\b"
)


def _title_spans(words: list[str]) -> list[tuple[int, int, int]]:
    """(start, end, grade end) word positions of the title names a question marks with a grade: the name is
    words[start:end] (at most four words; the last two are matched), its grade words[end:grade end]."""
    spans = []
    for i, w in enumerate(words):
        if w == "hang" and words[i + 1 : i + 2] and words[i + 1] in _ROMAN:
            end, grade_end = i, i + 2
            if words[end - 2 : end] == ["cao", "cap"]:  # "giảng viên cao cấp hạng I"
                end -= 2
            elif words[end - 1 : end] == ["chinh"]:
                end -= 1
        elif w == "chinh" and i > 0 and words[i - 1] in _TITLE_ENDINGS:
            end, grade_end = i, i + 1
        elif words[i : i + 2] == ["cao", "cap"] and i > 0 and words[i - 1] in _TITLE_ENDINGS:
            end, grade_end = i, i + 2
        else:
            continue
        start = end
        while start > 0 and end - start < 4 and words[start - 1] not in _NOT_NAME:
            start -= 1
        if end - start >= 2 and (start, end, grade_end) not in spans:
            spans.append((start, end, grade_end))
    return spans


def title_outside_corpus(question: str, titles: Iterable[TitleName | None]) -> str | None:
    """The title the question asks the standards of, as written, when no article of the corpus defines it."""
    text = normalize_text(question)
    original = _WORD.findall(text)
    words = folded_words(text)
    if len(words) != len(original) or not _STANDARD_CUES.search(" ".join(words)):
        return None
    known = {" " + " ".join(t.words) + " " for t in titles if t is not None and len(t.words) >= 2}
    asked = " " + " ".join(words) + " "
    if any(k in asked for k in known):
        return None  # a title the corpus defines is named ("giáo viên mầm non ở Hà Nội, hạng II")
    for start, end, grade_end in _title_spans(words):
        name = " " + " ".join(words[end - 2 : end]) + " "
        if not any(name in k for k in known):
            return " ".join(original[start:grade_end])
    return None


def title_text(title: str) -> str:
    return f"Kho văn bản hiện có chưa có quy định về tiêu chuẩn của chức danh, ngạch «{title}»."
