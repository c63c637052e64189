"""``/api/v1/audit`` (administrators, with need-to-know; auditors)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from kalibar.audit.schemas import AuditEntryOut
from kalibar.audit.service import AuditFilter, list_entries
from kalibar.bounds import Moment, RowId
from kalibar.web.deps import AuditActor, Db

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=list[AuditEntryOut])
def audit_entries(
    db: Db,
    actor: AuditActor,
    user: str | None = None,
    agency: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: Moment | None = None,
    until: Moment | None = None,
    before: RowId | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list[AuditEntryOut]:
    filters = AuditFilter(
        actor=user,
        agency=agency,
        action=action,
        object_type=object_type,
        object_id=object_id,
        since=since,
        until=until,
    )
    rows = list_entries(db, actor=actor, filters=filters, limit=limit, before_seq=before)
    return [AuditEntryOut.of(e) for e in rows]
