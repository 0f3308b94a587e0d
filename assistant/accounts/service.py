"""Users and their credentials: password login → opaque expiring token, service API keys, Telegram linking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.accounts.errors import Conflict, LinkCodeInvalid, NotAuthenticated, RateLimited
from assistant.accounts.models import (
    AccessToken,
    ApiKey,
    LinkAttempt,
    LinkCode,
    LoginFailure,
    Role,
    TelegramLink,
    User,
)
from assistant.accounts.principal import Principal
from assistant.accounts.scope import Scope
from assistant.accounts.secrets import (
    digest,
    hash_password,
    new_link_code,
    new_token,
    normalise_link_code,
    verify_password,
    verify_password_async,
)
from assistant.db.base import utcnow
from assistant.errors import InvalidInput, NotFound

MIN_PASSWORD = 8


class AuditTrail(Protocol):
    """Where account actions are recorded (assistant.audit.service.AuditLog); accounts does not import audit,
    which itself needs the Principal defined here."""

    def action(self, p: Principal, action: str, target: str = "", detail: dict[str, Any] | None = None) -> None: ...


@dataclass
class AuthPolicy:
    token_ttl: timedelta = timedelta(hours=12)
    link_code_ttl: timedelta = timedelta(hours=72)
    failures_per_telegram_user: int = 5  # failed link redemptions per Telegram id …
    telegram_user_window: timedelta = timedelta(minutes=15)  # … within this window
    failures_global: int = 50  # all failed redemptions together …
    global_window: timedelta = timedelta(minutes=1)  # … within this window


@dataclass(frozen=True)
class LoginThrottle:
    per_account: int = 5
    per_address: int = 20
    minutes: int = 15

    @property
    def window(self) -> timedelta:
        return timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class _Attempt:
    name: str
    key: str  # the user name folded, as failures are counted
    address: str
    password_hash: str | None
    user_id: int | None


@dataclass(frozen=True)
class ApiKeyInfo:
    name: str
    created_at: datetime
    revoked_at: datetime | None


DEMO_DISABLED = "Tài khoản mẫu (DỮ LIỆU MẪU) đã bị tắt trên hệ thống này (ASSISTANT_DEMO__ENABLED=false)."


def _locked_message(left: timedelta, who: str) -> str:
    minutes = max(1, int(left.total_seconds() + 59) // 60)
    return f"{who} đã đăng nhập sai quá nhiều lần; tạm khóa, vui lòng thử lại sau {minutes} phút."


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
    if len(password) > 256:
        raise InvalidInput("Mật khẩu dài quá 256 ký tự.")


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    role: Role
    full_name: str
    unit_code: str | None
    cadre_code: str | None
    demo: bool
    active: bool = True


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    user: UserInfo


@dataclass(frozen=True)
class IssuedLinkCode:
    code: str
    cadre_code: str
    expires_at: datetime


@dataclass(frozen=True)
class TelegramBinding:
    telegram_user_id: str
    cadre_code: str
    linked_at: datetime


def _info(u: User) -> UserInfo:
    return UserInfo(u.id, u.username, Role(u.role), u.full_name, u.unit_code, u.cadre_code, u.demo, u.active)


def _principal(u: User) -> Principal:
    return Principal(f"user:{u.username}", Role(u.role), u.id, u.unit_code, u.cadre_code)


class AccountService:
    def __init__(
        self,
        sessions: Callable[[], Session],
        scope: Scope,
        policy: AuthPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
        *,
        audit: AuditTrail | None = None,
        throttle: LoginThrottle | None = None,
        demo_enabled: bool = True,
    ) -> None:
        self._sessions = sessions
        self.scope = scope
        self.policy = policy or AuthPolicy()
        self.clock = clock
        self.audit = audit
        self.throttle = throttle or LoginThrottle()
        self.demo_enabled = demo_enabled

    # ------------------------------------------------------------------------------------------- users

    def create_user(
        self,
        username: str,
        password: str,
        role: Role | str,
        *,
        unit_code: str | None = None,
        cadre_code: str | None = None,
        full_name: str = "",
        demo: bool = False,
    ) -> UserInfo:
        role = self._role(role)
        username = username.strip()
        if not username or len(username) > 64:
            raise InvalidInput("Tên đăng nhập phải có từ 1 đến 64 ký tự.")
        _check_password(password)
        if demo and not self.demo_enabled:
            raise InvalidInput(DEMO_DISABLED)
        unit_code, cadre_code = self._check_binding(role, unit_code, cadre_code)
        user = User(
            username=username,
            password_hash=hash_password(password),
            role=role.value,
            full_name=full_name,
            unit_code=unit_code,
            cadre_code=cadre_code,
            demo=demo,
        )
        with self._sessions() as s, s.begin():
            if s.scalar(select(User.id).where(User.username == username)) is not None:
                raise Conflict(f"Tên đăng nhập '{username}' đã tồn tại.")
            s.add(user)
        return _info(user)

    def get_user(self, username: str) -> UserInfo | None:
        with self._sessions() as s:
            user = s.scalar(select(User).where(User.username == username.strip()))
            return _info(user) if user else None

    def list_users(self) -> list[UserInfo]:
        with self._sessions() as s:
            return [_info(u) for u in s.scalars(select(User).order_by(User.username))]

    def _role(self, role: Role | str) -> Role:
        try:
            return Role(role)
        except ValueError:
            raise InvalidInput(f"Vai trò '{role}' không hợp lệ; chọn cadre, hr hoặc admin.") from None

    def _check_binding(self, role: Role, unit: str | None, cadre: str | None) -> tuple[str | None, str | None]:
        """HR needs an existing unit, a cadre an existing cadre record; an admin needs neither."""
        if role is Role.HR:
            if not unit:
                raise InvalidInput("Tài khoản HR cần mã đơn vị (--unit).")
            self.scope.enrollment.units_under(unit)  # NotFound names the unit
            return unit, None
        if role is Role.CADRE:
            if not cadre:
                raise InvalidInput("Tài khoản cán bộ cần mã cán bộ (--cadre).")
            return None, self.scope.enrollment.get_cadre(cadre).code
        return None, None

    # ------------------------------------------------------------------------------------------- tokens

    # Login: throttle check (database) → Argon2 on the hashing threads → record the outcome (database).
    # The counts live in the database, so every API process and machine enforces the same limits.

    def login(self, username: str, password: str, address: str = "local") -> IssuedToken:
        attempt = self._login_check(username, address)
        return self._login_finish(attempt, verify_password(attempt.password_hash, password))

    async def login_async(self, username: str, password: str, address: str = "local") -> IssuedToken:
        """The API's login: no step blocks the event loop, and hashing never holds a request thread."""
        from anyio import to_thread

        attempt = await to_thread.run_sync(self._login_check, username, address)
        ok = await verify_password_async(attempt.password_hash, password)
        return await to_thread.run_sync(self._login_finish, attempt, ok)

    def _login_check(self, username: str, address: str) -> _Attempt:
        name, address = username.strip()[:64], (address or "unknown")[:64]
        key, now, rules = name.lower(), self.clock(), self.throttle
        since = now - rules.window
        with self._sessions() as s:
            mine = list(
                s.scalars(
                    select(LoginFailure.at)
                    .where(LoginFailure.username == key, LoginFailure.at > since)
                    .order_by(LoginFailure.at.desc())
                    .limit(rules.per_account)
                )
            )
            theirs = s.scalar(select(func.count()).where(LoginFailure.address == address, LoginFailure.at > since))
            user = s.scalar(select(User).where(User.username == name))
        if len(mine) >= rules.per_account:
            raise RateLimited(_locked_message(mine[0] + rules.window - now, "Tài khoản này"))
        if (theirs or 0) >= rules.per_address:
            raise RateLimited(_locked_message(rules.window, "Địa chỉ của anh/chị"))
        return _Attempt(name, key, address, user.password_hash if user else None, user.id if user else None)

    def _login_finish(self, attempt: _Attempt, ok: bool) -> IssuedToken:
        now = self.clock()
        with self._sessions() as s, s.begin():
            user = s.get(User, attempt.user_id) if attempt.user_id is not None and ok else None
            if user is None:
                s.add(LoginFailure(username=attempt.key, address=attempt.address, at=now))
                s.execute(delete(LoginFailure).where(LoginFailure.at < now - self.throttle.window))
                failed = True
            else:
                failed = False
        if failed:
            self._audit_lockout(attempt, now)
            raise NotAuthenticated("Tên đăng nhập hoặc mật khẩu không đúng.")
        assert user is not None
        if not user.active:
            raise NotAuthenticated("Tài khoản này đã bị vô hiệu hóa; vui lòng liên hệ quản trị viên.")
        if user.demo and not self.demo_enabled:
            raise NotAuthenticated(DEMO_DISABLED)
        with self._sessions() as s, s.begin():
            token = new_token("tk")
            expires = now + self.policy.token_ttl
            s.add(AccessToken(token_hash=digest(token), user_id=user.id, created_at=now, expires_at=expires))
            s.execute(delete(AccessToken).where(AccessToken.user_id == user.id, AccessToken.expires_at < now))
            s.execute(delete(LoginFailure).where(LoginFailure.username == attempt.key))
        return IssuedToken(token, expires, _info(user))

    def _audit_lockout(self, attempt: _Attempt, now: datetime) -> None:
        """One audit entry when an account or an address reaches its limit (not one per refused attempt)."""
        if self.audit is None:
            return
        since = now - self.throttle.window
        with self._sessions() as s:
            mine = s.scalar(select(func.count()).where(LoginFailure.username == attempt.key, LoginFailure.at > since))
            theirs = s.scalar(
                select(func.count()).where(LoginFailure.address == attempt.address, LoginFailure.at > since)
            )
        who = Principal(f"anonymous@{attempt.address}")
        detail = {"address": attempt.address, "failures": mine, "window_minutes": self.throttle.minutes}
        if mine == self.throttle.per_account:
            self.audit.action(who, "auth.lockout", attempt.key, detail)
        if theirs == self.throttle.per_address:
            self.audit.action(who, "auth.lockout_address", attempt.address, {**detail, "failures": theirs})

    def principal_for_token(self, token: str) -> Principal:
        with self._sessions() as s:
            row = s.execute(
                select(AccessToken, User)
                .join(User, User.id == AccessToken.user_id)
                .where(AccessToken.token_hash == digest(token))
            ).first()
            if row is None or row[0].revoked_at is not None or not row[1].active:
                raise NotAuthenticated("Phiên đăng nhập không hợp lệ; vui lòng đăng nhập lại.")
            if row[0].expires_at <= self.clock():
                raise NotAuthenticated("Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại.")
            if row[1].demo and not self.demo_enabled:
                raise NotAuthenticated(DEMO_DISABLED)
            return _principal(row[1])

    # ------------------------------------------------------------------------------------------- administration

    def require_demo_enabled(self) -> None:
        if not self.demo_enabled:
            raise InvalidInput(DEMO_DISABLED)

    def set_active(self, p: Principal, username: str, active: bool) -> UserInfo:
        """An admin disables (or re-enables) an account; a disabled account's sessions end at once."""
        self.scope.require_role(p, Role.ADMIN)
        with self._sessions() as s, s.begin():
            user = self._user(s, username)
            if not active and p.user_id == user.id:
                raise Conflict("Không thể tự vô hiệu hóa tài khoản mình đang dùng.")
            user.active = active
            if not active:
                self._revoke_sessions(s, user.id)
            info = _info(user)
        if self.audit is not None:
            self.audit.action(p, "user.enable" if active else "user.disable", info.username)
        return info

    def change_password(self, p: Principal, current: str, new: str, keep_token: str | None = None) -> None:
        """The signed-in user changes their own password (the current one is checked); other sessions end."""
        self.scope.require_role(p, Role.CADRE, Role.HR, Role.ADMIN)
        _check_password(new)
        with self._sessions() as s:
            user = s.get(User, p.user_id) if p.user_id is not None else None
            stored = user.password_hash if user is not None else None
        if user is None:
            raise NotAuthenticated("Chức năng này cần đăng nhập bằng tài khoản người dùng.")
        attempt = self._login_check(user.username, f"user:{user.id}")
        if not verify_password(stored, current):
            now = self.clock()
            with self._sessions() as s, s.begin():
                s.add(LoginFailure(username=attempt.key, address=attempt.address, at=now))
            self._audit_lockout(attempt, now)
            raise InvalidInput("Mật khẩu hiện tại không đúng.")
        self._set_password(user.id, new, keep=digest(keep_token) if keep_token else None)
        if self.audit is not None:
            self.audit.action(p, "user.password_change", user.username)

    def reset_password(self, p: Principal, username: str, new: str) -> None:
        """An admin sets a user's password; every session of that user ends at once."""
        self.scope.require_role(p, Role.ADMIN)
        _check_password(new)
        with self._sessions() as s:
            user_id = self._user(s, username).id
        self._set_password(user_id, new)
        if self.audit is not None:
            self.audit.action(p, "user.password_reset", username.strip())

    def _set_password(self, user_id: int, new: str, keep: str | None = None) -> None:
        hashed = hash_password(new)
        with self._sessions() as s, s.begin():
            user = s.get(User, user_id)
            assert user is not None
            user.password_hash = hashed
            self._revoke_sessions(s, user_id, keep)
            s.execute(delete(LoginFailure).where(LoginFailure.username == user.username.lower()))

    def _revoke_sessions(self, s: Session, user_id: int, keep: str | None = None) -> None:
        query = update(AccessToken).where(AccessToken.user_id == user_id, AccessToken.revoked_at.is_(None))
        if keep is not None:
            query = query.where(AccessToken.token_hash != keep)
        s.execute(query.values(revoked_at=self.clock()))

    @staticmethod
    def _user(s: Session, username: str) -> User:
        user = s.scalar(select(User).where(User.username == username.strip()))
        if user is None:
            raise NotFound(f"Không có tài khoản '{username.strip()[:64]}'.")
        return user

    def logout(self, token: str) -> None:
        with self._sessions() as s, s.begin():
            found = s.scalar(select(AccessToken).where(AccessToken.token_hash == digest(token)))
            if found is not None and found.revoked_at is None:
                found.revoked_at = self.clock()

    # ------------------------------------------------------------------------------------------- API keys

    def create_api_key(self, name: str) -> str:
        """A new key for a service; shown once, only its hash is stored."""
        name = name.strip()
        if not name or len(name) > 64:
            raise InvalidInput("Tên khóa API phải có từ 1 đến 64 ký tự.")
        key = new_token("ak")
        try:
            with self._sessions() as s, s.begin():
                s.add(ApiKey(name=name, key_hash=digest(key), created_at=self.clock()))
        except IntegrityError as e:
            raise Conflict(f"Đã có khóa API tên '{name}'.") from e
        return key

    def revoke_api_key(self, p: Principal, name: str) -> None:
        """An admin revokes a service's key; the next request with it is refused."""
        self.scope.require_role(p, Role.ADMIN)
        name = name.strip()
        with self._sessions() as s, s.begin():
            key = s.scalar(select(ApiKey).where(ApiKey.name == name))
            if key is None:
                raise NotFound(f"Không có khóa API tên '{name[:64]}'.")
            if key.revoked_at is not None:
                raise Conflict(f"Khóa API '{name}' đã bị thu hồi trước đó.")
            key.revoked_at = self.clock()
        if self.audit is not None:
            self.audit.action(p, "api_key.revoke", name)

    def list_api_keys(self, p: Principal) -> list[ApiKeyInfo]:
        self.scope.require_role(p, Role.ADMIN)
        with self._sessions() as s:
            return [
                ApiKeyInfo(k.name, k.created_at, k.revoked_at) for k in s.scalars(select(ApiKey).order_by(ApiKey.name))
            ]

    def principal_for_api_key(self, key: str, telegram_user_id: str | None = None) -> Principal:
        """The service itself, or — when it names a linked Telegram user — that user's cadre."""
        with self._sessions() as s:
            api_key = s.scalar(select(ApiKey).where(ApiKey.key_hash == digest(key)))
            if api_key is None or api_key.revoked_at is not None:
                raise NotAuthenticated("Khóa API không hợp lệ hoặc đã bị thu hồi.")
            if telegram_user_id is None:
                return Principal(f"bot:{api_key.name}", service=api_key.name)
            tg = _telegram_id(telegram_user_id)
            link = s.get(TelegramLink, tg)
            name = f"bot:{api_key.name}/tg:{tg}"
            if link is None:
                return Principal(name, service=api_key.name, telegram_user_id=tg)
            return Principal(name, Role.CADRE, cadre_code=link.cadre_code, service=api_key.name, telegram_user_id=tg)

    # ------------------------------------------------------------------------------------------- Telegram

    def issue_link_code(self, p: Principal, cadre_code: str) -> IssuedLinkCode:
        """HR (own scope) or admin creates a one-time code for a cadre; only its hash is stored."""
        self.scope.require_role(p, Role.HR, Role.ADMIN)
        self.scope.require_cadre(p, cadre_code)
        code = self.scope.enrollment.get_cadre(cadre_code).code
        raw = new_link_code()
        expires = self.clock() + self.policy.link_code_ttl
        with self._sessions() as s, s.begin():
            s.add(
                LinkCode(
                    code_hash=digest(normalise_link_code(raw)),
                    cadre_code=code,
                    issued_by=p.user_id,
                    created_at=self.clock(),
                    expires_at=expires,
                )
            )
        return IssuedLinkCode(raw, code, expires)

    def redeem_link_code(self, p: Principal, telegram_user_id: str, code: str) -> TelegramBinding:
        """The bot binds a Telegram user to the code's cadre; wrong, used and expired codes count as failures."""
        self.scope.require_service(p)
        tg = _telegram_id(telegram_user_id)
        self._check_rate(tg)
        now = self.clock()
        with self._sessions() as s, s.begin():
            found = s.scalar(select(LinkCode).where(LinkCode.code_hash == digest(normalise_link_code(code))))
            problem = _code_problem(found, now)
            if problem is None and found is not None and _claim(s, found.id, now, tg):
                s.merge(
                    TelegramLink(telegram_user_id=tg, cadre_code=found.cadre_code, linked_at=now, link_code_id=found.id)
                )
                return TelegramBinding(tg, found.cadre_code, now)
        self._record_failure(tg)
        raise LinkCodeInvalid(problem or "Mã liên kết này đã được sử dụng. Vui lòng xin mã mới từ bộ phận tổ chức.")

    def binding(self, telegram_user_id: str) -> TelegramBinding | None:
        with self._sessions() as s:
            link = s.get(TelegramLink, _telegram_id(telegram_user_id))
            return TelegramBinding(link.telegram_user_id, link.cadre_code, link.linked_at) if link else None

    def unlink(self, p: Principal, telegram_user_id: str) -> bool:
        """The bot (for its user) or an admin removes a binding; False when there was none (nothing changed)."""
        if p.role is not Role.ADMIN:
            self.scope.require_service(p)
        with self._sessions() as s, s.begin():
            result = s.execute(
                delete(TelegramLink).where(TelegramLink.telegram_user_id == _telegram_id(telegram_user_id))
            )
            return bool(getattr(result, "rowcount", 0))

    def _check_rate(self, tg: str) -> None:
        pol, now = self.policy, self.clock()
        with self._sessions() as s:
            mine = s.scalar(
                select(func.count()).where(
                    LinkAttempt.telegram_user_id == tg, LinkAttempt.at > now - pol.telegram_user_window
                )
            )
            everyone = s.scalar(select(func.count()).where(LinkAttempt.at > now - pol.global_window))
        if (mine or 0) >= pol.failures_per_telegram_user:
            minutes = int(pol.telegram_user_window.total_seconds() // 60)
            raise RateLimited(f"Anh/chị đã nhập sai mã liên kết quá nhiều lần; vui lòng thử lại sau {minutes} phút.")
        if (everyone or 0) >= pol.failures_global:
            raise RateLimited(
                "Hệ thống đang tạm ngừng nhận mã liên kết do có quá nhiều lần nhập sai; vui lòng thử lại sau ít phút."
            )

    def _record_failure(self, tg: str) -> None:
        with self._sessions() as s, s.begin():
            s.add(LinkAttempt(telegram_user_id=tg, at=self.clock()))


def _telegram_id(value: str | int) -> str:
    text = str(value).strip()
    if not text.lstrip("-").isdigit() or len(text) > 20:
        raise InvalidInput("Mã người dùng Telegram phải là một số nguyên.")
    return text


def _claim(s: Session, code_id: int, now: datetime, tg: str) -> bool:
    """Mark the code used only if nobody did in between: two simultaneous redemptions cannot both win."""
    claimed = s.execute(
        update(LinkCode)
        .where(LinkCode.id == code_id, LinkCode.used_at.is_(None))
        .values(used_at=now, used_by_telegram=tg)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def _code_problem(found: LinkCode | None, now: datetime) -> str | None:
    if found is None:
        return "Mã liên kết không đúng. Vui lòng kiểm tra lại mã do bộ phận tổ chức cung cấp."
    if found.used_at is not None:
        return "Mã liên kết này đã được sử dụng. Vui lòng xin mã mới từ bộ phận tổ chức."
    if found.expires_at <= now:
        return "Mã liên kết đã hết hạn. Vui lòng xin mã mới từ bộ phận tổ chức."
    return None
