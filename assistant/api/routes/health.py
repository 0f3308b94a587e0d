from __future__ import annotations

import os
import socket
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from assistant.api.deps import get_services
from assistant.services import Services

router = APIRouter(tags=["health"])


@router.get("/health", summary="Dịch vụ đang chạy")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready", summary="Sẵn sàng trả lời: đã nạp một thế hệ chỉ mục")
def ready(services: Annotated[Services, Depends(get_services)]) -> JSONResponse:
    gen = services.generations.current_id()
    body = {
        "status": "ready" if gen else "not_ready",
        "generation": gen,
        "process": {"host": socket.gethostname(), "pid": os.getpid()},  # which of several API processes answered
    }
    return JSONResponse(body, status_code=200 if gen else 503)
