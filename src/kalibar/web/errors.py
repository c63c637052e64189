"""One error body everywhere: ``{"error": {"code", "message", "details"}}``; HTML for pages."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kalibar.errors import KalibarError
from kalibar.i18n import _
from kalibar.web.templating import render
from kalibar.web.words import detail_text

log = logging.getLogger("kalibar.web")

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "throttled",
}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(("/api/", "/federation/v1/")) or path == "/healthz"


def lines_of(details: list[Any]) -> list[str]:
    return [line for line in map(detail_text, details) if line]


def error_response(
    request: Request, status: int, code: str, message: str, details: list[Any] | None = None
) -> Response:
    if _wants_json(request):
        body = {"error": {"code": code, "message": message, "details": details or []}}
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(body, status_code=status, headers=headers)
    if status == 401:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return render(
        request,
        "error.html",
        # each problem as a line of words, never a Python dict
        {"status": status, "message": message, "details": lines_of(details or [])},
        status_code=status,
    )


def validation_detail(err: Mapping[str, Any]) -> dict[str, str]:
    """One pydantic error as ``{"field": "body.make", "message": ...}``, readable."""
    message = str(err.get("msg", ""))
    if err.get("type") == "value_error":  # our validators' own words, without pydantic's prefix
        message = str(err.get("ctx", {}).get("error", message))
    return {"field": ".".join(str(p) for p in err.get("loc", ())), "message": message}


def install(app: FastAPI) -> None:
    @app.exception_handler(KalibarError)
    async def _domain(request: Request, exc: KalibarError) -> Response:
        return error_response(request, exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        details = [validation_detail(err) for err in exc.errors()]
        return error_response(request, 422, "invalid", _("The request is not valid."), details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = _HTTP_CODES.get(exc.status_code, "error")
        if exc.status_code == 404:
            message = _("Not found.")
        elif exc.status_code == 400:
            message = _("The request body could not be read.")
        else:
            message = str(exc.detail)
        return error_response(request, exc.status_code, code, message)

    # The safety net: a value that got past the edge and broke a parser, a conversion or a
    # column is the caller's mistake (4xx), never a 500 and never a Python message.
    @app.exception_handler(RecursionError)
    async def _nested(request: Request, exc: RecursionError) -> Response:
        log.warning("recursion limit in request %s", request.state.request_id, exc_info=exc)
        return error_response(
            request, 422, "invalid", _("The request is nested too deeply to be read.")
        )

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        log.warning("value out of range in request %s", request.state.request_id, exc_info=exc)
        return error_response(
            request, 422, "invalid", _("A number, date or text in the request is out of range.")
        )

    @app.exception_handler(ValueError)
    async def _unreadable(request: Request, exc: ValueError) -> Response:
        log.warning("unreadable value in request %s", request.state.request_id, exc_info=exc)
        return error_response(
            request, 422, "invalid", _("A value in the request could not be read.")
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error in request %s", request.state.request_id)
        return error_response(
            request, 500, "internal", _("Something went wrong. The error has been logged.")
        )
