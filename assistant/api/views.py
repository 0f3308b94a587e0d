"""Plain-data views of personal records for the API (the knowledge answer's view is in assistant.presenters)."""

from __future__ import annotations

from typing import Any

from assistant.asking import PersonalAnswer
from assistant.enrollment.service import CadreStatusReport, render_status_summary
from assistant.presenters import answer_to_dict, status_report_to_dict


def personal_answer(result: PersonalAnswer) -> dict[str, Any]:
    return {
        **answer_to_dict(result.timed),
        "cadre_code": result.cadre_code,
        "statuses": result.statuses,
        "status_summary": result.status_summary,
    }


def cadre_status(report: CadreStatusReport) -> dict[str, Any]:
    return {**status_report_to_dict(report), "summary": render_status_summary(report.statuses)}
