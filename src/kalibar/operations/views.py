"""Operation pages: the list, the workspace (members, links, log, tasks) and the
after-action summary. Thin: every action calls the same services as the API."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from kalibar.agencies.models import Agency
from kalibar.auth.actor import Actor
from kalibar.errors import Invalid, KalibarError
from kalibar.i18n import N_, _
from kalibar.operations import labels, links, service, summary, work
from kalibar.operations.access import get_operation, membership
from kalibar.operations.models import LinkKind, MemberRole, OperationStatus
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.templating import render

router = APIRouter(prefix="/operations", include_in_schema=False)
LABELS = {
    "name": N_("Name"),
    "purpose": N_("Purpose"),
    "starts_on": N_("Starts"),
    "ends_on": N_("Ends"),
    "agency": N_("Agency"),
    "role": N_("Role"),
    "kind": N_("Kind"),
    "object": N_("Reference"),
    "share": N_("Share with the operation"),
    "body": N_("Log entry"),
    "title": N_("Task"),
    "owner": N_("Owner"),
    "due_on": N_("Due"),
    "status": N_("Status"),
}


def _form(request: Request) -> Any:
    return request.state.form  # read by the CSRF dependency


def _values(request: Request, *names: str) -> dict[str, str]:
    form = _form(request)
    return {n: str(form.get(n) or "").strip() for n in names}


def _day(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(_("Enter a date."), [{"field": field, "value": value}]) from exc


def _errors(exc: KalibarError) -> dict[str, str]:
    errors = {str(d.get("field")): exc.message for d in exc.details if d.get("field")}
    errors["_"] = exc.message
    return errors


def _agencies(db: Db) -> list[Agency]:
    stmt = select(Agency).where(Agency.active.is_(True)).order_by(Agency.code)
    return list(db.execute(stmt).scalars())


def _list_page(
    request: Request,
    db: Db,
    actor: Actor,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    ctx = {
        "operations": service.list_operations(db, actor=actor),
        "codes": {i: c for i, c in db.execute(select(Agency.id, Agency.code))},
        "errors": errors or {},
        "values": values or {},
        "labels": LABELS,
        "page_url": "/operations",
    }
    return render(request, "operations/list.html", ctx, status)


@router.get("")
def list_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    return _list_page(request, db, actor)


@router.post("")
def create(request: Request, db: Db, actor: CurrentActor) -> Response:
    values = _values(request, "name", "purpose", "starts_on", "ends_on")
    try:
        with db.begin_nested():
            op = service.create_operation(
                db,
                actor=actor,
                name=values["name"],
                purpose=values["purpose"],
                starts_on=_day(values["starts_on"], "starts_on"),
                ends_on=_day(values["ends_on"], "ends_on"),
            )
    except KalibarError as exc:
        if exc.status == 403:
            raise
        return _list_page(request, db, actor, _errors(exc), values, exc.status)
    return RedirectResponse(f"/operations/{op.uuid}", status_code=303)


def _detail(
    request: Request,
    db: Db,
    actor: Actor,
    operation_id: uuid.UUID,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    s = summary.summarise(db, actor=actor, operation_id=operation_id)
    mine = membership(db, s.op, actor)
    role = mine.role if mine is not None else ""
    ctx = {
        "s": s,
        "op": s.op,
        "role": role,
        "is_lead": role == MemberRole.lead.value,
        "may_work": role in (MemberRole.lead.value, MemberRole.member.value),
        "may_write": bool(role),
        "is_open": s.op.status != OperationStatus.closed.value,
        "log": work.log_entries(db, actor=actor, operation_id=operation_id),
        "users": work.assignable_users(db, s.op.uuid),
        "agencies": _agencies(db),
        "kinds": [k.value for k in LinkKind],
        "roles": [MemberRole.member.value, MemberRole.observer.value],
        "errors": errors or {},
        "values": values or {},
        "labels": LABELS,
        "page_url": f"/operations/{operation_id}",
    }
    return render(request, "operations/detail.html", ctx, status)


@router.get("/{operation_id}")
def detail(operation_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    return _detail(request, db, actor, operation_id)


@router.get("/{operation_id}/summary")
def summary_page(
    operation_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor
) -> Response:
    s = summary.summarise(db, actor=actor, operation_id=operation_id)
    mine = membership(db, s.op, actor)
    ctx = {
        "s": s,
        "op": s.op,
        "is_lead": mine is not None and mine.role == MemberRole.lead.value,
        "log_bars": summary.bars(s.log_by_agency),
        "link_bars": summary.bars(s.by_kind, labels.KIND),
        "task_bars": summary.bars(s.tasks_by_status, labels.TASK_STATUS),
        "errors": {},
        "values": {"summary": s.op.summary},
        "page_url": f"/operations/{operation_id}/summary",
    }
    return render(request, "operations/summary.html", ctx)


@router.get("/{operation_id}/summary.pdf")
def summary_pdf(operation_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    op = get_operation(db, actor=actor, operation_id=operation_id)
    content = summary.render_pdf(db, actor=actor, operation_id=operation_id)
    headers = {"Content-Disposition": f'attachment; filename="{op.reference}-summary.pdf"'}
    return Response(content, media_type="application/pdf", headers=headers)


def _act(request: Request, db: Db, actor: Actor, op_id: uuid.UUID, action: str) -> str:
    """Run one form's action; answers where to go next."""
    form = _form(request)
    v = {k: str(form.get(k) or "").strip() for k in form}
    if action == "members":
        service.add_member(
            db, actor=actor, operation_id=op_id, agency=v.get("agency", ""), role=v.get("role", "")
        )
    elif action == "remove-member":
        service.remove_member(db, actor=actor, operation_id=op_id, agency=v.get("agency", ""))
    elif action == "leave":
        service.leave(db, actor=actor, operation_id=op_id)
        return "/operations"
    elif action == "links":
        links.link(
            db,
            actor=actor,
            operation_id=op_id,
            kind=v.get("kind", ""),
            ident=v.get("object", ""),
            note=v.get("note", ""),
            share=v.get("share") == "yes",
        )
    elif action == "share-link":
        links.share(db, actor=actor, operation_id=op_id, link_id=uuid.UUID(v.get("link", "")))
    elif action == "remove-link":
        links.unlink(db, actor=actor, operation_id=op_id, link_id=uuid.UUID(v.get("link", "")))
    elif action == "log":
        work.post(db, actor=actor, operation_id=op_id, body=v.get("body", ""))
    elif action == "tasks":
        work.add_task(
            db,
            actor=actor,
            operation_id=op_id,
            title=v.get("title", ""),
            owner=v.get("owner") or None,
            due_on=_day(v.get("due_on", ""), "due_on"),
        )
    elif action == "task-status":
        work.set_task_status(
            db,
            actor=actor,
            operation_id=op_id,
            task_id=uuid.UUID(v.get("task", "")),
            status=v.get("status", ""),
        )
    elif action == "summary":
        service.write_summary(db, actor=actor, operation_id=op_id, text=v.get("summary", ""))
        return f"/operations/{op_id}/summary"
    elif action == "close":
        service.close_operation(db, actor=actor, operation_id=op_id)
    else:
        raise Invalid(_("Unknown action."), [{"field": "action", "value": action}])
    return f"/operations/{op_id}"


@router.post("/{operation_id}/{action}")
def act(
    operation_id: uuid.UUID, action: str, request: Request, db: Db, actor: CurrentActor
) -> Response:
    try:
        with db.begin_nested():
            target = _act(request, db, actor, operation_id, action)
    except ValueError:  # a malformed id in a hidden field
        bad = Invalid(_("The form is not valid."), [])
        return _detail(request, db, actor, operation_id, bad.status, _errors(bad))
    except KalibarError as exc:
        if exc.status in (403, 404):
            raise
        form = _form(request)
        values = {k: str(form.get(k) or "") for k in form if k != "csrf_token"}
        return _detail(request, db, actor, operation_id, exc.status, _errors(exc), values)
    return RedirectResponse(target, status_code=303)
