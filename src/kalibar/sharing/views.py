"""Admin pages for partnerships and sharing groups (``/admin/sharing``).

Administrators and focal points read them; each form is offered only to whom the rule in
``sharing.manage`` allows, and the service checks again (a forged form gets its 403).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from kalibar.agencies.models import Agency, Country
from kalibar.auth.actor import Actor
from kalibar.errors import Forbidden, KalibarError
from kalibar.i18n import _
from kalibar.sharing import manage
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.templating import render

router = APIRouter(prefix="/admin/sharing", include_in_schema=False)


def sharing_actor(actor: CurrentActor) -> Actor:
    if not actor.has_role(*manage.PARTNERSHIP_ROLES):
        raise Forbidden(_("Administrator or focal point role required."))
    return actor


SharingActor = Annotated[Actor, Depends(sharing_actor)]


def _form(request: Request) -> Any:
    return request.state.form  # read by the CSRF dependency


def _errors(exc: KalibarError) -> dict[str, str]:
    errors = {str(d.get("field")): exc.message for d in exc.details if d.get("field")}
    errors["_"] = exc.message
    return errors


def _choices(db: Db) -> dict[str, Any]:
    return {
        "countries": list(db.execute(select(Country).order_by(Country.code)).scalars()),
        "agencies": list(
            db.execute(
                select(Agency).where(Agency.active.is_(True)).order_by(Agency.code)
            ).scalars()
        ),
    }


def _overview(
    request: Request,
    db: Db,
    actor: Actor,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    ctx = {
        "partnerships": manage.list_partnerships(db),
        "groups": manage.list_groups(db, actor=actor),
        "codes": manage.agency_codes(db),
        "may_open": lambda country: manage.may_open_country(actor, country),
        "errors": errors or {},
        "values": values or {"country": actor.country},
        "page_url": "/admin/sharing",
        **_choices(db),
    }
    return render(request, "sharing/overview.html", ctx, status)


@router.get("")
def overview(request: Request, db: Db, actor: SharingActor) -> Response:
    return _overview(request, db, actor)


@router.post("/partnerships")
def add_partnership(request: Request, db: Db, actor: SharingActor) -> Response:
    form = _form(request)
    values = {k: str(form.get(k) or "").strip() for k in ("country", "partner")}
    try:
        with db.begin_nested():
            manage.add_partnership(
                db, actor=actor, country=values["country"], partner=values["partner"]
            )
    except KalibarError as exc:
        if exc.status == 403:
            raise
        return _overview(request, db, actor, _errors(exc), values, exc.status)
    return RedirectResponse("/admin/sharing", status_code=303)


@router.post("/partnerships/{country}/{partner}/remove")
def remove_partnership(
    country: str, partner: str, request: Request, db: Db, actor: SharingActor
) -> Response:
    manage.remove_partnership(db, actor=actor, country=country, partner=partner)
    return RedirectResponse("/admin/sharing", status_code=303)


@router.post("/groups")
def create_group(request: Request, db: Db, actor: SharingActor) -> Response:
    form = _form(request)
    values = {k: str(form.get(k) or "").strip() for k in ("name", "description")}
    try:
        with db.begin_nested():
            group = manage.create_group(
                db, actor=actor, name=values["name"], description=values["description"]
            )
    except KalibarError as exc:
        if exc.status == 403:
            raise
        return _overview(request, db, actor, _errors(exc), values, exc.status)
    return RedirectResponse(f"/admin/sharing/groups/{group.uuid}", status_code=303)


def _group_page(
    request: Request,
    db: Db,
    actor: Actor,
    group_id: uuid.UUID,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    group = manage.read_group(db, actor=actor, group_id=group_id)
    ctx = {
        "group": group,
        "codes": manage.agency_codes(db),
        "may_manage": manage.may_manage_group(actor, group),
        "errors": errors or {},
        "values": {},
        "page_url": f"/admin/sharing/groups/{group_id}",
        **_choices(db),
    }
    return render(request, "sharing/group.html", ctx, status)


@router.get("/groups/{group_id}")
def group_page(group_id: uuid.UUID, request: Request, db: Db, actor: SharingActor) -> Response:
    return _group_page(request, db, actor, group_id)


@router.post("/groups/{group_id}/members")
def add_member(group_id: uuid.UUID, request: Request, db: Db, actor: SharingActor) -> Response:
    form = _form(request)
    try:
        with db.begin_nested():
            manage.add_member(
                db,
                actor=actor,
                group_id=group_id,
                agency=str(form.get("agency") or "") or None,
                country=str(form.get("country") or "") or None,
            )
    except KalibarError as exc:
        if exc.status in (403, 404):
            raise
        return _group_page(request, db, actor, group_id, _errors(exc), exc.status)
    return RedirectResponse(f"/admin/sharing/groups/{group_id}", status_code=303)


@router.post("/groups/{group_id}/members/remove")
def remove_member(group_id: uuid.UUID, request: Request, db: Db, actor: SharingActor) -> Response:
    form = _form(request)
    manage.remove_member(
        db,
        actor=actor,
        group_id=group_id,
        agency=str(form.get("agency") or "") or None,
        country=str(form.get("country") or "") or None,
    )
    return RedirectResponse(f"/admin/sharing/groups/{group_id}", status_code=303)
