"""Importing the programme ledger from the sheets programmes keep (see ``io_sheets``).

**Atomic.** Every row of every sheet is validated first — by the same pydantic models as
the API and the forms (``programme.schemas``), plus the links between sheets (a
participant's training, an event's equipment) and what already exists — and one bad row
refuses the whole file: nothing is written and ``Invalid`` lists the errors, each naming
the file, sheet, row, column and field (at most ``KALIBAR_IMPORT_MAX_LISTED_ERRORS``,
then "and N more"; reading stops after ``KALIBAR_IMPORT_MAX_BAD_ROWS`` bad rows).
Only a clean file is written, through the ledger's service, so the audit hook records
every row in the caller's one transaction.

**Owner.** Everything imported belongs to the importer's agency (a person imports for
their own agency; the console operator names one with ``--agency``). A participant's
training and an event's equipment are found in the same file or among the rows the
importing agency owns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.errors import Forbidden, Invalid
from kalibar.files import ErrorList, FileLimits, file_limits, listed_details, problem_of
from kalibar.i18n import _, ngettext
from kalibar.programme import service
from kalibar.programme.io_sheets import SHEETS, detail, read_book
from kalibar.programme.models import Equipment, ProcedureAdoption, Training
from kalibar.programme.schemas import (
    REGIONAL_DATES,
    EquipmentEventIn,
    EquipmentIn,
    ParticipantIn,
    ProcedureIn,
    TrainingIn,
    reason,
)

__all__ = ["ImportReport", "import_ledger"]

#: Column of a sheet → field of its model, where the two differ.
_FIELDS = {("equipment_events", "event"): "kind", ("participants", "training"): "training"}


@dataclass
class ImportReport:
    file: str
    rows_read: int = 0
    created: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "rows_read": self.rows_read, "created": self.created}


class _Errors:
    def __init__(self, file: str, limits: FileLimits) -> None:
        self.file = file
        self.limits = limits
        self.listed: ErrorList[dict[str, Any]] = ErrorList(limits.listed_errors)
        self.bad_rows: set[tuple[str, int]] = set()

    def add(self, sheet: str, row: int, column: str, value: str, reason: str) -> None:
        fld = _FIELDS.get((sheet, column), column)
        self.listed.append(detail(self.file, sheet, row, column, fld, value, reason))
        self.bad_rows.add((sheet, row))
        if len(self.bad_rows) >= self.limits.bad_rows:
            self.refuse()

    def refuse(self) -> None:
        n = len(self.bad_rows) or len(self.listed)
        raise Invalid(
            ngettext(
                "%(file)s: %(n)d row is not valid; nothing was imported.",
                "%(file)s: %(n)d rows are not valid; nothing was imported.",
                n,
            )
            % {"file": self.file, "n": n},
            listed_details(self.listed.listed, self.listed.omitted),
        )


def _validated(
    model: type[BaseModel], sheet: str, number: int, raw: dict[str, str], errors: _Errors,
    skip: tuple[str, ...] = (),
) -> Any:  # fmt: skip
    data = {k: v for k, v in raw.items() if k not in skip and v.strip() != ""}
    try:
        return model.model_validate(data, context=REGIONAL_DATES)
    except ValidationError as exc:
        for e in exc.errors():
            column = str(e["loc"][0]) if e["loc"] else ""
            errors.add(sheet, number, column, raw.get(column, ""), reason(dict(e)))
        return None


def import_ledger(
    session: Session,
    *,
    actor: Actor,
    source: Path,
    filename: str,
    sheet: str | None = None,
    encoding: str | None = None,
    limits: FileLimits | None = None,
) -> ImportReport:
    """Import ``source`` (shown as ``filename``) for ``actor``'s agency; all or nothing."""
    if actor.agency_id is None:
        raise Forbidden(_("Name the agency to import for."))
    lim = limits or file_limits()
    book = read_book(source, file=filename, sheet=sheet, limits=lim, encoding=encoding)
    errors = _Errors(filename, lim)
    for p in book.problems:
        errors.add(p["sheet"], p["row"], p["column"], p["value"], p["reason"])
    if errors.listed:
        errors.refuse()
    plan = _Plan(session, actor, errors)
    report = ImportReport(filename)
    for kind in SHEETS:
        for number, raw in book.rows.get(kind, []):
            report.rows_read += 1
            if (bad := problem_of(raw)) is not None:
                errors.add(kind, number, bad[0], "", bad[1])
                continue
            plan.check(kind, number, raw)
    if errors.listed:
        errors.refuse()
    report.created = plan.write()
    log_event(
        session,
        actor=actor,
        action="import",
        object_type="programme_ledger",
        object_id=filename,
        details={"file": filename, "rows": report.rows_read, "created": report.created},
    )
    return report


class _Plan:
    """What a clean file will write, built while its rows are checked."""

    def __init__(self, session: Session, actor: Actor, errors: _Errors) -> None:
        self.session, self.actor, self.errors = session, actor, errors
        self.trainings: dict[str, TrainingIn] = {}
        self.people: dict[str, list[ParticipantIn]] = defaultdict(list)
        self.equipment: dict[tuple[str, str], EquipmentIn] = {}
        self.events: list[tuple[tuple[str, str], EquipmentEventIn]] = []
        self.procedures: dict[tuple[str, str], ProcedureIn] = {}
        agency = actor.agency_id
        self.own_trainings = {
            ref: tid
            for ref, tid in session.execute(
                select(Training.reference, Training.uuid).where(
                    Training.owner_agency_id == agency, Training.deleted_at.is_(None)
                )
            )
        }
        self.own_equipment = {
            (k, s): eid
            for k, s, eid in session.execute(
                select(Equipment.kind, Equipment.serial, Equipment.uuid).where(
                    Equipment.owner_agency_id == agency, Equipment.deleted_at.is_(None)
                )
            )
        }
        self.own_procedures = {
            (name, version)
            for name, version in session.execute(
                select(ProcedureAdoption.name, ProcedureAdoption.version).where(
                    ProcedureAdoption.owner_agency_id == agency
                )
            )
        }

    def check(self, kind: str, number: int, raw: dict[str, str]) -> None:
        getattr(self, f"_{kind}")(number, raw)

    def _trainings(self, number: int, raw: dict[str, str]) -> None:
        data = _validated(TrainingIn, "trainings", number, raw, self.errors)
        if data is None:
            return
        ref = data.reference
        if ref in self.trainings or ref in self.own_trainings:
            self.errors.add("trainings", number, "reference", ref, _("reference used already"))
            return
        self.trainings[ref] = data

    def _participants(self, number: int, raw: dict[str, str]) -> None:
        ref = raw.get("training", "").strip()
        if ref not in self.trainings and ref not in self.own_trainings:
            self.errors.add(
                "participants", number, "training", ref,
                _("no training with this reference in the file or your agency's ledger"),
            )  # fmt: skip
        data = _validated(ParticipantIn, "participants", number, raw, self.errors, ("training",))
        if data is not None:
            self.people[ref].append(data)

    def _equipment(self, number: int, raw: dict[str, str]) -> None:
        data = _validated(EquipmentIn, "equipment", number, raw, self.errors)
        if data is None:
            return
        key = (data.kind.value, data.serial)
        if key in self.equipment or key in self.own_equipment:
            reason = _("equipment of this kind with this serial is recorded already")
            self.errors.add("equipment", number, "serial", data.serial, reason)
            return
        self.equipment[key] = data

    def _equipment_events(self, number: int, raw: dict[str, str]) -> None:
        key = (raw.get("kind", "").strip(), raw.get("serial", "").strip())
        if key not in self.equipment and key not in self.own_equipment:
            reason = _("no equipment of this kind and serial in the file or your agency's ledger")
            self.errors.add("equipment_events", number, "serial", key[1], reason)
        data = _validated(
            EquipmentEventIn,
            "equipment_events",
            number,
            {"kind": raw.get("event", ""), "on": raw.get("on", ""), "note": raw.get("note", "")},
            self.errors,
        )
        if data is not None:
            self.events.append((key, data))

    def _procedures(self, number: int, raw: dict[str, str]) -> None:
        data = _validated(ProcedureIn, "procedures", number, raw, self.errors)
        if data is None:
            return
        key = (data.name, data.version)
        if key in self.procedures or key in self.own_procedures:
            reason = _("this version of this procedure is recorded already")
            self.errors.add("procedures", number, "version", data.version, reason)
            return
        self.procedures[key] = data

    def write(self) -> dict[str, int]:
        s, actor = self.session, self.actor
        for ref, data in self.trainings.items():
            data.participants = self.people.pop(ref, [])
            service.create_training(s, actor=actor, data=data)
        for ref, people in self.people.items():
            tid = self.own_trainings[ref]
            service.add_participants(s, actor=actor, training_id=tid, people=people)
        kit = {
            key: service.create_equipment(s, actor=actor, data=data).uuid
            for key, data in self.equipment.items()
        }
        for key, event in self.events:
            eid = kit.get(key) or self.own_equipment[key]
            service.add_equipment_event(s, actor=actor, equipment_id=eid, data=event)
        for data_p in self.procedures.values():
            service.create_procedure(s, actor=actor, data=data_p)
        s.flush()
        return {
            "trainings": len(self.trainings),
            "participants": sum(len(t.participants) for t in self.trainings.values())
            + sum(len(p) for p in self.people.values()),
            "equipment": len(self.equipment),
            "equipment_events": len(self.events),
            "procedures": len(self.procedures),
        }


def import_upload(
    session: Session, *, actor: Actor, upload: Any, sheet: str | None = None
) -> ImportReport:
    """An uploaded file (API or page), spooled under the upload limit to a private
    temporary folder with a safe name, then imported for the uploader's agency."""
    import tempfile

    from kalibar.files import save_upload

    with tempfile.TemporaryDirectory(prefix="kalibar-programme-") as tmp:
        path = save_upload(upload, Path(tmp), default="ledger.xlsx")
        return import_ledger(session, actor=actor, source=path, filename=path.name, sheet=sheet)
