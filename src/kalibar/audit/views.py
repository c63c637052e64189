"""Admin page: browse and filter the audit trail."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kalibar.audit.service import AuditFilter, list_entries
from kalibar.dates import DateError, parse_day
from kalibar.web.deps import AuditActor, Db
from kalibar.web.templating import render

router = APIRouter(prefix="/admin/audit", include_in_schema=False)
PAGE = 50


def _day(value: str | None, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        d = parse_day(value)
    except DateError:
        return None
    if end:
        d += timedelta(days=1)  # "until" includes the whole day
    return datetime.combine(d, time.min, tzinfo=UTC)


@router.get("")
def audit_page(
    request: Request,
    db: Db,
    actor: AuditActor,
    user: str = "",
    agency: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    since: str = "",
    until: str = "",
    before: int | None = None,
) -> Response:
    filters = AuditFilter(
        actor=user or None,
        agency=agency or None,
        action=action or None,
        object_type=object_type or None,
        object_id=object_id or None,
        since=_day(since),
        until=_day(until, end=True),
    )
    entries = list_entries(db, actor=actor, filters=filters, limit=PAGE, before_seq=before)
    rows = [(e, json.loads(e.changes)) for e in entries]
    params = {
        "user": user,
        "agency": agency,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "since": since,
        "until": until,
    }
    return render(
        request,
        "admin/audit.html",
        {
            "rows": rows,
            "filters": params,
            "next_before": entries[-1].seq if len(entries) == PAGE else None,
        },
    )
