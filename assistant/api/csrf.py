"""Cross-site request forgery: a state-changing request authenticated by the session cookie must come from the
assistant's own pages (Origin, or else Referer, naming this site). SameSite=Strict is kept as a second layer.

Bearer-token and API-key clients are not affected: a browser never adds those headers on another site's behalf.
A sign-in from another site's page is refused too (it would sign the victim into the attacker's account).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.api.errors import error_body

SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}
MESSAGE = (
    "Yêu cầu bị từ chối: thao tác thay đổi dữ liệu bằng cookie phiên phải được gửi từ chính trang của hệ thống "
    "(kiểm tra Origin/Referer). Ứng dụng khác hãy dùng mã phiên (Authorization: Bearer) hoặc khóa API."
)


class CSRFGuard:
    def __init__(self, app: ASGIApp, *, cookie: str, allowed_origins: Iterable[str] = ()) -> None:
        self.app = app
        self.cookie = cookie
        self.allowed = {o.rstrip("/").lower() for o in allowed_origins if o}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        cookie_auth = f"{self.cookie}=" in headers.get("cookie", "")
        other_auth = headers.get("authorization", "").lower().startswith("bearer ") or bool(headers.get("x-api-key"))
        login = scope["path"].endswith("/auth/login")
        source = headers.get("origin") or _origin_of(headers.get("referer", ""))
        if source == "null":
            source = ""
        foreign = bool(source) and not self._same_site(source, headers.get("host", ""), scope)
        refuse = (cookie_auth and not other_auth and (foreign or not source)) or (login and foreign)
        if not refuse:
            await self.app(scope, receive, send)
            return
        body = json.dumps(error_body("csrf_rejected", MESSAGE), ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _same_site(self, origin: str, host: str, scope: Scope) -> bool:
        origin = origin.rstrip("/").lower()
        if origin in self.allowed:
            return True
        parts = urlsplit(origin)
        if not parts.netloc:
            return False
        return parts.netloc == host.lower() or _default_port(parts.scheme, parts.netloc) == _default_port(
            str(scope.get("scheme", "http")), host.lower()
        )


def _origin_of(referer: str) -> str:
    parts = urlsplit(referer)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _default_port(scheme: str, netloc: str) -> str:
    """host:port with the scheme's default port made explicit, so 'http://h' and 'h:80' compare equal."""
    if ":" in netloc.rsplit("]", 1)[-1]:
        return netloc
    return f"{netloc}:{443 if scheme == 'https' else 80}"
