"""Users, bearer tokens, service API keys and Telegram links. Secrets are stored only as hashes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db.base import Base, utcnow


class Role(StrEnum):
    CADRE = "cadre"  # own records only
    HR = "hr"  # cadres of their unit and its sub-units
    ADMIN = "admin"  # everything, documents and index


class User(Base):
    __tablename__ = "api_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(255), default="")
    unit_code: Mapped[str | None] = mapped_column(String(64))  # HR: the unit whose subtree they manage
    cadre_code: Mapped[str | None] = mapped_column(  # cadre: their own record
        ForeignKey("enr_cadres.code", ondelete="SET NULL", onupdate="CASCADE")
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccessToken(Base):
    """An opaque bearer / cookie token; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("api_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ApiKey(Base):
    """A key for a service (the Telegram bot); it may act on behalf of linked Telegram users."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class LinkCode(Base):
    """A one-time code HR hands to a cadre, who sends it to the bot to link their Telegram account."""

    __tablename__ = "api_link_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    cadre_code: Mapped[str] = mapped_column(
        ForeignKey("enr_cadres.code", ondelete="CASCADE", onupdate="CASCADE"), index=True
    )
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("api_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_telegram: Mapped[str | None] = mapped_column(String(32))


class TelegramLink(Base):
    __tablename__ = "api_telegram_links"

    telegram_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cadre_code: Mapped[str] = mapped_column(
        ForeignKey("enr_cadres.code", ondelete="CASCADE", onupdate="CASCADE"), index=True
    )
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    link_code_id: Mapped[int | None] = mapped_column(ForeignKey("api_link_codes.id", ondelete="SET NULL"))


class LinkAttempt(Base):
    """Failed redemptions, counted per Telegram id and globally to stop code guessing."""

    __tablename__ = "api_link_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[str] = mapped_column(String(32), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LoginFailure(Base):
    """A failed password login, kept for the throttle window: counted per account and per address, in the database
    so every API process (and machine) sees the same counts."""

    __tablename__ = "api_login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)  # as typed, folded to lower case
    address: Mapped[str] = mapped_column(String(64), index=True)  # the client's IP address
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
