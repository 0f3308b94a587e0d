"""Who may use the assistant: accounts, service API keys and Telegram link codes — each action checked and audited.

Signing in and resolving a caller's credentials stay in `assistant.accounts` (they run before any principal
exists); everything done BY a principal goes through here.
"""

from __future__ import annotations

from assistant.accounts.models import Role
from assistant.accounts.principal import Principal
from assistant.accounts.scope import Scope
from assistant.accounts.service import AccountService, IssuedLinkCode, UserInfo
from assistant.audit.service import AuditLog


class Access:
    def __init__(self, accounts: AccountService, scope: Scope, audit: AuditLog) -> None:
        self.accounts = accounts
        self.scope = scope
        self.audit = audit

    def logout(self, p: Principal, token: str) -> None:
        self.scope.require_role(p, Role.CADRE, Role.HR, Role.ADMIN)
        self.accounts.logout(token)

    def create_user(
        self,
        p: Principal,
        username: str,
        password: str,
        role: Role | str,
        *,
        unit_code: str | None = None,
        cadre_code: str | None = None,
        full_name: str = "",
    ) -> UserInfo:
        """HR is bound to an existing unit (its subtree is their scope), a cadre to an existing cadre record."""
        self.scope.require_role(p, Role.ADMIN)
        user = self.accounts.create_user(
            username, password, role, unit_code=unit_code, cadre_code=cadre_code, full_name=full_name
        )
        detail = {"role": user.role.value, "unit": user.unit_code, "cadre": user.cadre_code}
        self.audit.action(p, "user.create", user.username, detail)
        return user

    def list_users(self, p: Principal) -> list[UserInfo]:
        self.scope.require_role(p, Role.ADMIN)
        return self.accounts.list_users()

    def create_api_key(self, p: Principal, name: str) -> str:
        """A new key for a service (the Telegram bot); shown once."""
        self.scope.require_role(p, Role.ADMIN)
        key = self.accounts.create_api_key(name)
        self.audit.action(p, "api_key.create", name.strip())
        return key

    def issue_link_code(self, p: Principal, cadre_code: str) -> IssuedLinkCode:
        """HR (own scope) or admin gives a cadre a one-time code to link their Telegram account."""
        issued = self.accounts.issue_link_code(p, cadre_code)  # checks role and scope before anything is stored
        self.audit.action(p, "telegram.issue_code", issued.cadre_code, {"expires_at": issued.expires_at.isoformat()})
        return issued
