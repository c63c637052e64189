"""Setup shared by the seizure tests: a data folder of each test's own, seizures inserted
directly or recorded through the service, and the usual car stopped at a border crossing."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from support import World

from kalibar.auth.actor import Actor
from kalibar.config import get_settings
from kalibar.db.session import unit_of_work
from kalibar.matching import index_store
from kalibar.seizures import service as svc
from kalibar.seizures.models import SeizedItem, Seizure
from kalibar.seizures.service import ItemData, SeizureData

T0 = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


def fresh_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Indexes and evidence files in the test's own folder (``yield from`` it in a fixture)."""
    data = tmp_path / "data"
    monkeypatch.setenv("KALIBAR_DATA_DIR", str(data))
    get_settings.cache_clear()
    yield data
    get_settings.cache_clear()
    index_store.forget()


def insert_seizure(
    world: World, owner: Actor, *, items: int = 1, **item: Any
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A seizure with ``items`` items alike (``item``: their columns), inserted directly
    (no procedures, no custody)."""
    with unit_of_work(world.engine, actor=owner) as s:
        seizure = Seizure(
            reference=f"T-SZ-{uuid.uuid4().hex[:12]}",
            owner_agency_id=owner.agency_id,
            owner_country=owner.country,
            distribution="national",
            occurred_at=T0,
            context="border_check",
            seizing_agency_id=owner.agency_id,
            recorded_by=owner.username,
        )
        s.add(seizure)
        s.flush()
        made = [
            SeizedItem(seizure_id=seizure.uuid, position=n, **item) for n in range(1, items + 1)
        ]
        s.add_all(made)
        s.flush()
        return seizure.uuid, [i.uuid for i in made]


def record_seizure(
    world: World, actor: Actor, data: SeizureData, items: Iterable[ItemData] = (), **options: Any
) -> uuid.UUID:
    """A seizure recorded through the service (procedures applied, items checked)."""
    with unit_of_work(world.engine) as s:
        return svc.create_seizure(s, actor=actor, data=data, items=list(items), **options).uuid


def car_at_border(when: datetime, **changes: Any) -> SeizureData:
    """A car from Croatia stopped at Bijača, pistols found in the spare tyre by X-ray."""
    fields: dict[str, Any] = {
        "occurred_at": when,
        "context": "border_check",
        "place_code": "BA-BIJACA",
        "direction": "entry",
        "origin_country": "HR",
        "transit_countries": ["SI", "HR"],
        "detection_method": "xray",
        "concealment_method": "spare_tyre",
        "conveyance_kind": "car",
        "vehicle_registration": "a12-b-345",
        "criminal_context": ["illicit_trafficking"],
        "narrative": "Two pistols and ammunition in the spare tyre.",
    }
    return SeizureData(**(fields | changes))
