"""Request dependencies: the services, and who is calling (bearer token, session cookie or service API key)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from assistant.accounts.errors import NotAuthenticated
from assistant.accounts.principal import ANONYMOUS, Principal
from assistant.errors import DatabaseNotConfigured
from assistant.services import PersonalServices, Services

SESSION_COOKIE = "assistant_session"
TELEGRAM_HEADER = "X-Telegram-User-Id"

bearer = HTTPBearer(auto_error=False, description="Mã phiên nhận được từ POST /api/v1/auth/login.")
session_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="Cookie phiên (HttpOnly) đặt khi đăng nhập."
)
api_key = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description=(
        f"Khóa API của dịch vụ (bot Telegram). Kèm header {TELEGRAM_HEADER} để hành động thay người dùng đã liên kết."
    ),
)


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def get_personal(services: Annotated[Services, Depends(get_services)]) -> PersonalServices:
    if services.personal is None:
        raise DatabaseNotConfigured("Cơ sở dữ liệu người dùng chưa được cấu hình.")
    return services.personal


def get_principal(
    request: Request,
    personal: Annotated[PersonalServices, Depends(get_personal)],
    token: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    cookie: Annotated[str | None, Depends(session_cookie)],
    key: Annotated[str | None, Depends(api_key)],
) -> Principal:
    """Anonymous when no credentials are sent; wrong credentials are refused, never silently ignored."""
    principal = ANONYMOUS
    if cookie and not key:  # every credential sent must be valid: a bad one is refused even beside a good one
        principal = personal.accounts.principal_for_token(cookie)
    if token:
        principal = personal.accounts.principal_for_token(token.credentials)
    if key:
        if token and token.credentials:
            raise NotAuthenticated("Hãy gửi một loại thông tin xác thực: khóa API hoặc mã phiên, không cả hai.")
        principal = personal.accounts.principal_for_api_key(key, request.headers.get(TELEGRAM_HEADER))
    return principal


Personal = Annotated[PersonalServices, Depends(get_personal)]
Caller = Annotated[Principal, Depends(get_principal)]


def ask_rate_limit(request: Request, personal: Personal, caller: Caller) -> None:
    """One shared budget per caller (user, service/Telegram user, or client address) across all API processes."""
    if personal.limits.enabled:
        who = caller.name if caller.authenticated else f"ip:{request.client.host if request.client else '?'}"
        personal.limits.hit(f"ask:{who}")
