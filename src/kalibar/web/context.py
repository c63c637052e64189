"""Per-request context: request id and language, set by one ASGI middleware."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kalibar.i18n import LANGUAGES, negotiate, use_language

LANG_COOKIE = "kalibar_lang"
STATIC_PREFIX = "/static/"


def request_language(conn: HTTPConnection) -> str:
    chosen = conn.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return negotiate(conn.headers.get("accept-language"))


class RequestContextMiddleware:
    """Gives every request an id (echoed as ``X-Request-ID``) and its language."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        incoming = conn.headers.get("x-request-id", "")
        request_id = incoming[:64] if incoming.isprintable() and incoming else uuid.uuid4().hex
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                if not scope["path"].startswith(STATIC_PREFIX):
                    # pages, API answers and exports may hold what only this user may
                    # see: no browser or proxy keeps a copy (static assets still cache)
                    headers["Cache-Control"] = "no-store"
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault(
                    "Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                    "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
                )
            await send(message)

        with use_language(request_language(conn)) as lang:
            state["language"] = lang
            await self.app(scope, receive, send_with_headers)
