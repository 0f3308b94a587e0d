"""The audit trail: every answer with what it showed, every administrator change, and feedback on answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.accounts.principal import Principal
from assistant.audit.models import AdminAction, AnswerLog, Feedback
from assistant.errors import NotFound

MAX_COMMENT = 2000


@dataclass(frozen=True)
class LoggedAnswer:
    trace_id: str
    at: datetime
    question: str
    asker: str
    generation: str
    abstained: bool
    confidence: float
    cadre_code: str | None
    cited_unit_ids: list[str]
    statuses: list[dict[str, Any]]


@dataclass(frozen=True)
class LoggedAction:
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]


class AuditLog:
    def __init__(self, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    def answer(
        self,
        p: Principal,
        *,
        trace_id: str,
        question: str,
        generation: str,
        abstained: bool,
        confidence: float,
        cited_unit_ids: Sequence[str],
        cadre_code: str | None = None,
        statuses: Sequence[dict[str, Any]] = (),
    ) -> None:
        with self._sessions() as s, s.begin():
            s.add(
                AnswerLog(
                    trace_id=trace_id,
                    question=question,
                    asker=p.name,
                    user_id=p.user_id,
                    telegram_user_id=p.telegram_user_id,
                    cadre_code=cadre_code,
                    generation=generation,
                    abstained=abstained,
                    confidence=confidence,
                    cited_unit_ids=list(cited_unit_ids),
                    statuses=list(statuses),
                )
            )

    def action(self, p: Principal, action: str, target: str = "", detail: dict[str, Any] | None = None) -> None:
        with self._sessions() as s, s.begin():
            s.add(AdminAction(actor=p.name, user_id=p.user_id, action=action, target=target, detail=detail or {}))

    def feedback(self, p: Principal, trace_id: str, helpful: bool, comment: str = "") -> None:
        with self._sessions() as s, s.begin():
            if s.scalar(select(AnswerLog.id).where(AnswerLog.trace_id == trace_id)) is None:
                raise NotFound(f"Không tìm thấy câu trả lời có mã {trace_id[:32]!r} để ghi nhận phản hồi.")
            s.add(Feedback(trace_id=trace_id, helpful=helpful, comment=comment[:MAX_COMMENT], asker=p.name))

    def get_answer(self, trace_id: str) -> LoggedAnswer:
        with self._sessions() as s:
            row = s.scalar(select(AnswerLog).where(AnswerLog.trace_id == trace_id))
            if row is None:
                raise NotFound(f"Không tìm thấy câu trả lời có mã {trace_id[:32]!r}.")
            return _answer(row)

    def unanswered(self, limit: int = 100) -> list[LoggedAnswer]:
        """Questions the assistant abstained on, newest first: what the corpus is missing."""
        with self._sessions() as s:
            rows = s.scalars(
                select(AnswerLog).where(AnswerLog.abstained.is_(True)).order_by(AnswerLog.id.desc()).limit(limit)
            )
            return [_answer(r) for r in rows]

    def actions(self, limit: int = 100) -> list[LoggedAction]:
        with self._sessions() as s:
            rows = s.scalars(select(AdminAction).order_by(AdminAction.id.desc()).limit(limit))
            return [LoggedAction(r.at, r.actor, r.action, r.target, r.detail) for r in rows]


def _answer(r: AnswerLog) -> LoggedAnswer:
    return LoggedAnswer(
        r.trace_id,
        r.at,
        r.question,
        r.asker,
        r.generation,
        r.abstained,
        r.confidence,
        r.cadre_code,
        list(r.cited_unit_ids),
        list(r.statuses),
    )
