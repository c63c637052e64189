"""The guided seizure form: the event and a few item lines at once; editing the event."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kalibar.auth.actor import Actor
from kalibar.db.base import Distribution
from kalibar.errors import KalibarError
from kalibar.i18n import _
from kalibar.records.suggestions import catalogue_choices
from kalibar.seizures import forms, service
from kalibar.seizures.declarations import declaration_for
from kalibar.seizures.places import places
from kalibar.seizures.views_common import form_of, page
from kalibar.web.deps import CurrentActor, Db

router = APIRouter(prefix="/seizures", include_in_schema=False)
FIREARM_ROWS = 2
OTHER_ROWS = 2
#: Declaration flow → the seizure context it leads to.
FLOW_CONTEXT = {
    "postal": "postal_inspection",
    "express": "cargo_inspection",
    "cargo": "cargo_inspection",
}
#: Declaration transport mode (free text in the lodging system) → conveyance kind.
TRANSPORT_CONVEYANCE = {
    "road": "truck",
    "truck": "truck",
    "car": "car",
    "van": "van",
    "rail": "train",
    "train": "train",
    "air": "aircraft",
    "aircraft": "aircraft",
    "sea": "vessel",
    "vessel": "vessel",
    "post": "parcel",
    "postal": "parcel",
    "bus": "bus",
}


def _empty_rows(n: int, columns: tuple[str, ...]) -> list[dict[str, str]]:
    return [dict.fromkeys(columns, "") for _i in range(n)]


def _context(values: dict[str, Any], errors: dict[str, str], **extra: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "values": values,
        "errors": errors,
        "places": places(),
        "distributions": [d.value for d in Distribution if d is not Distribution.group],
        **catalogue_choices(),
    }
    ctx.update(extra)
    return ctx


def _from_declaration(db: Db, actor: Actor, declaration_id: uuid.UUID) -> dict[str, Any]:
    """Prefill from the declaration whose inspection found the goods (if visible)."""
    d = declaration_for(db, actor, declaration_id)
    transport = (d.transport_mode or "").strip().lower()
    consignee = d.consignee_country or None
    direction = "entry" if consignee == actor.country else "exit" if consignee else "domestic"
    if d.dispatch_country and consignee and actor.country not in (d.dispatch_country, consignee):
        direction = "transit"
    narrative = _("Found on inspection of declaration %(id)s (office %(office)s).") % {
        "id": d.declaration_id,
        "office": d.office,
    }
    conveyance = "parcel" if d.flow == "postal" else TRANSPORT_CONVEYANCE.get(transport, "")
    return {
        "declaration_uuid": str(d.uuid),
        "declaration_label": d.declaration_id,
        "context": FLOW_CONTEXT.get(d.flow, "cargo_inspection"),
        "direction": direction,
        "origin_country": d.dispatch_country or d.consignor_country or "",
        "destination_country": consignee or "",
        "conveyance_kind": conveyance,
        "vehicle_registration": d.vehicle_registration or "",
        "parcel_number": d.declaration_id if d.flow in ("postal", "express") else "",
        "detection_method": "risk_profile",
        "narrative": narrative,
    }


@router.get("/new")
def new_form(
    request: Request, db: Db, actor: CurrentActor, declaration: uuid.UUID | None = None
) -> Response:
    values: dict[str, Any] = {
        "occurred_at": forms.datetime_input(forms.local_now()),
        "context": "border_check",
        "direction": "entry",
        "distribution": "national",
        "criminal_context": [],
    }
    if declaration is not None:
        values.update(_from_declaration(db, actor, declaration))
    return page(
        request,
        "seizures/form.html",
        _context(
            values,
            {},
            firearms=_empty_rows(FIREARM_ROWS, forms.FIREARM_COLUMNS),
            others=_empty_rows(OTHER_ROWS, forms.OTHER_COLUMNS),
        ),
    )


@router.get("/new/line")
def new_line(request: Request, actor: CurrentActor, kind: str = "firearm") -> Response:
    """One more empty item line (htmx appends it to the form)."""
    template = "seizures/_firearm_line.html" if kind == "firearm" else "seizures/_other_line.html"
    columns = forms.FIREARM_COLUMNS if kind == "firearm" else forms.OTHER_COLUMNS
    return page(request, template, _context({}, {}, row=dict.fromkeys(columns, ""), i="new"))


def _keep_rows(rows: list[dict[str, str]], minimum: int, columns: tuple[str, ...]) -> list:
    return rows + _empty_rows(max(0, minimum - len(rows)), columns)


@router.post("/new")
def create(request: Request, db: Db, actor: CurrentActor) -> Response:
    form = form_of(request)
    values = forms.seizure_values(form)
    values["declaration_label"] = forms.text(form, "declaration_label")
    data, errors = forms.parse_seizure(values)
    lines = forms.parse_lines(form)
    errors.update(lines.errors)
    seizure, status = None, 422
    if data is not None and not errors:
        try:
            with db.begin_nested():
                seizure = service.create_seizure(
                    db,
                    actor=actor,
                    data=data,
                    items=lines.items,
                    distribution=values["distribution"],
                )
        except KalibarError as exc:
            if exc.status in (401, 404):
                raise
            errors, status = forms.error_map(exc), exc.status
    if seizure is None:
        return page(
            request,
            "seizures/form.html",
            _context(
                values,
                errors,
                firearms=_keep_rows(lines.firearms, FIREARM_ROWS, forms.FIREARM_COLUMNS),
                others=_keep_rows(lines.others, OTHER_ROWS, forms.OTHER_COLUMNS),
            ),
            status,
        )
    return RedirectResponse(f"/seizures/{seizure.uuid}", status_code=303)


@router.get("/{seizure_id}/edit")
def edit_form(seizure_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    s = service.get_seizure(db, actor=actor, seizure_id=seizure_id)
    return page(request, "seizures/edit.html", _context(forms.values_of(s), {}, seizure=s))


@router.post("/{seizure_id}/edit")
def edit(seizure_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    values = forms.seizure_values(form_of(request))
    data, errors = forms.parse_seizure(values)
    if data is not None and not errors:
        try:
            with db.begin_nested():
                service.update_seizure(
                    db, actor=actor, seizure_id=seizure_id, changes=forms.seizure_changes(data)
                )
        except KalibarError as exc:
            if exc.status in (401, 404):
                raise
            errors = forms.error_map(exc)
    if errors:
        s = service.get_seizure(db, actor=actor, seizure_id=seizure_id)
        return page(request, "seizures/edit.html", _context(values, errors, seizure=s), 422)
    return RedirectResponse(f"/seizures/{seizure_id}", status_code=303)
