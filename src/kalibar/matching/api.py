"""``/api/v1/checks``, ``/api/v1/hits``, ``/api/v1/notifications``"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Response

from kalibar.matching import hits, service
from kalibar.matching.schemas import (
    CandidateOut,
    CheckRequest,
    CheckResponse,
    HitDecision,
    HitOut,
    NotificationOut,
)
from kalibar.web.deps import CurrentActor, Db

router = APIRouter(tags=["matching"])


@router.post("/checks", response_model=CheckResponse)
def check(body: CheckRequest, db: Db, actor: CurrentActor) -> CheckResponse:
    result = service.check(db, actor=actor, query=service.CheckInput(**body.model_dump()))
    return CheckResponse(
        candidates=[CandidateOut.of(c) for c in result.candidates],
        restricted_matches=result.restricted_matches,
        notes=result.notes,
    )


@router.get("/hits", response_model=list[HitOut])
def list_hits(
    db: Db,
    actor: CurrentActor,
    status: str | None = Query(None, pattern="^(open|confirmed|rejected)$"),
) -> list[HitOut]:
    return [HitOut.of(v) for v in hits.list_hits(db, actor=actor, status=status)]


@router.get("/hits/{hit_id}", response_model=HitOut)
def get_hit(hit_id: uuid.UUID, db: Db, actor: CurrentActor) -> HitOut:
    return HitOut.of(hits.get_hit(db, actor=actor, hit_id=hit_id))


@router.post("/hits/{hit_id}/confirm", response_model=HitOut)
def confirm_hit(hit_id: uuid.UUID, body: HitDecision, db: Db, actor: CurrentActor) -> HitOut:
    view = hits.decide_hit(db, actor=actor, hit_id=hit_id, decision="confirmed", reason=body.reason)
    return HitOut.of(view)


@router.post("/hits/{hit_id}/reject", response_model=HitOut)
def reject_hit(hit_id: uuid.UUID, body: HitDecision, db: Db, actor: CurrentActor) -> HitOut:
    view = hits.decide_hit(db, actor=actor, hit_id=hit_id, decision="rejected", reason=body.reason)
    return HitOut.of(view)


@router.get("/notifications", response_model=list[NotificationOut])
def list_notifications(db: Db, actor: CurrentActor, unread: bool = False) -> list[NotificationOut]:
    rows = service.list_notifications(db, actor=actor, unread_only=unread)
    return [NotificationOut.of(n) for n in rows]


@router.post("/notifications/{notification_id}/read", status_code=204)
def read_notification(notification_id: uuid.UUID, db: Db, actor: CurrentActor) -> Response:
    service.mark_read(db, actor=actor, notification_id=notification_id)
    return Response(status_code=204)
