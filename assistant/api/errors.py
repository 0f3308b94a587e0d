"""Domain errors → JSON {code, message} once, for every route; no bad input ever becomes a 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import AssistantError

log = logging.getLogger("assistant.api")


def error_body(code: str, message: str, detail: object | None = None) -> dict:
    body: dict = {"error": {"code": code, "message": message}}
    if detail is not None:
        body["error"]["detail"] = detail
    return body


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AssistantError)
    async def domain_error(request: Request, exc: AssistantError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message, exc.detail), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [".".join(str(p) for p in e.get("loc", ())) for e in exc.errors()]
        message = "Yêu cầu không hợp lệ: kiểm tra các trường " + ", ".join(fields)
        return JSONResponse(error_body("invalid_request", message, fields), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "Không tìm thấy đường dẫn này.", 405: "Phương thức không được hỗ trợ."}
        message = messages.get(exc.status_code, str(exc.detail))
        return JSONResponse(error_body(f"http_{exc.status_code}", message), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return JSONResponse(error_body("internal_error", "Hệ thống gặp sự cố ngoài dự kiến; vui lòng thử lại sau."), status_code=500)
