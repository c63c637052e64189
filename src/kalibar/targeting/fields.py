"""The declaration file format (issue 7): columns, allowed values, parsing of one row.

One row per goods item; rows with the same ``declaration_id`` form one declaration, so
the declaration-level columns must agree across them. History files add ``inspected``
(0/1) and ``outcome`` (empty when not inspected).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kalibar.i18n import _
from kalibar.records.fields import FieldError, parse_country

FLOWS = ("cargo", "express", "postal")
ITEM_CATEGORIES = ("gift", "documents", "sample", "returned", "sale", "other")
OUTCOMES = ("no_finding", "firearms", "parts", "ammunition", "other_offence")
#: Outcomes that count as a hit of a firearms-targeting selection.
POSITIVE = ("firearms", "parts", "ammunition")

ITEM_COLUMNS = (
    "declared_description",
    "hs_code",
    "quantity",
    "gross_weight_kg",
    "declared_value",
    "currency",
    "origin_country",
)
DECLARATION_COLUMNS = (
    "declaration_id",
    "flow",
    "lodged_at",
    "office",
    "dispatch_country",
    "consignor_name",
    "consignor_address",
    "consignor_country",
    "consignee_name",
    "consignee_address",
    "consignee_city",
    "consignee_country",
    "consignee_phone",
    "transport_mode",
    "vehicle_registration",
    "item_category",
)
#: Column order of a declarations file, as in the issue.
COLUMNS = (
    "declaration_id",
    "flow",
    "lodged_at",
    "office",
    "declared_description",
    "hs_code",
    "quantity",
    "gross_weight_kg",
    "declared_value",
    "currency",
    "origin_country",
    "dispatch_country",
    "consignor_name",
    "consignor_address",
    "consignor_country",
    "consignee_name",
    "consignee_address",
    "consignee_city",
    "consignee_country",
    "consignee_phone",
    "transport_mode",
    "vehicle_registration",
    "item_category",
)
HISTORY_COLUMNS = (*COLUMNS, "inspected", "outcome")
#: Optional in a history file: 1 when the declaration was drawn for the random control
#: sample (the back-test's unbiased baseline, ``hygiene``); not stored on import.
OPTIONAL_HISTORY_COLUMNS = ("random",)
REQUIRED = frozenset({"declaration_id", "flow", "lodged_at", "office", "declared_description"})
_NUMBERS = ("quantity", "gross_weight_kg", "declared_value")
_COUNTRIES = ("origin_country", "dispatch_country", "consignor_country", "consignee_country")


@dataclass
class ParsedRow:
    declaration: dict[str, Any] = field(default_factory=dict)
    item: dict[str, Any] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)


def _choice(name: str, text: str, allowed: tuple[str, ...], default: str | None) -> str | None:
    value = text.strip().lower()
    if not value:
        if default is None and name in REQUIRED:
            raise FieldError(name, _("required value is missing"), text)
        return default
    if value not in allowed:
        raise FieldError(
            name, _("unknown value; use one of: %(values)s") % {"values": ", ".join(allowed)}, text
        )
    return value


def parse_lodged_at(text: str) -> datetime:
    value = text.strip()
    if not value:
        raise FieldError("lodged_at", _("required value is missing"), text)
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise FieldError("lodged_at", _("not an ISO 8601 date and time"), text) from exc
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def parse_number(name: str, text: str) -> float | None:
    value = text.strip().replace(" ", "")
    if not value:
        return None
    if "," in value and "." not in value:
        value = value.replace(",", ".")  # decimal comma, as typed in the region
    try:
        number = float(value)
    except ValueError as exc:
        raise FieldError(name, _("not a number"), text) from exc
    if not math.isfinite(number) or number < 0:
        raise FieldError(name, _("must be a number of zero or more"), text)
    return number


def _one(out: ParsedRow, name: str, raw: dict[str, str], history: bool) -> None:
    text = raw.get(name, "") or ""
    target = out.item if name in ITEM_COLUMNS else out.declaration
    if name == "flow":
        target[name] = _choice(name, text, FLOWS, None)
    elif name == "item_category":
        target[name] = _choice(name, text, ITEM_CATEGORIES, "other")
    elif name == "lodged_at":
        target[name] = parse_lodged_at(text)
    elif name in _NUMBERS:
        number = parse_number(name, text)
        target[name] = (1.0 if name == "quantity" else 0.0) if number is None else number
    elif name in _COUNTRIES:
        target[name] = parse_country(name, text)
    elif name == "currency":
        cur = text.strip().upper() or "EUR"
        if len(cur) != 3 or not cur.isalpha():
            raise FieldError(name, _("not a three-letter currency code"), text)
        target[name] = cur
    elif name == "hs_code":
        code = text.strip().replace(" ", "")
        if code and not code.replace(".", "").isdigit():
            raise FieldError(name, _("an HS code has only digits and dots"), text)
        target[name] = code
    elif name == "inspected" and history:
        flag = text.strip().lower()
        if flag not in ("0", "1", "", "true", "false"):
            raise FieldError(name, _("use 0 or 1"), text)
        target[name] = flag in ("1", "true")
    elif name == "outcome" and history:
        target[name] = _choice(name, text, OUTCOMES, None) if text.strip() else None
    else:
        value = text.strip()
        if name in REQUIRED and not value:
            raise FieldError(name, _("required value is missing"), text)
        target[name] = value


def parse_row(raw: dict[str, str], *, history: bool) -> ParsedRow:
    """Every column of one row, with all its errors (not just the first)."""
    out = ParsedRow()
    for name in HISTORY_COLUMNS if history else COLUMNS:
        try:
            _one(out, name, raw, history)
        except FieldError as exc:
            out.errors.append(exc)
    if history and not out.errors:
        inspected, outcome = out.declaration.get("inspected"), out.declaration.get("outcome")
        if inspected and outcome is None:
            out.errors.append(FieldError("outcome", _("an inspected declaration needs an outcome")))
        elif not inspected and outcome is not None:
            out.errors.append(
                FieldError("outcome", _("outcome given for a declaration not inspected"), outcome)
            )
    return out
