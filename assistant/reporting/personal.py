"""The personal answer: for each requirement that bears on a question — what the rule requires (its clause,
quoted and cited), what the record shows (with dates), what is missing and by when, and the next step.

One plain-data view (`PersonalView`) that the API returns, the CLI prints, and the web page and the bot render.
It is phrased for its reader: "anh/chị" when cadres read about themselves, "cán bộ Nguyễn Văn A" when HR does.
Statuses are the engine's, unchanged; this module only selects and words them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from assistant.enrollment.engine import Evidence, RequirementStatus, Status
from assistant.enrollment.rules import Rule, RuleSet, article_prefix
from assistant.reporting.areas import (
    FIELD_LABELS,
    CatalogCourse,
    certificate_types,
    course_type_label,
    course_types_for,
    describe_rule,
    is_commitment_rule,
    is_promotion,
    level_label,
    only_tenure,
    qualification_conditions,
    rule_areas,
)
from assistant.text import fold_accents

Audience = Literal["self", "hr"]
SEVERITY = {"overdue": 0, "missing": 1, "in_progress": 3, "met": 4, "exempt": 5}
_DONE = {"met"}
_EXEMPT = {"exempt"}  # the corpus waives the requirement for this person (engines that know exemptions)
_RUNNING = {"in_progress"}


@dataclass(frozen=True)
class CadreFacts:
    """Who the answer is about: enough to name them and their post."""

    code: str
    full_name: str
    kind_label: str
    title_name: str | None = None
    title_rank: str | None = None
    position: str | None = None
    qualifications: dict[str, str | None] = field(default_factory=dict)

    @property
    def post(self) -> str:
        rank = (
            f"hạng {self.title_rank}"
            if self.title_rank and f"hạng {self.title_rank}" not in (self.title_name or "")
            else ""
        )
        title = " ".join(x for x in (self.title_name, rank) if x)
        return title or self.position or self.kind_label.lower()


@dataclass(frozen=True)
class Quoted:
    citation: str
    quote: str
    unit_id: str


@dataclass(frozen=True)
class EvidenceLine:
    kind: str
    label: str
    on: date | None
    counts: bool
    text: str  # the label with its date, ready to print


@dataclass(frozen=True)
class PersonalItem:
    rule_id: str
    status: str
    status_label: str
    title: str
    requirement: str  # "Yêu cầu: …" — the project's short wording; the clause itself is in `quotes`
    quotes: tuple[Quoted, ...]
    record: str  # "Hồ sơ của anh/chị ghi: …" / "… chưa ghi nhận …"
    evidence: tuple[EvidenceLine, ...]
    gap: str  # "Anh/chị còn thiếu …, hạn …" / "… đã đáp ứng …"
    due_date: date | None
    next_step: str
    course_types: tuple[str, ...]
    course_type_labels: tuple[str, ...]
    courses: tuple[CatalogCourse, ...]  # open courses of the catalogue that would meet it (start on/after as_of)
    detail: str  # the engine's own explanation
    citation: str
    basis_notes: tuple[str, ...] = ()  # validity of the cited bases ("căn cứ đã hết hiệu lực …"), when the engine says


@dataclass(frozen=True)
class PersonalView:
    cadre_code: str
    cadre_name: str
    audience: str
    subject: str  # "anh/chị" or "cán bộ Nguyễn Văn A"
    as_of: date
    lead: str
    coverage_note: str | None
    items: tuple[PersonalItem, ...]
    not_shown: int  # applicable requirements left out as unrelated to the question

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = _jsonable(asdict(self))
        return out

    @property
    def complete_items(self) -> list[PersonalItem]:
        """Items that name all four parts: requirement (quoted, cited), record, gap and next step."""
        return [i for i in self.items if i.quotes and i.requirement and i.record and i.gap and i.next_step]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


# ----------------------------------------------------------------------------------------------- selection

_WHAT_CUES: dict[str, set[str]] = {
    "chung chi": {"chung_chi", "ngoai_ngu", "tin_hoc", "qlnn"},
    "boi duong": {"chung_chi", "khoa_hoc", "gio_hoc", "qlnn"},
    "khoa hoc": {"chung_chi", "khoa_hoc", "gio_hoc"},
    "lop hoc": {"chung_chi", "khoa_hoc", "gio_hoc"},
    "trinh do": {"trinh_do"},
    "bang cap": {"trinh_do"},
    "tot nghiep": {"trinh_do"},
    "thac si": {"trinh_do"},
    "tien si": {"trinh_do"},
    "sau dai hoc": {"trinh_do"},
    "ly luan chinh tri": {"llct"},
    "llct": {"llct"},
    "chinh tri": {"llct"},
    "quan ly nha nuoc": {"qlnn"},
    "qlnn": {"qlnn"},
    "ngoai ngu": {"ngoai_ngu"},
    "tieng anh": {"ngoai_ngu"},
    "tin hoc": {"tin_hoc"},
    "cong nghe thong tin": {"tin_hoc"},
    "cntt": {"tin_hoc"},
    "so tiet": {"gio_hoc"},
    "tiet hoc": {"gio_hoc"},
    "gio hoc": {"gio_hoc"},
    "cam ket": {"cam_ket"},
    "den bu": {"cam_ket"},
    "boi hoan": {"cam_ket"},
    "chi phi dao tao": {"cam_ket"},
}
_SCOPE_CUES: dict[str, set[str]] = {
    "chuc danh": {"chuc_danh", "chung"},
    "dat chuan": {"chuc_danh", "chuc_vu", "chung"},
    "du chuan": {"chuc_danh", "chuc_vu", "chung"},
    "tieu chuan": {"chuc_danh", "chuc_vu", "chung"},
    "hang i": {"chuc_danh", "thang_hang"},
    "hang ii": {"chuc_danh", "thang_hang"},
    "hang iii": {"chuc_danh", "thang_hang"},
    "hang iv": {"chuc_danh", "thang_hang"},
    "chuc vu": {"chuc_vu"},
    "bo nhiem": {"chuc_vu"},
    "lanh dao": {"chuc_vu"},
    "thang hang": {"thang_hang"},
    "len hang": {"thang_hang"},
    "xet hang": {"thang_hang"},
}
_GENERAL = (
    "con thieu",
    "thieu gi",
    "da du",
    "du chua",
    "dat chua",
    "cua toi",
    "cua em",
    "cua anh",
    "cua chi",
    "ho so",
    "tinh trang",
    "can hoc gi",
    "phai hoc gi",
    "hoc gi",
    "nghia vu dao tao",
    "toi can",
    "toi phai",
)


def _has(folded: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", folded) is not None


def areas_of(rule: Rule) -> set[str]:
    areas = rule_areas(rule)
    if is_promotion(rule):  # a condition for thăng hạng, not a standard of the title held: only when asked
        return (areas - {"chuc_danh", "chuc_vu"}) | {"thang_hang"}
    if not areas & {"chuc_danh", "chuc_vu", "thang_hang"} and not is_commitment_rule(rule):
        areas.add("chung")  # a standard for every cadre of a kind
    return areas


def select_statuses(
    statuses: Sequence[RequirementStatus],
    rules: RuleSet,
    question: str | None,
    quoted_unit_ids: Iterable[str] = (),
    *,
    ignore_what: bool = False,
) -> list[RequirementStatus]:
    """The statuses that bear on the question: by what it asks about (certificate, LLCT, thăng hạng …), by the
    articles the answer quotes, or by the rule's topics; a question about one's own standing with no such cue
    gets every applicable one. No question (a status page): all of them."""
    applicable = [s for s in statuses if s.status is not Status.NOT_APPLICABLE]
    if question is None:
        return applicable
    by_id = {r.id: r for r in rules.rules}
    folded = " ".join(fold_accents(question).split())
    what = set() if ignore_what else set().union(*(a for p, a in _WHAT_CUES.items() if _has(folded, p)))
    scope = set().union(*(a for p, a in _SCOPE_CUES.items() if _has(folded, p)))
    quoted = {article_prefix(u) for u in quoted_unit_ids}
    chosen: list[RequirementStatus] = []
    for s in applicable:
        rule = by_id.get(s.rule_id)
        if rule is None:
            continue
        areas = areas_of(rule)
        cued = (what or scope) and (not what or areas & what) and (not scope or areas & scope)
        cites_quote = bool({article_prefix(u) for u in s.unit_ids} & quoted)
        topical = not (what or scope) and any(_has(folded, t) for t in rule.folded_topics)
        if cued or cites_quote or topical:
            chosen.append(s)
    if not chosen and not (what or scope) and any(_has(folded, p) for p in _GENERAL):
        return [s for s in applicable if s.rule_id in by_id and not is_promotion(by_id[s.rule_id])]
    return chosen


# ----------------------------------------------------------------------------------------------- wording


def subject_of(cadre: CadreFacts, audience: Audience) -> str:
    return "anh/chị" if audience == "self" else f"cán bộ {cadre.full_name}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _d(d: date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else ""


_VERBS = {"certificate": "cấp", "commitment": "từ", "qualification": ""}


def evidence_line(e: Evidence, cadre: CadreFacts | None = None) -> EvidenceLine:
    text = e.label
    if e.kind == "qualification" and e.ref in FIELD_LABELS and cadre is not None:
        value = level_label(e.ref, cadre.qualifications.get(e.ref))
        major = cadre.qualifications.get("education_major") if e.ref == "education_level" else None
        text = f"{FIELD_LABELS[e.ref]}: {value}" + (f", ngành {major}" if major else "")
    if e.on and _d(e.on) not in text:
        verb = _VERBS.get(e.kind, "hoàn thành" if e.counts else "bắt đầu")
        text += f" ({verb} {_d(e.on)})".replace("( ", "(")
    if not e.counts:
        text += " — chưa được tính là đáp ứng"
    return EvidenceLine(e.kind, e.label, e.on, e.counts, text)


def _record_sentence(
    s: RequirementStatus, rule: Rule | None, cadre: CadreFacts, subject: str, lines: Sequence[EvidenceLine]
) -> str:
    held = []
    fields = dict.fromkeys(c.field for c in (qualification_conditions(rule) if rule else []))
    for f in fields:
        if any(
            ln.kind == "qualification" and ln.label and f in FIELD_LABELS and ln.text.startswith(FIELD_LABELS[f])
            for ln in lines
        ):
            continue
        major = cadre.qualifications.get("education_major") if f == "education_level" else None
        value = level_label(f, cadre.qualifications.get(f)) or "chưa ghi"
        held.append(f"{FIELD_LABELS[f]}: {value}" + (f", ngành {major}" if major else ""))
    shown = [ln.text for ln in lines] + held
    if s.progress:  # an hour quota: what the year's completed courses add up to
        shown.append(f"đã học {s.progress[0]}/{s.progress[1]} tiết trong năm")
    if shown:
        return f"Hồ sơ của {subject} ghi: " + "; ".join(shown) + "."
    return f"Hồ sơ của {subject} chưa ghi nhận chứng chỉ, khóa học hay trình độ nào đáp ứng yêu cầu này."


def _gap_sentence(s: RequirementStatus, rule: Rule | None, subject: str, names: RuleSet) -> str:
    need = describe_rule(rule, names) if rule else s.title
    who = _cap(subject)
    if s.status.value in _EXEMPT:
        return f"{who} không phải đáp ứng yêu cầu này: {s.detail}."
    if s.status.value in _DONE:
        late = f" (đáp ứng sau hạn {_d(s.due_date)})" if "sau hạn" in s.detail and s.due_date else ""
        return f"{who} đã đáp ứng yêu cầu này{late}; không còn thiếu."
    if s.status.value in _RUNNING:
        if rule is not None and is_commitment_rule(rule):
            until = f" đến {_d(s.due_date)}" if s.due_date else ""
            return f"{who} đang trong thời gian cam kết phục vụ{until}; chưa hoàn thành nghĩa vụ này."
        due = f", hạn {_d(s.due_date)}" if s.due_date else ""
        return f"{who} chưa hoàn thành: {need}{due} (đang học khóa liên quan)."
    if s.status is Status.OVERDUE:
        return f"{who} còn thiếu: {need}; đã quá hạn từ {_d(s.due_date)}."
    if s.status is Status.MISSING:
        due = f", hạn {_d(s.due_date)}" if s.due_date else "; quy định không đặt thời hạn cho trường hợp này"
        return f"{who} còn thiếu: {need}{due}."
    return f"{who}: {s.status_label.lower()} — {s.detail}."


def _upcoming(
    rule: Rule, course_types: Sequence[str], catalog: Sequence[CatalogCourse], as_of: date
) -> list[CatalogCourse]:
    certs = set(certificate_types(rule))
    fits = [
        c
        for c in catalog
        if c.start_date
        and c.start_date >= as_of
        and ((certs and c.certificate_type in certs) or (not certs and c.course_type in course_types))
    ]
    return sorted(fits, key=lambda c: (c.start_date or as_of, c.code))[:2]


def _next_step(s: RequirementStatus, rule: Rule | None, labels: Sequence[str], courses: Sequence[CatalogCourse]) -> str:
    if s.status.value in _DONE | _EXEMPT:
        return "Không cần học thêm cho yêu cầu này."
    if rule is not None and is_commitment_rule(rule):
        return "Tiếp tục làm việc đến hết thời gian cam kết (xem quy định đã trích)."
    running = [e.label.removeprefix("Đang học: ") for e in s.evidence if e.kind == "enrollment" and not e.counts]
    if s.status.value in _RUNNING and running:
        return f"Hoàn thành khóa đang học ({'; '.join(dict.fromkeys(running))}) và bổ sung chứng chỉ/kết quả vào hồ sơ."
    kind = " hoặc ".join(f"«{lbl}»" for lbl in labels)
    if not kind and rule is not None and only_tenure(rule):
        return "Chờ đủ thời gian giữ chức danh, hạng theo quy định đã trích; không có khóa học thay thế điều kiện này."
    step = f"Đăng ký một khóa {kind}" if kind else "Liên hệ bộ phận tổ chức cán bộ để được cử đi học"
    if courses:
        step += "; khóa sắp mở trong danh mục: " + "; ".join(
            f"{c.name} ({c.code}, {_d(c.start_date)}" + (f"–{_d(c.end_date)})" if c.end_date else ")") for c in courses
        )
    return step + "."


def build_item(
    s: RequirementStatus,
    rule: Rule | None,
    cadre: CadreFacts,
    audience: Audience,
    names: RuleSet,
    catalog: Sequence[CatalogCourse],
    as_of: date,
) -> PersonalItem:
    subject = subject_of(cadre, audience)
    lines = tuple(evidence_line(e, cadre) for e in s.evidence)
    types = tuple(course_types_for(rule, catalog, names)) if rule else ()
    labels = tuple(course_type_label(t) for t in types)
    settled = s.status.value in _DONE | _EXEMPT
    courses = tuple(_upcoming(rule, types, catalog, as_of)) if rule and not settled else ()
    quotes = tuple(Quoted(b.label, b.quote, b.unit_id) for b in s.legal_basis)
    requirement = "Yêu cầu: " + (describe_rule(rule, names) if rule else s.title) + "."
    return PersonalItem(
        rule_id=s.rule_id,
        status=s.status.value,
        status_label=s.status_label,
        title=s.title,
        requirement=requirement,
        quotes=quotes,
        record=_record_sentence(s, rule, cadre, subject, lines),
        evidence=lines,
        gap=_gap_sentence(s, rule, subject, names),
        due_date=s.due_date,
        next_step=_next_step(s, rule, labels, courses),
        course_types=types,
        course_type_labels=labels,
        courses=courses,
        detail=s.detail,
        citation=s.citation,
        basis_notes=tuple(getattr(s, "basis_notes", ()) or ()),
    )


def coverage_note(
    cadre: CadreFacts, audience: Audience, applicable: Sequence[RequirementStatus], rules: RuleSet
) -> str | None:
    """The plain sentence for a person the rules do not cover (a commitment alone is not a training standard)."""
    by_id = {r.id: r for r in rules.rules}
    standards = [
        s
        for s in applicable
        if (r := by_id.get(s.rule_id)) is not None and not is_commitment_rule(r) and not is_promotion(r)
    ]
    if standards:
        return None
    owner = "anh/chị" if audience == "self" else f"cán bộ {cadre.full_name}"
    return f"Kho quy định chưa có tiêu chuẩn đào tạo, bồi dưỡng cho chức danh {cadre.post} của {owner}."


def _lead(subject: str, as_of: date, items: Sequence[PersonalItem], not_shown: int, asked: bool) -> str:
    head = f"Theo hồ sơ của {subject} (tính đến {_d(as_of)})"
    if not items and asked:
        return (
            head + ", không có yêu cầu đào tạo, bồi dưỡng nào trong kho quy định liên quan trực tiếp đến câu hỏi này."
        )
    if not items:
        return head + ", chưa có yêu cầu đào tạo, bồi dưỡng nào trong kho quy định áp dụng."
    counts: dict[str, int] = {}
    for i in items:
        counts[i.status_label.lower()] = counts.get(i.status_label.lower(), 0) + 1
    parts = ", ".join(f"{n} yêu cầu {label}" for label, n in counts.items())
    tail = f" ({not_shown} yêu cầu khác không liên quan đến câu hỏi)" if not_shown else ""
    return f"{head}: {parts}{tail}."


def build_view(
    cadre: CadreFacts,
    statuses: Sequence[RequirementStatus],
    rules: RuleSet,
    as_of: date,
    audience: Audience,
    *,
    question: str | None = None,
    quoted_unit_ids: Iterable[str] = (),
    catalog: Sequence[CatalogCourse] = (),
) -> PersonalView:
    applicable = [s for s in statuses if s.status is not Status.NOT_APPLICABLE]
    quoted = list(quoted_unit_ids)
    chosen = select_statuses(applicable, rules, question, quoted)
    widened = False
    if question is not None and not chosen:  # e.g. "which certificate?" for a title whose standard is a degree
        chosen = select_statuses(applicable, rules, question, quoted, ignore_what=True)
        widened = bool(chosen)
    chosen.sort(key=lambda s: SEVERITY.get(s.status.value, 2))
    by_id = {r.id: r for r in rules.rules}
    items = tuple(build_item(s, by_id.get(s.rule_id), cadre, audience, rules, catalog, as_of) for s in chosen)
    subject = subject_of(cadre, audience)
    note = coverage_note(cadre, audience, applicable, rules)
    not_shown = len(applicable) - len(chosen)
    lead = _lead(subject, as_of, items, not_shown, question is not None)
    if widened:
        lead += (
            f" Kho quy định không có yêu cầu nào khớp đúng câu hỏi cho chức danh {cadre.post}; "
            f"dưới đây là các tiêu chuẩn đào tạo, bồi dưỡng áp dụng cho {subject}."
        )
    return PersonalView(cadre.code, cadre.full_name, audience, subject, as_of, lead, note, items, not_shown)


def view_to_text(view: PersonalView) -> str:
    """The same content as plain text: the CLI's output."""
    return dict_to_text(view.to_dict())


def _iso(text: str | None) -> str:
    return f"{text[8:10]}/{text[5:7]}/{text[:4]}" if text and len(text) >= 10 else ""


def dict_to_text(view: dict[str, Any]) -> str:
    """Plain text of a view in its JSON form (as the API returns it)."""
    lines = [view["lead"]]
    if view.get("coverage_note"):
        lines.append(view["coverage_note"])
    for n, i in enumerate(view.get("items", []), 1):
        due = f" — hạn {_iso(i['due_date'])}" if i.get("due_date") and i["status"] != Status.MET else ""
        lines.append(f"{n}. [{i['status_label']}] {i['title']}{due}")
        lines.append(f"   {i['requirement']}")
        for q in i["quotes"]:
            lines.append(f"   Căn cứ {q['citation']}: «{q['quote']}»")
        for note in i.get("basis_notes") or ():
            lines.append(f"   Lưu ý: {note}")
        lines.append(f"   {i['record']}")
        lines.append(f"   {i['gap']}")
        lines.append(f"   Bước tiếp theo: {i['next_step']}")
    return "\n".join(lines)
