"""Setup shared by the programme ledger tests: sheets written as XLSX/CSV files, seizures
and procedure steps inserted directly at a place and day."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from support import World

from kalibar.auth.actor import Actor
from kalibar.db.session import unit_of_work
from kalibar.seizures.models import ProcedureStep, Seizure

PLACE = "BA-IZACIC"
OTHER_PLACE = "BA-GRADISKA"


def write_book(path: Path, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
    """An XLSX workbook: sheet name → rows (the first is the header)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def insert_seizures(
    world: World, owner: Actor, days: Sequence[date], *, place: str = PLACE,
    method: str = "xray", distribution: str = "national",
) -> list[uuid.UUID]:  # fmt: skip
    """One seizure per day given, at ``place``, found by ``method``."""
    made = []
    with unit_of_work(world.engine, actor=owner) as s:
        for day in days:
            sz = Seizure(
                reference=f"T-SZ-{uuid.uuid4().hex[:12]}",
                owner_agency_id=owner.agency_id,
                owner_country=owner.country,
                distribution=distribution,
                occurred_at=datetime.combine(day, time(12), tzinfo=UTC),
                context="border_check",
                place_code=place,
                detection_method=method,
                seizing_agency_id=owner.agency_id,
                recorded_by=owner.username,
            )
            s.add(sz)
            s.flush()
            made.append(sz.uuid)
    return made


def insert_step(
    world: World, owner: Actor, seizure_id: uuid.UUID, *, code: str, due: datetime,
    status: str = "open", completed: datetime | None = None,
) -> None:  # fmt: skip
    with unit_of_work(world.engine, actor=owner) as s:
        s.add(
            ProcedureStep(
                seizure_id=seizure_id,
                procedure_code="sop",
                step_code=code,
                position=1,
                title=code,
                due_at=due,
                status=status,
                completed_at=completed,
            )
        )


def days_from(start: date, offsets: Sequence[int]) -> list[date]:
    return [start + timedelta(days=n) for n in offsets]
