"""Domain errors. The web edge maps each to one HTTP status and one error body."""

from __future__ import annotations

from typing import Any


class KalibarError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class NotFound(KalibarError):
    status = 404
    code = "not_found"

    def __init__(self, kind: str, ident: str) -> None:
        from kalibar.i18n import _

        super().__init__(_("%(kind)s %(id)s not found") % {"kind": kind, "id": ident})


class Forbidden(KalibarError):
    status = 403
    code = "forbidden"


class Unauthorized(KalibarError):
    status = 401
    code = "unauthorized"


class Conflict(KalibarError):
    status = 409
    code = "conflict"


class Invalid(KalibarError):
    status = 422
    code = "invalid"


class TooLarge(KalibarError):
    """A file or request beyond a configured limit (size, unpacked size, rows, nesting)."""

    status = 413
    code = "too_large"


class Throttled(KalibarError):
    status = 429
    code = "throttled"
