"""Login, second factor, logout and the user's own account page."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kalibar.auth import service, totp
from kalibar.config import get_settings
from kalibar.errors import KalibarError
from kalibar.i18n import _
from kalibar.web.deps import (
    PRELOGIN_COOKIE,
    SESSION_COOKIE,
    CurrentActor,
    Db,
    csrf_token_source,
    resolve_actor,
    web_session,
)
from kalibar.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only redirect within Kalibar (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _cookie_args() -> dict[str, object]:
    return {"httponly": True, "samesite": "lax", "secure": get_settings().secure_cookies}


def _login_page(
    request: Request, token: str, error: str = "", status: int = 200, next_url: str = "/",
    username: str = "",
) -> Response:
    response = render(
        request,
        "auth/login.html",
        {"login_csrf": token, "error": error, "next": next_url, "username": username},
        status_code=status,
    )
    response.set_cookie(PRELOGIN_COOKIE, token, max_age=3600, **_cookie_args())  # type: ignore[arg-type]
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    token = request.cookies.get(PRELOGIN_COOKIE) or secrets.token_urlsafe(32)
    return _login_page(request, token, next_url=_safe_next(next))


@router.post("/login")
def login(
    request: Request,
    db: Db,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(PRELOGIN_COOKIE, "")
    fresh = secrets.token_urlsafe(32)
    if not expected or not hmac.compare_digest(csrf_token, expected):
        return _login_page(request, fresh, _("The form has expired. Please try again."), 403)
    client = request.client.host if request.client else ""
    try:
        service.begin_login(db, username=username, client=client)
        # The attempt counts now, before the slow password check, whatever happens next.
        db.commit()
        user = service.authenticate(db, username=username, password=password, client=client)
    except KalibarError as exc:
        db.commit()  # the failure stays in the trail even though the login fails
        return _login_page(request, fresh, exc.message, exc.status, _safe_next(next), username)
    service.end_session(db, raw=request.cookies.get(SESSION_COOKIE))
    raw, web = service.start_session(db, user=user)
    target = "/login/totp?next=" + _safe_next(next) if web.pending_totp else _safe_next(next)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, raw, **_cookie_args())  # type: ignore[arg-type]
    response.delete_cookie(PRELOGIN_COOKIE)
    return response


def _pending_actor(
    request: Request, db: Db, _csrf: Annotated[None, Depends(csrf_token_source)]
) -> None:
    resolve_actor(request, db, allow_pending_totp=True)


@router.get("/login/totp", dependencies=[Depends(_pending_actor)])
def totp_form(request: Request, next: str = "/") -> Response:
    return render(request, "auth/totp.html", {"next": _safe_next(next), "error": ""})


@router.post("/login/totp", dependencies=[Depends(_pending_actor)])
def totp_check(
    request: Request, db: Db, code: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
) -> Response:
    web = web_session(request, db)
    assert web is not None
    try:
        totp.check_code(db, user=web.user, code=code)
    except KalibarError as exc:  # the attempt stays counted: the request still commits
        return render(
            request,
            "auth/totp.html",
            {"next": _safe_next(next), "error": exc.message},
            exc.status,
        )
    web.pending_totp = False
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, db: Db, actor: CurrentActor) -> Response:
    service.end_session(db, raw=request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account")
def account(request: Request, db: Db, actor: CurrentActor) -> Response:
    user = service.get_user(db, username=actor.username)
    return render(request, "auth/account.html", {"user": user, "message": "", "error": ""})


@router.post("/account/password")
def change_password(
    request: Request,
    db: Db,
    actor: CurrentActor,
    current: Annotated[str, Form()],
    new: Annotated[str, Form()],
    repeat: Annotated[str, Form()],
) -> Response:
    user = service.get_user(db, username=actor.username)
    try:
        service.change_own_password(db, user=user, current=current, new=new, repeat=repeat)
    except KalibarError as exc:  # a wrong current password stays counted: still commits
        return render(
            request,
            "auth/account.html",
            {"user": user, "message": "", "error": exc.message},
            exc.status,
        )
    raw, _web = service.start_session(db, user=user)
    response = RedirectResponse("/account?changed=1", status_code=303)
    response.set_cookie(SESSION_COOKIE, raw, **_cookie_args())  # type: ignore[arg-type]
    return response


@router.post("/account/totp")
def totp_setup(
    request: Request,
    db: Db,
    actor: CurrentActor,
    action: Annotated[str, Form()],
    code: Annotated[str, Form()] = "",
    secret: Annotated[str, Form()] = "",
) -> Response:
    user = service.get_user(db, username=actor.username)
    if action == "disable":
        try:  # a session alone (a stolen one) does not turn the second factor off
            totp.check_code(db, user=user, code=code)
        except KalibarError as exc:  # the attempt stays counted: the request still commits
            return render(
                request,
                "auth/account.html",
                {"user": user, "message": "", "error": exc.message},
                exc.status,
            )
        totp.disable_totp(db, user=user)
        return RedirectResponse("/account", status_code=303)
    if action == "begin":
        new_secret, uri = totp.begin_totp(user)
        return render(
            request,
            "auth/totp_setup.html",
            {"secret": new_secret, "uri": uri, "qr": totp.qr_svg(uri), "error": ""},
        )
    uri = totp.totp_uri(user, secret)
    try:
        totp.confirm_totp(db, user=user, secret=secret, code=code)
    except KalibarError as exc:
        return render(
            request,
            "auth/totp_setup.html",
            {"secret": secret, "uri": uri, "qr": totp.qr_svg(uri), "error": exc.message},
            exc.status,
        )
    return RedirectResponse("/account", status_code=303)
