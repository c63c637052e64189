"""``/api/v1/screenings`` and ``/api/v1/targeting/...``: screen, work the list, record
results, hit rates."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from kalibar.targeting import screening, worklist
from kalibar.targeting.schemas import (
    Contribution,
    HitRateRow,
    InspectionIn,
    InspectionOut,
    Instruction,
    ScreeningOut,
    ScreeningRequest,
    ScreeningResponse,
    WorklistItem,
)
from kalibar.web.deps import CurrentActor, Db

router = APIRouter(tags=["targeting"])


@router.post("/screenings", response_model=ScreeningResponse)
def create_screenings(body: ScreeningRequest, db: Db, actor: CurrentActor) -> ScreeningResponse:
    results = screening.screen_declarations(
        db, actor=actor, declarations=body.declarations, store=body.store
    )
    return ScreeningResponse(
        results=[
            ScreeningOut(
                declaration_id=r.declaration_id,
                score=r.score,
                lane=r.lane,
                reasons=r.reasons,
                rules=r.rules,
                random=r.random,
                instructions=[Instruction(**i) for i in r.instructions()],
                model_score=None if r.model_score is None else round(r.model_score, 4),
                top_features=[
                    Contribution(feature=name, contribution=round(value, 4))
                    for name, value in r.top_features
                ],
                uuid=r.uuid,
            )
            for r in results
        ],
        stored=len(results) if body.store else 0,
    )


@router.get("/targeting/worklist", response_model=list[WorklistItem])
def get_worklist(
    db: Db,
    actor: CurrentActor,
    office: str | None = None,
    flow: str | None = None,
    lane: str | None = Query(None, pattern="^(red|yellow|blue|green)$"),
    state: str = Query("open", pattern="^(open|done|all)$"),
    limit: int = Query(200, ge=1, le=1000),
) -> list[WorklistItem]:
    filters = worklist.WorklistFilter(office=office, flow=flow, lane=lane, state=state)
    rows = worklist.list_worklist(db, actor=actor, filters=filters, limit=limit)
    return [WorklistItem.model_validate(e.as_dict()) for e in rows]


@router.get("/targeting/declarations/{declaration_uuid}", response_model=WorklistItem)
def get_declaration(declaration_uuid: uuid.UUID, db: Db, actor: CurrentActor) -> WorklistItem:
    entry = worklist.get_entry(db, actor=actor, declaration_uuid=declaration_uuid)
    return WorklistItem.model_validate(entry.as_dict())


@router.put("/targeting/declarations/{declaration_uuid}/inspection", response_model=InspectionOut)
def put_inspection(
    declaration_uuid: uuid.UUID, body: InspectionIn, db: Db, actor: CurrentActor
) -> InspectionOut:
    entry = worklist.record_inspection(
        db,
        actor=actor,
        declaration_uuid=declaration_uuid,
        outcome=body.outcome.value,
        notes=body.notes,
    )
    assert entry.inspection is not None
    i = entry.inspection
    return InspectionOut(
        declaration_uuid=i.declaration_uuid,
        outcome=i.outcome,
        notes=i.notes,
        inspected_by=i.inspected_by,
        inspected_at=i.inspected_at,
        seizure_url=entry.seizure_url,
    )


@router.get("/targeting/hit-rates", response_model=list[HitRateRow])
def get_hit_rates(db: Db, actor: CurrentActor, office: str | None = None) -> list[HitRateRow]:
    rates = worklist.hit_rates(db, actor=actor, office=office)
    return [HitRateRow(**row) for row in rates.rows()]
