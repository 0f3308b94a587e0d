"""Plain-data views of personal records for the API (the knowledge answer's view is in assistant.presenters)."""

from __future__ import annotations

from typing import Any

from assistant.asking import PersonalAnswer
from assistant.enrollment.service import CadreStatusReport
from assistant.presenters import answer_to_dict, status_report_to_dict
from assistant.reporting.personal import PersonalView


def personal_answer(result: PersonalAnswer) -> dict[str, Any]:
    return {
        **answer_to_dict(result.timed),
        "cadre_code": result.cadre_code,
        "statuses": result.statuses,
        "status_summary": result.status_summary,
        "personal": result.personal,
    }


def cadre_status(report: CadreStatusReport, personal: PersonalView) -> dict[str, Any]:
    """The engine's statuses plus the worded view; the summary names the reader ("anh/chị" or "cán bộ …")."""
    summary = " ".join(x for x in (personal.lead, personal.coverage_note) if x)
    return {**status_report_to_dict(report), "summary": summary, "personal": personal.to_dict()}
