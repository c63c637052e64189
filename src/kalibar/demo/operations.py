"""The demo's joint operation: the Indirect Taxation Authority leads an operation against
"ant trafficking" on the Una and Sava crossings with the Border Police and SIPA, the
Ministry of Security's focal point observing. Built on the operations services as each
agency's demo user, so visibility, ownership and the audit trail apply as in real use.

Also gives the demo's task-force group an owner (SIPA), so its members can be managed.
Idempotent: nothing is added when the operation exists.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.auth import service as auth
from kalibar.auth.actor import Actor
from kalibar.auth.models import User
from kalibar.db.base import utcnow
from kalibar.demo.service import TASK_FORCE
from kalibar.operations import links, service, work
from kalibar.operations.models import Operation
from kalibar.records.models import FirearmRecord
from kalibar.seizures.models import Seizure
from kalibar.sharing.models import SharingGroup
from kalibar.tracing.models import TraceRequest

NAME = "Una–Sava ant trafficking"
LEAD, MEMBERS = "officer", [("BA-GP", "member"), ("BA-SIPA", "member"), ("BA-MS", "observer")]
LOG = [
    ("officer", "Operation opened: buses and cars from RS and HR through Gradiška and Izačić."),
    ("border", "Gradiška: two extra X-ray lanes for buses from 06:00 to 14:00 this week."),
    ("investigator", "The driver in the first seizure also appears in a 2025 case; checking."),
    ("analyst", "Converted alarm pistols are a third of this month's seizures."),
]
TASKS = [
    ("Ask the bus companies for passenger lists", "investigator", 7),
    ("X-ray every bus from Bihać on Fridays", "border", 14),
    ("Compare the seized pistols with the stolen-record hits", "officer", -2),
]


def _actor(session: Session, username: str) -> Actor | None:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    return auth.actor_for(session, user) if user is not None else None


def _own_task_force(session: Session) -> None:
    group = session.execute(
        select(SharingGroup).where(SharingGroup.name == TASK_FORCE)
    ).scalar_one_or_none()
    sipa = session.execute(select(Agency.id).where(Agency.code == "BA-SIPA")).scalar()
    if group is not None and group.owner_agency_id is None and sipa is not None:
        group.owner_agency_id = sipa
        session.flush()


def _as(session: Session, actor: Actor) -> Actor:
    session.info["actor"] = actor  # the audit trail names who did it
    return actor


def load_demo_operations(session: Session) -> int:
    """Add the demo operation (1) unless it exists (0)."""
    _own_task_force(session)
    if session.execute(select(Operation.uuid).where(Operation.name == NAME)).first():
        return 0
    lead = _actor(session, LEAD)
    if lead is None:
        return 0
    previous = session.info.get("actor")
    _as(session, lead)
    today = utcnow().date()
    op = service.create_operation(
        session,
        actor=lead,
        name=NAME,
        purpose="Find the routes and the people behind the few-guns-per-vehicle smuggling "
        "into Bosnia and Herzegovina.",
        starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=40),
        members=MEMBERS,
    )
    for username in ("officer", "border"):
        actor = _actor(session, username)
        if actor is None or actor.agency_id is None:
            continue
        _as(session, actor)
        seizures = session.execute(
            select(Seizure.uuid)
            .where(Seizure.owner_agency_id == actor.agency_id, Seizure.deleted_at.is_(None))
            .order_by(Seizure.occurred_at.desc())
            .limit(3)
        ).scalars()
        for seizure_id in seizures:
            links.link(
                session, actor=actor, operation_id=op.uuid, kind="seizure", ident=str(seizure_id)
            )
    _as(session, lead)
    records = session.execute(
        select(FirearmRecord.uuid)
        .where(FirearmRecord.owner_agency_id == lead.agency_id, FirearmRecord.status == "stolen")
        .order_by(FirearmRecord.reference)
        .limit(2)
    ).scalars()
    for record_id in records:
        links.link(session, actor=lead, operation_id=op.uuid, kind="record", ident=str(record_id))
    trace = session.execute(
        select(TraceRequest.uuid)
        .where(TraceRequest.requester_agency_id == lead.agency_id)
        .order_by(TraceRequest.reference)
        .limit(1)
    ).scalar()
    if trace is not None:
        links.link(session, actor=lead, operation_id=op.uuid, kind="trace", ident=str(trace))
    for username, body in LOG:
        actor = _actor(session, username)
        if actor is not None:
            work.post(session, actor=_as(session, actor), operation_id=op.uuid, body=body)
    _as(session, lead)
    for title, owner, days in TASKS:
        work.add_task(
            session,
            actor=lead,
            operation_id=op.uuid,
            title=title,
            owner=owner,
            due_on=today + timedelta(days=days),
        )
    session.info["actor"] = previous
    return 1
