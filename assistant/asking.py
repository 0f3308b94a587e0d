"""A question answered for a person: the regulation's words, plus — for a known cadre — their own standing.

The answer comes from KnowledgeService. When the asker is a cadre (signed in, or a Telegram user the bot
names and who is linked), or HR/admin names a cadre of their scope, the cadre's requirement statuses that
bear on the answer's hits are added. Every answer is logged with exactly what was shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from assistant.accounts.models import Role
from assistant.accounts.principal import Principal
from assistant.accounts.scope import Scope
from assistant.audit.service import AuditLog, LoggedAnswer, RatedAnswer
from assistant.enrollment.engine import RequirementStatus
from assistant.enrollment.service import EnrollmentService, render_status_summary
from assistant.errors import NotFound
from assistant.knowledge import KnowledgeService, TimedAnswer


@dataclass
class PersonalAnswer:
    timed: TimedAnswer
    cadre_code: str | None = None
    statuses: list[dict[str, Any]] = field(default_factory=list)
    status_summary: str | None = None


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


class AskService:
    def __init__(
        self, knowledge: KnowledgeService, enrollment: EnrollmentService, scope: Scope, audit: AuditLog
    ) -> None:
        self.knowledge = knowledge
        self.enrollment = enrollment
        self.scope = scope
        self.audit = audit

    def ask(
        self, p: Principal, question: str, documents: Sequence[str] | None = None, cadre_code: str | None = None
    ) -> PersonalAnswer:
        target = self._target(p, cadre_code)  # refuse before answering: nothing is logged for a forbidden ask
        timed = self.knowledge.ask(question, documents=documents)
        result = PersonalAnswer(timed, target)
        if target is not None:
            self._add_statuses(result, target, question)
        a = timed.answer
        self.audit.answer(
            p,
            trace_id=timed.trace_id,
            question=a.question,
            generation=a.generation,
            abstained=a.abstained,
            confidence=a.confidence,
            cited_unit_ids=[q.unit_id for q in a.quotes],
            cadre_code=target,
            statuses=result.statuses,
        )
        return result

    def feedback(self, p: Principal, trace_id: str, helpful: bool, comment: str = "") -> bool:
        """Rate one's own answer; a second vote changes the first. True when an earlier vote was changed."""
        return self.audit.feedback(p, trace_id, helpful, comment)

    def own_answer(self, p: Principal, trace_id: str) -> LoggedAnswer:
        """An answer given to `p` (its cited units), e.g. for a Telegram button pressed after a bot restart."""
        return self.audit.own_answer(p, trace_id)

    def feedback_list(self, p: Principal, limit: int = 100, helpful: bool | None = None) -> list[RatedAnswer]:
        """Administrators read what users thought of answers, each with the answer it rates."""
        self.scope.require_role(p, Role.ADMIN)
        return self.audit.feedback_list(limit, helpful)

    def _target(self, p: Principal, cadre_code: str | None) -> str | None:
        """Whose statuses to show: the named cadre (checked against scope) or the asking cadre themselves."""
        if cadre_code:
            self.scope.require_cadre(p, cadre_code)  # a cadre: only themselves; HR: their subtree
            return cadre_code.strip()
        return p.cadre_code if p.role is Role.CADRE else None

    def _add_statuses(self, result: PersonalAnswer, code: str, question: str) -> None:
        hits = [h.unit.id for h in result.timed.answer.hits]
        try:
            statuses = self.enrollment.relevant_statuses(code, hits, question)
        except NotFound:  # a linked cadre whose record has since been removed: answer without statuses
            result.status_summary = "Không tìm thấy hồ sơ đào tạo của anh/chị; vui lòng liên hệ bộ phận tổ chức."
            return
        result.statuses = [status_to_dict(s) for s in statuses]
        result.status_summary = render_status_summary(statuses) if statuses else None
