"""Request size limits enforced while the body streams in, before any route parses it (413, Vietnamese)."""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.errors import error_body

MB = 1024 * 1024


class TooLarge(StarletteHTTPException):
    """Raised from inside body reading; an HTTPException so FastAPI's body parser passes it through unchanged."""

    def __init__(self, message: str) -> None:
        super().__init__(413, message)


class BodyLimit:
    """Uploads (multipart) may be up to `upload_bytes` plus form overhead; every other body `body_bytes`."""

    def __init__(self, app: ASGIApp, *, body_bytes: int = 1 * MB, upload_bytes: int = 10 * MB) -> None:
        self.app = app
        self.body_bytes = body_bytes
        self.upload_bytes = upload_bytes + 64 * 1024  # the multipart envelope around the file

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        upload = headers.get("content-type", "").startswith("multipart/")
        limit = self.upload_bytes if upload else self.body_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, upload, limit)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge(_message(upload, limit))
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except TooLarge:
            if not started:
                await _refuse(send, upload, limit)


def _message(upload: bool, limit: int) -> str:
    size = f"{limit // MB} MB" if upload else f"{limit // 1024} KB"
    return f"{'Tệp tải lên' if upload else 'Nội dung yêu cầu'} quá lớn (tối đa {size})."


async def _refuse(send: Send, upload: bool, limit: int) -> None:
    body = json.dumps(error_body("payload_too_large", _message(upload, limit)), ensure_ascii=False).encode()
    headers: list[Any] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
