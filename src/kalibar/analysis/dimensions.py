"""The dimensions a seizure statistic is broken down by, and the words for their values.

A dimension is a SQL expression over one of three levels:

- ``seizure``: a column of the seizure (place, route, concealment …); a seizure counts once;
- ``item``: a column of a seized item (kind, calibre as written on ammunition);
- ``record``: a column of the firearm record a firearm line points at (make, model …).

Item- and record-level dimensions count each seizure once per value it holds (a seizure of
a Zastava and a Glock counts for both) and each item line once. ``transit`` is stored as a
comma-separated list, so its values are split after grouping (few distinct lists).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from sqlalchemy import func

from kalibar.i18n import N_, _, format_locale
from kalibar.records.labels import TYPE_LABELS
from kalibar.records.models import FirearmRecord
from kalibar.reference.catalogue import active_catalogue
from kalibar.reference.countries import country_label
from kalibar.seizures.labels import label as seizure_label
from kalibar.seizures.models import SeizedItem, Seizure
from kalibar.seizures.places import place

#: The key of a missing value (no concealment recorded, no make known …).
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Dimension:
    key: str
    title: Any  # a lazy gettext string
    level: str  # seizure | item | record
    column: Callable[[], Any]
    words: Callable[[str], str]
    split: bool = False


def _country(code: str) -> str:
    return country_label(code)


def _vocab(list_name: str) -> Callable[[str], str]:
    return lambda code: seizure_label(list_name, code)


def _place(code: str) -> str:
    found = place(code)
    return f"{found.name} ({found.country})" if found else code


def _make(code: str) -> str:
    found = active_catalogue().make(code)
    return found.name if found else code


def _model(code: str) -> str:
    make, _sep, model = code.partition("|")
    return f"{_make(make)} {model}".strip() if model else _make(make)


def _type(code: str) -> str:
    found = TYPE_LABELS.get(code)
    return str(found) if found is not None else code


def _route(code: str) -> str:
    origin, transit, destination = (code.split("|") + ["", "", ""])[:3]
    parts = [origin or "?"] + [t for t in transit.split(",") if t] + [destination or "?"]
    return " → ".join(parts)


def month_words(key: str) -> str:
    """``2026-03`` → "Mar 2026" / "mar 2026." in the reader's language."""
    try:
        year, month = (int(p) for p in key.split("-"))
        return str(format_date(date(year, month, 1), "LLL y", locale=format_locale()))
    except ValueError:
        return key


def _agency_placeholder(code: str) -> str:
    return code


def _nonempty(column: Any) -> Any:
    """Empty strings and NULL both read as one "unknown" value."""
    return func.coalesce(func.nullif(column, ""), UNKNOWN)


def _text_key(column: Any) -> Any:
    return func.coalesce(func.nullif(func.upper(func.trim(column)), ""), UNKNOWN)


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in (
        Dimension("place", N_("Crossing or office"), "seizure",
                  lambda: func.coalesce(func.nullif(Seizure.place_code, ""),
                                        func.nullif(Seizure.place_name, ""), UNKNOWN),
                  _place),
        Dimension("place_country", N_("Country of the seizure"), "seizure",
                  lambda: _nonempty(Seizure.place_country), _country),
        Dimension("agency", N_("Agency"), "seizure",
                  lambda: Seizure.owner_agency_id, _agency_placeholder),
        Dimension("context", N_("Context"), "seizure",
                  lambda: _nonempty(Seizure.context), _vocab("context")),
        Dimension("direction", N_("Direction"), "seizure",
                  lambda: _nonempty(Seizure.direction), _vocab("direction")),
        Dimension("origin", N_("Country of origin"), "seizure",
                  lambda: _nonempty(Seizure.origin_country), _country),
        Dimension("transit", N_("Transit country"), "seizure",
                  lambda: Seizure.transit_countries, _country, split=True),
        Dimension("destination", N_("Country of destination"), "seizure",
                  lambda: _nonempty(Seizure.destination_country), _country),
        Dimension("route", N_("Route"), "seizure",
                  lambda: func.coalesce(Seizure.origin_country, "") + "|"
                  + func.coalesce(Seizure.transit_countries, "") + "|"
                  + func.coalesce(Seizure.destination_country, ""),
                  _route),
        Dimension("concealment", N_("Concealment"), "seizure",
                  lambda: _nonempty(Seizure.concealment_method), _vocab("concealment_method")),
        Dimension("detection", N_("Detection method"), "seizure",
                  lambda: _nonempty(Seizure.detection_method), _vocab("detection_method")),
        Dimension("conveyance", N_("Conveyance"), "seizure",
                  lambda: _nonempty(Seizure.conveyance_kind), _vocab("conveyance_kind")),
        Dimension("month", N_("Month"), "seizure", lambda: None, month_words),
        Dimension("item_kind", N_("What was seized"), "item",
                  lambda: SeizedItem.kind, _vocab("item_kind")),
        Dimension("calibre", N_("Calibre"), "item",
                  lambda: func.coalesce(func.nullif(FirearmRecord.calibre_code, ""),
                                        func.nullif(SeizedItem.calibre_code, ""),
                                        func.nullif(SeizedItem.calibre, ""), UNKNOWN),
                  lambda k: k),
        Dimension("weapon_type", N_("Type"), "record",
                  lambda: _nonempty(FirearmRecord.weapon_type), _type),
        Dimension("make", N_("Make"), "record",
                  lambda: func.coalesce(func.nullif(FirearmRecord.make_code, ""),
                                        _text_key(FirearmRecord.make)),
                  _make),
        Dimension("model", N_("Model"), "record",
                  lambda: func.coalesce(func.nullif(FirearmRecord.make_code, ""),
                                        _text_key(FirearmRecord.make)) + "|"
                  + func.coalesce(func.nullif(FirearmRecord.model_code, ""),
                                  func.nullif(FirearmRecord.model, ""), UNKNOWN),
                  _model),
        Dimension("made_in", N_("Country of manufacture"), "record",
                  lambda: _nonempty(FirearmRecord.country_of_manufacture), _country),
    )
}  # fmt: skip


def dimension(key: str) -> Dimension | None:
    return DIMENSIONS.get(key)


def value_words(dim: Dimension, key: str, agencies: dict[int, str] | None = None) -> str:
    """The words for one value of ``dim`` in the reader's language."""
    if key == UNKNOWN or key in ("", "||"):
        return _("not recorded")
    if dim.key == "agency":
        return (agencies or {}).get(int(key), key) if key.isdigit() else key
    return dim.words(key)
