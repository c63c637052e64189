"""FastAPI dependencies: the unit of work, the acting user, CSRF."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from kalibar.auth import service as auth
from kalibar.auth.actor import Actor
from kalibar.auth.models import WebSession
from kalibar.db.session import new_session
from kalibar.errors import Forbidden, Unauthorized
from kalibar.i18n import _
from kalibar.web.text_guard import refuse_nul_in_form

SESSION_COOKIE = "kalibar_session"
PRELOGIN_COOKIE = "kalibar_prelogin"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent."""
    session = new_session(request.app.state.engine)
    session.info["request_id"] = request.state.request_id
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": the commit runs before the response is sent, so a redirect never
# races its own write and a failed commit is reported as an error.
Db = Annotated[Session, Depends(get_db, scope="function")]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def web_session(request: Request, db: Session) -> WebSession | None:
    cached: WebSession | None = getattr(request.state, "web_session", None)
    if cached is None:
        cached = auth.session_from_cookie(db, request.cookies.get(SESSION_COOKIE))
        request.state.web_session = cached
        # A plain copy: error pages render after the database session has closed.
        request.state.csrf_token = cached.csrf_token if cached is not None else ""
    return cached


async def _submitted_csrf(request: Request) -> str:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else ""
    return ""


async def csrf_token_source(request: Request) -> None:
    """Read the form body while still async, so sync routes and dependencies can reuse it."""
    if request.method in UNSAFE:
        request.state.csrf_submitted = await _submitted_csrf(request)
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            request.state.form = await request.form()
            refuse_nul_in_form(request.state.form)


def _csrf_ok(request: Request, expected: str) -> bool:
    if request.method not in UNSAFE:
        return True
    submitted = getattr(request.state, "csrf_submitted", "")
    return bool(submitted) and hmac.compare_digest(submitted, expected)


def resolve_actor(request: Request, db: Session, *, allow_pending_totp: bool = False) -> Actor:
    """The caller, from a bearer token or a browser session (with CSRF for changes)."""
    token = _bearer(request)
    if token:
        user = auth.user_for_token(db, token)
        actor = auth.actor_for(db, user)
    else:
        web = web_session(request, db)
        if web is None:
            raise Unauthorized(_("Log in first."))
        if web.pending_totp and not allow_pending_totp:
            raise Unauthorized(_("Enter your second-factor code first."))
        actor = auth.actor_for(db, web.user)
        request.state.actor = actor  # the error page still shows who is logged in
        if not _csrf_ok(request, web.csrf_token):
            raise Forbidden(
                _("The form has expired or did not come from Kalibar. Reload and try again.")
            )
    db.info["actor"] = actor
    request.state.actor = actor
    return actor


def current_actor(
    request: Request, db: Db, _csrf: Annotated[None, Depends(csrf_token_source)]
) -> Actor:
    return resolve_actor(request, db)


CurrentActor = Annotated[Actor, Depends(current_actor)]


def admin_actor(actor: CurrentActor) -> Actor:
    if not actor.is_admin:
        raise Forbidden(_("Administrator role required."))
    return actor


AdminActor = Annotated[Actor, Depends(admin_actor)]


def audit_actor(actor: CurrentActor) -> Actor:
    """Who may browse the audit trail: administrators (need-to-know) and auditors."""
    from kalibar.audit.service import may_browse

    if not may_browse(actor):
        raise Forbidden(_("Administrator or auditor role required."))
    return actor


AuditActor = Annotated[Actor, Depends(audit_actor)]
