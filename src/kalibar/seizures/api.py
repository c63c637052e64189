"""``/api/v1/seizures``: the seizure itself, its closing, hand-overs, report, map and the
procedure templates. Items, involvements, entities, steps and custody are in
``api_items``; evidence files in ``api_files`` (both mounted before this router, so
their fixed paths are never read as a seizure id)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from kalibar.agencies.service import agency_codes
from kalibar.audit.schemas import AuditEntryOut
from kalibar.auth.actor import Actor
from kalibar.bounds import Day
from kalibar.db.base import utcnow
from kalibar.i18n import current_language
from kalibar.matching.schemas import HitOut
from kalibar.records.models import FirearmRecord
from kalibar.seizures import evidence, listing, pdf, procedures, service
from kalibar.seizures.io_import import create_from_input
from kalibar.seizures.models import Entity, Handover, SeizedItem, Seizure
from kalibar.seizures.schemas import HandoverIn, ReasonIn, SeizureCreate, SeizureUpdate
from kalibar.seizures.schemas_out import (
    EntityOut,
    EvidenceOut,
    HandoverOut,
    InvolvementOut,
    ItemOut,
    MapPointOut,
    ProcedureOut,
    SeizureOut,
    SeizurePage,
    SeizureSummary,
    StepOut,
)
from kalibar.sharing.visibility import visible
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.openapi import file_response

router = APIRouter(prefix="/seizures", tags=["seizures"])


def item_outs(db: Db, actor: Actor, s: Seizure, items: list[SeizedItem]) -> list[ItemOut]:
    """Items with their firearm records' references (where visible) and hits."""
    record_ids = {i.record_id for i in items if i.record_id is not None}
    if not record_ids:
        return [ItemOut.of(i) for i in items]
    r = FirearmRecord
    stmt = visible(select(r.uuid, r.reference).where(r.uuid.in_(record_ids)), r, actor)
    refs: dict[uuid.UUID, str] = {rid: ref for rid, ref in db.execute(stmt)}
    hits = service.item_hits(db, actor=actor, seizure=s)
    return [
        ItemOut.of(
            i,
            reference=refs.get(i.record_id) if i.record_id else None,
            hits=[HitOut.of(v) for v in hits.get(i.record_id, [])] if i.record_id else [],
        )
        for i in items
    ]


def seizure_out(db: Db, actor: Actor, s: Seizure) -> SeizureOut:
    """The full view: items with their records and hits, people, steps, hand-overs, files."""
    db.flush()
    db.refresh(s, attribute_names=["items", "steps", "involvements"])
    codes = agency_codes(db)
    entity_ids = {inv.entity_id for inv in s.involvements}
    seen: set[uuid.UUID] = set()
    if entity_ids:
        stmt = visible(select(Entity.uuid).where(Entity.uuid.in_(entity_ids)), Entity, actor)
        seen = set(db.execute(stmt).scalars())
    now, language = utcnow(), current_language()
    return SeizureOut.of(
        s,
        codes,
        items=item_outs(db, actor, s, [i for i in s.items if i.deleted_at is None]),
        involvements=[
            InvolvementOut(
                involvement_id=inv.uuid,
                role=inv.role,
                note=inv.note,
                entity_id=inv.entity_id,
                entity=EntityOut.of(inv.entity, codes) if inv.entity_id in seen else None,
            )
            for inv in s.involvements
        ],
        steps=[
            StepOut.of(
                st,
                now=now,
                title=procedures.step_title(st, language),
                procedure=procedures.procedure_name(st.procedure_code, language),
            )
            for st in s.steps
        ],
        handovers=[
            HandoverOut.of(h, codes, s.reference)
            for h in service.handovers_of(db, actor=actor, seizure_id=s.uuid)
        ],
        evidence=[
            EvidenceOut.of(f) for f in evidence.list_evidence(db, actor=actor, seizure_id=s.uuid)
        ],
    )


def _handover_out(db: Db, h: Handover) -> HandoverOut:
    db.flush()
    reference = db.execute(select(Seizure.reference).where(Seizure.uuid == h.seizure_id))
    return HandoverOut.of(h, agency_codes(db), reference.scalar_one_or_none() or "")


def _filter(country: str | None, agency: str | None, **given: Any) -> listing.SeizureFilter:
    """The list and map filters; country and agency codes in upper case."""
    return listing.SeizureFilter(
        country=country.upper() if country else None,
        agency=agency.upper() if agency else None,
        **given,
    )


# ---------------------------------------------------------------- fixed paths first


@router.get("", response_model=SeizurePage)
def list_seizures(
    db: Db,
    actor: CurrentActor,
    status: str | None = None,
    context: str | None = None,
    place_code: str | None = None,
    country: str | None = None,
    agency: Annotated[str | None, Query(description="owner agency code")] = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
    q: Annotated[
        str | None, Query(description="reference, vehicle, parcel, place or narrative words")
    ] = None,
    item_kind: str | None = None,
    limit: int = Query(50, ge=1, le=500),
    cursor: str | None = None,
) -> SeizurePage:
    filters = _filter(
        country,
        agency,
        status=status,
        context=context,
        place_code=place_code,
        date_from=date_from,
        date_to=date_to,
        q=q,
        item_kind=item_kind,
    )
    rows, next_cursor = listing.list_seizures(
        db, actor=actor, filters=filters, limit=limit, cursor=cursor
    )
    codes = agency_codes(db)
    return SeizurePage(
        items=[SeizureSummary.of(s, codes, listing.item_summary(s)) for s in rows],
        next_cursor=next_cursor,
    )


@router.post("", response_model=SeizureOut, status_code=201)
def create_seizure(body: SeizureCreate, db: Db, actor: CurrentActor) -> SeizureOut:
    seizure = create_from_input(db, actor=actor, body=body)
    return seizure_out(db, actor, seizure)


@router.get("/map", response_model=list[MapPointOut])
def map_points(
    db: Db,
    actor: CurrentActor,
    status: str | None = None,
    context: str | None = None,
    country: str | None = None,
    agency: str | None = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
    item_kind: str | None = None,
) -> list[MapPointOut]:
    filters = _filter(
        country,
        agency,
        status=status,
        context=context,
        date_from=date_from,
        date_to=date_to,
        item_kind=item_kind,
    )
    points = listing.map_points(db, actor=actor, filters=filters)
    return [
        MapPointOut(name=p.name, country=p.country, lat=p.lat, lon=p.lon, count=p.count)
        for p in points
    ]


@router.get("/procedures", response_model=list[ProcedureOut])
def list_procedures(db: Db, actor: CurrentActor) -> list[ProcedureOut]:
    language = current_language()
    return [
        ProcedureOut(
            code=t.code,
            name=procedures.procedure_name(t.code, language),
            position=t.position,
            active=t.active,
            customised=t.customised,
            updated_by=t.updated_by,
            body=t.body,
        )
        for t in procedures.list_templates(db)
    ]


@router.get("/handovers/incoming", response_model=list[HandoverOut])
def incoming_handovers(db: Db, actor: CurrentActor) -> list[HandoverOut]:
    return [_handover_out(db, h) for h in service.incoming_handovers(db, actor=actor)]


@router.post("/handovers/{handover_id}/accept", response_model=SeizureOut)
def accept_handover(handover_id: uuid.UUID, db: Db, actor: CurrentActor) -> SeizureOut:
    """Answers the seizure as it now is: owned by the accepting agency."""
    seizure = service.accept_handover(db, actor=actor, handover_id=handover_id)
    return seizure_out(db, actor, seizure)


@router.post("/handovers/{handover_id}/decline", response_model=HandoverOut)
def decline_handover(
    handover_id: uuid.UUID, body: ReasonIn, db: Db, actor: CurrentActor
) -> HandoverOut:
    h = service.decline_handover(db, actor=actor, handover_id=handover_id, reason=body.reason)
    return _handover_out(db, h)


@router.post("/handovers/{handover_id}/cancel", response_model=HandoverOut)
def cancel_handover(handover_id: uuid.UUID, db: Db, actor: CurrentActor) -> HandoverOut:
    return _handover_out(db, service.cancel_handover(db, actor=actor, handover_id=handover_id))


# ---------------------------------------------------------------- one seizure


@router.get("/{seizure_id}", response_model=SeizureOut)
def get_seizure(seizure_id: uuid.UUID, db: Db, actor: CurrentActor) -> SeizureOut:
    seizure = service.get_seizure(db, actor=actor, seizure_id=seizure_id)
    service.log_seizure_read(db, actor=actor, seizure=seizure)
    return seizure_out(db, actor, seizure)


@router.patch("/{seizure_id}", response_model=SeizureOut)
def update_seizure(
    seizure_id: uuid.UUID, body: SeizureUpdate, db: Db, actor: CurrentActor
) -> SeizureOut:
    seizure = service.update_seizure(db, actor=actor, seizure_id=seizure_id, changes=body.changes())
    return seizure_out(db, actor, seizure)


@router.delete("/{seizure_id}", status_code=204)
def delete_seizure(seizure_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    service.delete_seizure(db, actor=actor, seizure_id=seizure_id)
    return Response(status_code=204)


@router.post("/{seizure_id}/close", response_model=SeizureOut)
def close_seizure(seizure_id: uuid.UUID, db: Db, actor: CurrentActor) -> SeizureOut:
    seizure = service.close_seizure(db, actor=actor, seizure_id=seizure_id)
    return seizure_out(db, actor, seizure)


@router.post("/{seizure_id}/handover", response_model=HandoverOut, status_code=201)
def request_handover(
    seizure_id: uuid.UUID, body: HandoverIn, db: Db, actor: CurrentActor
) -> HandoverOut:
    h = service.request_handover(
        db, actor=actor, seizure_id=seizure_id, to_agency=body.to_agency, note=body.note
    )
    return _handover_out(db, h)


@router.get(
    "/{seizure_id}/report.pdf", response_class=Response, responses=file_response("application/pdf")
)
def report_pdf(seizure_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    seizure = service.get_seizure(db, actor=actor, seizure_id=seizure_id)
    data = pdf.render_report(db, actor=actor, seizure_id=seizure_id)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{seizure.reference}.pdf"'},
    )


@router.get("/{seizure_id}/history", response_model=list[AuditEntryOut])
def seizure_history(seizure_id: uuid.UUID, db: Db, actor: CurrentActor) -> list[AuditEntryOut]:
    entries = service.seizure_history(db, actor=actor, seizure_id=seizure_id)
    return [AuditEntryOut.of(e) for e in entries]
