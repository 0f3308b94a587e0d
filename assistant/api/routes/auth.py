"""Sign-in (bearer token and HttpOnly cookie), the caller's identity, and account administration."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from assistant.api.deps import SESSION_COOKIE, Caller, Personal
from assistant.api.schemas import (
    ApiKeyInfoOut,
    ApiKeyOut,
    CreateApiKeyRequest,
    CreateUserRequest,
    LoginRequest,
    MeOut,
    OkOut,
    PasswordChange,
    PasswordReset,
    TokenOut,
    UserOut,
    errors,
)

router = APIRouter(tags=["auth"])


@router.post(
    "/auth/login",
    summary="Đăng nhập bằng mật khẩu",
    description=(
        "Trả về mã phiên (bearer, dùng trong header `Authorization: Bearer …`) và đồng thời đặt cookie phiên "
        "HttpOnly, SameSite=Strict. Mã phiên là chuỗi ngẫu nhiên, hệ thống chỉ lưu bản băm, hết hạn sau 12 giờ."
    ),
    response_model=TokenOut,
    responses=errors(401, 422, 429, 503),
)
async def login(req: LoginRequest, request: Request, response: Response, personal: Personal) -> dict[str, Any]:
    address = request.client.host if request.client else "unknown"
    issued = await personal.accounts.login_async(req.username, req.password, address)
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        expires=issued.expires_at,
        httponly=True,
        samesite="strict",
        secure=request.app.state.secure_cookies,
        path="/",
    )
    return {"access_token": issued.token, "expires_at": issued.expires_at, "user": asdict(issued.user)}


@router.post("/auth/logout", summary="Đăng xuất (thu hồi mã phiên)", response_model=OkOut, responses=errors(401))
def logout(request: Request, response: Response, personal: Personal, caller: Caller) -> OkOut:
    auth = request.headers.get("authorization", "")
    token = auth[7:].strip() if auth.lower().startswith("bearer ") else request.cookies.get(SESSION_COOKIE, "")
    personal.access.logout(caller, token)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return OkOut(message="Đã đăng xuất.")


@router.get(
    "/auth/me",
    summary="Người đang gọi",
    description="Vai trò, đơn vị, mã cán bộ; với bot kèm `X-Telegram-User-Id`: người dùng Telegram đã liên kết với ai.",
    response_model=MeOut,
)
def me(caller: Caller) -> dict[str, Any]:
    return {**asdict(caller), "role": caller.role.value if caller.role else None}


@router.post(
    "/admin/users",
    summary="Tạo tài khoản (quản trị)",
    description="HR cần `unit_code` (phạm vi: đơn vị và đơn vị trực thuộc); cán bộ cần `cadre_code`.",
    response_model=UserOut,
    status_code=201,
    responses=errors(401, 403, 404, 409, 422),
)
def create_user(req: CreateUserRequest, personal: Personal, caller: Caller) -> dict[str, Any]:
    user = personal.access.create_user(
        caller,
        req.username,
        req.password,
        req.role,
        unit_code=req.unit_code,
        cadre_code=req.cadre_code,
        full_name=req.full_name,
    )
    return asdict(user)


@router.get(
    "/admin/users", summary="Danh sách tài khoản (quản trị)", response_model=list[UserOut], responses=errors(401, 403)
)
def list_users(personal: Personal, caller: Caller) -> list[dict[str, Any]]:
    return [asdict(u) for u in personal.access.list_users(caller)]


@router.post(
    "/admin/api-keys",
    summary="Tạo khóa API cho dịch vụ (quản trị)",
    description="Khóa chỉ hiển thị một lần. Bot Telegram dùng khóa này trong header `X-API-Key`.",
    response_model=ApiKeyOut,
    status_code=201,
    responses=errors(401, 403, 409, 422),
)
def create_api_key(req: CreateApiKeyRequest, personal: Personal, caller: Caller) -> ApiKeyOut:
    key = personal.access.create_api_key(caller, req.name)
    return ApiKeyOut(name=req.name, api_key=key)


Username = Annotated[str, Path(min_length=1, max_length=64, examples=["nguyen_van_a"])]


def _token(request: Request) -> str:
    auth = request.headers.get("authorization", "")
    return auth[7:].strip() if auth.lower().startswith("bearer ") else request.cookies.get(SESSION_COOKIE, "")


@router.post(
    "/auth/password",
    summary="Đổi mật khẩu của chính mình",
    description="Cần mật khẩu hiện tại. Các phiên đăng nhập khác của tài khoản kết thúc ngay; phiên này giữ nguyên.",
    response_model=OkOut,
    responses=errors(400, 401, 403, 422, 429),
)
def change_password(req: PasswordChange, request: Request, personal: Personal, caller: Caller) -> OkOut:
    personal.accounts.change_password(caller, req.current_password, req.new_password, keep_token=_token(request))
    return OkOut(message="Đã đổi mật khẩu; các phiên đăng nhập khác đã kết thúc.")


@router.post(
    "/admin/users/{username}/disable",
    summary="Vô hiệu hóa tài khoản (quản trị)",
    description="Có hiệu lực ngay: mọi phiên của tài khoản kết thúc, không đăng nhập lại được.",
    response_model=UserOut,
    responses=errors(401, 403, 404, 409),
)
def disable_user(username: Username, personal: Personal, caller: Caller) -> dict[str, Any]:
    return asdict(personal.accounts.set_active(caller, username, False))


@router.post(
    "/admin/users/{username}/enable",
    summary="Kích hoạt lại tài khoản (quản trị)",
    response_model=UserOut,
    responses=errors(401, 403, 404),
)
def enable_user(username: Username, personal: Personal, caller: Caller) -> dict[str, Any]:
    return asdict(personal.accounts.set_active(caller, username, True))


@router.post(
    "/admin/users/{username}/password",
    summary="Đặt lại mật khẩu cho tài khoản (quản trị)",
    description="Mọi phiên đăng nhập của tài khoản kết thúc ngay.",
    response_model=OkOut,
    responses=errors(400, 401, 403, 404, 422),
)
def reset_password(username: Username, req: PasswordReset, personal: Personal, caller: Caller) -> OkOut:
    personal.accounts.reset_password(caller, username, req.new_password)
    return OkOut(message=f"Đã đặt lại mật khẩu cho {username}; mọi phiên của tài khoản đã kết thúc.")


@router.get(
    "/admin/api-keys",
    summary="Các khóa API của dịch vụ (quản trị)",
    response_model=list[ApiKeyInfoOut],
    responses=errors(401, 403),
)
def list_api_keys(personal: Personal, caller: Caller) -> list[dict[str, Any]]:
    return [asdict(k) for k in personal.accounts.list_api_keys(caller)]


@router.delete(
    "/admin/api-keys/{name}",
    summary="Thu hồi khóa API (quản trị)",
    description="Có hiệu lực ngay: yêu cầu tiếp theo dùng khóa này bị từ chối (401).",
    response_model=OkOut,
    responses=errors(401, 403, 404, 409),
)
def revoke_api_key(
    name: Annotated[str, Path(min_length=1, max_length=64, examples=["bot-cu-da-bo"])],
    personal: Personal,
    caller: Caller,
) -> OkOut:
    personal.accounts.revoke_api_key(caller, name)
    return OkOut(message=f"Đã thu hồi khóa API '{name}'.")
