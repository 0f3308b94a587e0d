"""Use cases: a cadre's personal status view, and HR's planning reports for the units in their scope.

Every method takes the caller's Principal, checks scope (cadre: self; HR: their unit and the units below; admin:
all) and records what was asked in the audit trail. Routes, CLI commands and bot handlers call one method each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.accounts.models import Role
from assistant.accounts.principal import Principal
from assistant.accounts.scope import Scope
from assistant.audit.service import AuditLog
from assistant.enrollment.engine import evaluate
from assistant.enrollment.models import Cadre, Course
from assistant.enrollment.repository import UnitTree, cadres_in_units, find_cadre, to_record
from assistant.enrollment.rules import RuleSet
from assistant.errors import InvalidInput
from assistant.reporting import plans, tables
from assistant.reporting.areas import CatalogCourse
from assistant.reporting.personal import Audience, CadreFacts, PersonalView, build_view

KIND_LABELS = {"can_bo": "Cán bộ", "cong_chuc": "Công chức", "vien_chuc": "Viên chức"}
REPORT_KINDS = ("plan", "levels", "overlaps", "completed", "succession")
MAX_PERIOD_DAYS = 366 * 5


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def of(cls, start: date | None, end: date | None, year: int | None, today: date) -> Period:
        """An explicit range, or a calendar year (the current one by default)."""
        if start or end:
            if not (start and end):
                raise InvalidInput("Cần cả ngày bắt đầu (from) và ngày kết thúc (to) của kỳ báo cáo.")
            if end < start:
                raise InvalidInput("Ngày kết thúc kỳ báo cáo không được trước ngày bắt đầu.")
            if (end - start).days > MAX_PERIOD_DAYS:
                raise InvalidInput("Kỳ báo cáo dài tối đa 5 năm.")
            return cls(start, end)
        y = year or today.year
        if not 1990 <= y <= 2100:
            raise InvalidInput("Năm của kỳ báo cáo không hợp lệ (1990–2100).")
        return cls(date(y, 1, 1), date(y, 12, 31))


@dataclass(frozen=True)
class ReportView:
    """A report as the web page shows it and the exports hold it: titled tables."""

    kind: str
    unit_code: str
    unit_name: str
    title: str
    sheets: list[tables.Sheet]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "title": self.title,
            "sheets": [s.to_dict() for s in self.sheets],
        }


@dataclass(frozen=True)
class ScopeUnit:
    code: str
    name: str
    level: str
    depth: int


@dataclass(frozen=True)
class Export:
    filename: str
    media_type: str
    data: bytes


def _post(cadre: Cadre) -> str:
    rank = (
        f"hạng {cadre.title_rank}"
        if cadre.title_rank and f"hạng {cadre.title_rank}" not in (cadre.title_name or "")
        else ""
    )
    title = " ".join(x for x in (cadre.title_name, rank) if x)
    return ", ".join(x for x in (cadre.position, title) if x) or KIND_LABELS[cadre.kind.value]


def facts(cadre: Cadre) -> CadreFacts:
    return CadreFacts(
        cadre.code,
        cadre.full_name,
        KIND_LABELS[cadre.kind.value],
        cadre.title_name,
        cadre.title_rank,
        cadre.position,
        {
            "education_level": cadre.education_level,
            "education_major": cadre.education_major,
            "political_theory": cadre.political_theory,
            "state_management": cadre.state_management,
            "foreign_language": cadre.foreign_language,
            "it_skill": cadre.it_skill,
        },
    )


class ReportService:
    def __init__(
        self,
        sessions: Callable[[], Session],
        rules: Callable[[], RuleSet],
        scope: Scope,
        audit: AuditLog,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._sessions = sessions
        self._rules = rules
        self.scope = scope
        self.audit = audit
        self._today = today

    @property
    def rules(self) -> RuleSet:
        return self._rules()

    def today(self) -> date:
        return self._today()

    # ------------------------------------------------------------------------------------------- personal

    def audience(self, p: Principal, cadre_code: str) -> Audience:
        """'self' when cadres read about themselves; otherwise HR/admin reading about someone."""
        return "self" if p.role is Role.CADRE and p.cadre_code == cadre_code.strip() else "hr"

    def personal_view(
        self,
        p: Principal,
        cadre_code: str,
        *,
        question: str | None = None,
        quoted_unit_ids: Iterable[str] = (),
        as_of: date | None = None,
        audited: bool = True,
    ) -> PersonalView:
        """The requirements bearing on `question` (all of them without one), each with its clause, the record's
        evidence, the gap and the next step — worded for whoever asks. `audited=False` for callers that log the
        view themselves (an answer is logged with the statuses it showed)."""
        self.scope.require_cadre(p, cadre_code)
        if audited:
            self.audit.action(p, "cadre.status.view", cadre_code.strip(), {"question": bool(question)})
        as_of = as_of or self._today()
        rules = self.rules
        with self._sessions() as s:
            tree = UnitTree.load(s)
            cadre = find_cadre(s, cadre_code)
            statuses = evaluate(to_record(cadre, tree), as_of, rules)
            catalog = self._catalog(s)
            return build_view(
                facts(cadre),
                statuses,
                rules,
                as_of,
                self.audience(p, cadre_code),
                question=question,
                quoted_unit_ids=quoted_unit_ids,
                catalog=catalog,
            )

    # ------------------------------------------------------------------------------------------- reports

    def training_plan(
        self, p: Principal, unit_code: str, period: Period, as_of: date | None = None
    ) -> plans.TrainingPlan:
        as_of = as_of or self._today()
        people, catalog = self._people(p, unit_code, as_of, "plan", period)
        return plans.training_plan(people, self.rules, catalog, period.start, period.end, as_of)

    def level_gaps(self, p: Principal, unit_code: str, as_of: date | None = None) -> plans.LevelReport:
        as_of = as_of or self._today()
        people, _ = self._people(p, unit_code, as_of, "levels")
        return plans.level_gaps(people, self.rules)

    def overlaps(self, p: Principal, unit_code: str, as_of: date | None = None) -> list[plans.Overlap]:
        people, _ = self._people(p, unit_code, as_of or self._today(), "overlaps")
        return plans.overlaps(people, self.rules)

    def completed(self, p: Principal, unit_code: str, period: Period) -> plans.CompletedCounts:
        people, catalog = self._people(p, unit_code, self._today(), "completed", period, evaluate_rules=False)
        with self._sessions() as s:
            abroad = {c.code for c in s.scalars(select(Course)) if c.abroad}
        return plans.completed_counts(people, period.start, period.end, abroad)

    def succession(self, p: Principal, unit_code: str, as_of: date | None = None) -> plans.SuccessionReport:
        people, _ = self._people(p, unit_code, as_of or self._today(), "succession")
        return plans.succession(people, self.rules)

    def report(self, p: Principal, kind: str, unit_code: str, period: Period, as_of: date | None = None) -> Any:
        """One report by name (plan, levels, overlaps, completed, succession) — for the web page and exports."""
        if kind == "plan":
            return self.training_plan(p, unit_code, period, as_of)
        if kind == "levels":
            return self.level_gaps(p, unit_code, as_of)
        if kind == "overlaps":
            return self.overlaps(p, unit_code, as_of)
        if kind == "completed":
            return self.completed(p, unit_code, period)
        if kind == "succession":
            return self.succession(p, unit_code, as_of)
        raise InvalidInput(f"Không có báo cáo '{kind}'; chọn một trong: {', '.join(REPORT_KINDS)}.")

    def units(self, p: Principal) -> list[ScopeUnit]:
        """The units the caller may report on: HR their unit and those below it; admin every unit."""
        self.scope.require_role(p, Role.HR, Role.ADMIN)
        with self._sessions() as s:
            tree = UnitTree.load(s)
            if p.role is Role.HR:
                roots = [tree.get(p.unit_code)] if p.unit_code and p.unit_code in tree.by_code else []
            else:
                roots = sorted(tree.children.get(None, []), key=lambda u: u.code)
            out = []
            for root in roots:
                base = len(tree.path(root.id))
                out += [
                    ScopeUnit(u.code, u.name, u.level.value, len(tree.path(u.id)) - base)
                    for u in tree.subtree(root.code)
                ]
            return out

    def view(self, p: Principal, kind: str, unit_code: str, period: Period, as_of: date | None = None) -> ReportView:
        report = self.report(p, kind, unit_code, period, as_of)
        return self._view(kind, unit_code, report)

    def _view(self, kind: str, unit_code: str, report: Any) -> ReportView:
        with self._sessions() as s:
            unit = UnitTree.load(s).get(unit_code.strip())
        label = f"{unit.name} ({unit.code})"
        return ReportView(
            kind, unit.code, unit.name, f"{tables.TITLES[kind]} — {label}", tables.sheets(kind, report, label)
        )

    def export(
        self, p: Principal, kind: str, unit_code: str, period: Period, fmt: str, as_of: date | None = None
    ) -> Export:
        if fmt not in tables.MEDIA_TYPES:
            raise InvalidInput(f"Định dạng '{fmt}' không hỗ trợ; chọn csv hoặc xlsx.")
        view = self._view(kind, unit_code, self.report(p, kind, unit_code, period, as_of))
        sheets = view.sheets
        data = tables.to_csv(sheets) if fmt == "csv" else tables.to_xlsx(sheets)
        self.audit.action(p, f"report.export.{kind}", unit_code, {"format": fmt})
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in unit_code)
        return Export(f"{tables.FILE_STEMS[kind]}-{safe}.{fmt}", tables.MEDIA_TYPES[fmt], data)

    # ------------------------------------------------------------------------------------------- internals

    @staticmethod
    def _catalog(s: Session) -> list[CatalogCourse]:
        return [
            CatalogCourse(c.code, c.name, c.course_type.value, c.certificate_type, c.start_date, c.end_date)
            for c in s.scalars(select(Course).order_by(Course.code))
        ]

    def _people(
        self,
        p: Principal,
        unit_code: str,
        as_of: date,
        kind: str,
        period: Period | None = None,
        *,
        evaluate_rules: bool = True,
    ) -> tuple[list[plans.Person], list[CatalogCourse]]:
        unit_code = (unit_code or "").strip()
        if not unit_code:
            raise InvalidInput("Hãy chọn đơn vị.")
        self.scope.require_unit(p, unit_code)  # HR: only their unit and the units below; admin: all
        rules = self.rules
        with self._sessions() as s:
            tree = UnitTree.load(s)
            units = tree.subtree(unit_code)
            people = []
            for c in cadres_in_units(s, [u.id for u in units]):
                record = to_record(c, tree)
                statuses = tuple(evaluate(record, as_of, rules)) if evaluate_rules else ()
                people.append(
                    plans.Person(
                        record,
                        c.unit.code,
                        c.unit.name,
                        KIND_LABELS[c.kind.value],
                        _post(c),
                        statuses,
                        c.succession_pool.value if c.succession_pool else None,
                        c.succession_target,
                    )
                )
            catalog = self._catalog(s)
        detail: dict[str, Any] = {"as_of": as_of.isoformat(), "people": len(people)}
        if period:
            detail |= {"from": period.start.isoformat(), "to": period.end.isoformat()}
        self.audit.action(p, f"report.{kind}", unit_code, detail)
        return people, catalog


def personal_coverage(
    reports: ReportService, p: Principal, unit_code: str, question: str, as_of: date | None = None
) -> dict[str, Any]:
    """Ask `question` as every cadre of the unit would (audience 'self') and count what the answers contain.

    covered: a training standard of the rules applies to them; complete: the answer lists at least one requirement
    and every one listed names its clause (quoted, cited), the record's evidence, the gap and the next step;
    with_gap: at least one item still missing or overdue, with its deadline (or the rule's lack of one) and the
    course type to take. Uncovered people must get the plain "Kho quy định chưa có …" sentence.
    """
    reports.scope.require_unit(p, unit_code)
    with reports._sessions() as s:
        tree = UnitTree.load(s)
        codes = [c.code for c in cadres_in_units(s, [u.id for u in tree.subtree(unit_code)])]
    counts = {"cadres": len(codes), "covered": 0, "complete": 0, "with_gap": 0, "uncovered": 0, "uncovered_told": 0}
    incomplete: list[str] = []
    for code in codes:
        me = Principal(f"measure:{code}", role=Role.CADRE, cadre_code=code)
        view = reports.personal_view(me, code, question=question, as_of=as_of, audited=False)
        if view.coverage_note:
            counts["uncovered"] += 1
            counts["uncovered_told"] += view.coverage_note.startswith(
                "Kho quy định chưa có tiêu chuẩn đào tạo, bồi dưỡng"
            )
            continue
        counts["covered"] += 1
        if view.items and len(view.complete_items) == len(view.items):
            counts["complete"] += 1
        else:
            incomplete.append(code)
        if any(i.status in ("missing", "overdue") and i.course_type_labels for i in view.items):
            counts["with_gap"] += 1
    share = counts["complete"] / counts["covered"] if counts["covered"] else 0.0
    return {**counts, "complete_share": round(share, 4), "incomplete": incomplete[:50], "question": question}
