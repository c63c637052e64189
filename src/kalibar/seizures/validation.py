"""Checks of seizure input that collect every problem instead of stopping at the first.

Each function returns error details (``{"field": ..., "error": ..., "message": ...}``);
the service raises one :class:`~kalibar.errors.Invalid` with all of them, so a form or an
import line shows every bad field at once and nothing is stored half-way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pycountry

from kalibar.db.base import Distribution, utcnow
from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.seizures import vocabulary
from kalibar.seizures.labels import field_words
from kalibar.seizures.places import resolve_place

if TYPE_CHECKING:
    from kalibar.seizures.service import ItemData, SeizureData

#: Device clocks drift; a seizure "now" may be stamped a little ahead of the server.
CLOCK_SKEW = timedelta(minutes=5)
#: Column limits of free-text fields (see models.Seizure).
LIMITS = {
    "place_name": 200,
    "address": 300,
    "vehicle_registration": 32,
    "vehicle_make": 80,
    "bus_line": 120,
    "parcel_number": 64,
    "container_number": 32,
}
TEXTS = (*LIMITS, "legal_basis", "narrative")
#: Optional coded fields of the event and their vocabulary lists.
CODED = {
    "detection_method": "detection_method",
    "concealment_method": "concealment_method",
    "conveyance_kind": "conveyance_kind",
}
Problem = dict[str, Any]


def problems_error(problems: list[Problem]) -> Invalid:
    names = field_words(list(dict.fromkeys(str(p["field"]) for p in problems)))
    return Invalid(_("Some fields are not valid: %(fields)s.") % {"fields": names}, problems)


def _problem(field: str, error: str, message: str, **extra: Any) -> Problem:
    return {"field": field, "error": error, "message": message, **extra}


@lru_cache(maxsize=512)
def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 for a code (alpha-2 or alpha-3, any case); ``None`` if unknown.

    Kosovo (XK) is user-assigned, not in ISO, but used by every agency of the region.
    """
    text = value.strip().upper()
    if text == "XK":
        return "XK"
    found = None
    if len(text) == 2:
        found = pycountry.countries.get(alpha_2=text)
    elif len(text) == 3:
        found = pycountry.countries.get(alpha_3=text)
    return str(found.alpha_2) if found else None


def _country(field: str, value: str | None, problems: list[Problem]) -> str | None:
    if value is None or not str(value).strip():
        return None
    code = country_code(str(value))
    if code is None:
        problems.append(
            _problem(
                field, "unknown_country", _("unknown country; give an ISO code (BA)"), value=value
            )  # fmt: skip
        )
    return code


def _code(list_name: str, value: str, field: str, problems: list[Problem]) -> str:
    found = vocabulary.problem(list_name, value, field)
    if found is not None:
        problems.append({**found, "error": "unknown_code"})
    return value


def _coordinate(field: str, value: Any, bound: float, problems: list[Problem]) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not (-bound <= number <= bound):
        problems.append(
            _problem(
                field,
                "out_of_range",
                _("between -%(bound)s and %(bound)s") % {"bound": int(bound)},
                value=value,
            )  # fmt: skip
        )
        return None
    return round(number, 6)


def seizure_values(
    data: SeizureData, *, default_country: str
) -> tuple[dict[str, Any], list[Problem]]:
    """Column values of a seizure from ``data``, and every problem found.

    A catalogue ``place_code`` sets the place name, country and coordinates (explicit
    coordinates win: a GPS fix is more precise than the catalogue). Without one, a place
    name or an address is required; the country defaults to the owner's.
    """
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    when = data.occurred_at
    if not isinstance(when, datetime):
        problems.append(_problem("occurred_at", "required", _("give the date and time")))
    elif when.tzinfo is None or when.utcoffset() is None:
        problems.append(_problem("occurred_at", "naive", _("the date and time need a time zone")))
    elif when > utcnow() + CLOCK_SKEW:
        problems.append(_problem("occurred_at", "future", _("cannot be in the future")))
    else:
        values["occurred_at"] = when
    if not data.context:
        problems.append(_problem("context", "required", _("say in what context")))
    else:
        values["context"] = _code("context", data.context, "context", problems)
    values["direction"] = _code("direction", data.direction or "domestic", "direction", problems)
    for key, list_name in CODED.items():
        value = (getattr(data, key) or "").strip()
        values[key] = _code(list_name, value, key, problems) if value else ""
    for key in TEXTS:
        value = (getattr(data, key) or "").strip()
        if key in LIMITS and len(value) > LIMITS[key]:
            problems.append(
                _problem(
                    key,
                    "too_long",
                    _("at most %(n)s characters") % {"n": LIMITS[key]},
                    max_length=LIMITS[key],
                )  # fmt: skip
            )
        values[key] = value
    values["vehicle_registration"] = values["vehicle_registration"].upper()
    values["latitude"] = _coordinate("latitude", data.latitude, 90, problems)
    values["longitude"] = _coordinate("longitude", data.longitude, 180, problems)
    if (data.latitude in (None, "")) != (data.longitude in (None, "")):
        field = "longitude" if data.longitude in (None, "") else "latitude"
        problems.append(_problem(field, "required", _("give both latitude and longitude")))
    code = (data.place_code or "").strip()
    values["place_code"] = None
    values["place_country"] = _country("place_country", data.place_country, problems)
    if code:
        found = resolve_place(code)
        if found is None:
            problems.append(
                _problem(
                    "place_code", "unknown_place", _("not a place of the catalogue"), value=code
                )  # fmt: skip
            )
        else:
            values["place_code"] = found.code
            values["place_name"] = values["place_name"] or found.name
            values["place_country"] = found.country
            if values["latitude"] is None or values["longitude"] is None:
                values["latitude"], values["longitude"] = found.lat, found.lon
    elif not values["place_name"] and not values["address"]:
        problems.append(
            _problem("place_name", "required", _("choose a place or give a name or address"))
        )
    if values["place_country"] is None and not code:
        values["place_country"] = default_country
    values["origin_country"] = _country("origin_country", data.origin_country, problems)
    values["destination_country"] = _country(
        "destination_country", data.destination_country, problems
    )
    transit: list[str] = []
    for n, value in enumerate(data.transit_countries or []):
        found_code = _country(f"transit_countries[{n}]", value, problems)
        if found_code and found_code not in transit:
            transit.append(found_code)
    values["transit_countries"] = ",".join(transit)
    contexts: list[str] = []
    for n, value in enumerate(data.criminal_context or []):
        value = (value or "").strip()
        if value and value not in contexts:
            contexts.append(_code("criminal_context", value, f"criminal_context[{n}]", problems))
    values["criminal_context"] = ",".join(contexts)
    values["declaration_uuid"] = data.declaration_uuid
    return values, problems


def item_problems(item: ItemData, *, prefix: str) -> list[Problem]:
    """Problems of one item; field names carry ``prefix`` (``items[0].``)."""
    problems: list[Problem] = []
    kind = item.kind or ""
    if not kind:
        problems.append(_problem(prefix + "kind", "required", _("say what was seized")))
        return problems
    _code("item_kind", kind, prefix + "kind", problems)
    if problems:
        return problems
    if kind == "firearm":
        if item.firearm is None:
            problems.append(_problem(prefix + "firearm", "required", _("describe the firearm")))
        elif not any(
            (item.firearm.make, item.firearm.model, item.firearm.serial_number,
             item.firearm.weapon_type)
        ):  # fmt: skip
            problems.append(
                _problem(
                    prefix + "firearm",
                    "required",
                    _("give at least the type, make, model or serial number"),
                )  # fmt: skip
            )
        if item.quantity not in (1, 1.0):
            problems.append(
                _problem(
                    prefix + "quantity", "one_per_firearm", _("record each firearm as its own item")
                )  # fmt: skip
            )
    elif item.firearm is not None:
        problems.append(
            _problem(prefix + "firearm", "not_a_firearm", _("only firearm items have a record"))
        )
    if kind == "part":
        if not item.part_kind:
            problems.append(_problem(prefix + "part_kind", "required", _("say which part")))
        else:
            _code("part_kind", item.part_kind, prefix + "part_kind", problems)
    if item.ammunition_type:
        _code("ammunition_type", item.ammunition_type, prefix + "ammunition_type", problems)
    if item.explosive_type:
        _code("explosive_type", item.explosive_type, prefix + "explosive_type", problems)
    if kind == "explosive" and not item.explosive_type:
        problems.append(_problem(prefix + "explosive_type", "required", _("say which explosive")))
    if item.unit:
        _code("unit", item.unit, prefix + "unit", problems)
    try:
        quantity = float(item.quantity)
    except (TypeError, ValueError):
        quantity = 0.0
    if not quantity > 0:
        problems.append(
            _problem(
                prefix + "quantity",
                "not_positive",
                _("must be more than zero"),
                value=item.quantity,
            )  # fmt: skip
        )
    if len(item.calibre or "") > 80:
        problems.append(
            _problem(prefix + "calibre", "too_long", _("at most %(n)s characters") % {"n": 80})
        )
    return problems


def distribution_problems(distribution: str, group_ids: list[int] | None) -> list[Problem]:
    if distribution not in {d.value for d in Distribution}:
        return [
            _problem(
                "distribution",
                "unknown_code",
                _("unknown distribution level"),
                value=distribution,
                allowed=[d.value for d in Distribution],
            )  # fmt: skip
        ]
    if distribution == Distribution.group.value and not group_ids:
        return [_problem("sharing_groups", "required", _("choose at least one sharing group"))]
    return []
