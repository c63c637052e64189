"""The shell's own routes: language switch, health check, favicon."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import text

from kalibar.i18n import LANGUAGES
from kalibar.web.context import LANG_COOKIE
from kalibar.web.deps import Db

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"


@router.get("/language/{code}")
def switch_language(code: str, next: str = "/") -> Response:
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="lax")
    return response


@router.get("/healthz")
def healthz(db: Db) -> Response:
    """Public: load balancers and monitoring call it. Checks the database answers."""
    db.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it on every site; the icon lives with the static assets."""
    return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon")
