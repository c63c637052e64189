"""Demo trace requests in every status, made through the service like real ones.

Idempotent: nothing is added when demo requests exist already. The requests trace
recovered demo records of agencies of Bosnia and Herzegovina to the agencies of the
country of manufacture on this instance (Serbia, Croatia, Montenegro …), with dates in
the past so that some are overdue, some due soon, some answered.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.records.models import RECOVERED, FirearmRecord
from kalibar.tracing import service
from kalibar.tracing.models import TraceRequest
from kalibar.tracing.schemas import AnswerIn
from kalibar.tracing.suggest import agencies_of, country_of_make

DEMO_USER = "demo"
#: (final status, priority, days since sent, answer) in the order they are made.
PLAN: list[tuple[str, str, int, dict[str, str] | None]] = [
    ("draft", "routine", 0, None),
    ("sent", "urgent", 14, None),  # acknowledgement overdue
    ("sent", "routine", 2, None),
    ("acknowledged", "routine", 40, None),
    ("in_progress", "urgent", 26, None),  # answer due soon
    ("in_progress", "routine", 95, None),  # answer overdue
    ("answered", "urgent", 20, {
        "result": "traced", "diversion_holder": "Hunting association Jelen, Bijeljina",
        "diversion_country": "BA", "diversion_how": "reported stolen from the armoury in 2014",
        "transfer_chain": "manufacturer → distributor Sarajevo (2009) → hunting association",
        "documents": "Export licence 2009/118; theft report 2014-0312"}),
    ("answered", "routine", 60, {
        "result": "not_traced", "not_traced_reason": "records_destroyed",
        "note": "Production records of that year were destroyed in 1999."}),
    ("closed", "routine", 80, {
        "result": "partly_traced",
        "transfer_chain": "manufacturer → Yugoslav People's Army (1988); later holders unknown",
        "documents": "Delivery note 1988/77"}),
    ("withdrawn", "routine", 30, None),
]  # fmt: skip
LEGAL_BASIS = (
    "Criminal Code of Bosnia and Herzegovina, art. 193a (illicit trafficking in weapons); "
    "seizure order of the Prosecutor's Office"
)
INTENDED_USE = "Criminal investigation and prosecution; SDG 16.4.2 reporting"
#: The demo users' agencies, so that logging in as them shows both queues.
REQUESTERS = ("BA-UIO", "BA-MS", "BA-GP", "BA-SIPA")
PREFERRED_RECIPIENTS = ("RS-UC", "HR-CU", "ME-UPC")


def _actor(agency: Agency) -> Actor:
    return Actor(user_id=None, username=DEMO_USER, agency_id=agency.id,
                 agency_code=agency.code, country=agency.country_code)  # fmt: skip


def _interleaved(
    session: Session, records: Iterable[FirearmRecord]
) -> list[tuple[FirearmRecord, list[str]]]:
    """Traceable records with their foreign recipients, countries taken in turn."""
    by_country: dict[str, list[tuple[FirearmRecord, list[str]]]] = {}
    for record in records:
        country = country_of_make(record)
        recipients = agencies_of(session, country, None) if country else []
        recipients = [c for c in recipients if not c.startswith("BA-")]
        if country and recipients and len(by_country.get(country, [])) < len(PLAN):
            by_country.setdefault(country, []).append((record, recipients))
    queues = [by_country[c] for c in sorted(by_country)]
    return [q[i] for i in range(len(PLAN)) for q in queues if i < len(q)]


def _by_owner_in_turn(
    pairs: list[tuple[FirearmRecord, list[str]]], owners: list[int]
) -> list[tuple[FirearmRecord, list[str]]]:
    """The demo agencies' records in turn (each traces its own), then everybody else's."""
    queues: dict[int, list[tuple[FirearmRecord, list[str]]]] = {o: [] for o in owners}
    rest: list[tuple[FirearmRecord, list[str]]] = []
    for pair in pairs:
        queues.get(pair[0].owner_agency_id, rest).append(pair)
    longest = max((len(q) for q in queues.values()), default=0)
    turns = [q[i] for i in range(longest) for q in queues.values() if i < len(q)]
    return turns + rest


def load_demo_traces(session: Session, *, now: datetime | None = None) -> int:
    """Make the demo requests unless some exist; returns how many were made."""
    exists = session.execute(
        select(func.count()).select_from(TraceRequest).where(TraceRequest.created_by == DEMO_USER)
    ).scalar_one()
    if exists:
        return 0
    at = now or utcnow()
    agencies = {a.id: a for a in session.execute(select(Agency)).scalars()}
    by_code = {a.code: a for a in agencies.values()}
    r = FirearmRecord
    candidates = session.execute(
        select(r).where(
            r.status.in_([s.value for s in RECOVERED]), r.owner_country == "BA",
            r.make_code.is_not(None), r.serial_number != "", r.deleted_at.is_(None),
            r.model != "", r.calibre != "", r.weapon_type.is_not(None),
        ).order_by(r.reference).limit(5000)
    ).scalars()  # fmt: skip
    made = 0
    plan = iter(PLAN)
    requesters = [by_code[c] for c in REQUESTERS if c in by_code] or [
        agencies[a] for a in sorted(agencies) if agencies[a].country_code == "BA"
    ]
    for record, recipients in _by_owner_in_turn(
        _interleaved(session, candidates), [a.id for a in requesters]
    ):
        recipients.sort(key=lambda c: c not in PREFERRED_RECIPIENTS)
        # The owner agency traces its own weapons (the answer changes the record).
        requester = _actor(agencies[record.owner_agency_id])
        step = next(plan, None)
        if step is None:
            break
        status, priority, days, answer = step
        recipient = _actor(by_code[recipients[0]])
        sent_at = at - timedelta(days=days)
        content = {
            "priority": priority,
            "urgency_justification": "Suspects in custody; detention ends within 30 days"
            if priority == "urgent" else "",
            "legal_basis": LEGAL_BASIS,
            "circumstances": f"Seized during a control at {record.event_place or 'the border'}",
            "markings": record.other_markings or f"Serial {record.serial_number} on the receiver",
            "photo_references": f"Photos 1–4, case file {record.reference}",
            "intended_use": INTENDED_USE,
        }  # fmt: skip
        (t,) = service.create_drafts(
            session, actor=requester, record_id=record.uuid, recipients=[recipient.agency_code],
            content=content, now=sent_at - timedelta(hours=2),
        )  # fmt: skip
        session.flush()
        tid = t.uuid
        if status != "draft":
            service.send(session, actor=requester, trace_id=tid, now=sent_at)
        if status in ("acknowledged", "in_progress", "answered", "closed"):
            service.acknowledge(session, actor=recipient, trace_id=tid,
                                now=sent_at + timedelta(days=3))  # fmt: skip
        if status in ("in_progress", "answered", "closed"):
            service.start_work(session, actor=recipient, trace_id=tid,
                               now=sent_at + timedelta(days=4))  # fmt: skip
            service.post_message(session, actor=recipient, trace_id=tid, now=sent_at +
                                 timedelta(days=4), body="Archive search started.")  # fmt: skip
        if answer is not None:
            service.answer(session, actor=recipient, trace_id=tid,
                           body=AnswerIn.model_validate(answer),
                           now=sent_at + timedelta(days=min(days - 1, 25)))  # fmt: skip
        if status == "closed":
            service.close(session, actor=requester, trace_id=tid,
                          now=sent_at + timedelta(days=30))  # fmt: skip
        if status == "withdrawn":
            reason = "Weapon identified by a national hit"
            service.withdraw(session, actor=requester, trace_id=tid,
                             now=sent_at + timedelta(days=5), reason=reason)  # fmt: skip
        made += 1
    return made
