"""Plain-data views of personal records for the API (the knowledge answer's view is in assistant.presenters)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from assistant.asking import PersonalAnswer, _jsonable, status_to_dict
from assistant.enrollment.service import CadreStatusReport, render_status_summary
from assistant.presenters import answer_to_dict


def personal_answer(result: PersonalAnswer) -> dict[str, Any]:
    return {
        **answer_to_dict(result.timed),
        "cadre_code": result.cadre_code,
        "statuses": result.statuses,
        "status_summary": result.status_summary,
    }


def cadre_status(report: CadreStatusReport) -> dict[str, Any]:
    return {
        "cadre": asdict(report.cadre),
        "as_of": report.as_of,
        "statuses": [status_to_dict(s) for s in report.statuses],
        "enrollments": [_jsonable(asdict(e)) for e in report.enrollments],
        "summary": render_status_summary(report.statuses),
    }
