"""The dashboard: what each slice shows an officer on the first page, assembled here
because it reads from several slices (the composition root's job, not the shell's)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.agencies.service import agency_codes
from kalibar.analysis import alerts as early_warning
from kalibar.auth.actor import Actor
from kalibar.auth.models import User
from kalibar.i18n import current_language
from kalibar.operations import work as operation_work
from kalibar.records.service import count_records
from kalibar.seizures import procedures as seizure_procedures
from kalibar.seizures import service as seizures
from kalibar.seizures.models import Seizure
from kalibar.sharing.visibility import visible
from kalibar.tracing.queues import reminders as trace_reminders
from kalibar.web.deps import CurrentActor, Db
from kalibar.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard(request: Request, db: Db, actor: CurrentActor) -> Response:
    counts = {
        "agencies": db.execute(select(func.count()).select_from(Agency)).scalar_one(),
        "users": db.execute(select(func.count()).select_from(User)).scalar_one(),
    }
    by_status = count_records(db, actor=actor)
    return render(
        request,
        "home.html",
        {
            "counts": counts,
            "by_status": by_status,
            "total_records": sum(by_status.values()),
            "trace_reminders": trace_reminders(db, actor=actor),
            "operation_tasks": operation_work.my_open_tasks(db, actor=actor),
            "open_alerts": early_warning.count_open(db, actor=actor),
            **_seizure_panel(db, actor),
        },
    )


def _seizure_panel(db: Session, actor: Actor) -> dict[str, Any]:
    """Overdue procedure steps and hand-overs offered to the actor's agency."""
    steps = seizure_procedures.overdue_steps(db, actor=actor, limit=10)
    handovers = seizures.incoming_handovers(db, actor=actor)
    ids = {st.seizure_id for st in steps} | {h.seizure_id for h in handovers}
    refs: dict[Any, str] = {}
    if ids:
        stmt = visible(select(Seizure.uuid, Seizure.reference).where(Seizure.uuid.in_(ids)),
                       Seizure, actor)  # fmt: skip
        refs = {row.uuid: row.reference for row in db.execute(stmt)}
    lang = current_language()
    return {
        "step_counts": seizure_procedures.dashboard_counts(db, actor=actor),
        "overdue_steps": [(st, refs.get(st.seizure_id, ""),
                           seizure_procedures.step_title(st, lang)) for st in steps],
        "incoming_handovers": [(h, refs.get(h.seizure_id, "")) for h in handovers],
        "agency_codes": agency_codes(db),
    }  # fmt: skip
