"""Form parsing for the seizure pages: raw strings in, service dataclasses out.

Every parser returns the values as typed (to show the form again) and the errors by field,
so a refused form comes back with each bad field marked and nothing stored. Vocabulary
codes are checked by the services; this module only turns text into types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from kalibar.clock import reader_zone
from kalibar.errors import KalibarError
from kalibar.i18n import _
from kalibar.records.service import RecordData
from kalibar.seizures.entities import EntityData
from kalibar.seizures.service import ItemData, SeizureData

# Times typed into the form are in the reader's zone, the one the pages show (kalibar.clock).

SEIZURE_TEXT = (
    "context",
    "place_code",
    "place_name",
    "address",
    "place_country",
    "latitude",
    "longitude",
    "direction",
    "origin_country",
    "transit_countries",
    "destination_country",
    "detection_method",
    "concealment_method",
    "conveyance_kind",
    "vehicle_registration",
    "vehicle_make",
    "bus_line",
    "parcel_number",
    "container_number",
    "legal_basis",
    "narrative",
    "occurred_at",
    "declaration_uuid",
)
#: What the edit form changes: the event as typed (the declaration link stays as recorded).
EDITABLE = (*(k for k in SEIZURE_TEXT if k != "declaration_uuid"), "criminal_context")
COUNTRY_FIELDS = ("place_country", "origin_country", "destination_country")
#: Event fields taken as typed; the others are parsed into dates, numbers, codes and lists.
_PARSED = {"occurred_at", "context", "place_code", "latitude", "longitude", "declaration_uuid"}
PLAIN_TEXT = tuple(
    k for k in SEIZURE_TEXT if k not in {*_PARSED, *COUNTRY_FIELDS, "transit_countries"}
)
FIREARM_COLUMNS = ("weapon_type", "make", "model", "calibre", "serial_number")
OTHER_COLUMNS = ("kind", "subtype", "calibre", "quantity", "unit", "description")
#: Which vocabulary list the "subtype" column of an other-goods line uses, by item kind.
SUBTYPE_LIST = {"part": "part_kind", "ammunition": "ammunition_type", "explosive": "explosive_type"}
ENTITY_TEXT = (
    "kind",
    "name",
    "given_names",
    "family_name",
    "date_of_birth",
    "nationality",
    "identity_documents",
    "registration_number",
    "vehicle_registration",
    "vehicle_make",
    "vehicle_kind",
    "phone_number",
    "address",
    "country",
    "notes",
)
#: Entity fields taken as typed; the others are parsed into a date, codes and a list.
ENTITY_PLAIN = tuple(
    k
    for k in ENTITY_TEXT
    if k not in {"kind", "date_of_birth", "nationality", "identity_documents", "country"}
)
CUSTODY_TEXT = (
    "action",
    "occurred_at",
    "seal_number",
    "from_party",
    "to_party",
    "location",
    "condition",
    "note",
)
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def text(form: Any, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def local_now() -> datetime:
    return datetime.now(reader_zone()).replace(second=0, microsecond=0)


def datetime_input(value: datetime | None) -> str:
    """A stored (UTC) time as a ``datetime-local`` input value in local time."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(reader_zone()).strftime("%Y-%m-%dT%H:%M")


def parse_local_datetime(raw: str) -> datetime:
    """``2026-03-01T14:30`` (a ``datetime-local`` value) as an aware time; ValueError if bad."""
    parsed = datetime.fromisoformat(raw)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=reader_zone())
    return parsed


def parse_countries(raw: str) -> list[str]:
    return [c for c in re.split(r"[\s,;/]+", raw.upper()) if c]


def _country(raw: str, key: str, errors: dict[str, str]) -> str | None:
    code = raw.strip().upper()
    if code and not _COUNTRY.match(code):
        errors[key] = _("Use the two-letter country code (e.g. BA, HR).")
    return code or None


def _float(raw: str, key: str, errors: dict[str, str]) -> float | None:
    if not raw:
        return None
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        errors[key] = _("Enter a number.")
        return None


def error_map(exc: KalibarError) -> dict[str, str]:
    """A service error as messages by field (``_`` holds the summary)."""
    errors: dict[str, str] = {}
    for d in exc.details:
        key = str(d.get("field") or "")
        if key:
            errors[key] = str(d.get("message") or exc.message)
    errors["_"] = exc.message
    return errors


# ------------------------------------------------------------------------ the event


def seizure_values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {k: text(form, k) for k in SEIZURE_TEXT}
    values["criminal_context"] = [str(v) for v in form.getlist("criminal_context")]
    values["distribution"] = text(form, "distribution") or "national"
    return values


def parse_seizure(values: dict[str, Any]) -> tuple[SeizureData | None, dict[str, str]]:
    errors: dict[str, str] = {}
    occurred: datetime | None = None
    if not values.get("occurred_at"):
        errors["occurred_at"] = _("Enter the date and time of the seizure.")
    else:
        try:
            occurred = parse_local_datetime(values["occurred_at"])
        except ValueError:
            errors["occurred_at"] = _("Enter a date and time like 2026-03-01 14:30.")
    if not values.get("context"):
        errors["context"] = _("Choose the context of the seizure.")
    countries = {k: _country(values.get(k, ""), k, errors) for k in COUNTRY_FIELDS}
    transit = parse_countries(values.get("transit_countries", ""))
    if any(not _COUNTRY.match(c) for c in transit):
        errors["transit_countries"] = _("Use two-letter country codes separated by commas.")
    lat = _float(values.get("latitude", ""), "latitude", errors)
    lon = _float(values.get("longitude", ""), "longitude", errors)
    declaration: UUID | None = None
    if values.get("declaration_uuid"):
        try:
            declaration = UUID(values["declaration_uuid"])
        except ValueError:
            errors["declaration_uuid"] = _("Not a declaration identifier.")
    if errors or occurred is None:
        return None, errors
    plain = {k: values.get(k, "") for k in PLAIN_TEXT}
    plain["direction"] = plain["direction"] or "domestic"
    return SeizureData(
        occurred_at=occurred,
        context=values["context"],
        place_code=values.get("place_code") or None,
        place_country=countries["place_country"],
        latitude=lat,
        longitude=lon,
        origin_country=countries["origin_country"],
        transit_countries=transit,
        destination_country=countries["destination_country"],
        criminal_context=list(values.get("criminal_context") or []),
        declaration_uuid=declaration,
        **plain,
    ), {}


def seizure_changes(data: SeizureData) -> dict[str, Any]:
    """The editable event fields as ``update_seizure`` changes."""
    return {k: getattr(data, k) for k in EDITABLE}


def values_of(seizure: Any) -> dict[str, Any]:
    """A stored seizure as form values (for the edit form)."""
    values: dict[str, Any] = {}
    for key in SEIZURE_TEXT:
        raw = getattr(seizure, key, None)
        values[key] = "" if raw is None else str(raw)
    values["occurred_at"] = datetime_input(seizure.occurred_at)
    values["transit_countries"] = ", ".join(parse_countries(seizure.transit_countries or ""))
    values["criminal_context"] = [c for c in (seizure.criminal_context or "").split(",") if c]
    values["distribution"] = seizure.distribution
    return values


# ------------------------------------------------------------------------ item lines


@dataclass
class Lines:
    """The item lines of a form as typed (one dict per row) and the parsed items."""

    firearms: list[dict[str, str]] = field(default_factory=list)
    others: list[dict[str, str]] = field(default_factory=list)
    items: list[ItemData] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def _rows(form: Any, prefix: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    cols = {c: [str(v).strip() for v in form.getlist(f"{prefix}_{c}")] for c in columns}
    count = max((len(v) for v in cols.values()), default=0)
    return [{c: (cols[c][i] if i < len(cols[c]) else "") for c in columns} for i in range(count)]


def _blank(row: dict[str, str], ignore: tuple[str, ...] = ()) -> bool:
    return not any(v for k, v in row.items() if k not in ignore)


def _record(row: dict[str, str], **extra: Any) -> RecordData:
    """A firearm line as a seized-firearm record."""
    return RecordData(
        status="seized",
        weapon_type=row["weapon_type"],
        make=row["make"],
        model=row["model"],
        calibre=row["calibre"],
        serial_number=row["serial_number"],
        **extra,
    )


def parse_lines(form: Any, *, default_date: date | None = None, place: str = "") -> Lines:
    """Firearm lines (``fa_*``) and other goods lines (``ot_*``); blank rows are skipped."""
    out = Lines(_rows(form, "fa", FIREARM_COLUMNS), _rows(form, "ot", OTHER_COLUMNS))
    for i, row in enumerate(out.firearms):
        if _blank(row):
            continue
        if not (row["serial_number"] or row["make"]):
            out.errors[f"fa_serial_number.{i}"] = _("Give at least the make or the serial number.")
            continue
        record = _record(row, event_date=default_date, event_place=place)
        out.items.append(ItemData(kind="firearm", firearm=record, calibre=row["calibre"]))
    for i, row in enumerate(out.others):
        if _blank(row, ignore=("unit", "kind")):
            continue
        item = other_item(row, i, out.errors)
        if item is not None:
            out.items.append(item)
    return out


def other_item(row: dict[str, str], i: int | str, errors: dict[str, str]) -> ItemData | None:
    """One parts/ammunition/explosive/accessory line; errors keyed ``ot_<column>.<i>``."""
    kind = row.get("kind", "")
    if not kind:
        errors[f"ot_kind.{i}"] = _("Choose what was seized.")
        return None
    quantity = 1.0
    if row.get("quantity"):
        try:
            quantity = float(row["quantity"].replace(",", "."))
        except ValueError:
            errors[f"ot_quantity.{i}"] = _("Enter a number.")
            return None
        if quantity <= 0:
            errors[f"ot_quantity.{i}"] = _("The quantity must be more than zero.")
            return None
    subtype = row.get("subtype", "")
    sub_list = SUBTYPE_LIST.get(kind)
    extra: dict[str, str] = {}
    if subtype and sub_list is None:
        errors[f"ot_subtype.{i}"] = _("This kind has no type: leave it empty.")
        return None
    if sub_list is not None and subtype:
        from kalibar.seizures.vocabulary import VOCAB

        if subtype not in VOCAB.get(sub_list, {}):
            errors[f"ot_subtype.{i}"] = _("This type does not belong to the chosen kind.")
            return None
        extra[sub_list] = subtype
    return ItemData(
        kind=kind,
        calibre=row.get("calibre", ""),
        quantity=quantity,
        unit=row.get("unit", ""),
        description=row.get("description", ""),
        part_kind=extra.get("part_kind", ""),
        ammunition_type=extra.get("ammunition_type", ""),
        explosive_type=extra.get("explosive_type", ""),
    )


def firearm_item(
    form: Any, errors: dict[str, str], *, default_date: date | None, place: str
) -> ItemData | None:
    """The single firearm line of the add-item form on the seizure page."""
    row = {c: text(form, f"fa_{c}") for c in FIREARM_COLUMNS}
    if not (row["serial_number"] or row["make"]):
        errors["fa_serial_number.0"] = _("Give at least the make or the serial number.")
        return None
    extra = {k: text(form, f"fa_{k}") for k in ("country_of_manufacture", "other_markings")}
    record = _record(
        row,
        event_date=default_date,
        event_place=place,
        country_of_manufacture=extra["country_of_manufacture"].upper() or None,
        other_markings=extra["other_markings"],
    )
    return ItemData(
        kind="firearm",
        firearm=record,
        calibre=row["calibre"],
        description=text(form, "fa_description"),
    )


# ------------------------------------------------------------------------ entities


def entity_values(form: Any) -> dict[str, str]:
    values = {k: text(form, k) for k in ENTITY_TEXT}
    values["kind"] = values["kind"] or "person"
    values["role"] = text(form, "role")
    values["note"] = text(form, "note")
    return values


def parse_entity(values: dict[str, str]) -> tuple[EntityData | None, dict[str, str]]:
    errors: dict[str, str] = {}
    dob: date | None = None
    if values.get("date_of_birth"):
        try:
            dob = date.fromisoformat(values["date_of_birth"])
        except ValueError:
            errors["date_of_birth"] = _("Enter a date like 1980-05-31.")
    nationality = _country(values.get("nationality", ""), "nationality", errors)
    country = _country(values.get("country", ""), "country", errors)
    if errors:
        return None, errors
    docs = [d.strip() for d in values.get("identity_documents", "").splitlines() if d.strip()]
    plain = {k: values.get(k, "") for k in ENTITY_PLAIN}
    return EntityData(
        kind=values.get("kind") or "person",
        date_of_birth=dob,
        nationality=nationality,
        identity_documents=docs,
        country=country,
        **plain,
    ), {}


def entity_searchable(values: dict[str, str]) -> bool:
    """Enough typed to look for the same entity among the existing ones."""
    keys = (
        "name",
        "family_name",
        "given_names",
        "vehicle_registration",
        "phone_number",
        "registration_number",
        "identity_documents",
        "address",
    )
    return any(len(values.get(k, "")) >= 3 for k in keys)


# ------------------------------------------------------------------------ custody


def custody_values(form: Any) -> dict[str, str]:
    return {k: text(form, k) for k in CUSTODY_TEXT}


def parse_custody(values: dict[str, str]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    errors: dict[str, str] = {}
    when: datetime | None = None
    if values.get("occurred_at"):
        try:
            when = parse_local_datetime(values["occurred_at"])
        except ValueError:
            errors["occurred_at"] = _("Enter a date and time like 2026-03-01 14:30.")
    if not values.get("action"):
        errors["action"] = _("Choose what happened.")
    if errors:
        return None, errors
    kwargs: dict[str, Any] = {k: values.get(k, "") for k in CUSTODY_TEXT if k != "occurred_at"}
    kwargs["occurred_at"] = when
    return kwargs, {}
