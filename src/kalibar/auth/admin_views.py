"""Admin pages for users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from kalibar.agencies.service import list_agencies
from kalibar.auth import service
from kalibar.auth.models import Role
from kalibar.errors import KalibarError
from kalibar.web.deps import AdminActor, Db
from kalibar.web.templating import render

router = APIRouter(prefix="/admin/users", include_in_schema=False)
ROLES = [r.value for r in Role]


def _list_page(request: Request, db: Db, error: str = "", status: int = 200) -> Response:
    return render(
        request,
        "admin/users.html",
        {
            "users": service.list_users(db),
            "agencies": list_agencies(db),
            "roles": ROLES,
            "error": error,
        },
        status,
    )


@router.get("")
def users(request: Request, db: Db, actor: AdminActor) -> Response:
    return _list_page(request, db)


@router.post("")
def create(
    request: Request,
    db: Db,
    actor: AdminActor,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    agency: Annotated[str, Form()],
    roles: Annotated[list[str], Form()],
    full_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.create_user(
            db,
            actor=actor,
            username=username,
            password=password,
            agency_code=agency,
            roles=roles,
            full_name=full_name,
            email=email,
        )
    except KalibarError as exc:
        db.rollback()
        return _list_page(request, db, exc.message, exc.status)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/{username}")
def edit_form(username: str, request: Request, db: Db, actor: AdminActor) -> Response:
    return render(
        request,
        "admin/user.html",
        {
            "user": service.get_user(db, username=username),
            "agencies": list_agencies(db),
            "roles": ROLES,
            "error": "",
        },
    )


@router.post("/{username}")
def edit(
    username: str,
    request: Request,
    db: Db,
    actor: AdminActor,
    agency: Annotated[str, Form()],
    roles: Annotated[list[str], Form()],
    full_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    active: Annotated[bool, Form()] = False,
) -> Response:
    try:
        service.update_user(
            db,
            actor=actor,
            username=username,
            full_name=full_name,
            email=email,
            roles=roles,
            active=active,
            agency_code=agency,
        )
    except KalibarError as exc:
        db.rollback()
        return render(
            request,
            "admin/user.html",
            {
                "user": service.get_user(db, username=username),
                "agencies": list_agencies(db),
                "roles": ROLES,
                "error": exc.message,
            },
            exc.status,
        )
    return RedirectResponse("/admin/users", status_code=303)
