"""Dashboard, language switch and health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import func, select, text

from kalibar.agencies.models import Agency
from kalibar.auth.models import User
from kalibar.i18n import LANGUAGES
from kalibar.records.service import count_records
from kalibar.tracing.queues import reminders as trace_reminders
from kalibar.web.context import LANG_COOKIE
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard(request: Request, db: Db, actor: CurrentActor) -> Response:
    counts = {
        "agencies": db.execute(select(func.count()).select_from(Agency)).scalar_one(),
        "users": db.execute(select(func.count()).select_from(User)).scalar_one(),
    }
    by_status = count_records(db, actor=actor)
    return render(
        request,
        "home.html",
        {
            "counts": counts,
            "by_status": by_status,
            "total_records": sum(by_status.values()),
            "trace_reminders": trace_reminders(db, actor=actor),
        },
    )


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
