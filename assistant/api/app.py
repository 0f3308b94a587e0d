"""FastAPI application built from Services; routes stay thin."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from assistant.api.csrf import CSRFGuard
from assistant.api.deps import SESSION_COOKIE
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
        # follow switches made by any process (a worker, another API process) without making asks wait for loads
        await run_in_threadpool(services.knowledge.follow, services.settings.index.poll_seconds)
        yield
        services.knowledge.stop_following()
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
    app.add_middleware(CSRFGuard, cookie=SESSION_COOKIE, allowed_origins=services.settings.web.allowed_origins)
    app.include_router(health.router)
    for module in (ask, auth, telegram, reports, cadres, articles):
        app.include_router(module.router, prefix="/api/v1")
    app.include_router(documents.router, prefix="/api/v1")
    app.include_router(documents.admin, prefix="/api/v1")
    app.include_router(admin.router, prefix="/api/v1")
    install_options(app)
    document_invalid_json(app)
    if WEB_DIR.is_dir():  # the HR chat and admin pages; mounted last so /api/v1, /health and /ready match first
        app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web")
    return app


def install_options(app: FastAPI) -> None:
    """OPTIONS on an API path answers which methods it takes (204 + Allow), instead of the static mount's 405."""
    table: list[tuple[re.Pattern[str], re.Pattern[str], set[str]]] = []

    def methods_for(path: str) -> set[str]:
        if not table:
            for template, item in app.openapi().get("paths", {}).items():
                exact = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$")
                loose = re.compile("^" + re.sub(r"\\{[^}]+\\}", ".+", re.escape(template)) + "$")
                table.append((exact, loose, {m.upper() for m in item if m in HTTP_METHODS}))
        found = {m for exact, _, methods in table if exact.match(path) for m in methods}
        return found or {m for _, loose, methods in table if loose.match(path) for m in methods}

    @app.options("/api/v1/{path:path}", include_in_schema=False)
    @app.options("/health", include_in_schema=False)
    @app.options("/ready", include_in_schema=False)
    def options(request: Request) -> Response:
        allowed = methods_for(request.url.path)
        if not allowed:
            return Response(status_code=404)
        if "GET" in allowed:
            allowed.add("HEAD")
        return Response(status_code=204, headers={"allow": ", ".join(sorted(allowed | {"OPTIONS"}))})


HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
INVALID_JSON = {
    "description": "Nội dung yêu cầu không phải JSON hợp lệ (mã `invalid_json`) hoặc dữ liệu không hợp lệ",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
}


ERROR_RESPONSE = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
SHARED_ERRORS = {
    "400": "Dữ liệu không hợp lệ (mã `invalid_input`, `invalid_json` …)",
    "401": "Thông tin xác thực sai hoặc đã hết hạn (mã phiên, cookie, khóa API)",
    "403": "Không có quyền; với cookie phiên: yêu cầu thay đổi không đến từ trang của hệ thống (`csrf_rejected`)",
    "404": "Không tìm thấy",
    "422": "Yêu cầu sai định dạng",
    "503": "Chưa sẵn sàng: chưa có chỉ mục dùng được hoặc cơ sở dữ liệu không trả lời",
}
# Operations open to anonymous callers (credentials, when sent, are still checked): security is optional there.
OPTIONAL_AUTH = {
    "/api/v1/ask",
    "/api/v1/auth/me",
    "/api/v1/auth/login",
    "/api/v1/documents",
    "/api/v1/documents/{number}",
    "/api/v1/articles/{unit_id}",
    "/api/v1/feedback",
}


def document_invalid_json(app: FastAPI) -> None:
    """Every operation with a JSON body may answer 400 for a body that is not JSON; say so in the OpenAPI."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for path, item in spec.get("paths", {}).items():
            for method, op in item.items():
                if not isinstance(op, dict):
                    continue
                responses = op.setdefault("responses", {})
                content = op.get("requestBody", {}).get("content", {})
                if "application/json" in content:
                    responses.setdefault("400", INVALID_JSON)
                if path.startswith("/api/"):
                    for status, why in SHARED_ERRORS.items():  # what the shared layers may answer on any route
                        if method != "get" or status != "403":
                            responses.setdefault(status, {**ERROR_RESPONSE, "description": why})
                    if method == "get":
                        responses.setdefault("403", {**ERROR_RESPONSE, "description": "Không có quyền"})
                if path in OPTIONAL_AUTH and "security" in op:  # anonymous callers are served too, by design
                    op["security"] = [{}, *op["security"]]
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def app_from_environment() -> FastAPI:
    """The app built from the environment's settings: the factory each `assistant serve --workers N` process runs."""
    from assistant.config import Settings
    from assistant.services import build_services

    return create_app(build_services(Settings()))
