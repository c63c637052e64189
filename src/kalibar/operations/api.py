"""``/api/v1/operations``: joint-operation workspaces (thin: the rules are in the services)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.auth.actor import Actor
from kalibar.operations import links, service, summary, work
from kalibar.operations.access import get_operation
from kalibar.operations.models import Operation, OperationMember
from kalibar.operations.schemas import (
    LinkIn,
    LinkOut,
    LinksOut,
    LogIn,
    LogOut,
    MemberIn,
    MemberOut,
    OperationDetail,
    OperationIn,
    OperationOut,
    OperationPatch,
    RoleIn,
    SummaryIn,
    TaskIn,
    TaskOut,
    TaskPatch,
)
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.openapi import file_response

router = APIRouter(prefix="/operations", tags=["operations"])
AgencyPath = Annotated[str, Path(max_length=32)]


def _codes(db: Session) -> dict[int, str]:
    return {i: c for i, c in db.execute(select(Agency.id, Agency.code))}


def _out(op: Operation, codes: dict[int, str]) -> OperationOut:
    return OperationOut.model_validate(
        {
            **{k: getattr(op, k) for k in OperationOut.model_fields if hasattr(op, k)},
            "lead_agency": codes.get(op.owner_agency_id, ""),
        }  # fmt: skip
    )


def _links(db: Session, actor: Actor, op: Operation) -> LinksOut:
    found = links.visible_links(db, actor=actor, op=op)
    return LinksOut(
        links=[
            LinkOut(
                uuid=v.link.uuid,
                kind=v.kind,
                object_uuid=v.link.object_uuid,
                label=v.label,
                note=v.link.note,
                linked_by=v.link.linked_by,
                shared_with_operation=v.shared_with_operation,
            )
            for v in found.shown
        ],
        hidden=found.hidden,
    )


def _tasks(db: Session, actor: Actor, operation_id: uuid.UUID) -> list[TaskOut]:
    return [
        TaskOut(
            uuid=t.task.uuid,
            title=t.task.title,
            owner=t.owner,
            due_on=t.task.due_on,
            status=t.task.status,
            overdue=t.overdue,
        )
        for t in work.tasks(db, actor=actor, operation_id=operation_id)
    ]


def _member(m: OperationMember, codes: dict[int, str]) -> MemberOut:
    return MemberOut(
        agency=codes.get(m.agency_id, ""),
        role=m.role,
        joined_at=m.created_at,
        left_at=m.left_at,
    )


@router.get("", response_model=list[OperationOut])
def list_operations(db: Db, actor: CurrentActor) -> list[OperationOut]:
    codes = _codes(db)
    return [_out(op, codes) for op in service.list_operations(db, actor=actor)]


@router.post("", response_model=OperationOut, status_code=201)
def create_operation(body: OperationIn, db: Db, actor: CurrentActor) -> OperationOut:
    op = service.create_operation(
        db,
        actor=actor,
        name=body.name,
        purpose=body.purpose,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        members=[(m.agency, m.role.value) for m in body.members],
    )
    return _out(op, _codes(db))


@router.get("/{operation_id}", response_model=OperationDetail)
def get_operation_detail(operation_id: uuid.UUID, db: Db, actor: CurrentActor) -> OperationDetail:
    s = summary.summarise(db, actor=actor, operation_id=operation_id)
    codes = _codes(db)
    return OperationDetail(
        **_out(s.op, codes).model_dump(),
        members=[_member(m, codes) for m, _code in s.members],
        links=_links(db, actor, s.op),
        tasks=_tasks(db, actor, s.op.uuid),
    )


@router.patch("/{operation_id}", response_model=OperationOut)
def update_operation(
    operation_id: uuid.UUID, body: OperationPatch, db: Db, actor: CurrentActor
) -> OperationOut:
    op = service.update_operation(
        db,
        actor=actor,
        operation_id=operation_id,
        name=body.name,
        purpose=body.purpose,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
    )
    return _out(op, _codes(db))


@router.post("/{operation_id}/close", response_model=OperationOut)
def close_operation(operation_id: uuid.UUID, db: Db, actor: CurrentActor) -> OperationOut:
    return _out(service.close_operation(db, actor=actor, operation_id=operation_id), _codes(db))


@router.put("/{operation_id}/summary", response_model=OperationOut)
def write_summary(
    operation_id: uuid.UUID, body: SummaryIn, db: Db, actor: CurrentActor
) -> OperationOut:
    op = service.write_summary(db, actor=actor, operation_id=operation_id, text=body.text)
    return _out(op, _codes(db))


@router.get(
    "/{operation_id}/summary.pdf",
    response_class=Response,
    responses=file_response("application/pdf"),
)
def summary_pdf(operation_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    op = get_operation(db, actor=actor, operation_id=operation_id)
    content = summary.render_pdf(db, actor=actor, operation_id=operation_id)
    headers = {"Content-Disposition": f'attachment; filename="{op.reference}-summary.pdf"'}
    return Response(content, media_type="application/pdf", headers=headers)


@router.get("/{operation_id}/members", response_model=list[MemberOut])
def list_members(operation_id: uuid.UUID, db: Db, actor: CurrentActor) -> list[MemberOut]:
    s = summary.summarise(db, actor=actor, operation_id=operation_id)
    codes = _codes(db)
    return [_member(m, codes) for m, _code in s.members]


@router.post("/{operation_id}/members", response_model=MemberOut, status_code=201)
def add_member(operation_id: uuid.UUID, body: MemberIn, db: Db, actor: CurrentActor) -> MemberOut:
    m = service.add_member(
        db, actor=actor, operation_id=operation_id, agency=body.agency, role=body.role.value
    )
    return _member(m, _codes(db))


@router.patch("/{operation_id}/members/{agency}", response_model=MemberOut)
def set_role(
    operation_id: uuid.UUID, agency: AgencyPath, body: RoleIn, db: Db, actor: CurrentActor
) -> MemberOut:
    m = service.set_role(
        db, actor=actor, operation_id=operation_id, agency=agency, role=body.role.value
    )
    return _member(m, _codes(db))


@router.delete("/{operation_id}/members/{agency}", status_code=204)
def remove_member(
    operation_id: uuid.UUID, agency: AgencyPath, db: Db, actor: CurrentActor
) -> Response:
    service.remove_member(db, actor=actor, operation_id=operation_id, agency=agency)
    return Response(status_code=204)


@router.post("/{operation_id}/leave", status_code=204)
def leave(operation_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    service.leave(db, actor=actor, operation_id=operation_id)
    return Response(status_code=204)


@router.get("/{operation_id}/links", response_model=LinksOut)
def list_links(operation_id: uuid.UUID, db: Db, actor: CurrentActor) -> LinksOut:
    return _links(db, actor, get_operation(db, actor=actor, operation_id=operation_id))


@router.post("/{operation_id}/links", response_model=LinksOut, status_code=201)
def add_link(operation_id: uuid.UUID, body: LinkIn, db: Db, actor: CurrentActor) -> LinksOut:
    links.link(
        db,
        actor=actor,
        operation_id=operation_id,
        kind=body.kind.value,
        ident=body.object,
        note=body.note,
        share=body.share,
    )
    return _links(db, actor, get_operation(db, actor=actor, operation_id=operation_id))


@router.post("/{operation_id}/links/{link_id}/share", response_model=LinksOut)
def share_link(
    operation_id: uuid.UUID, link_id: uuid.UUID, db: Db, actor: CurrentActor
) -> LinksOut:
    links.share(db, actor=actor, operation_id=operation_id, link_id=link_id)
    return _links(db, actor, get_operation(db, actor=actor, operation_id=operation_id))


@router.delete("/{operation_id}/links/{link_id}", status_code=204)
def remove_link(
    operation_id: uuid.UUID, link_id: uuid.UUID, db: Db, actor: CurrentActor
) -> Response:
    links.unlink(db, actor=actor, operation_id=operation_id, link_id=link_id)
    return Response(status_code=204)


@router.get("/{operation_id}/log", response_model=list[LogOut])
def list_log(operation_id: uuid.UUID, db: Db, actor: CurrentActor) -> list[LogOut]:
    return [
        LogOut(uuid=e.uuid, author=e.author, body=e.body, created_at=e.created_at)
        for e in work.log_entries(db, actor=actor, operation_id=operation_id)
    ]


@router.post("/{operation_id}/log", response_model=LogOut, status_code=201)
def post_log(operation_id: uuid.UUID, body: LogIn, db: Db, actor: CurrentActor) -> LogOut:
    e = work.post(db, actor=actor, operation_id=operation_id, body=body.body)
    return LogOut(uuid=e.uuid, author=e.author, body=e.body, created_at=e.created_at)


@router.get("/{operation_id}/tasks", response_model=list[TaskOut])
def list_tasks(operation_id: uuid.UUID, db: Db, actor: CurrentActor) -> list[TaskOut]:
    return _tasks(db, actor, operation_id)


@router.post("/{operation_id}/tasks", response_model=TaskOut, status_code=201)
def add_task(operation_id: uuid.UUID, body: TaskIn, db: Db, actor: CurrentActor) -> TaskOut:
    t = work.add_task(
        db,
        actor=actor,
        operation_id=operation_id,
        title=body.title,
        owner=body.owner,
        due_on=body.due_on,
    )
    return next(x for x in _tasks(db, actor, operation_id) if x.uuid == t.uuid)


@router.patch("/{operation_id}/tasks/{task_id}", response_model=TaskOut)
def set_task_status(
    operation_id: uuid.UUID, task_id: uuid.UUID, body: TaskPatch, db: Db, actor: CurrentActor
) -> TaskOut:
    work.set_task_status(
        db, actor=actor, operation_id=operation_id, task_id=task_id, status=body.status.value
    )
    return next(x for x in _tasks(db, actor, operation_id) if x.uuid == task_id)
