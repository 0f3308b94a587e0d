"""Plain-data views of domain results: one shape for the API, the CLI's --json and the bot."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from assistant.domain import DOC_STATUS_LABELS, DocStatus
from assistant.enrollment.engine import RequirementStatus
from assistant.enrollment.imports import ImportReport
from assistant.enrollment.reports import CadreStatusReport
from assistant.index.units import IndexUnit
from assistant.reporting.personal import PersonalView
from assistant.services.knowledge import SOURCES_SHOWN, TimedAnswer
from assistant.validity import DocumentValidity


@dataclass
class PersonalAnswer:
    """A question answered for a person (services.asking): the answer, and whose statuses it shows."""

    timed: TimedAnswer
    cadre_code: str | None = None
    statuses: list[dict[str, Any]] = field(default_factory=list)
    status_summary: str | None = None
    personal: dict[str, Any] | None = None  # the worded view: requirement, record, gap, next step per status


def status_to_dict(s: RequirementStatus) -> dict[str, Any]:
    """JSON-ready view of one requirement status; also the snapshot kept in the answer log."""
    data = asdict(s)
    data["status"] = s.status.value
    data["status_label"] = s.status_label
    out: dict[str, Any] = jsonable(data)
    return out


def jsonable(value: Any) -> Any:
    """Dates as ISO strings, tuples as lists, recursively: ready for JSON."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def answer_to_dict(timed: TimedAnswer) -> dict[str, Any]:
    a = timed.answer
    validity = timed.validity

    def badge(number: str) -> str | None:
        v = validity.get(number)
        return v.badge if v else None

    return {
        "question": a.question,
        "answer": a.text,
        "abstained": a.abstained,
        "confidence": a.confidence,
        "quotes": [{**asdict(q), "badge": badge(q.doc_number)} for q in a.quotes],
        "sources": [
            {
                "unit_id": h.unit.id,
                "citation": h.unit.citation,
                "score": round(h.score, 4),
                "status": validity[h.unit.doc_number].status_code if h.unit.doc_number in validity else h.unit.status,
                "warning": h.warning,
                "badge": badge(h.unit.doc_number),
            }
            for h in a.hits[:SOURCES_SHOWN]
        ],
        "validity": [v.to_dict() for v in validity.values()],
        "as_of": timed.as_of.isoformat(),
        "generation": a.generation,
        "trace_id": timed.trace_id,
        "latency_ms": round(timed.seconds * 1000, 1),
    }


def article_to_dict(unit: IndexUnit, notes: list[str], validity: DocumentValidity | None = None) -> dict[str, Any]:
    return {
        "unit_id": unit.id,
        "citation": unit.citation,
        "heading": unit.heading,
        "text": unit.text,
        "clauses": [{"number": c["number"], "text": c["text"]} for c in unit.clauses],
        "doc_number": unit.doc_number,
        "doc_name": unit.doc_name,
        "doc_title": unit.doc_title,
        "status": validity.status_code if validity else unit.status,  # on today's date, like the badge
        # the one badge of the document as of today (the same everywhere); the stored label when unknown
        "status_label": validity.badge if validity else DOC_STATUS_LABELS.get(DocStatus(unit.status), unit.status),
        "validity": validity.to_dict() if validity else None,
        "completeness": unit.completeness,
        "notes": notes,
    }


def status_report_to_dict(report: CadreStatusReport) -> dict[str, Any]:
    return {
        "cadre": jsonable(asdict(report.cadre)),
        "as_of": report.as_of.isoformat(),
        "statuses": [status_to_dict(s) for s in report.statuses],
        "enrollments": [jsonable(asdict(e)) for e in report.enrollments],
    }


def status_report_to_text(report: CadreStatusReport) -> str:
    """A cadre's requirements as a short Vietnamese listing, one line each with its legal basis."""
    c = report.cadre
    rank = f"hạng {c.title_rank}" if c.title_rank and f"hạng {c.title_rank}" not in (c.title_name or "") else None
    title = " ".join(x for x in (c.title_name, rank) if x)
    lines = [f"{c.full_name} ({c.code}) — {c.kind_label}, {title or 'chưa có chức danh'}, {c.unit_name}"]
    lines.append(f"Tình trạng đào tạo, bồi dưỡng tính đến {report.as_of:%d/%m/%Y}:")
    if not report.statuses:
        lines.append("  Không có yêu cầu nào trong bộ quy tắc áp dụng cho người này.")
    for s in report.statuses:
        due = f", hạn {s.due_date:%d/%m/%Y}" if s.due_date else ""
        lines.append(f"  [{s.status_label}] {s.title}{due} — căn cứ {s.citation}")
        if s.detail:
            lines.append(f"      {s.detail}")
    if report.enrollments:
        lines.append("Các khóa học:")
        for e in report.enrollments:
            lines.append(f"  {e.course_name} — {e.status_label}")
    return "\n".join(lines)


def personal_answer(result: PersonalAnswer) -> dict[str, Any]:
    """POST /ask's body: the answer's view plus the asker's (or named cadre's) relevant statuses."""
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


def import_report(report: ImportReport) -> dict[str, Any]:
    """An accepted spreadsheet import (a rejected one is an error with its row messages)."""
    return {
        **asdict(report),
        "ok": True,
        "summary": report.summary(),
        "errors": [],
        "warnings": report.warning_messages,
    }
