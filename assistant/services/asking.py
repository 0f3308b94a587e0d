"""A question answered for a person: the regulation's words, plus — for a known cadre — their own standing.

The answer comes from KnowledgeService. When the asker is a cadre (signed in, or a Telegram user the bot
names and who is linked), or HR/admin names a cadre of their scope, the cadre's requirement statuses that
bear on the answer's hits are added. Every answer is logged with exactly what was shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from assistant.accounts.models import Role
from assistant.accounts.principal import Principal
from assistant.accounts.scope import Scope
from assistant.audit.service import AuditLog, LoggedAnswer, RatedAnswer
from assistant.enrollment.service import EnrollmentService
from assistant.errors import NotFound
from assistant.services.knowledge import KnowledgeService
from assistant.services.reports import ReportService
from assistant.services.views import PersonalAnswer, status_to_dict


class AskService:
    def __init__(
        self,
        knowledge: KnowledgeService,
        enrollment: EnrollmentService,
        scope: Scope,
        audit: AuditLog,
        reports: ReportService,
    ) -> None:
        self.knowledge = knowledge
        self.enrollment = enrollment
        self.scope = scope
        self.audit = audit
        self.reports = reports

    def ask(
        self,
        p: Principal,
        question: str,
        documents: Sequence[str] | None = None,
        cadre_code: str | None = None,
        as_of: date | None = None,
    ) -> PersonalAnswer:
        target = self._target(p, cadre_code)  # refuse before answering: nothing is logged for a forbidden ask
        timed = self.knowledge.ask(question, documents=documents, as_of=as_of)
        result = PersonalAnswer(timed, target)
        if target is not None:
            self._add_statuses(result, p, target, question)
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

    def _add_statuses(self, result: PersonalAnswer, p: Principal, code: str, question: str) -> None:
        """The statuses bearing on the question and on the clauses quoted, worded for the asker."""
        quoted = [q.unit_id for q in result.timed.answer.quotes]
        try:
            view = self.reports.personal_view(p, code, question=question, quoted_unit_ids=quoted, audited=False)
        except NotFound:  # a linked cadre whose record has since been removed: answer without statuses
            result.status_summary = "Không tìm thấy hồ sơ đào tạo của anh/chị; vui lòng liên hệ bộ phận tổ chức."
            return
        shown = {i.rule_id for i in view.items}
        statuses = [s for s in self.enrollment.cadre_status(code, view.as_of).statuses if s.rule_id in shown]
        result.statuses = [status_to_dict(s) for s in statuses]
        result.personal = view.to_dict()
        result.status_summary = " ".join(x for x in (view.lead, view.coverage_note) if x)
