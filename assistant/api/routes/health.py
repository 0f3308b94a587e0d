from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from assistant.api.deps import get_services
from assistant.services import Services

router = APIRouter(tags=["health"])


@router.get("/health", summary="Dịch vụ đang chạy")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/ready",
    summary="Sẵn sàng trả lời: thế hệ chỉ mục đã nạp và kiểm tra, cơ sở dữ liệu trả lời",
    description=(
        "`generation` là thế hệ thực sự đang phục vụ (đã nạp và kiểm tra đủ); nếu thế hệ CURRENT hỏng, hệ thống "
        "phục vụ thế hệ nguyên vẹn mới nhất và báo `fallback: true`. 503 khi không có chỉ mục dùng được hoặc cơ sở "
        "dữ liệu không trả lời."
    ),
    responses={503: {"description": "Chưa sẵn sàng (chỉ mục hoặc cơ sở dữ liệu)"}},
)
def ready(services: Annotated[Services, Depends(get_services)]) -> JSONResponse:
    body = services.readiness()
    return JSONResponse(body, status_code=503 if body["problems"] else 200)
