"""The facade the API, CLI and bot call: cadre look-ups, requirement status, imports and unit reports."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy.orm import Session

from assistant.enrollment import exports
from assistant.enrollment.engine import (
    STATUS_LABELS,
    BasisJudge,
    CadreRecord,
    RequirementStatus,
    Status,
    cadre_title_code,
    evaluate,
)
from assistant.enrollment.imports import SCHEMAS, ImportReport, import_bytes, template_headers
from assistant.enrollment.models import Cadre
from assistant.enrollment.reports import (
    CadreStatusReport,
    CadreSummary,
    EnrollmentSummary,
    UnitSummary,
    cadre_summary,
    enrollment_summary,
)
from assistant.enrollment.repository import UnitTree, cadres_in_units, find_cadre, to_record
from assistant.enrollment.rules import RuleSet, article_prefix
from assistant.errors import InvalidInput
from assistant.text import fold_accents

# Questions about one's own standing in general ("tôi còn thiếu gì?") concern every applicable requirement.
_GENERAL_INTENTS = (
    "con thieu",
    "thieu gi",
    "da du",
    "du chuan",
    "dat chuan",
    "cua toi",
    "cua em",
    "ho so cua",
    "tinh trang",
    "can hoc gi",
    "phai hoc gi",
    "nghia vu dao tao",
)


class EnrollmentService:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        rules: RuleSet,
        *,
        today: Callable[[], date] = date.today,
        judge: BasisJudge | None = None,
    ) -> None:
        self._sessions = session_factory
        self.rules = rules
        self._today = today
        self.judge = judge  # whether each rule's cited clauses are in the corpus and in force on the date

    def load_demo(self, as_of: date | None = None) -> ImportReport:
        """Load the synthetic demo province dated relative to `as_of` (today by default), idempotent for one date —
        DỮ LIỆU MẪU, không phải người thật."""
        from assistant.enrollment.demo import load_demo

        with self._sessions() as session:
            return load_demo(session, as_of=as_of or self._today())

    # ------------------------------------------------------------------------------------------- people

    def get_cadre(self, code: str) -> CadreSummary:
        with self._sessions() as session:
            tree = UnitTree.load(session)
            return cadre_summary(find_cadre(session, code), tree)

    def cadre_status(self, code: str, as_of: date | None = None) -> CadreStatusReport:
        as_of = as_of or self._today()
        with self._sessions() as session:
            tree = UnitTree.load(session)
            return self._report(find_cadre(session, code), tree, as_of)

    def list_cadres(self, unit_code: str, include_subunits: bool = True) -> list[CadreSummary]:
        with self._sessions() as session:
            tree = UnitTree.load(session)
            units = tree.subtree(unit_code) if include_subunits else [tree.get(unit_code)]
            return [cadre_summary(c, tree) for c in cadres_in_units(session, [u.id for u in units])]

    def units_under(self, unit_code: str) -> list[UnitSummary]:
        with self._sessions() as session:
            tree = UnitTree.load(session)
            base = len(tree.path(tree.get(unit_code).id))
            return [
                UnitSummary(
                    u.code,
                    u.name,
                    u.level.value,
                    tree.by_id[u.parent_id].code if u.parent_id else None,
                    len(tree.path(u.id)) - base,
                )
                for u in tree.subtree(unit_code)
            ]

    # ------------------------------------------------------------------------------------------- files

    def import_file(self, data: bytes, filename: str, kind: str | None = None) -> ImportReport:
        with self._sessions() as session:
            return import_bytes(session, data, filename, kind, vocabulary=self.rules)

    def import_template(self, kind: str) -> bytes:
        """Blank XLSX with the Vietnamese headers the importer expects for `kind` (see imports.SCHEMAS)."""
        if kind not in SCHEMAS:
            raise InvalidInput(f"Loại tệp '{kind}' không có; chọn một trong: {', '.join(SCHEMAS)}.")
        return exports.import_template(kind, template_headers(kind))

    def unit_report(self, unit_code: str, as_of: date | None = None) -> list[CadreStatusReport]:
        as_of = as_of or self._today()
        with self._sessions() as session:
            tree = UnitTree.load(session)
            cadres = cadres_in_units(session, [u.id for u in tree.subtree(unit_code)])
            return [self._report(c, tree, as_of) for c in cadres]

    def export_unit_report(self, unit_code: str, fmt: str = "xlsx", as_of: date | None = None) -> bytes:
        as_of = as_of or self._today()
        if fmt not in exports.FORMATS:
            raise InvalidInput(f"Định dạng báo cáo '{fmt}' không hỗ trợ; chọn csv hoặc xlsx.")
        with self._sessions() as session:
            unit_name = UnitTree.load(session).get(unit_code).name
        reports = self.unit_report(unit_code, as_of)
        return exports.FORMATS[fmt](reports, f"{unit_name} ({unit_code})", as_of)

    # ------------------------------------------------------------------------------------------- answers

    def relevant_statuses(
        self, code: str, retrieved_unit_ids: Sequence[str], question: str, as_of: date | None = None
    ) -> list[RequirementStatus]:
        """The cadre's statuses that bear on a question: same cited article as a retrieved passage, or a topic word."""
        statuses = self.cadre_status(code, as_of).statuses
        return select_relevant(statuses, self.rules, retrieved_unit_ids, question)

    @staticmethod
    def render_status_summary(statuses: Sequence[RequirementStatus]) -> str:
        return render_status_summary(statuses)

    # ------------------------------------------------------------------------------------------- internals

    def _report(self, cadre: Cadre, tree: UnitTree, as_of: date) -> CadreStatusReport:
        record = to_record(cadre, tree)
        statuses = evaluate(record, as_of, self.rules, judge=self.judge)
        promotion = evaluate(record, as_of, self.rules, purposes=("promotion",), judge=self.judge)
        enrollments = sorted(
            (enrollment_summary(e) for e in cadre.enrollments), key=lambda e: (e.start_date or date.min, e.course_code)
        )
        return CadreStatusReport(
            cadre_summary(cadre, tree),
            as_of,
            statuses,
            enrollments,
            title_standard_known=title_has_standard(record, self.rules),
            promotion=promotion,
        )


def title_has_standard(record: CadreRecord, rules: RuleSet) -> bool:
    """Whether some standard rule names the person's title (by code, or by name when the code is absent)."""
    code = cadre_title_code(record, rules)
    return bool(code) and rules.has_standard_for(code)


def _contains_phrase(folded_text: str, folded_phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(folded_phrase)}(?![a-z0-9])", folded_text) is not None


def select_relevant(
    statuses: Sequence[RequirementStatus], rules: RuleSet, retrieved_unit_ids: Sequence[str], question: str
) -> list[RequirementStatus]:
    """Pure core of `relevant_statuses`: article-level id match, topic keywords, or a question about oneself."""
    retrieved = {article_prefix(u) for u in retrieved_unit_ids}
    folded_q = " ".join(fold_accents(question).split())
    if any(_contains_phrase(folded_q, phrase) for phrase in _GENERAL_INTENTS):
        return list(statuses)
    topics = {r.id: r.folded_topics for r in rules.rules}
    out = []
    for s in statuses:
        if {article_prefix(u) for u in s.unit_ids} & retrieved or any(
            _contains_phrase(folded_q, t) for t in topics.get(s.rule_id, [])
        ):
            out.append(s)
    return out


_GROUPS = [
    (Status.MET, "đã đáp ứng"),
    (Status.IN_PROGRESS, "đang thực hiện"),
    (Status.MISSING, "còn thiếu"),
    (Status.OVERDUE, "quá hạn"),
]


def _item(s: RequirementStatus) -> str:
    title = s.title[:1].lower() + s.title[1:]
    due = f", hạn {s.due_date:%d/%m/%Y}" if s.due_date and s.status is not Status.MET else ""
    first = s.legal_basis[0].label if s.legal_basis else s.citation
    return f"{title}{due} (căn cứ {first})"


def render_status_summary(statuses: Sequence[RequirementStatus]) -> str:
    """'Theo hồ sơ của anh/chị: đã đáp ứng …; còn thiếu … (căn cứ …).' — short, one sentence per group."""
    applicable = [s for s in statuses if s.status is not Status.NOT_APPLICABLE]
    if not applicable:
        return (
            "Theo hồ sơ của anh/chị, chưa có yêu cầu đào tạo, bồi dưỡng nào trong bộ quy tắc "
            "áp dụng cho trường hợp này."
        )
    parts = []
    for status, label in _GROUPS:
        items = [_item(s) for s in applicable if s.status is status]
        if items:
            parts.append(f"{label}: " + "; ".join(items))
    return "Theo hồ sơ của anh/chị: " + ". ".join(parts) + "."


__all__ = [
    "CadreStatusReport",
    "CadreSummary",
    "EnrollmentService",
    "EnrollmentSummary",
    "STATUS_LABELS",
    "UnitSummary",
    "render_status_summary",
    "select_relevant",
]
