"""The list of seizures with filters, and the map of seizure places."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kalibar.agencies.service import agency_codes, list_agencies
from kalibar.i18n import _
from kalibar.seizures import listing
from kalibar.seizures.places import places
from kalibar.seizures.seizure_map import map_svg
from kalibar.seizures.views_common import page
from kalibar.web.deps import CurrentActor, Db

router = APIRouter(prefix="/seizures", include_in_schema=False)
FILTERS = (
    "status",
    "context",
    "place_code",
    "country",
    "agency",
    "date_from",
    "date_to",
    "q",
    "item_kind",
)


def _filters(params: dict[str, str]) -> tuple[listing.SeizureFilter, dict[str, str]]:
    """Query parameters as a filter; a bad date is reported and ignored, not a 422 page."""
    errors: dict[str, str] = {}
    kwargs: dict[str, Any] = {}
    for key, raw in params.items():
        if not raw:
            continue
        if key in ("date_from", "date_to"):
            try:
                kwargs[key] = date.fromisoformat(raw)
            except ValueError:
                errors[key] = _("Enter a date like 2026-03-01.")
        elif key == "country":
            kwargs[key] = raw.upper()
        else:
            kwargs[key] = raw
    return listing.SeizureFilter(**kwargs), errors


@router.get("")
def seizures_page(
    request: Request, db: Db, actor: CurrentActor, cursor: str | None = None
) -> Response:
    params = {k: request.query_params.get(k, "").strip() for k in FILTERS}
    filters, errors = _filters(params)
    rows, next_cursor = listing.list_seizures(
        db, actor=actor, filters=filters, limit=50, cursor=cursor
    )
    points = listing.map_points(db, actor=actor, filters=filters)
    query = urlencode({k: v for k, v in params.items() if v})
    return page(
        request,
        "seizures/list.html",
        {
            "rows": rows,
            "summaries": {s.uuid: listing.item_summary(s) for s in rows},
            "agency_codes": agency_codes(db),
            "filters": params,
            "errors": errors,
            "next_cursor": next_cursor,
            "filter_query": query,
            "counts": listing.count_seizures(db, actor=actor),
            "map": map_svg(points),
            "points": points,
            "places": places(),
            "agencies": list_agencies(db),
            "statuses": ["open", "closed"],
        },
    )
