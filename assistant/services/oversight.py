"""What administrators read to oversee the assistant: the questions it refused, any logged answer, the action log."""

from __future__ import annotations

from assistant.accounts.models import Role
from assistant.accounts.principal import Principal
from assistant.accounts.scope import Scope
from assistant.audit.service import AuditLog, LoggedAction, LoggedAnswer


class Oversight:
    def __init__(self, scope: Scope, audit: AuditLog) -> None:
        self.scope = scope
        self.audit = audit

    def unanswered(self, p: Principal, limit: int = 100) -> list[LoggedAnswer]:
        """Questions the assistant abstained on, newest first: what the corpus lacks."""
        self.scope.require_role(p, Role.ADMIN)
        return self.audit.unanswered(limit)

    def answer(self, p: Principal, trace_id: str) -> LoggedAnswer:
        """One logged answer with the statuses it showed."""
        self.scope.require_role(p, Role.ADMIN)
        return self.audit.get_answer(trace_id)

    def actions(self, p: Principal, limit: int = 100) -> list[LoggedAction]:
        self.scope.require_role(p, Role.ADMIN)
        return self.audit.actions(limit)
