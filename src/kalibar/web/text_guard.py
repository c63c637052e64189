"""No NUL character in what the API receives: PostgreSQL text cannot hold one.

Installed on every API router by the app factory, so a NUL in a query parameter, a path
or a JSON body is a 422 that names where it is, on both databases alike.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request

from kalibar.errors import Invalid
from kalibar.i18n import _

#: ``\u0000`` in JSON text, not preceded by an escaped backslash.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _refuse(field: str) -> Invalid:
    return Invalid(
        _("Text may not contain the NUL character."),
        [{"field": field, "message": _("contains the NUL character (U+0000)")}],
    )


async def reject_nul(request: Request) -> None:
    if "\x00" in request.url.path:
        raise _refuse("path")
    for name, value in request.query_params.multi_items():
        if "\x00" in value or "\x00" in name:
            raise _refuse(f"query.{name}")
    is_json = request.headers.get("content-type", "").startswith("application/json")
    if is_json and _JSON_NUL.search(await request.body()):
        raise _refuse("body")


def refuse_nul_in_form(form: Any) -> None:
    """The same for a page's form (read once by the CSRF dependency): a NUL in a field is a
    422 naming it on both databases (SQLite would store it, PostgreSQL refuse it)."""
    for name, value in form.multi_items():
        if isinstance(value, str) and ("\x00" in value or "\x00" in name):
            raise _refuse(f"form.{name}")
