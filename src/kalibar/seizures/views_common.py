"""What every seizure page shares: the renderer with the seizure labels, vocabulary choices."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from kalibar.clock import moment
from kalibar.i18n import N_
from kalibar.seizures import procedures
from kalibar.seizures.labels import TEMPLATE_GLOBALS as SEIZURE_LABELS
from kalibar.seizures.vocabulary import VOCAB
from kalibar.web.templating import render

CONTEXT_LISTS = (
    "context",
    "direction",
    "detection_method",
    "concealment_method",
    "conveyance_kind",
    "item_kind",
    "part_kind",
    "ammunition_type",
    "explosive_type",
    "unit",
    "criminal_context",
    "entity_role",
    "custody_action",
    "evidence_kind",
)
ENTITY_KINDS = ("person", "company", "vehicle", "phone", "address")
ENTITY_KIND_LABELS = {
    "person": N_("person"),
    "company": N_("company"),
    "vehicle": N_("vehicle"),
    "phone": N_("phone"),
    "address": N_("address"),
}
ROLE_LABELS = {
    "officer": N_("officer"),
    "investigator": N_("investigator"),
    "focal_point": N_("firearms focal point"),
    "analyst": N_("analyst"),
    "admin": N_("administrator"),
}


def codes(list_name: str) -> list[str]:
    """The codes of one vocabulary list, in the order the forms show them."""
    return list(VOCAB.get(list_name, {}))


def quantity(n: float | int | None) -> str:
    """50.0 → "50", 1.5 → "1.5": quantities without a trailing ".0"."""
    return "" if n is None else f"{n:g}"


def when(value: datetime | None) -> str:
    """A stored (UTC) time as every page shows it (the one clock, zone named)."""
    return moment(value)


def form_of(request: Request) -> Any:
    return request.state.form  # read by the CSRF dependency


def page(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """Render a seizure page with the seizure labels and vocabulary lists."""
    ctx: dict[str, Any] = dict(SEIZURE_LABELS)
    ctx["vocab"] = {name: codes(name) for name in CONTEXT_LISTS}
    ctx["entity_kinds"] = ENTITY_KINDS
    ctx["qty"] = quantity
    ctx["when"] = when
    ctx["entity_kind_labels"] = ENTITY_KIND_LABELS
    ctx["role_labels"] = ROLE_LABELS
    # The procedures module words each requirement; one wording for pages and errors.
    ctx["describe_requirement"] = procedures.describe_requirement

    ctx.update(context or {})
    return render(request, template, ctx, status)
