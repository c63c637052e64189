"""``/api/v1/seizures``: items, involvements and entities, procedure steps, custody."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from kalibar.agencies.service import agency_codes
from kalibar.db.base import utcnow
from kalibar.i18n import current_language
from kalibar.seizures import custody, entities, listing, procedures, service
from kalibar.seizures.api import item_outs
from kalibar.seizures.io_import import involve_checked
from kalibar.seizures.models import ProcedureStep
from kalibar.seizures.schemas import CustodyIn, EntityIn, InvolvementIn, ItemIn, NoteIn, ReasonIn
from kalibar.seizures.schemas_out import (
    CustodyChainOut,
    CustodyEventOut,
    EntityOut,
    InvolvementOut,
    ItemOut,
    SeizureSummary,
    StepOut,
    SuggestionOut,
)
from kalibar.web.deps import AdminActor, CurrentActor, Db

router = APIRouter(prefix="/seizures", tags=["seizures"])


# ---------------------------------------------------------------- items


@router.post("/{seizure_id}/items", response_model=ItemOut, status_code=201)
def add_item(seizure_id: uuid.UUID, body: ItemIn, db: Db, actor: CurrentActor) -> ItemOut:
    item = service.add_item(db, actor=actor, seizure_id=seizure_id, data=body.item_data())
    db.flush()
    seizure = service.get_seizure(db, actor=actor, seizure_id=seizure_id)
    return item_outs(db, actor, seizure, [item])[0]


@router.delete("/items/{item_id}", status_code=204)
def remove_item(item_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    service.remove_item(db, actor=actor, item_id=item_id)
    return Response(status_code=204)


# ---------------------------------------------------------------- involvements, entities


@router.post("/{seizure_id}/involvements", response_model=InvolvementOut, status_code=201)
def involve(
    seizure_id: uuid.UUID, body: InvolvementIn, db: Db, actor: CurrentActor
) -> InvolvementOut:
    """Link an entity; a described one that is likely known already answers 409 with the
    suggestions (in the error details) unless ``allow_new`` is set."""
    inv = involve_checked(db, actor=actor, seizure_id=seizure_id, body=body)
    db.flush()
    return InvolvementOut(
        involvement_id=inv.uuid,
        role=inv.role,
        note=inv.note,
        entity_id=inv.entity_id,
        entity=EntityOut.of(inv.entity, agency_codes(db)),
    )


@router.delete("/involvements/{involvement_id}", status_code=204)
def remove_involvement(involvement_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    entities.remove_involvement(db, actor=actor, involvement_id=involvement_id)
    return Response(status_code=204)


@router.get("/entities", response_model=list[EntityOut])
def list_entities(
    db: Db,
    actor: CurrentActor,
    q: str | None = None,
    kind: str | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> list[EntityOut]:
    found = entities.list_entities(db, actor=actor, kind=kind, q=q, limit=limit)
    codes = agency_codes(db)
    return [EntityOut.of(e, codes) for e in found]


@router.get("/entities/suggest", response_model=list[SuggestionOut])
def suggest_entities(
    db: Db,
    actor: CurrentActor,
    described: Annotated[EntityIn, Query()],
    limit: int = Query(5, ge=1, le=50),
) -> list[SuggestionOut]:
    """Known entities like the one described (cross-script, fuzzy), best first."""
    found = entities.suggest_entities(db, actor=actor, data=described.entity_data(), limit=limit)
    codes = agency_codes(db)
    return [
        SuggestionOut(
            entity=EntityOut.of(s.entity, codes), score=s.score, reasons=s.reasons, strong=s.strong
        )
        for s in found
    ]


@router.get("/entities/{entity_id}", response_model=EntityOut)
def get_entity(entity_id: uuid.UUID, db: Db, actor: CurrentActor) -> EntityOut:
    return EntityOut.of(entities.get_entity(db, actor=actor, entity_id=entity_id), agency_codes(db))


@router.get("/entities/{entity_id}/seizures", response_model=list[SeizureSummary])
def entity_seizures(entity_id: uuid.UUID, db: Db, actor: CurrentActor) -> list[SeizureSummary]:
    codes = agency_codes(db)
    return [
        SeizureSummary.of(s, codes, listing.item_summary(s))
        for s in entities.seizures_of_entity(db, actor=actor, entity_id=entity_id)
    ]


# ---------------------------------------------------------------- procedure steps


def _step_out(db: Db, step: ProcedureStep) -> StepOut:
    db.flush()
    language = current_language()
    return StepOut.of(
        step,
        now=utcnow(),
        title=procedures.step_title(step, language),
        procedure=procedures.procedure_name(step.procedure_code, language),
    )


@router.post("/steps/{step_id}/complete", response_model=StepOut)
def complete_step(step_id: uuid.UUID, body: NoteIn, db: Db, actor: CurrentActor) -> StepOut:
    step = procedures.complete_step(db, actor=actor, step_id=step_id, note=body.note)
    return _step_out(db, step)


@router.post("/steps/{step_id}/waive", response_model=StepOut)
def waive_step(step_id: uuid.UUID, body: ReasonIn, db: Db, actor: AdminActor) -> StepOut:
    """Administrators only, with a written reason (audited)."""
    step = procedures.waive_step(db, actor=actor, step_id=step_id, reason=body.reason)
    return _step_out(db, step)


# ---------------------------------------------------------------- custody


@router.post("/items/{item_id}/custody", response_model=CustodyEventOut, status_code=201)
def append_custody(
    item_id: uuid.UUID, body: CustodyIn, db: Db, actor: CurrentActor
) -> CustodyEventOut:
    event = custody.append_event(db, actor=actor, item_id=item_id, **body.model_dump())
    db.flush()
    return CustodyEventOut.of(event)


@router.get("/items/{item_id}/custody", response_model=CustodyChainOut)
def custody_chain(item_id: uuid.UUID, db: Db, actor: CurrentActor) -> CustodyChainOut:
    events = custody.custody_chain(db, actor=actor, item_id=item_id)
    return CustodyChainOut(
        item_id=item_id,
        events=[CustodyEventOut.of(e) for e in events],
        problems=custody.verify_custody(events),
    )
