"""What a question names and asks for, read from its words: grade, professional title, subject, documents, focus.

Everything here is a plain reading of the question (accent-folded, so questions typed without diacritics
read the same) against the corpus's own metadata. Nothing is learned per question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.text import fold_accents, normalize_text

_WORD = re.compile(r"\w+", re.UNICODE)
_ROMAN = {"i": "I", "ii": "II", "iii": "III", "iv": "IV", "1": "I", "2": "II", "3": "III", "4": "IV"}
_GRADE = re.compile(r"hang\s*(iv|iii|ii|i|[1-4])\b")
_TARGET_GRADE = re.compile(r"(?:len|thang hang(?: len)?|xet len|thi len)\s+hang\s*(iv|iii|ii|i|[1-4])\b")
_CODE = re.compile(r"\s*[-–(,]?\s*\bma so.*$")  # "- Mã số: V.08.02.05", ", mã sốV.07.08.21"
_PROMOTION_WORDS = re.compile(r"\b(?:thang hang|len hang)\b")
# The procedure words before the title's name in a promotion article's title.
_PROMOTION = re.compile(r"^.*?\bthang hang\b(?:\s+(?:chuc danh nghe nghiep|doi voi(?: chuc danh nghe nghiep)?))*")
# "chính" / "cao cấp" after a title name are grades, but not in "tài chính", "chính trị", "cao cấp lý luận".
_NOT_GRADE_AFTER = ("tri", "sach", "phu", "quyen", "thuc", "xac", "ly")

# Subjects: who a document applies to, from its title; what the question is about, from its words.
SUBJECTS = {"cán bộ": "can bo", "công chức": "cong chuc", "viên chức": "vien chuc"}
# People the corpus is not about (its texts are for cán bộ, công chức, viên chức): a question about them is
# answered only by a quote whose text names them.
OTHER_PEOPLE = {
    "sĩ quan": "si quan",
    "quân nhân": "quan nhan",
    "quân đội": "quan doi",
    "bộ đội": "bo doi",
    "công an": "cong an",
    "chiến sĩ": "chien si",
}

# A question about a qualification ("bằng gì", "tốt nghiệp trình độ nào", "chứng chỉ gì") is answered by the
# clause headed "Tiêu chuẩn về trình độ đào tạo, bồi dưỡng": these question words point to those heading words.
QUALIFICATION_CUES = (
    "bang",
    "bang cap",
    "van bang",
    "tot nghiep",
    "trinh do",
    "chung chi",
    "hoc vi",
    "thac si",
    "tien si",
    "dai hoc",
    "cao dang",
    "trung cap",
    "chuyen khoa",
    "ngoai ngu",
    "tin hoc",
    "ly luan chinh tri",
    "dat chuan",
    "du chuan",
)
QUALIFICATION_TERMS = ("trinh", "do", "trinh_do", "dao", "tao", "dao_tao", "boi", "duong", "boi_duong", "tot_nghiep")

_DOC_REF = re.compile(
    r"(?<![\w/])(?P<num>\d{1,4})\s*/\s*(?P<year>(?:19|20)\d\d)(?:\s*/\s*(?P<code>[A-ZĐ][A-ZĐ0-9]*(?:\s*[-_]\s*[A-ZĐ0-9]+)*))?"
    r"|(?<![\w/])(?P<pnum>\d{1,4})\s*-\s*(?P<pkind>QĐ|QD|HD|NQ|CT|KL)\s*/\s*(?P<porg>[A-ZĐ]+)",
    re.IGNORECASE,
)


_DOC_KIND_BEFORE = re.compile(r"(nghi dinh|thong tu|luat|quyet dinh|quy dinh|nghi quyet|chi thi|so)\s*$")


def folded_words(text: str) -> list[str]:
    return _WORD.findall(fold_accents(normalize_text(text)))


def _contains(words: list[str], phrase: list[str]) -> int:
    """Index just after the first occurrence of `phrase` in `words`, or -1."""
    n = len(phrase)
    for i in range(len(words) - n + 1):
        if words[i : i + n] == phrase:
            return i + n
    return -1


@dataclass(frozen=True)
class TitleName:
    """A professional title read from an article title: 'Bác sĩ y học dự phòng chính (hạng II) - Mã số …'."""

    words: tuple[str, ...]  # folded name without the grade: ("bac", "si", "y", "hoc", "du", "phong")
    grade: str | None  # "I" … "IV", or None when the title does not say
    promotion: bool = False  # the article sets the conditions of a promotion (thăng hạng) to that grade


def title_name(article_title: str) -> TitleName | None:
    """The title's name and grade, for articles that define a professional title (they carry 'Mã số' or 'hạng').

    A promotion article ("Tiêu chuẩn, điều kiện xét thăng hạng đối với chức danh nghề nghiệp Viên chức lý lịch
    tư pháp hạng II lên hạng I", "Thi thăng hạng … từ hạng III lên hạng II") is about the grade it leads *to*,
    and its name is what follows the procedure words; two target grades ("lên hạng II và lên hạng I") say none.
    """
    t = fold_accents(normalize_text(article_title)).strip()
    if "ma so" not in t and not _GRADE.search(t):
        return None
    t = _CODE.sub("", t)
    targets = {_ROMAN[g] for g in _TARGET_GRADE.findall(t)}
    m = _GRADE.search(t)
    grade = (targets.pop() if len(targets) == 1 else None) if targets else (_ROMAN[m.group(1)] if m else None)
    promotion = _PROMOTION.search(t)
    if promotion:
        t = re.sub(r"\b(?:tu|len)\s+(?=hang\b)", " ", t[promotion.end() :])
    t = re.sub(r"\(?\s*hang\s*(iv|iii|ii|i|[1-4])\b\s*\)?", " ", t)
    words = _WORD.findall(t)
    while promotion and words[:1] in (["va"], ["doi"], ["voi"]):
        words = words[1:]
    if words[-1:] == ["chinh"]:
        grade, words = grade or "II", words[:-1]
    elif words[-2:] == ["cao", "cap"]:
        grade, words = grade or "I", words[:-2]
    return TitleName(tuple(words), grade, promotion is not None) if words else None


def is_promotion_title(article_title: str) -> bool:
    """An article about promotion to a higher grade ("Tiêu chuẩn, điều kiện xét thăng hạng …", "Thi thăng hạng …")."""
    return bool(_PROMOTION_WORDS.search(fold_accents(normalize_text(article_title))))


def doc_subjects(doc_title: str, doc_type: str = "") -> frozenset[str]:
    """Who a document is about, from its title ('… viên chức', 'Luật Cán bộ, công chức'); empty = not stated."""
    t = fold_accents(f"{doc_type} {doc_title}")
    found = {k for k, v in SUBJECTS.items() if v in t}
    if "chuc danh nghe nghiep" in t:
        found.add("viên chức")
    return frozenset(found)


@dataclass
class DocRef:
    """A document number written in the question, e.g. '171/2025', 'Thông tư 08/2023', '350-QĐ/TW'."""

    text: str
    num: str
    year: str | None = None
    code: str | None = None  # issuer code when written ("NĐ-CP", "TW")

    def matches(self, number: str) -> bool:
        n = fold_accents(number).upper().replace(" ", "")
        if self.year is None:
            return bool(re.match(rf"0*{int(self.num)}-", n)) and fold_accents(self.code or "").upper() in n
        parts = n.split("/")
        if len(parts) < 2 or parts[0].lstrip("0") != self.num.lstrip("0") or parts[1] != self.year:
            return False
        return self.code is None or fold_accents(self.code).upper().replace(" ", "") == "/".join(parts[2:])


@dataclass
class QuestionReading:
    words: list[str]
    grades: set[str] = field(default_factory=set)
    subjects: frozenset[str] = frozenset()
    doc_refs: list[DocRef] = field(default_factory=list)
    asks_qualification: bool = False
    asks_promotion: bool = False  # "thăng hạng", "lên hạng II": the conditions of a promotion are asked
    others: frozenset[str] = frozenset()  # people outside the corpus's subjects the question names (OTHER_PEOPLE)

    def title_match(self, name: TitleName | None) -> tuple[int, str | None]:
        """(number of name words found in the question, grade written right after the name) — (0, None) if absent."""
        if name is None:
            return 0, None
        end = _contains(self.words, list(name.words))
        if end < 0:
            return 0, None
        after = self.words[end : end + 2]
        if after[:1] == ["chinh"] and after[1:2] not in [[w] for w in _NOT_GRADE_AFTER]:
            return len(name.words), "II"
        if after == ["cao", "cap"]:
            return len(name.words), "I"
        return len(name.words), None


def read_question(question: str) -> QuestionReading:
    folded = " ".join(folded_words(question))
    words = folded.split()
    target = _TARGET_GRADE.findall(folded)
    grades = {_ROMAN[g] for g in (target or _GRADE.findall(folded))}
    subjects = frozenset(k for k, v in SUBJECTS.items() if re.search(rf"\b{v}\b", folded))
    refs = []
    text = normalize_text(question)
    for m in _DOC_REF.finditer(text):
        if m.group("num"):
            before = fold_accents(text[max(0, m.start() - 30) : m.start()])
            if not m.group("code") and not _DOC_KIND_BEFORE.search(before):
                continue  # "tháng 5/2021" is a date, not a document
            code = re.sub(r"\s*[-_]\s*", "-", m.group("code")) if m.group("code") else None
            refs.append(DocRef(m.group(0), m.group("num"), m.group("year"), code))
        else:
            refs.append(DocRef(m.group(0), m.group("pnum"), None, f"{m.group('pkind')}/{m.group('porg')}"))
    asks = any(re.search(rf"\b{c}\b", folded) for c in QUALIFICATION_CUES)
    # with diacritics when the question has them: folded, "thạc sĩ quản lý" would read as "sĩ quan"
    lower = normalize_text(question).lower()
    accented = lower != fold_accents(lower)
    others = frozenset(
        k
        for k, v in OTHER_PEOPLE.items()
        if re.search(rf"(?<!\w){k if accented else v}(?!\w)", lower if accented else folded)
    )
    return QuestionReading(words, grades, subjects, refs, asks, bool(_PROMOTION_WORDS.search(folded)), others)


def named_documents(
    refs: Iterable[DocRef], documents: Mapping[str, Mapping[str, Any]]
) -> tuple[set[str], list[tuple[DocRef, set[str]]]]:
    """(corpus documents the question names — plus those they amend —, references the corpus cannot answer).

    A reference the corpus does not hold is still answerable when it only amended a corpus document whose
    consolidated text is held (the amended wording is that text); anything else — a replacement, a repealing
    act, a document never heard of — is reported with the corpus documents it relates to.
    """
    held: set[str] = set()
    missing: list[tuple[DocRef, set[str]]] = []
    for ref in refs:
        found = {n for n in documents if ref.matches(n)}
        if found:
            held |= found
            held |= {
                n
                for n, meta in documents.items()
                if any(r.get("kind") == "amended_by" and r.get("target") in found for r in meta.get("relations") or [])
            }
            continue
        amended = {
            n
            for n, meta in documents.items()
            for r in meta.get("relations") or []
            if ref.matches(str(r.get("target", ""))) and r.get("kind") == "amended_by"
        }
        if amended:
            held |= amended
            continue
        related = {
            n
            for n, meta in documents.items()
            for r in meta.get("relations") or []
            if ref.matches(str(r.get("target", "")))
        }
        missing.append((ref, related))
    return held, missing


# A law named by its title ("Luật Giáo dục", "Bộ luật Lao động", "Luật Viên chức năm 2025"): the title runs from a
# capitalised word after "Luật" to the first punctuation or function word, at most six words.
_LAW_TITLE = re.compile(
    r"(?<![\w])(?P<kind>Bộ\s+luật|Luật)\s+(?P<title>[A-ZĐÀ-Ỹ][\w]*(?:,?\s+[\w]+){0,5})"
    r"(?:\s*(?:\(|,)?\s*(?:năm\s+)?(?P<year>(?:19|20)\d\d)\b)?",
    re.UNICODE,
)
_TITLE_ENDS = set(
    "quy định năm số thì có về được mới hiện cho đối của và như là sửa đã nào gì thế để khi mà phải nêu ghi "
    "nói trong tại theo với bao".split()
)
_SOURCE_BEFORE = re.compile(r"(?:^|[.?!;:,(]\s*)(?:theo|căn cứ|trong|tại)\s*$", re.I)
_SOURCE_AFTER = re.compile(r"^[\s,]*(?:\(?(?:năm\s+)?(?:19|20)\d\d\)?\s*)?(?:có\s+)?quy\s+định", re.I)


@dataclass(frozen=True)
class LawRef:
    """A law the question names by title, with the year when written."""

    text: str  # as written: "Luật Giáo dục", "Luật Viên chức năm 2025"
    title: str  # folded, up to the first comma: "luat giao duc", "luat can bo"
    year: str | None
    # "Theo Luật …, …", "Luật … quy định …": the question asks what that law says (not "nghỉ theo quy định của
    # Bộ luật Lao động", which only mentions it)
    as_source: bool
    longer: tuple[str, ...] = ()  # folded titles running past a comma ("luat can bo cong chuc"), longest first


def named_laws(question: str) -> list[LawRef]:
    text = normalize_text(question)
    refs = []
    for m in _LAW_TITLE.finditer(text):
        before = fold_accents(text[max(0, m.start() - 6) : m.start()])
        if before.rstrip().endswith(("ky", "phap")):  # "kỷ luật", "pháp luật"
            continue
        raw = m.group("title")
        kept: list[str] = []  # words of the title, commas kept on the word before them
        for w in raw.split():
            if w.rstrip(",").lower() in _TITLE_ENDS or not w.rstrip(",").isalpha():  # a year or number ends it
                break
            kept.append(w)
        if not kept:
            continue
        kind = re.sub(r"\s+", " ", m.group("kind"))
        cut = next((i + 1 for i, w in enumerate(kept) if w.endswith(",")), len(kept))
        first = [w.rstrip(",") for w in kept[:cut]]
        longer = tuple(" ".join(folded_words(f"{kind} {' '.join(kept[:n])}")) for n in range(len(kept), cut, -1))
        title = f"{kind} {' '.join(first)}"
        end = m.start("title") + len(" ".join(kept))
        after = re.match(r"\s*(?:\(|,)?\s*(?:năm\s+)?((?:19|20)\d\d)\b", text[end:])
        year = after.group(1) if after else None
        as_source = bool(_SOURCE_BEFORE.search(text[: m.start()]) or _SOURCE_AFTER.match(text[end:]))
        shown = f"{kind} {' '.join(kept).rstrip(',')}" + (f" năm {year}" if year else "")
        refs.append(LawRef(shown, " ".join(folded_words(title)), year, as_source, longer))
    return refs


def laws_by_title(
    refs: Iterable[LawRef], documents: Mapping[str, Mapping[str, Any]]
) -> tuple[set[str], list[tuple[DocRef, set[str]]]]:
    """(corpus laws the question names by title, laws it names that the corpus does not hold — with the held laws
    they relate to). A title held under another year is that year's law: held when it only amended the held
    text (the consolidated text has its wording), missing otherwise (a replacement, or the replaced law)."""
    held: set[str] = set()
    missing: list[tuple[DocRef, set[str]]] = []
    titles = {
        n: " ".join(folded_words(f"{meta.get('doc_type', '')} {_bare_title(str(meta.get('title', '')))}"))
        for n, meta in documents.items()
        if str(meta.get("doc_type", "")) in ("Luật", "Bộ luật")
    }
    for ref in refs:
        same: set[str] = set()
        for candidate in (*ref.longer, ref.title):  # "Luật Cán bộ, công chức" before "Luật Cán bộ"
            same = {n for n, t in titles.items() if t == candidate}
            if same:
                break
        if not same:
            if ref.as_source:
                shown = ref.text.split(",")[0] + (f" năm {ref.year}" if ref.year and "," in ref.text else "")
                missing.append((DocRef(shown, ""), set()))
            continue
        if ref.year is None or any(_year(n) == ref.year for n in same):
            held |= {n for n in same if ref.year is None or _year(n) == ref.year}
            continue
        amended = {
            n
            for n in same
            for r in documents[n].get("relations") or []
            if r.get("kind") == "amended_by" and _year(str(r.get("target", ""))) == ref.year
        }
        if amended:
            held |= amended
        else:
            missing.append((DocRef(ref.text, ""), same))
    return held, missing


def _bare_title(title: str) -> str:
    """'Luật Viên chức' → 'Viên chức' (some metadata titles repeat the kind)."""
    return re.sub(r"^(?:Bộ\s+luật|Luật)\s+", "", title.strip())


def _year(number: str) -> str | None:
    parts = number.split("/")
    return parts[1] if len(parts) > 1 and re.fullmatch(r"(?:19|20)\d\d", parts[1]) else None
