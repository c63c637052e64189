"""Procedure steps (complete, waive) and hand-overs (offer, accept, decline, cancel)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.seizures import forms, procedures, service
from kalibar.seizures.views_common import form_of
from kalibar.seizures.views_detail import act
from kalibar.web.deps import CurrentActor, Db

router = APIRouter(prefix="/seizures", include_in_schema=False)


def _on_step(
    request: Request,
    db: Db,
    actor: CurrentActor,
    seizure_id: uuid.UUID,
    step_id: uuid.UUID,
    field: str,
    change: Callable[[str], object],
) -> Response:
    """Complete or waive a step with the one text the form sends (note or reason)."""
    value = forms.text(form_of(request), field)
    return act(
        request,
        db,
        actor,
        seizure_id,
        lambda: change(value),
        section=f"step-{step_id}",
        anchor="steps",
        values={field: value},
    )


@router.post("/{seizure_id}/steps/{step_id}/complete")
def complete_step(
    seizure_id: uuid.UUID, step_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor
) -> Response:
    def complete(note: str) -> object:
        return procedures.complete_step(db, actor=actor, step_id=step_id, note=note)

    return _on_step(request, db, actor, seizure_id, step_id, "note", complete)


@router.post("/{seizure_id}/steps/{step_id}/waive")
def waive_step(
    seizure_id: uuid.UUID, step_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor
) -> Response:
    def waive(reason: str) -> object:
        return procedures.waive_step(db, actor=actor, step_id=step_id, reason=reason)

    return _on_step(request, db, actor, seizure_id, step_id, "reason", waive)


@router.post("/{seizure_id}/handovers")
def request_handover(
    seizure_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor
) -> Response:
    form = form_of(request)
    values = {"to_agency": forms.text(form, "to_agency"), "note": forms.text(form, "note")}
    return act(
        request,
        db,
        actor,
        seizure_id,
        lambda: service.request_handover(db, actor=actor, seizure_id=seizure_id, **values),
        section="handover",
        values=values,
    )


@router.post("/{seizure_id}/handovers/{handover_id}/{action}")
def decide_handover(
    seizure_id: uuid.UUID,
    handover_id: uuid.UUID,
    action: str,
    request: Request,
    db: Db,
    actor: CurrentActor,
) -> Response:
    reason = forms.text(form_of(request), "reason")

    def run() -> None:
        if action == "accept":
            service.accept_handover(db, actor=actor, handover_id=handover_id)
        elif action == "decline":
            service.decline_handover(db, actor=actor, handover_id=handover_id, reason=reason)
        elif action == "cancel":
            service.cancel_handover(db, actor=actor, handover_id=handover_id)
        else:
            raise Invalid(_("Unknown action."), [{"field": "action", "value": action}])

    response = act(
        request, db, actor, seizure_id, run, section="handover", values={"reason": reason}
    )
    if action == "decline" and isinstance(response, RedirectResponse):
        # The decliner may no longer see the seizure: back to the dashboard.
        return RedirectResponse("/", status_code=303)
    return response
