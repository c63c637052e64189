"""A database busy past its timeouts is "try again shortly" (503), never a server error.

Writers queue on the database's write lock for ``KALIBAR_DB_BUSY_TIMEOUT_SECONDS`` and for a
pooled connection for ``KALIBAR_DB_POOL_TIMEOUT_SECONDS``; a request that waited longer (or
met PostgreSQL's connection limit, a deadlock or a serialization failure) was rolled back
whole, so the caller may simply send it again. It gets 503, ``Retry-After`` and the usual
error body. Any other database error stays a 500.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from kalibar.db.session import is_busy
from kalibar.i18n import _
from kalibar.web.errors import error_response

log = logging.getLogger("kalibar.web")

RETRY_AFTER_SECONDS = 5


def busy_response(request: Request) -> Response:
    response = error_response(
        request, 503, "busy", _("The database is busy. Try again in a few seconds.")
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def install(app: FastAPI) -> None:
    """Register the handler (after :func:`kalibar.web.errors.install`)."""

    @app.exception_handler(DBAPIError)
    @app.exception_handler(PoolTimeout)
    async def _busy(request: Request, exc: Exception) -> Response:
        if not is_busy(exc):
            raise exc  # the catch-all answers 500 and logs it
        log.warning(
            "database busy in request %s: %s", request.state.request_id, exc.__class__.__name__
        )
        return busy_response(request)
