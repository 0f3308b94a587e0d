"""FastAPI application built from Services; routes stay thin."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from assistant.api.errors import install_error_handlers
from assistant.api.limits import BodyLimit
from assistant.api.routes import admin, articles, ask, auth, cadres, documents, health, reports, telegram
from assistant.services import Services

WEB_DIR = Path(__file__).resolve().parents[2] / "bots" / "web"  # static pages; a path, never an import of bots/

DESCRIPTION = """
Tra cứu quy định đào tạo, bồi dưỡng cán bộ, công chức, viên chức, có trích dẫn điều khoản; tình trạng đào tạo
của từng cán bộ; quản trị kho văn bản và chỉ mục.

**Xác thực.** `POST /api/v1/auth/login` trả về mã phiên (gửi lại bằng `Authorization: Bearer …`) và đặt cookie
phiên HttpOnly. Dịch vụ (bot Telegram) dùng `X-API-Key`, kèm `X-Telegram-User-Id` để hành động thay người dùng
Telegram đã liên kết với một cán bộ.

**Vai trò.** cán bộ (`cadre`): chỉ hồ sơ của mình; HR (`hr`): cán bộ thuộc đơn vị mình và các đơn vị trực thuộc;
quản trị (`admin`): mọi thứ, kể cả văn bản và chỉ mục. Hỏi đáp và danh mục văn bản không cần đăng nhập.

**Lỗi.** Mọi lỗi có dạng `{"error": {"code": "...", "message": "..."}}`, thông điệp bằng tiếng Việt.
"""


def create_app(services: Services, *, secure_cookies: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(services.open)  # migrations, and jobs a killed process left running
        yield
        await run_in_threadpool(services.close)

    app = FastAPI(
        title="Trợ lý đào tạo cán bộ",
        description=DESCRIPTION,
        version="0.2.0",
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.secure_cookies = secure_cookies
    install_error_handlers(app)
    app.add_middleware(BodyLimit)
    app.include_router(health.router)
    for module in (ask, auth, telegram, reports, cadres, articles):
        app.include_router(module.router, prefix="/api/v1")
    app.include_router(documents.router, prefix="/api/v1")
    app.include_router(documents.admin, prefix="/api/v1")
    app.include_router(admin.router, prefix="/api/v1")
    if WEB_DIR.is_dir():  # the HR chat and admin pages; mounted last so /api/v1, /health and /ready match first
        app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web")
    return app
