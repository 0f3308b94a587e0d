"""Cadre and unit records read through the caller's scope, the rule set, and spreadsheet imports (administrators).

Cadre: only themselves; HR: their unit and its sub-units; administrators: everything.
"""

from __future__ import annotations

from typing import Any

from assistant.accounts.models import Role
from assistant.accounts.principal import Principal
from assistant.accounts.scope import Scope
from assistant.audit.service import AuditLog
from assistant.enrollment.errors import ImportRejected
from assistant.enrollment.imports import ImportReport
from assistant.enrollment.reports import CadreSummary, UnitSummary
from assistant.enrollment.service import EnrollmentService
from assistant.errors import InvalidInput

MAX_IMPORT_BYTES = 10 * 1024 * 1024


class Records:
    def __init__(self, enrollment: EnrollmentService, scope: Scope, audit: AuditLog) -> None:
        self.enrollment = enrollment
        self.scope = scope
        self.audit = audit

    def list_cadres(self, p: Principal, unit: str | None = None, include_subunits: bool = True) -> list[CadreSummary]:
        """The cadres of a unit (by default the HR caller's own), with its sub-units unless told otherwise."""
        self.scope.require_role(p, Role.HR, Role.ADMIN)
        unit = unit or p.unit_code
        if not unit:
            raise InvalidInput("Hãy chọn đơn vị (tham số 'unit').")
        self.scope.require_unit(p, unit)
        return self.enrollment.list_cadres(unit, include_subunits)

    def units(self, p: Principal, code: str) -> list[UnitSummary]:
        self.scope.require_unit(p, code)
        return self.enrollment.units_under(code)

    def cadre(self, p: Principal, code: str) -> CadreSummary:
        self.scope.require_cadre(p, code)
        return self.enrollment.get_cadre(code)

    def rules(self, p: Principal) -> dict[str, Any]:
        self.scope.require_role(p, Role.CADRE, Role.HR, Role.ADMIN)
        return self.enrollment.rules.model_dump(mode="json")

    def unit_report(self, p: Principal, code: str, fmt: str) -> bytes:
        self.scope.require_unit(p, code)
        return self.enrollment.export_unit_report(code, fmt)

    def import_file(self, p: Principal, data: bytes, filename: str, kind: str | None = None) -> ImportReport:
        """All rows or nothing; the attempt is audited either way. A rejected file raises ImportRejected."""
        self.scope.require_role(p, Role.ADMIN)
        if len(data) > MAX_IMPORT_BYTES:
            raise InvalidInput("Tệp quá lớn (tối đa 10 MB).")
        report = self.enrollment.import_file(data, filename or "tep", kind)
        self.audit.action(p, "import", filename, {"summary": report.summary(), "ok": report.ok})
        if not report.ok:
            raise ImportRejected(report.summary(), detail=report.messages[:200])
        return report
