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
from assistant.db.base import utcnow
from assistant.errors import NotFound, PermissionDenied

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


@dataclass(frozen=True)
class RatedAnswer:
    """One person's vote on one answer, with the answer it rates."""

    at: datetime
    helpful: bool
    comment: str
    rated_by: str
    answer: LoggedAnswer


def answered_to(answer: AnswerLog, p: Principal) -> bool:
    """Was this answer given to `p`? By Telegram user, else by account, else by caller name (anonymous, a bot)."""
    if answer.telegram_user_id or p.telegram_user_id:
        return answer.telegram_user_id == p.telegram_user_id and answer.asker.split("/")[0] == p.name.split("/")[0]
    if answer.user_id is not None or p.user_id is not None:
        return answer.user_id == p.user_id
    return answer.asker == p.name


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

    def feedback(self, p: Principal, trace_id: str, helpful: bool, comment: str = "") -> bool:
        """One vote per answer and person: a second vote (or a comment added later) changes the same record.

        Only the person the answer was given to may rate it. Returns True when an earlier vote was changed.
        """
        with self._sessions() as s, s.begin():
            answer = s.scalar(select(AnswerLog).where(AnswerLog.trace_id == trace_id))
            if answer is None:
                raise NotFound(f"Không tìm thấy câu trả lời có mã {trace_id[:32]!r} để ghi nhận phản hồi.")
            if not answered_to(answer, p):
                raise PermissionDenied("Chỉ người đã nhận câu trả lời này mới góp ý được cho nó.")
            rows = list(
                s.scalars(
                    select(Feedback)
                    .where(Feedback.trace_id == trace_id, Feedback.asker == p.name)
                    .order_by(Feedback.id)
                    .with_for_update()
                )
            )
            if not rows:
                s.add(Feedback(trace_id=trace_id, helpful=helpful, comment=comment[:MAX_COMMENT], asker=p.name))
                return False
            row, extra = rows[0], rows[1:]
            for duplicate in extra:  # left by a concurrent double tap: the vote is one record
                s.delete(duplicate)
            row.helpful = helpful
            row.at = utcnow()
            if comment or helpful:  # a 👍 clears an earlier complaint; a 👎 without words keeps it
                row.comment = comment[:MAX_COMMENT]
            return True

    def own_answer(self, p: Principal, trace_id: str) -> LoggedAnswer:
        """An answer as logged, for the person it was given to (a bot button resolves its quotes this way)."""
        with self._sessions() as s:
            row = s.scalar(select(AnswerLog).where(AnswerLog.trace_id == trace_id))
            if row is None or not answered_to(row, p):
                raise NotFound(f"Không tìm thấy câu trả lời có mã {trace_id[:32]!r}.")
            return _answer(row)

    def feedback_list(self, limit: int = 100, helpful: bool | None = None) -> list[RatedAnswer]:
        """Feedback, newest first, each with the question and what the answer cited."""
        with self._sessions() as s:
            q = select(Feedback, AnswerLog).join(AnswerLog, AnswerLog.trace_id == Feedback.trace_id)
            if helpful is not None:
                q = q.where(Feedback.helpful.is_(helpful))
            rows = s.execute(q.order_by(Feedback.at.desc(), Feedback.id.desc()).limit(limit)).all()
            return [RatedAnswer(f.at, f.helpful, f.comment, f.asker, _answer(a)) for f, a in rows]

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
