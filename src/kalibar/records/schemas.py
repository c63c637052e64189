"""API shapes for firearm records; field rules come from ``records.fields``."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kalibar.bounds import RowId
from kalibar.db.base import Distribution
from kalibar.i18n import _
from kalibar.records import fields
from kalibar.records.models import FirearmRecord, RecordStatus

VALIDATED = (
    "weapon_type",
    "make",
    "model",
    "calibre",
    "serial_number",
    "import_marking",
    "other_markings",
    "event_place",
    "case_reference",
    "notes",
    "country_of_manufacture",
    "year_of_manufacture",
    "event_date",
)


#: Validation context of the HTML form: dates may be written the region's way (31.12.2025.);
#: without it (the API) dates are ISO 8601 only.
REGIONAL_DATES = {"regional_dates": True}


def _shared_rules(value: Any, info: Any) -> Any:
    """Run the shared field parser; pydantic turns its error into a 422 detail."""
    if value is None:
        return None
    try:
        if info.field_name == "event_date":
            regional = bool((info.context or {}).get("regional_dates"))
            return fields.parse_date(info.field_name, str(value), regional=regional)
        return fields.PARSERS.get(info.field_name, fields.parse_text)(info.field_name, str(value))
    except fields.FieldError as exc:
        raise ValueError(exc.message) from exc


#: Text fields whose empty value is "": ``null`` in a change clears them.
NULLABLE = ("weapon_type", "country_of_manufacture", "year_of_manufacture", "event_date")
CLEARED_BY_NULL = tuple(f for f in VALIDATED if f not in NULLABLE)
#: Fields that always hold a value: ``null`` in a change is refused.
NOT_NULL = ("status", "serial_obliterated", "serial_restored", "distribution")


def _update_rules(value: Any, info: Any) -> Any:
    """As ``_shared_rules``; ``null`` clears a text field (nullable columns take it as is)."""
    if value is None and info.field_name in CLEARED_BY_NULL:
        return ""
    return _shared_rules(value, info)


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError(_("This field needs a value; it cannot be null."))
    return value


class RecordFields(BaseModel):
    weapon_type: str = ""
    modifications: list[str] = Field(default_factory=list)
    make: str = ""
    model: str = ""
    calibre: str = ""
    serial_number: str = ""
    serial_obliterated: bool = False
    serial_restored: bool = False
    country_of_manufacture: str | None = None
    year_of_manufacture: int | None = None
    import_marking: str = ""
    other_markings: str = ""
    event_date: date | None = None
    event_place: str = ""
    reporting_agency: str | None = None
    case_reference: str = ""
    notes: str = ""

    _rules = field_validator(*VALIDATED, mode="before")(_shared_rules)


class RecordCreate(RecordFields):
    status: RecordStatus
    distribution: Distribution = Distribution.national
    sharing_groups: list[RowId] = Field(default_factory=list)
    allow_duplicate: bool = False


class RecordUpdate(BaseModel):
    """Only the fields sent are changed."""

    status: RecordStatus | None = None
    weapon_type: str | None = None
    modifications: list[str] | None = None
    make: str | None = None
    model: str | None = None
    calibre: str | None = None
    serial_number: str | None = None
    serial_obliterated: bool | None = None
    serial_restored: bool | None = None
    country_of_manufacture: str | None = None
    year_of_manufacture: int | None = None
    import_marking: str | None = None
    other_markings: str | None = None
    event_date: date | None = None
    event_place: str | None = None
    reporting_agency: str | None = None
    case_reference: str | None = None
    notes: str | None = None
    distribution: Distribution | None = None
    sharing_groups: list[RowId] | None = None

    _rules = field_validator(*VALIDATED, mode="before")(_update_rules)
    _required = field_validator(*NOT_NULL, mode="before")(_not_null)

    @field_validator("modifications", mode="before")
    @classmethod
    def _no_modifications(cls, value: Any) -> Any:
        return [] if value is None else value


class RecordOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    record_id: uuid.UUID
    reference: str
    status: str
    weapon_type: str | None
    modifications: list[str]
    make: str
    make_code: str | None
    model: str
    model_code: str | None
    calibre: str
    calibre_code: str | None
    serial_number: str
    serial_normalised: str
    serial_obliterated: bool
    serial_restored: bool
    country_of_manufacture: str | None
    year_of_manufacture: int | None
    import_marking: str
    other_markings: str
    event_date: date | None
    event_place: str
    reporting_agency: str | None
    case_reference: str
    notes: str
    needs_review: bool
    owner_agency: str
    distribution: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, r: FirearmRecord, agency_codes: dict[int, str]) -> RecordOut:
        return cls(
            record_id=r.uuid,
            reference=r.reference,
            status=r.status,
            weapon_type=r.weapon_type,
            modifications=[m for m in r.modifications.split(",") if m],
            make=r.make,
            make_code=r.make_code,
            model=r.model,
            model_code=r.model_code,
            calibre=r.calibre,
            calibre_code=r.calibre_code,
            serial_number=r.serial_number,
            serial_normalised=r.serial_normalised,
            serial_obliterated=r.serial_obliterated,
            serial_restored=r.serial_restored,
            country_of_manufacture=r.country_of_manufacture,
            year_of_manufacture=r.year_of_manufacture,
            import_marking=r.import_marking,
            other_markings=r.other_markings,
            event_date=r.event_date,
            event_place=r.event_place,
            reporting_agency=agency_codes.get(r.reporting_agency_id or 0),
            case_reference=r.case_reference,
            notes=r.notes,
            needs_review=r.needs_review,
            owner_agency=agency_codes.get(r.owner_agency_id, ""),
            distribution=r.distribution,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )


class RecordPage(BaseModel):
    items: list[RecordOut]
    next_cursor: str | None
