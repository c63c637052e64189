"""Admin pages for agencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from kalibar.agencies import service
from kalibar.agencies.models import AgencyKind
from kalibar.errors import KalibarError
from kalibar.web.deps import AdminActor, Db
from kalibar.web.templating import render

router = APIRouter(prefix="/admin/agencies", include_in_schema=False)


def _list_page(request: Request, db: Db, error: str = "", status: int = 200) -> Response:
    return render(
        request,
        "admin/agencies.html",
        {
            "agencies": service.list_agencies(db),
            "kinds": [k.value for k in AgencyKind],
            "error": error,
        },
        status,
    )


@router.get("")
def agencies(request: Request, db: Db, actor: AdminActor) -> Response:
    return _list_page(request, db)


@router.post("")
def create(
    request: Request,
    db: Db,
    actor: AdminActor,
    code: Annotated[str, Form()],
    name: Annotated[str, Form()],
    country: Annotated[str, Form()],
    kind: Annotated[str, Form()],
) -> Response:
    try:
        service.create_agency(db, actor=actor, code=code, name=name, country=country, kind=kind)
    except KalibarError as exc:
        db.rollback()
        return _list_page(request, db, exc.message, exc.status)
    return RedirectResponse("/admin/agencies", status_code=303)


@router.get("/{code}")
def edit_form(code: str, request: Request, db: Db, actor: AdminActor) -> Response:
    return render(
        request,
        "admin/agency.html",
        {
            "agency": service.get_agency(db, code=code),
            "kinds": [k.value for k in AgencyKind],
            "error": "",
        },
    )


@router.post("/{code}")
def edit(
    code: str,
    request: Request,
    db: Db,
    actor: AdminActor,
    name: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    active: Annotated[bool, Form()] = False,
) -> Response:
    service.update_agency(db, actor=actor, code=code, name=name, kind=kind, active=active)
    return RedirectResponse("/admin/agencies", status_code=303)
