"""Persons, companies, vehicles, phones and addresses on a seizure: link an existing
entity (suggested as the officer types) or create a new one."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kalibar.i18n import _
from kalibar.seizures import entities, forms
from kalibar.seizures.views_common import form_of, page
from kalibar.seizures.views_detail import act
from kalibar.web.deps import CurrentActor, Db

router = APIRouter(prefix="/seizures", include_in_schema=False)


@router.get("/{seizure_id}/entities/suggest")
def suggest(seizure_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    """Existing entities like the one being typed (an htmx fragment inside the form)."""
    values = forms.entity_values(request.query_params)
    found: list[entities.EntitySuggestion] = []
    if forms.entity_searchable(values):
        data, errors = forms.parse_entity(values)
        if data is not None:
            found = entities.suggest_entities(db, actor=actor, data=data, limit=5)
    return page(
        request,
        "seizures/_entity_suggestions.html",
        {"suggestions": found, "seizure_id": seizure_id},
    )


@router.post("/{seizure_id}/entities")
def involve(seizure_id: uuid.UUID, request: Request, db: Db, actor: CurrentActor) -> Response:
    form = form_of(request)
    values = forms.entity_values(form)
    chosen = forms.text(form, "entity_id")
    errors: dict[str, str] = {}
    if not values["role"]:
        errors["role"] = _("Choose the role in the seizure.")
    entity_id: uuid.UUID | None = None
    data: entities.EntityData | None = None
    if chosen:
        try:
            entity_id = uuid.UUID(chosen)
        except ValueError:
            errors["entity_id"] = _("Not an entity identifier.")
    else:
        data, data_errors = forms.parse_entity(values)
        errors.update(data_errors)

    def run() -> None:
        entities.involve(
            db,
            actor=actor,
            seizure_id=seizure_id,
            role=values["role"],
            entity_id=entity_id,
            data=data,
            note=values["note"],
        )

    return act(
        request, db, actor, seizure_id, run, section="entities", values=values, errors=errors
    )


@router.post("/{seizure_id}/involvements/{involvement_id}/remove")
def remove(
    seizure_id: uuid.UUID,
    involvement_id: uuid.UUID,
    request: Request,
    db: Db,
    actor: CurrentActor,
) -> Response:
    return act(
        request,
        db,
        actor,
        seizure_id,
        lambda: entities.remove_involvement(db, actor=actor, involvement_id=involvement_id),
        section="entities",
    )
