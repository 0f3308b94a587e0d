"""Linking a Telegram account to a cadre: HR issues a one-time code, the bot redeems it for the user."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Path

from assistant.api.deps import Caller, Personal
from assistant.api.schemas import BindingOut, LinkCodeOut, LinkCodeRequest, RedeemRequest, UnlinkOut, errors

router = APIRouter(tags=["telegram"])


@router.post(
    "/telegram/link-codes",
    summary="Cấp mã liên kết Telegram cho một cán bộ (HR, quản trị)",
    description=(
        "Mã dùng một lần, hết hạn sau 72 giờ, chỉ cấp cho cán bộ thuộc phạm vi của người cấp. "
        "Hệ thống chỉ lưu bản băm; mã chỉ hiển thị trong câu trả lời này."
    ),
    response_model=LinkCodeOut,
    status_code=201,
    responses=errors(401, 403, 422),
)
def issue_code(req: LinkCodeRequest, personal: Personal, caller: Caller) -> dict[str, Any]:
    return asdict(personal.access.issue_link_code(caller, req.cadre_code))


@router.post(
    "/telegram/links",
    summary="Bot đổi mã liên kết lấy liên kết Telegram ↔ cán bộ (khóa API)",
    description=(
        "Mã sai, đã dùng hoặc hết hạn đều bị tính là một lần thử sai; quá 5 lần trong 15 phút cho một tài khoản "
        "Telegram (hoặc quá nhiều lần trên toàn hệ thống) sẽ bị từ chối tạm thời (429)."
    ),
    response_model=BindingOut,
    status_code=201,
    responses=errors(400, 401, 403, 422, 429),
)
def redeem(req: RedeemRequest, personal: Personal, caller: Caller) -> dict[str, Any]:
    return asdict(personal.accounts.redeem_link_code(caller, str(req.telegram_user_id), req.code))


@router.delete(
    "/telegram/links/{telegram_user_id}",
    summary="Hủy liên kết Telegram (bot hoặc quản trị)",
    description="`unlinked` cho biết đã có liên kết để hủy hay chưa (hủy một liên kết không có không thay đổi gì).",
    response_model=UnlinkOut,
    responses=errors(401, 403, 422),
)
def unlink(personal: Personal, caller: Caller, telegram_user_id: int = Path(..., ge=1, le=10**15)) -> UnlinkOut:
    if personal.accounts.unlink(caller, str(telegram_user_id)):
        return UnlinkOut(unlinked=True, message="Đã hủy liên kết.")
    return UnlinkOut(unlinked=False, message="Tài khoản Telegram này chưa liên kết với hồ sơ cán bộ nào.")
