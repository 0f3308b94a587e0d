"""Users and their credentials: password login → opaque expiring token, service API keys, Telegram linking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.accounts.errors import Conflict, LinkCodeInvalid, NotAuthenticated, RateLimited
from assistant.accounts.models import AccessToken, ApiKey, LinkAttempt, LinkCode, Role, TelegramLink, User
from assistant.accounts.principal import Principal
from assistant.accounts.scope import Scope
from assistant.accounts.secrets import (
    digest,
    hash_password,
    new_link_code,
    new_token,
    normalise_link_code,
    verify_password,
)
from assistant.db.base import utcnow
from assistant.errors import InvalidInput, NotFound

MIN_PASSWORD = 8


@dataclass
class AuthPolicy:
    token_ttl: timedelta = timedelta(hours=12)
    link_code_ttl: timedelta = timedelta(hours=72)
    failures_per_telegram_user: int = 5  # failed link redemptions per Telegram id …
    telegram_user_window: timedelta = timedelta(minutes=15)  # … within this window
    failures_global: int = 50  # all failed redemptions together …
    global_window: timedelta = timedelta(minutes=1)  # … within this window


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    role: Role
    full_name: str
    unit_code: str | None
    cadre_code: str | None
    demo: bool


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
    return UserInfo(u.id, u.username, Role(u.role), u.full_name, u.unit_code, u.cadre_code, u.demo)


def _principal(u: User) -> Principal:
    return Principal(f"user:{u.username}", Role(u.role), u.id, u.unit_code, u.cadre_code)


class AccountService:
    def __init__(
        self,
        sessions: Callable[[], Session],
        scope: Scope,
        policy: AuthPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._sessions = sessions
        self.scope = scope
        self.policy = policy or AuthPolicy()
        self.clock = clock

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
        if len(password) < MIN_PASSWORD:
            raise InvalidInput(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
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

    def login(self, username: str, password: str) -> IssuedToken:
        with self._sessions() as s, s.begin():
            user = s.scalar(select(User).where(User.username == username.strip()))
            ok = verify_password(user.password_hash if user else None, password)
            if user is None or not ok or not user.active:
                raise NotAuthenticated("Tên đăng nhập hoặc mật khẩu không đúng.")
            token = new_token("tk")
            expires = self.clock() + self.policy.token_ttl
            s.add(AccessToken(token_hash=digest(token), user_id=user.id, created_at=self.clock(), expires_at=expires))
            s.execute(delete(AccessToken).where(AccessToken.user_id == user.id, AccessToken.expires_at < self.clock()))
            return IssuedToken(token, expires, _info(user))

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
            return _principal(row[1])

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

    def revoke_api_key(self, name: str) -> None:
        with self._sessions() as s, s.begin():
            key = s.scalar(select(ApiKey).where(ApiKey.name == name))
            if key is None:
                raise NotFound(f"Không có khóa API tên '{name}'.")
            key.revoked_at = self.clock()

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
