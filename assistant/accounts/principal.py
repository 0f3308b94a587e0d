"""Who is calling: a signed-in user, a service acting for a linked Telegram user, or nobody."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.accounts.models import Role


@dataclass(frozen=True)
class Principal:
    name: str  # for logs: "user:hr_demo", "bot:telegram/tg:123", "anonymous"
    role: Role | None = None  # None: anonymous, or a service for an unlinked Telegram user
    user_id: int | None = None
    unit_code: str | None = None  # HR scope root
    cadre_code: str | None = None  # the cadre this principal is (cadre login or linked Telegram user)
    service: str | None = None  # API key name when a service calls
    telegram_user_id: str | None = None

    @property
    def authenticated(self) -> bool:
        return self.role is not None or self.service is not None


ANONYMOUS = Principal("anonymous")
