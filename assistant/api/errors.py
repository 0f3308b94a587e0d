"""Domain errors → JSON {code, message} once, for every route; no bad input ever becomes a 500."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import AssistantError

log = logging.getLogger("assistant.api")


def error_body(code: str, message: str, detail: object | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if detail is not None:
        body["error"]["detail"] = detail
    return body


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AssistantError)
    async def domain_error(request: Request, exc: AssistantError) -> JSONResponse:
        headers = {"www-authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(error_body(exc.code, exc.message, exc.detail), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        broken = [e for e in exc.errors() if e.get("type") == "json_invalid"]
        if broken:  # not JSON at all: a malformed request (400), not a well-formed one with wrong fields (422)
            where = broken[0].get("loc", ("body", 0))[-1]
            message = f"Nội dung yêu cầu không phải JSON hợp lệ (lỗi gần ký tự thứ {where})."
            return JSONResponse(error_body("invalid_json", message), status_code=400)
        fields = [".".join(str(p) for p in e.get("loc", ())) for e in exc.errors()]
        message = "Yêu cầu không hợp lệ: kiểm tra các trường " + ", ".join(fields)
        return JSONResponse(error_body("invalid_request", message, fields), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {
            404: "Không tìm thấy đường dẫn này.",
            405: "Phương thức không được hỗ trợ.",
            400: "Không đọc được nội dung yêu cầu.",
            415: "Kiểu nội dung (Content-Type) không được hỗ trợ.",
        }
        message = exc.detail if exc.status_code == 413 else messages.get(exc.status_code, str(exc.detail))
        code = "payload_too_large" if exc.status_code == 413 else f"http_{exc.status_code}"
        return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(DataError)
    async def data_error(request: Request, exc: DataError) -> JSONResponse:
        # the database refused a value the schema let through (e.g. a NUL character on PostgreSQL)
        log.warning("database refused a value on %s: %s", request.url.path, exc.orig)
        message = "Dữ liệu gửi lên chứa ký tự hoặc giá trị không hợp lệ."
        return JSONResponse(error_body("invalid_input", message), status_code=400)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return JSONResponse(
            error_body("internal_error", "Hệ thống gặp sự cố ngoài dự kiến; vui lòng thử lại sau."), status_code=500
        )
