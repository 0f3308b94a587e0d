"""Clause (khoản) and point (điểm) splitting shared by every importer.

Markers are accepted only in sequence (1, 2, 3 … and a, b, c …), so numbered lists nested inside a
clause or cells of a flattened table do not start spurious clauses. OCR'd texts often misread a
point letter ("e)" for "c)"); a confusable letter in the expected slot is accepted under the
expected letter while the text keeps what the source shows.
"""

from __future__ import annotations

import re

from assistant.domain import Clause, Point

# Vietnamese point letters in order (no f, j, w, z; đ follows d).
POINT_LETTERS = "abcdđeghiklmnopqrstuvxy"
_OCR_CONFUSABLE = {"c": "ego", "d": "đ", "đ": "d", "i": "l1", "l": "i1"}

_CLAUSE = re.compile(r"^(?P<num>\d{1,3})(?P<suffix>[a-zđ]?)(?P<sep>[.,-])\s+\S")
_POINT = re.compile(r"^(?P<letter>[a-zđ])(?:\)\s*\S?|\.\s+\S)")  # "a) …", also "a. …" (some texts)
# Stray OCR punctuation in front of a marker: "._ 3. Hướng dẫn", "___a) Trong", "=1. Bảo đảm".
_MARKER_NOISE = re.compile(r"^[\s._=`'~,:;*\-\u2014\u2013]+(?=(?:\d{1,3}[a-zđ]?[.,]|[a-zđ]\))\s*\S)")


def strip_marker_noise(line: str) -> str:
    return _MARKER_NOISE.sub("", line)


def _next_letter(letter: str | None) -> str | None:
    if letter is None:
        return "a"
    if letter == "f":  # a text lettering its points in the Latin alphabet (… e, f, g …)
        return "g"
    idx = POINT_LETTERS.find(letter)
    return POINT_LETTERS[idx + 1] if 0 <= idx < len(POINT_LETTERS) - 1 else None


def _latin_next(letter: str | None) -> str | None:
    """The next letter in the Latin alphabet ("e" → "f"), which some texts use instead of the Vietnamese order."""
    if letter is None or not ("a" <= letter < "z"):
        return None
    return chr(ord(letter) + 1)


def _clause_number(line: str, previous: str | None, *, allow_loose: bool) -> str | None:
    """The clause number this paragraph opens, if it continues the sequence."""
    m = _CLAUSE.match(line)
    if not m or (m.group("sep") != "." and not allow_loose):
        return None
    num, suffix = int(m.group("num")), m.group("suffix")
    prev_num = int(re.match(r"\d+", previous).group(0)) if previous else 0  # type: ignore[union-attr]
    if suffix:
        return f"{num}{suffix}" if previous and num == prev_num else None
    return str(num) if num == prev_num + 1 else None


def _point_letter(line: str, previous: str | None, following: list[str]) -> str | None:
    m = _POINT.match(line)
    if not m:
        return None
    letter, expected = m.group("letter"), _next_letter(previous)
    if expected is None:
        return None
    if letter == expected:
        return letter
    if letter in _OCR_CONFUSABLE.get(expected, ""):
        return expected
    # An out-of-sequence letter still counts when the next marker confirms the slot (a, b, e, d).
    after = _next_letter(expected)
    for nxt in following:
        pm = _POINT.match(nxt)
        if pm:
            if pm.group("letter") == after:
                return expected
            break
    # Some texts letter their points in the Latin alphabet (d, e, f, g): the letter stands as printed.
    return letter if letter == _latin_next(previous) else None


def split_points(paragraphs: list[str]) -> list[Point]:
    points: list[Point] = []
    current: list[str] | None = None
    for i, para in enumerate(paragraphs):
        letter = _point_letter(para, points[-1].letter if points else None, paragraphs[i + 1 :])
        if letter:
            points.append(Point(letter=letter, text=para))
            current = [para]
        elif current is not None:
            current.append(para)
            points[-1].text = "\n".join(current)
    return points


def split_clauses(text: str, *, allow_loose: bool = False) -> list[Clause]:
    """Clauses of an article body (one paragraph a line); text before clause 1 is not a clause."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    clauses: list[Clause] = []
    body: list[list[str]] = []
    for para in paragraphs:
        number = _clause_number(para, clauses[-1].number if clauses else None, allow_loose=allow_loose)
        if number:
            clauses.append(Clause(number=number, text=""))
            body.append([para])
        elif body:
            body[-1].append(para)
    for clause, paras in zip(clauses, body, strict=True):
        clause.text = "\n".join(paras)
        clause.points = split_points(paras[1:])
    return clauses
