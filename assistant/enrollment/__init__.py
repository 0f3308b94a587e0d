"""Cadres, courses, enrollments and training requirements: the personal side of the assistant.

Layers, each usable alone: `models` (schema; migrations in `assistant.db`), `rules` (requirements as data, with
verbatim legal quotes), `engine` (pure status evaluation), `imports` / `exports` (spreadsheets), `demo` (synthetic
province) and `service` (the facade the API, CLI and bot call).
"""

from assistant.enrollment.engine import CadreRecord, Evidence, LegalRef, RequirementStatus, Status, evaluate
from assistant.enrollment.imports import ImportReport, RowError
from assistant.enrollment.reports import CadreStatusReport, CadreSummary, EnrollmentSummary, UnitSummary
from assistant.enrollment.rules import Rule, RuleSet, check_rule_citations, load_rules
from assistant.enrollment.service import EnrollmentService, render_status_summary

__all__ = [
    "CadreRecord",
    "CadreStatusReport",
    "CadreSummary",
    "EnrollmentService",
    "EnrollmentSummary",
    "Evidence",
    "ImportReport",
    "LegalRef",
    "RequirementStatus",
    "RowError",
    "Rule",
    "RuleSet",
    "Status",
    "UnitSummary",
    "check_rule_citations",
    "evaluate",
    "load_rules",
    "render_status_summary",
]
