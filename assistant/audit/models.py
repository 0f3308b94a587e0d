"""What was answered to whom, what administrators changed, and what users thought of answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db.base import Base, utcnow


class AnswerLog(Base):
    __tablename__ = "api_answer_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trace_id: Mapped[str] = mapped_column(String(32), unique=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    question: Mapped[str] = mapped_column(Text)
    asker: Mapped[str] = mapped_column(String(128))  # "anonymous", "user:<name>", "bot:<key>/tg:<id>"
    user_id: Mapped[int | None] = mapped_column(Integer)
    telegram_user_id: Mapped[str | None] = mapped_column(String(32))
    cadre_code: Mapped[str | None] = mapped_column(String(64))  # whose statuses were shown
    generation: Mapped[str] = mapped_column(String(64), default="")
    abstained: Mapped[bool] = mapped_column(Boolean, index=True)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    cited_unit_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    statuses: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # snapshot as shown


class AdminAction(Base):
    __tablename__ = "api_admin_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(255), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Feedback(Base):
    __tablename__ = "api_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trace_id: Mapped[str] = mapped_column(String(32), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    asker: Mapped[str] = mapped_column(String(128))
