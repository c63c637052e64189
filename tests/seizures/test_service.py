"""Recording a seizure: items become records checked for hits, validation, visibility."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from seizure_support import car_at_border, fresh_data_dir
from sqlalchemy import func, select
from support import World, actor_of

from kalibar.db.session import unit_of_work
from kalibar.errors import Conflict, Forbidden, Invalid, NotFound
from kalibar.records.models import FirearmRecord
from kalibar.records.service import RecordData, create_record
from kalibar.seizures import custody, procedures
from kalibar.seizures import service as svc
from kalibar.seizures.listing import item_summary
from kalibar.seizures.models import CustodyEvent, ProcedureTemplate, SeizedItem, Seizure
from kalibar.seizures.service import ItemData, SeizureData


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from fresh_data_dir(tmp_path, monkeypatch)


WHEN = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
PISTOL = RecordData(
    status="stolen",
    weapon_type="pistol",
    make="Zastava",
    model="CZ 99",
    calibre="9x19",
    serial_number="A123456",
)


def _event(**changes: object) -> SeizureData:
    return car_at_border(WHEN, **changes)


def _items() -> list[ItemData]:
    return [
        ItemData(kind="firearm", firearm=PISTOL),
        ItemData(
            kind="firearm",
            firearm=RecordData(
                status="seized",
                weapon_type="pistol",
                make="Glock",
                model="17",
                calibre="9x19",
                serial_number="BKX123",
            ),
        ),  # fmt: skip
        ItemData(kind="ammunition", calibre="9x19", ammunition_type="ball", quantity=50),
    ]


def test_create_makes_records_hits_and_custody(world: World) -> None:
    border, officer = actor_of(world, "border"), actor_of(world, "officer")
    with unit_of_work(world.engine) as s:
        stolen = create_record(s, actor=border, data=PISTOL, distribution="national")
        stolen_id = stolen.uuid
    with unit_of_work(world.engine) as s:
        seizure = svc.create_seizure(s, actor=officer, data=_event(), items=_items())
        seizure_id = seizure.uuid
        assert seizure.reference.startswith("UIO-SZ-")
        assert seizure.recorded_by == "officer" and seizure.status == "open"
        assert seizure.seizing_agency_id == officer.agency_id == seizure.owner_agency_id
        # the catalogue place fills name, country and coordinates
        assert (seizure.place_name, seizure.place_country) == ("Bijača", "BA")
        assert seizure.latitude and seizure.longitude
        assert seizure.transit_countries == "SI,HR"
        assert seizure.vehicle_registration == "A12-B-345"
    with unit_of_work(world.engine) as s:
        seizure = svc.get_seizure(s, actor=officer, seizure_id=seizure_id)
        items = seizure.items
        assert [i.position for i in items] == [1, 2, 3]
        assert [i.kind for i in items] == ["firearm", "firearm", "ammunition"]
        assert items[2].unit == "rounds" and items[2].record_id is None
        records = [s.get(FirearmRecord, i.record_id) for i in items[:2]]
        assert all(r is not None and r.status == "seized" for r in records)
        assert records[0] is not None and records[0].owner_agency_id == officer.agency_id
        assert records[0].event_date == WHEN.date() and "Bijača" in records[0].event_place
        hits = svc.item_hits(s, actor=officer, seizure=seizure)
        pistol_id = items[0].record_id
        assert pistol_id is not None and set(hits) == {pistol_id}
        (view,) = hits[pistol_id]
        assert view.hit.matched_record_id == stolen_id
        for item in items:
            chain = custody.custody_chain(s, actor=officer, item_id=item.uuid)
            assert [e.action for e in chain] == ["seized"]
            assert chain[0].occurred_at == WHEN and chain[0].to_party == "BA-UIO"
        assert item_summary(seizure) == {"firearm": 2.0, "ammunition": 50.0}
        svc.log_seizure_read(s, actor=officer, seizure=seizure)
        history = svc.seizure_history(s, actor=officer, seizure_id=seizure_id)
        assert {e.action for e in history} >= {"insert", "read"}


def test_every_bad_field_is_reported_and_nothing_is_stored(world: World) -> None:
    officer = actor_of(world, "officer")
    bad = _event(
        occurred_at=datetime(2026, 1, 5, 10, 0),  # naive
        context="smuggling",
        origin_country="ZZ",
        transit_countries=["HR", "Narnia"],
        concealment_method="under_the_seat",
        latitude=95.0,
        longitude=18.0,
    )
    items = [
        ItemData(kind="part"),
        ItemData(kind="ammunition", unit="litres", quantity=0),
        ItemData(kind="firearm"),
        ItemData(kind="rocket"),
    ]
    with unit_of_work(world.engine) as s, pytest.raises(Invalid) as err:
        svc.create_seizure(s, actor=officer, data=bad, items=items)
    fields = {d["field"] for d in err.value.details}
    assert fields == {
        "occurred_at", "context", "origin_country", "transit_countries[1]",
        "concealment_method", "latitude", "items[0].part_kind", "items[1].unit",
        "items[1].quantity", "items[2].firearm", "items[3].kind",
    }  # fmt: skip
    naive = next(d for d in err.value.details if d["field"] == "occurred_at")
    assert naive["error"] == "naive"
    with world.session() as s:
        for model in (Seizure, SeizedItem, FirearmRecord, CustodyEvent):
            assert s.execute(select(func.count()).select_from(model)).scalar() == 0
    # a free place needs a name or an address; the future is refused
    with unit_of_work(world.engine) as s, pytest.raises(Invalid) as err:
        future = datetime.now(UTC) + timedelta(days=1)
        svc.create_seizure(s, actor=officer, data=_event(place_code=None, occurred_at=future))
    assert {d["field"] for d in err.value.details} == {"place_name", "occurred_at"}
    with unit_of_work(world.engine) as s, pytest.raises(Invalid) as err:
        svc.create_seizure(s, actor=officer, data=_event(place_code="BA-NOWHERE"))
    assert err.value.details[0]["field"] == "place_code"


def test_visibility_follows_the_seizure(world: World) -> None:
    officer, border = actor_of(world, "officer"), actor_of(world, "border")
    serbia = actor_of(world, "rs.officer")
    with unit_of_work(world.engine) as s:
        free = _event(place_code=None, place_name="Parking Baščaršija", latitude=43.86,
                      longitude=18.43)  # fmt: skip
        seizure_id = svc.create_seizure(s, actor=officer, data=free).uuid
    with unit_of_work(world.engine) as s:
        assert svc.get_seizure(s, actor=border, seizure_id=seizure_id).place_country == "BA"
        with pytest.raises(NotFound):
            svc.get_seizure(s, actor=serbia, seizure_id=seizure_id)
        with pytest.raises(NotFound):
            svc.seizure_history(s, actor=serbia, seizure_id=seizure_id)
        with pytest.raises(Forbidden):
            svc.update_seizure(s, actor=border, seizure_id=seizure_id, changes={"narrative": "x"})
        with pytest.raises(Forbidden):
            svc.add_item(s, actor=border, seizure_id=seizure_id, data=ItemData(kind="accessory"))


def test_update_items_close_and_read_only(world: World) -> None:
    officer, admin = actor_of(world, "officer"), actor_of(world, "admin")
    with unit_of_work(world.engine) as s:
        seizure_id = svc.create_seizure(s, actor=officer, data=_event()).uuid
    with unit_of_work(world.engine) as s:
        changed = svc.update_seizure(
            s, actor=officer, seizure_id=seizure_id,
            changes={"place_code": "HR-BAJAKOVO", "criminal_context": "organized_crime,terrorism",
                     "legal_basis": "Customs law art. 12"},
        )  # fmt: skip
        assert (changed.place_name, changed.place_country) == ("Bajakovo", "HR")
        assert changed.latitude == pytest.approx(45.05)
        assert changed.criminal_context == "organized_crime,terrorism"
        with pytest.raises(Invalid) as err:
            svc.update_seizure(s, actor=officer, seizure_id=seizure_id,
                               changes={"reference": "X", "owner_agency_id": 1})  # fmt: skip
        assert {d["field"] for d in err.value.details} == {"reference", "owner_agency_id"}
        with pytest.raises(Invalid) as err:
            bad = {"direction": "sideways", "origin_country": "XX"}
            svc.update_seizure(s, actor=officer, seizure_id=seizure_id, changes=bad)
        assert {d["field"] for d in err.value.details} == {"direction", "origin_country"}
    with unit_of_work(world.engine) as s:
        part = svc.add_item(s, actor=officer, seizure_id=seizure_id,
                            data=ItemData(kind="part", part_kind="slide"))  # fmt: skip
        gun = svc.add_item(s, actor=officer, seizure_id=seizure_id,
                           data=ItemData(kind="firearm", firearm=PISTOL))  # fmt: skip
        assert (part.position, gun.position) == (1, 2)
        svc.remove_item(s, actor=officer, item_id=gun.uuid)
        record = s.get(FirearmRecord, gun.record_id)
        assert record is not None and record.deleted_at is not None
        with pytest.raises(NotFound):
            svc.remove_item(s, actor=officer, item_id=gun.uuid)
    with unit_of_work(world.engine) as s:
        seizure = svc.get_seizure(s, actor=officer, seizure_id=seizure_id)
        assert item_summary(seizure) == {"part": 1.0}
        for step in procedures.open_required_steps(seizure):
            procedures.waive_step(s, actor=admin, step_id=step.uuid, reason="test")
    with unit_of_work(world.engine) as s:
        closed = svc.close_seizure(s, actor=officer, seizure_id=seizure_id)
        assert closed.status == "closed" and closed.closed_by == "officer" and closed.closed_at
    with unit_of_work(world.engine) as s:
        for call in (
            lambda: svc.update_seizure(s, actor=officer, seizure_id=seizure_id,
                                       changes={"narrative": "later"}),
            lambda: svc.add_item(s, actor=officer, seizure_id=seizure_id,
                                 data=ItemData(kind="accessory")),
            lambda: svc.remove_item(s, actor=officer, item_id=part.uuid),
            lambda: svc.close_seizure(s, actor=officer, seizure_id=seizure_id),
            lambda: svc.delete_seizure(s, actor=officer, seizure_id=seizure_id),
        ):  # fmt: skip
            with pytest.raises(Conflict):
                call()


def test_close_is_refused_while_required_steps_are_open(world: World) -> None:
    officer = actor_of(world, "officer")
    with unit_of_work(world.engine) as s:
        if not s.execute(select(func.count()).select_from(ProcedureTemplate)).scalar():
            procedures.seed_templates(s)
    with unit_of_work(world.engine) as s:
        seizure_id = svc.create_seizure(s, actor=officer, data=_event(), items=_items()).uuid
    with unit_of_work(world.engine) as s, pytest.raises(Conflict) as err:
        svc.close_seizure(s, actor=officer, seizure_id=seizure_id)
    fields = [d["field"] for d in err.value.details]
    assert fields and all(f.startswith("step:") for f in fields)
    assert any(f.startswith("step:records_check_hits/") for f in fields)
    with world.session() as s:
        seizure = s.get(Seizure, seizure_id)
        assert seizure is not None and seizure.status == "open"


def test_delete_tombstones_seizure_and_its_records(world: World) -> None:
    officer = actor_of(world, "officer")
    with unit_of_work(world.engine) as s:
        seizure = svc.create_seizure(s, actor=officer, data=_event(), items=_items()[:1])
        seizure_id, record_id = seizure.uuid, seizure.items[0].record_id
    with unit_of_work(world.engine) as s:
        svc.delete_seizure(s, actor=officer, seizure_id=seizure_id)
    with unit_of_work(world.engine) as s:
        with pytest.raises(NotFound):
            svc.get_seizure(s, actor=officer, seizure_id=seizure_id)
        record = s.get(FirearmRecord, record_id)
        assert record is not None and record.deleted_at is not None
    with unit_of_work(world.engine) as s, pytest.raises(Conflict):
        svc.create_seizure(s, actor=officer, data=_event(), seizure_id=seizure_id)
