"""What the API document says about errors and files, in one place.

Every JSON route answers an error with one body (``ErrorBody``, written by
:mod:`kalibar.web.errors`); the app factory documents these statuses on every API router
with :data:`API_ERROR_RESPONSES`, so no endpoint lists them itself. Endpoints that send a
file instead of JSON name their media types with :func:`file_response`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorDetail(BaseModel):
    """One thing wrong: ``field`` says where (``query.limit``, ``body.make``, ``file``)."""

    model_config = ConfigDict(extra="allow")

    field: str | None = Field(default=None, description="Where: location and name.")
    message: str | None = Field(default=None, description="What is wrong, readable.")


class ErrorInfo(BaseModel):
    code: str = Field(description="Stable machine code: invalid, not_found, conflict, ...")
    message: str = Field(description="Readable summary in the caller's language.")
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorBody(BaseModel):
    error: ErrorInfo


_ERROR_STATUSES = {
    400: "The request could not be read (malformed body or parameters).",
    401: "No valid bearer token or session.",
    403: "The caller may not do this.",
    404: "No such object, or the caller may not see it.",
    409: "The request conflicts with the current state.",
    413: "The upload is larger than allowed.",
    422: "A value is not valid; details name each field.",
    429: "Too many attempts; try again later.",
    503: "The database stayed busy past its timeout; nothing was written. Send it again "
    "after Retry-After seconds.",
}

#: Documented on every API router by the app factory.
API_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in _ERROR_STATUSES.items()
}


def file_response(*media_types: str, status: int = 200) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for an endpoint that answers with a file in one of ``media_types``."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    content = {
        mt.split(";")[0].strip(): ({} if mt.startswith("application/json") else binary)
        for mt in media_types
    }
    return {status: {"description": "The file.", "content": content}}
