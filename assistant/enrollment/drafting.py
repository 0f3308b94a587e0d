"""Rule drafts from the corpus structure: one rule per point of each title's "Tiêu chuẩn về trình độ đào tạo,
bồi dưỡng" clause, quoting that point verbatim.

Only points whose wording maps plainly onto a checkable condition are drafted (a degree level, a named certificate,
a foreign-language or IT level, a political-theory level); anything else — alternatives the records cannot show,
conditions on other facts — is listed as "cần soạn tay" for a person to write. A transition clause of the same
document that deems earlier appointees to meet the standard becomes the rule's exemption. The drafts are reviewed
and shipped as data (`rules/titles/*.yaml`); every shipped quote is checked by a test against the corpus.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from assistant.domain import Article, Clause, Document, doc_slug, unit_id
from assistant.enrollment.rules import RuleSet, normalize_title_code
from assistant.text import fold_accents

TRAINING_HEADING = "tiêu chuẩn về trình độ đào tạo, bồi dưỡng"
TITLE_CODE = re.compile(r"V\s*\.?\s*\d{1,2}\s*\.\s*\d{1,2}\s*\.\s*\d{1,3}")
_POINT_PREFIX = re.compile(r"^[a-zđ]\)\s*")
_RANK = re.compile(r"\bhạng (IV|III|II|I)\b")

# Education-level words as the circulars write them, longest first so that "chuyên khoa cấp II" wins over "… cấp I"
# and "sau đại học" over "đại học".
_LEVEL_WORDS: list[tuple[str, str]] = [
    ("bác sĩ chuyên khoa cấp ii", "tien_si"),
    ("bác sĩ chuyên khoa cấp i", "thac_si"),
    ("chuyên khoa cấp ii", "tien_si"),
    ("chuyên khoa cấp i", "thac_si"),
    ("sau đại học", "thac_si"),
    ("tiến sĩ", "tien_si"),
    ("thạc sĩ", "thac_si"),
    ("đại học", "dai_hoc"),
    ("cử nhân", "dai_hoc"),
    ("kỹ sư", "dai_hoc"),
    ("bác sĩ", "dai_hoc"),
    ("cao đẳng", "cao_dang"),
    ("trung cấp", "trung_cap"),
    ("y sĩ", "trung_cap"),
]
_LEVEL_RANK = {"trung_cap": 0, "cao_dang": 1, "dai_hoc": 2, "thac_si": 3, "tien_si": 4}
_LEVEL_RE = re.compile(r"(?<![\wđ])(" + "|".join(re.escape(w) for w, _ in _LEVEL_WORDS) + r")(?![\wđ])", re.I)
_LEVEL_OF = dict(_LEVEL_WORDS)
_LEVEL_NAME = {
    "trung_cap": "trung cấp",
    "cao_dang": "cao đẳng",
    "dai_hoc": "đại học",
    "thac_si": "thạc sĩ",
    "tien_si": "tiến sĩ",
}

_CDNN_PHRASE = re.compile(
    r"^(?:hoàn thành chương trình )?bồi dưỡng (?:theo )?(?:tiêu chuẩn )?chức danh (?:nghề nghiệp )?(?P<fam>.+)$", re.I
)
_USED_FOR = re.compile(r"\s*\(dùng cho [^)]*\)\s*$")
_CERT_START = re.compile(r"^Có chứng chỉ\s+")
_IT = re.compile(r"^(?:Có trình độ tin học đạt|Đạt) chuẩn kỹ năng sử dụng công nghệ thông tin (?P<lvl>cơ bản|nâng cao)")
_FL = re.compile(r"^Có trình độ ngoại ngữ bậc (?P<n>[1-6])\b")
_LLCT = re.compile(r"(?P<lvl>Sơ cấp|Trung cấp|Cao cấp) lý luận chính trị", re.I)
_DEGREE_START = re.compile(r"^(?:Có bằng|Tốt nghiệp|Có trình độ (?:trung cấp|cao đẳng|đại học|thạc sĩ|tiến sĩ))", re.I)

# Certificate families the hand-written seed already names: the drafts reuse those codes.
FAMILY_ALIASES = {
    "vien chuc chuyen nganh thu vien": "cdnn_thu_vien",
}


def _slug(text: str, prefix: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", fold_accents(text)).strip("_")
    code = f"{prefix}{s}"
    if len(code) > 60:
        code = code[:51] + "_" + hashlib.sha1(code.encode()).hexdigest()[:8]
    return code


def title_name_of(article: Article) -> str:
    """'Thư viện viên hạng III - Mã số: V.10.02.06' → 'Thư viện viên hạng III'."""
    name = re.split(r"\s*[-–(]?\s*Mã số", article.title, maxsplit=1)[0]
    name = TITLE_CODE.sub("", name)  # "Thẩm kế viên hạng I - V.04.02.04"
    name = re.sub(r"(?<=[^\s(])hạng\b", " hạng", name)  # "… đại họchạng II" as the source glued it
    return " ".join(name.strip(" -–:;").split())


def training_clause(article: Article) -> Clause | None:
    for clause in article.clauses:
        first = clause.text.split("\n", 1)[0].casefold()
        if TRAINING_HEADING in first:
            return clause
    return None


@dataclass
class PointDraft:
    """What one point asks for, as conditions, or why it cannot be drafted."""

    conditions: list[dict[str, Any]] = field(default_factory=list)
    certificate_types: dict[str, dict[str, Any]] = field(default_factory=dict)
    topic: str = ""
    what: str = ""  # short Vietnamese description, the project's words
    note: str = ""
    skip: str = ""  # reason the point is left for a person


def degree_level(text: str) -> str | None:
    """The lowest education level that satisfies the first sentence: min over alternatives of max within each."""
    first = re.split(r"(?<=[.])\s+(?=Trường hợp|Riêng)", text, maxsplit=1)[0]
    parts = re.split(r";|\bhoặc\b", first)
    levels = []
    for part in parts:
        found = [_LEVEL_OF[m.group(1).lower()] for m in _LEVEL_RE.finditer(part)]
        if found:
            levels.append(max(found, key=_LEVEL_RANK.__getitem__))
    return min(levels, key=_LEVEL_RANK.__getitem__) if levels else None


def certificate_type(phrase: str) -> tuple[str, dict[str, Any]]:
    """Vocabulary code and entry for a certificate named by `phrase` (the words after "chứng chỉ")."""
    phrase = _USED_FOR.sub("", phrase.strip().rstrip(".;").strip())
    if m := _CDNN_PHRASE.match(phrase):
        fam = m["fam"].strip()
        code = FAMILY_ALIASES.get(fold_accents(fam), _slug(fam, "cdnn_"))
        entry = {
            "name": f"Chứng chỉ bồi dưỡng theo tiêu chuẩn CDNN {fam}",
            "synonyms": [
                f"chứng chỉ bồi dưỡng tiêu chuẩn chức danh nghề nghiệp {fam}",
                f"chứng chỉ bồi dưỡng chức danh nghề nghiệp {fam}",
                f"chứng chỉ CDNN {fam}",
            ],
        }
        return code, entry
    if fold_accents(phrase).startswith("hanh nghe kham benh, chua benh"):
        return "cchn_kcb", {"name": "Chứng chỉ hành nghề khám bệnh, chữa bệnh"}
    return _slug(phrase, "cc_"), {"name": f"Chứng chỉ {phrase}"}


def classify_point(text: str) -> PointDraft:
    t = " ".join(text.split())
    d = PointDraft()
    if _CERT_START.match(t):
        if re.search(r"\b(đối với|trường hợp|trừ)\b", t, re.I):
            d.skip = "chứng chỉ chỉ đòi hỏi với một số trường hợp mà hồ sơ không ghi nhận"
            return d
        body = _CERT_START.sub("", t)
        alternatives = re.split(r"\s+hoặc\s+(?:có\s+)?chứng chỉ\s+", body)
        if any(" hoặc " in alt for alt in alternatives):
            d.skip = "có phương án thay thế mà hồ sơ không ghi nhận"
            return d
        types = []
        for alt in alternatives:
            code, entry = certificate_type(alt)
            d.certificate_types[code] = entry
            types.append(code)
        d.conditions = [{"kind": "certificate", "types": types}]
        names = [d.certificate_types[c]["name"][0].lower() + d.certificate_types[c]["name"][1:] for c in types]
        d.topic, d.what = "chứng chỉ bồi dưỡng", " hoặc ".join(names)
        if any(c.startswith("cdnn_") for c in types):
            d.topic = "chứng chỉ chức danh nghề nghiệp"
        return d
    if m := _IT.match(t):
        lvl = "co_ban" if m["lvl"] == "cơ bản" else "nang_cao"
        d.conditions = [{"kind": "qualification", "field": "it_skill", "min_level": lvl}]
        d.topic, d.what = "tin học", f"trình độ tin học đạt chuẩn kỹ năng sử dụng CNTT {m['lvl']}"
        return d
    if m := _FL.match(t):
        d.conditions = [{"kind": "qualification", "field": "foreign_language", "min_level": f"bac_{m['n']}"}]
        d.topic, d.what = "ngoại ngữ", f"trình độ ngoại ngữ bậc {m['n']} trở lên"
        if "tiếng dân tộc" in t:
            d.note = "Hồ sơ chưa ghi chứng chỉ tiếng dân tộc thiểu số mà điểm này cho phép thay thế."
        return d
    if (m := _LLCT.search(t)) and t.lower().lstrip().startswith(
        ("có bằng tốt nghiệp", "sơ cấp", "trung cấp", "cao cấp")
    ):
        lvl = {"sơ cấp": "so_cap", "trung cấp": "trung_cap", "cao cấp": "cao_cap"}[m["lvl"].lower()]
        d.conditions = [{"kind": "qualification", "field": "political_theory", "min_level": lvl}]
        d.topic, d.what = "lý luận chính trị", f"trình độ lý luận chính trị {m['lvl'].lower()}"
        return d
    if _DEGREE_START.match(t):
        level = degree_level(t)
        if level is None:
            d.skip = "không xác định được trình độ đào tạo"
            return d
        d.conditions = [{"kind": "qualification", "field": "education_level", "min_level": level}]
        d.topic, d.what = "trình độ đào tạo", f"bằng tốt nghiệp {_LEVEL_NAME[level]} trở lên"
        d.note = "Hệ thống chỉ kiểm tra cấp trình độ ghi trong hồ sơ; ngành, chuyên ngành do cán bộ tổ chức đối chiếu."
        return d
    d.skip = "cách diễn đạt chưa có mẫu điều kiện tương ứng"
    return d


_DEEMED = re.compile(
    r"(?:Viên chức|Công chức)[^.]{0,120}?đã được bổ nhiệm vào[^.]{0,200}?trước ngày Thông tư này có hiệu lực thi hành "
    r"thì được xác định là đáp ứng[^.]*\."
)


def deemed_exemptions(doc: Document) -> list[dict[str, Any]]:
    """Transition clauses of `doc` that deem those appointed before it took effect to meet its standards."""
    out: list[dict[str, Any]] = []
    effective = date.fromisoformat(doc.effective_date[:10]) if doc.effective_date else None
    if effective is None:
        return out
    for art in doc.articles:
        for clause in art.clauses:
            body = " ".join(clause.text.split())
            if m := _DEEMED.search(body):
                out.append(
                    {
                        "when": "appointed_before",
                        "before": effective,
                        "effect": "met",
                        "legal_basis": [_basis(doc, art, clause.number, None, m.group(0))],
                    }
                )
    return out


def _basis(doc: Document, art: Article, clause: str | None, point: str | None, quote: str) -> dict[str, Any]:
    b: dict[str, Any] = {"document": doc.number, "doc_type": doc.doc_type}
    if doc.doc_type == "Luật":
        b["doc_title"] = doc.title
    b["article"] = art.number
    if clause:
        b["clause"] = clause
    if point:
        b["point"] = point
    if m := re.search(r"bởi (Điều \d+[a-z]? \S+(?: \S+)*? số \d+/\d{4}/[^\s,)]+)", art.effective_note):
        b["amended_by"] = m.group(1)
    b["quote"] = quote
    return b


@dataclass
class DraftReport:
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # doc slug → YAML data
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (unit id, reason, text)
    titles_seen: set[str] = field(default_factory=set)

    def yaml_text(self, slug: str) -> str:
        header = (
            "# Rule drafts generated from the corpus structure by `assistant rules draft`, then reviewed.\n"
            '# Each quote is the verbatim point of the title\'s "Tiêu chuẩn về trình độ đào tạo, bồi dưỡng" clause;\n'
            "# tests/unit/test_rule_quotes.py checks every one against corpus/documents.\n"
        )
        return header + yaml.safe_dump(self.files[slug], allow_unicode=True, sort_keys=False, width=120)


_HEADING_LINE = re.compile(r"^\d+\.\s*Tiêu chuẩn về trình độ đào tạo, bồi dưỡng\s*:?\s*", re.I)


def clause_points(clause: Clause) -> list[tuple[str | None, str]]:
    """(letter, text) of each point; a clause the source did not split into points gives its own body (lettered
    lines found in it are taken as points, an unlettered body as one requirement)."""
    glued_heading = re.search(r"(?<=\D)\d+\.\s*Tiêu chuẩn", _HEADING_LINE.sub("", clause.text.split("\n")[0]))
    if clause.points and not glued_heading:
        return [(p.letter, p.text) for p in clause.points]
    lines = clause.text.split("\n")
    first = _HEADING_LINE.sub("", lines[0]).strip()
    body = [first] if first else []
    body += [ln.strip() for ln in lines[1:] if ln.strip()]
    # a following clause glued on by the source ("…môi trường3. Tiêu chuẩn về năng lực…") is not part of it
    kept: list[str] = []
    for ln in body:
        parts = re.split(r"(?<=\D)\d+\.\s*Tiêu chuẩn", ln, maxsplit=1)
        if parts[0].strip():
            kept.append(parts[0].strip())
        if len(parts) > 1:
            break
    lettered = [(m[1], ln) for ln in kept if (m := re.match(r"^([a-zđ])\)\s*", ln))]
    if lettered:
        return lettered
    return [(None, " ".join(kept))] if kept else []


def _training_articles(doc: Document) -> Iterable[tuple[Article, list[str], Clause]]:
    for art in doc.articles:
        codes = [normalize_title_code(c) for c in TITLE_CODE.findall(art.title)]
        if not codes or art.title.startswith("Tiêu chuẩn, điều kiện"):  # thăng hạng conditions, not the standard
            continue
        clause = training_clause(art)
        if clause is not None:
            yield art, codes, clause


def draft_rules(documents: Iterable[Document], existing: RuleSet | None = None) -> DraftReport:
    """Drafts for every title-code article's training points that `existing` does not already cite."""
    covered = {b.unit_id for r in existing.rules for b in r.legal_basis} if existing else set()
    report = DraftReport()
    documents = list(documents)
    # A title code whose standard appears in several documents is drafted from the latest one only.
    latest: dict[str, Document] = {}
    for doc in documents:
        for _, codes, _ in _training_articles(doc):
            for code in codes:
                if code not in latest or doc.effective_date > latest[code].effective_date:
                    latest[code] = doc
    for doc in sorted(documents, key=lambda d: d.number):
        exemptions = deemed_exemptions(doc)
        data: dict[str, Any] = {"version": 1, "certificate_types": {}, "titles": {}, "rules": []}
        for art, all_codes, clause in _training_articles(doc):
            codes = [c for c in all_codes if latest[c] is doc]
            for c in all_codes:
                if c not in codes:
                    uid = unit_id(doc.number, art.number, clause.number)
                    report.skipped.append((uid, f"mã {c} có tiêu chuẩn trong văn bản mới hơn {latest[c].number}", ""))
            if not codes:
                continue
            name = title_name_of(art)
            for code in codes:
                data["titles"][code] = name
                report.titles_seen.add(code)
            points = clause_points(clause)
            for letter, text in points:
                uid = unit_id(doc.number, art.number, clause.number, letter)
                quote = _POINT_PREFIX.sub("", text.strip()) if letter else text.strip()
                if (uid in covered and letter != "đ") or len(quote) < 10:
                    continue
                d = classify_point(quote)
                if d.skip:
                    report.skipped.append((uid, d.skip, quote[:160]))
                    continue
                for code, entry in d.certificate_types.items():
                    known = existing.certificate_types.get(code) if existing else None
                    data["certificate_types"][code] = known.model_dump(exclude_defaults=True) if known else entry
                rank = m[1] if (m := _RANK.search(name)) else None
                rid = f"{doc_slug(doc.number)}-d{fold_accents(art.number)}-k{clause.number}" + (
                    f"-{'dd' if letter == 'đ' else fold_accents(letter)}" if letter else ""
                )
                summary = f"Tóm tắt: {name} ({', '.join(codes)}) cần {d.what}."
                rule: dict[str, Any] = {
                    "id": rid,
                    "title": f"{name}: {d.what}",
                    "summary": summary,
                    "topics": [name.casefold(), d.topic],
                    "legal_basis": [_basis(doc, art, clause.number, letter, quote)],
                    "applies_to": {"kinds": ["vien_chuc"], "title_codes": codes},
                    "satisfied_by": d.conditions,
                }
                if rank:
                    rule["topics"].append(f"hạng {rank}")
                if doc.effective_date:
                    rule["applies_to"]["in_force_from"] = date.fromisoformat(doc.effective_date[:10])
                if exemptions:
                    rule["exemptions"] = exemptions
                if d.note:
                    rule["note"] = d.note
                data["rules"].append(rule)
        if data["rules"]:
            if not data["certificate_types"]:
                del data["certificate_types"]
            report.files[doc_slug(doc.number)] = data
    return report


@dataclass(frozen=True)
class Coverage:
    codes: list[str]  # title codes whose article states a training standard
    covered: list[str]  # … of which a shipped rule cites that article
    missing: list[str]

    @property
    def ratio(self) -> float:
        return len(self.covered) / len(self.codes) if self.codes else 1.0


def standard_title_codes(documents: Iterable[Document]) -> dict[str, list[str]]:
    """Title code → article ids whose heading names the code and whose text states "Tiêu chuẩn về trình độ đào
    tạo, bồi dưỡng" (the issue's measure; thăng hạng condition articles excluded)."""
    out: dict[str, list[str]] = {}
    for doc in documents:
        for art in doc.articles:
            codes = [normalize_title_code(c) for c in TITLE_CODE.findall(art.title)]
            if not codes or art.title.startswith("Tiêu chuẩn, điều kiện"):
                continue
            if TRAINING_HEADING not in " ".join(art.text.split()).casefold():
                continue
            for code in codes:
                out.setdefault(code, []).append(unit_id(doc.number, art.number))
    return out


def coverage(documents: Iterable[Document], rules: RuleSet) -> Coverage:
    """Share of those title codes for which a rule applies to the code and cites its standard article."""
    cited: dict[str, set[str]] = {}
    for r in rules.rules:
        for b in r.legal_basis:
            for c in r.applies_to.title_codes:
                cited.setdefault(normalize_title_code(c), set()).add(b.article_unit_id)
    wanted = standard_title_codes(documents)
    covered = {code for code, arts in wanted.items() if set(arts) & cited.get(code, set())}
    return Coverage(sorted(wanted), sorted(covered), sorted(set(wanted) - covered))
