"""Input and output shapes of the programme ledger — one set of field rules for the API,
the forms and the sheet imports (an import row is validated by the same models, and a
pydantic error's location names the column).

Dates: ISO 8601 from the API; forms and imports also take the region's ``31.12.2025.``
(validation context :data:`REGIONAL_DATES`). Gender and yes/no cells take the words the
region writes (``Ž``, ``žensko``, ``ж``, ``F``; ``da``, ``ne``, ``x``).
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from kalibar.bounds import EARLIEST, LATEST
from kalibar.dates import DateError, parse_day
from kalibar.db.base import Distribution
from kalibar.i18n import _
from kalibar.programme.models import (
    DEFAULT_DISTRIBUTION,
    EquipmentEventKind,
    EquipmentKind,
    Gender,
    TrainingKind,
)
from kalibar.seizures.places import place, resolve_place

REGIONAL_DATES = {"regional_dates": True}

_FEMALE = {"f", "female", "w", "woman", "z", "ž", "zensko", "žensko", "zena", "žena", "ženski",
           "zenski", "ж", "жена", "женско", "женски"}  # fmt: skip
_MALE = {"m", "male", "man", "musko", "muško", "muski", "muški", "muskarac", "muškarac", "м",
         "мушко", "мушки", "мушкарац"}  # fmt: skip
_UNSPECIFIED = {"", "-", "unspecified", "unknown", "n/a", "x"}
_YES = {"yes", "y", "true", "1", "x", "da", "д", "да", "on"}
_NO = {"no", "n", "false", "0", "ne", "не", "", "off"}


def _day(value: Any, info: ValidationInfo) -> Any:
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    regional = bool((info.context or {}).get("regional_dates"))
    try:
        day = parse_day(text, regional=regional)
    except DateError as exc:
        raise ValueError(exc.message) from exc
    if not EARLIEST.date() <= day <= LATEST.date():
        raise ValueError(
            _("Out of range: a date between the years %(a)d and %(b)d is expected.")
            % {"a": EARLIEST.year, "b": LATEST.year}
        )
    return day


def _gender(value: Any) -> Any:
    text = str(value or "").strip().lower()
    if text in _FEMALE:
        return Gender.female.value
    if text in _MALE:
        return Gender.male.value
    if text in _UNSPECIFIED:
        return Gender.unspecified.value
    return value


def _flag(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return bool(value)
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(_("Write yes or no."))


#: Control characters other than tab, line feed and carriage return: no one types them, and
#: no XML file (XLSX, PDF metadata) can hold them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _trimmed(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if _CONTROL.search(value):
        raise ValueError(_("Text may not contain control characters."))
    return value.strip()


def _place_code(value: Any) -> Any:
    """A catalogue place by code or name in either script; empty is no place."""
    text = str(value or "").strip()
    if not text:
        return None
    found = place(text) or resolve_place(text)
    if found is None:
        raise ValueError(_("Unknown place: give a code or name from the places catalogue."))
    return found.code


Day = Annotated[date, BeforeValidator(_day)]
Text = Annotated[str, BeforeValidator(_trimmed)]
Flag = Annotated[bool, BeforeValidator(_flag)]
PlaceCode = Annotated[str | None, BeforeValidator(_place_code)]
GenderCode = Annotated[Gender, BeforeValidator(_gender)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ParticipantIn(_In):
    full_name: Text = Field(min_length=1, max_length=200)
    agency: Text = Field(min_length=1, max_length=64)
    unit: Text = Field(default="", max_length=200)
    region: Text = Field(default="", max_length=120)
    role: Text = Field(default="", max_length=120)
    gender: GenderCode = Gender.unspecified
    certificate: Text = Field(default="", max_length=80)


class TrainingIn(_In):
    reference: Text = Field(default="", max_length=64)
    kind: TrainingKind = TrainingKind.course
    course: Text = Field(min_length=1, max_length=200)
    programme: Text = Field(default="", max_length=200)
    start_date: Day
    end_date: Day | None = None
    place: Text = Field(default="", max_length=200)
    place_code: PlaceCode = None
    trainers: Text = Field(default="", max_length=4000)
    trainers_training: Flag = False
    notes: Text = Field(default="", max_length=4000)
    distribution: Distribution = Distribution(DEFAULT_DISTRIBUTION)
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=5000)

    @field_validator("end_date")
    @classmethod
    def _after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start_date")
        if value is not None and start is not None and value < start:
            raise ValueError(_("The training ends before it starts."))
        return value


class EquipmentIn(_In):
    kind: EquipmentKind
    model: Text = Field(default="", max_length=200)
    serial: Text = Field(min_length=1, max_length=80)
    place_code: PlaceCode = None
    place_name: Text = Field(default="", max_length=200)
    programme: Text = Field(default="", max_length=200)
    notes: Text = Field(default="", max_length=4000)
    #: When given, an ``issued`` event on that day is recorded with the equipment.
    issued_on: Day | None = None
    distribution: Distribution = Distribution(DEFAULT_DISTRIBUTION)


class EquipmentEventIn(_In):
    kind: EquipmentEventKind
    on: Day
    note: Text = Field(default="", max_length=4000)


class ProcedureIn(_In):
    name: Text = Field(min_length=1, max_length=200)
    version: Text = Field(default="1", min_length=1, max_length=40)
    adopted_on: Day
    #: The adopting agency's code; the recording agency when empty.
    agency: Text = Field(default="", max_length=64)
    procedure_code: Text = Field(default="", max_length=64)
    notes: Text = Field(default="", max_length=4000)
    distribution: Distribution = Distribution(DEFAULT_DISTRIBUTION)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ParticipantOut(_Out):
    uuid: uuid.UUID
    full_name: str
    agency: str
    unit: str
    region: str
    role: str
    gender: str
    certificate: str


class TrainingOut(_Out):
    uuid: uuid.UUID
    reference: str
    kind: str
    course: str
    programme: str
    start_date: date
    end_date: date
    place: str
    place_code: str | None
    trainers: str
    trainers_training: bool
    notes: str
    distribution: str
    owner_country: str
    participants: list[ParticipantOut]


class EquipmentEventOut(_Out):
    uuid: uuid.UUID
    kind: str
    on: date
    note: str


class EquipmentOut(_Out):
    uuid: uuid.UUID
    kind: str
    model: str
    serial: str
    place_code: str | None
    place_name: str
    programme: str
    notes: str
    distribution: str
    events: list[EquipmentEventOut]


class ProcedureOut(_Out):
    uuid: uuid.UUID
    name: str
    version: str
    adopted_on: date
    agency: str
    procedure_code: str
    notes: str
    distribution: str


def reason(error: dict[str, Any]) -> str:
    """A pydantic error as the reason a person reads (the rules' own messages as written)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("missing", "string_too_short"):
        return _("a value is required")
    if kind == "string_too_long":
        return _("too long: at most %(n)d characters") % {"n": ctx.get("max_length", 0)}
    if kind == "enum":
        return _("not one of: %(values)s") % {"values": ctx.get("expected", "")}
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "")))
    return str(error.get("msg", ""))


def reasons(exc: ValidationError) -> dict[str, str]:
    """Errors by field (``_`` for the whole form), for a form's error summary."""
    out: dict[str, str] = {}
    for e in exc.errors():
        key = str(e["loc"][0]) if e["loc"] else "_"
        out.setdefault(key, reason(dict(e)))
    return out
