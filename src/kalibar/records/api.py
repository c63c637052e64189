"""``/api/v1/records``"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from kalibar.agencies.service import agency_codes
from kalibar.audit.schemas import AuditEntryOut
from kalibar.bounds import Day
from kalibar.records import service
from kalibar.records.models import RecordStatus
from kalibar.records.schemas import RecordCreate, RecordOut, RecordPage, RecordUpdate
from kalibar.web.deps import CurrentActor, Db

router = APIRouter(tags=["records"])


@router.post("/records", response_model=RecordOut, status_code=201)
def create_record(body: RecordCreate, db: Db, actor: CurrentActor) -> RecordOut:
    data = service.RecordData(
        **body.model_dump(exclude={"distribution", "sharing_groups", "allow_duplicate"})
    )
    record = service.create_record(
        db,
        actor=actor,
        data=data,
        distribution=body.distribution.value,
        group_ids=body.sharing_groups,
        allow_duplicate=body.allow_duplicate,
    )
    db.flush()
    return RecordOut.of(record, agency_codes(db))


@router.get("/records", response_model=RecordPage)
def list_records(
    db: Db,
    actor: CurrentActor,
    status: RecordStatus | None = None,
    weapon_type: Annotated[str | None, Query(max_length=32)] = None,
    make: Annotated[str | None, Query(max_length=120)] = None,
    calibre: Annotated[str | None, Query(max_length=80)] = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
    agency: Annotated[str | None, Query(max_length=32)] = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
    q: Annotated[str | None, Query(description="serial, make, model or reference")] = None,
    needs_review: bool | None = None,
    sort: str = "created",
    order: str = Query("desc", pattern="^(asc|desc)$"),
    limit: int = Query(50, ge=1, le=500),
    cursor: str | None = None,
) -> RecordPage:
    filters = service.RecordFilter(
        status=status,
        weapon_type=weapon_type,
        make=make,
        calibre=calibre,
        country=country,
        agency=agency,
        date_from=date_from,
        date_to=date_to,
        q=q,
        needs_review=needs_review,
    )
    rows, next_cursor = service.list_records(
        db,
        actor=actor,
        filters=filters,
        sort=sort,
        descending=order == "desc",
        limit=limit,
        cursor=cursor,
    )
    codes = agency_codes(db)
    return RecordPage(items=[RecordOut.of(r, codes) for r in rows], next_cursor=next_cursor)


@router.get("/records/{record_id}", response_model=RecordOut)
def get_record(record_id: uuid.UUID, db: Db, actor: CurrentActor) -> RecordOut:
    record = service.get_record(db, actor=actor, record_id=record_id)
    service.log_record_read(db, actor=actor, record=record)
    return RecordOut.of(record, agency_codes(db))


@router.patch("/records/{record_id}", response_model=RecordOut)
def update_record(
    record_id: uuid.UUID, body: RecordUpdate, db: Db, actor: CurrentActor
) -> RecordOut:
    changes = body.model_dump(exclude_unset=True, exclude={"distribution", "sharing_groups"})
    if "status" in changes and changes["status"] is not None:
        changes["status"] = changes["status"].value
    record = service.update_record(
        db,
        actor=actor,
        record_id=record_id,
        changes=changes,
        distribution=body.distribution.value if body.distribution else None,
        group_ids=body.sharing_groups,
    )
    return RecordOut.of(record, agency_codes(db))


@router.delete("/records/{record_id}", status_code=204)
def delete_record(record_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    service.delete_record(db, actor=actor, record_id=record_id)
    return Response(status_code=204)


@router.get("/records/{record_id}/history", response_model=list[AuditEntryOut])
def record_history(record_id: uuid.UUID, db: Db, actor: CurrentActor) -> list[AuditEntryOut]:
    return [
        AuditEntryOut.of(e) for e in service.record_history(db, actor=actor, record_id=record_id)
    ]
