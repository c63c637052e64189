"""A cap on request bodies, applied while they stream in.

Every upload path spools its file under the upload limit (:mod:`kalibar.files.uploads`),
but the multipart parser has already written the body to a temporary file by then. This
middleware refuses a body larger than ``KALIBAR_UPLOAD_MAX_BYTES`` (plus room for the
form's other fields; any body that is not multipart: ``KALIBAR_DOCUMENT_MAX_BYTES``, as it
is parsed whole) before the application reads it: at once when ``Content-Length`` says
so, else as soon as the streamed bytes pass the limit — 413, ``too_large``.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kalibar.errors import TooLarge
from kalibar.files import file_limits, human_size, too_large
from kalibar.i18n import _

#: Form fields besides the file (CSRF token, options) fit in this.
FORM_ROOM = 1 << 20


def body_limit(content_type: bytes = b"multipart/form-data") -> int:
    """Uploads (multipart) up to the upload limit plus the form's other fields; any other
    body (JSON, a form of text fields) is read whole, so it is held to the document limit."""
    limits = file_limits()
    if content_type.lower().startswith(b"multipart/"):
        return limits.upload_bytes + FORM_ROOM
    return limits.document_bytes


def _error(limit: int) -> TooLarge:
    return TooLarge(
        _("The request is too large: the limit is %(limit)s.") % {"limit": human_size(limit)},
        [{"field": "body", "error": "too_large", "max_bytes": limit}],
    )


class BodyLimitMiddleware:
    """Answers 413 for a request body past :func:`body_limit`.

    A body that passes the limit while streaming raises Starlette's ``HTTPException(413)``
    from ``receive``: FastAPI lets it through its body parsing (any other exception there
    becomes a 400) and the error handlers answer it in the one error shape.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        limit = body_limit(headers.get(b"content-type", b""))
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            from kalibar.web.errors import error_response

            exc = _error(limit)
            response = error_response(
                Request(scope, receive), exc.status, exc.code, exc.message, exc.details
            )
            await response(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, _error(limit).message)
            return message

        await self.app(scope, limited, send)


async def read_body(request: Request, *, name: str, max_bytes: int) -> bytes:
    """A body that must be held whole (a JSON document), read up to ``max_bytes`` (413)."""
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > max_bytes:
            raise too_large(name, max_bytes)
    return bytes(data)
