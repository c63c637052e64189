"""Chain of custody: order rules, who signs, the digest chain and the append-only guard."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from seizure_support import T0, insert_seizure
from sqlalchemy import func, select, text, update
from support import World, actor_of

from kalibar.auth.actor import Actor
from kalibar.db.session import unit_of_work
from kalibar.errors import Conflict, Forbidden, Invalid, NotFound
from kalibar.seizures import custody
from kalibar.seizures.models import CustodyEvent, Handover, SeizedItem, Seizure

#: Ammunition items, inserted directly (no procedures, no custody).
make_seizure = partial(insert_seizure, kind="ammunition", quantity=50, unit="rounds")


def append(world: World, actor: Actor, item_id: uuid.UUID, action: str, **kw: Any) -> CustodyEvent:
    with unit_of_work(world.engine, actor=actor) as s:
        return custody.append_event(s, actor=actor, item_id=item_id, action=action, **kw)


def chain(world: World, actor: Actor, item_id: uuid.UUID) -> list[CustodyEvent]:
    with world.session() as s:
        return custody.custody_chain(s, actor=actor, item_id=item_id)


def test_full_chain_signed_and_verified(world: World) -> None:
    officer, investigator = actor_of(world, "officer"), actor_of(world, "investigator")
    seizure_id, [item] = make_seizure(world, officer)
    append(world, officer, item, "seized", occurred_at=T0, location="Izačić", to_party="BA-UIO")
    append(world, officer, item, "sealed", occurred_at=T0 + timedelta(minutes=20),
           seal_number="UIO-000123", condition="sealed bag")  # fmt: skip
    # The receiving agency may sign once a hand-over is offered to it.
    with unit_of_work(world.engine, actor=officer) as s:
        s.add(Handover(seizure_id=seizure_id, from_agency_id=officer.agency_id,
                       to_agency_id=investigator.agency_id, requested_by="officer"))  # fmt: skip
    append(world, officer, item, "transferred", occurred_at=T0 + timedelta(hours=2),
           from_party="BA-UIO", to_party="BA-SIPA")  # fmt: skip
    append(world, investigator, item, "received", occurred_at=T0 + timedelta(hours=3),
           from_party="BA-UIO", to_party="BA-SIPA", condition="seal intact")  # fmt: skip
    append(world, investigator, item, "stored", location="SIPA evidence room")

    events = chain(world, officer, item)
    assert [e.action for e in events] == ["seized", "sealed", "transferred", "received", "stored"]
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5]
    assert events[3].signed_by == "investigator"
    assert events[3].signed_agency == investigator.agency_code
    assert events[0].signed_by == "officer"
    assert all(len(e.digest) == 64 for e in events)
    assert len({e.digest for e in events}) == 5
    assert custody.verify_custody(events) == []
    # A naive-free default: no time given means now.
    assert events[4].occurred_at > T0


def test_order_rules_name_the_field(world: World) -> None:
    officer = actor_of(world, "officer")
    _seizure_id, [item] = make_seizure(world, officer)

    def refused(exc: type[Exception], field: str, action: str, **kw: Any) -> None:
        with pytest.raises(exc) as info:
            append(world, officer, item, action, **kw)
        assert field in [d["field"] for d in info.value.details], info.value.details  # type: ignore[attr-defined]

    refused(Conflict, "action", "sealed", seal_number="S1", occurred_at=T0)
    refused(Invalid, "action", "lost", occurred_at=T0)
    refused(Invalid, "occurred_at", "seized", occurred_at=datetime(2026, 3, 2, 8, 30))
    refused(Invalid, "occurred_at", "seized", occurred_at=datetime.now(UTC) + timedelta(days=1))
    append(world, officer, item, "seized", occurred_at=T0)
    refused(Conflict, "action", "seized", occurred_at=T0)
    refused(Invalid, "seal_number", "sealed", occurred_at=T0)
    refused(Invalid, "to_party", "transferred", occurred_at=T0)
    refused(Conflict, "action", "received", occurred_at=T0)
    refused(Conflict, "occurred_at", "examined", occurred_at=T0 - timedelta(minutes=1))
    refused(Invalid, "seal_number", "sealed", seal_number="x" * 65, occurred_at=T0)
    append(world, officer, item, "destroyed", occurred_at=T0 + timedelta(days=30))
    refused(Conflict, "action", "stored")

    events = chain(world, officer, item)
    assert [e.action for e in events] == ["seized", "destroyed"]  # nothing stored half-way
    assert custody.verify_custody(events) == []


def test_who_may_append_and_read(world: World) -> None:
    officer = actor_of(world, "officer")
    _seizure_id, [item] = make_seizure(world, officer)
    append(world, officer, item, "seized", occurred_at=T0)
    # Same country (national distribution): may see, may not sign.
    with pytest.raises(Forbidden):
        append(world, actor_of(world, "border"), item, "examined")
    assert len(chain(world, actor_of(world, "border"), item)) == 1
    # Another country: the seizure does not exist for them.
    with pytest.raises(NotFound):
        append(world, actor_of(world, "rs.officer"), item, "examined")
    with pytest.raises(NotFound):
        chain(world, actor_of(world, "rs.officer"), item)
    # No hand-over offered to SIPA: it may not sign either.
    with pytest.raises(Forbidden):
        append(world, actor_of(world, "investigator"), item, "examined")


def test_removed_item_refused_closed_seizure_allowed(world: World) -> None:
    officer = actor_of(world, "officer")
    seizure_id, [kept, removed] = make_seizure(world, officer, items=2)
    append(world, officer, kept, "seized", occurred_at=T0)
    append(world, officer, removed, "seized", occurred_at=T0)
    with unit_of_work(world.engine, actor=officer) as s:
        s.get_one(SeizedItem, removed).deleted_at = datetime.now(UTC)
        seizure = s.get_one(Seizure, seizure_id)
        seizure.status = "closed"
        seizure.closed_at = datetime.now(UTC)
    with pytest.raises(Conflict) as info:
        append(world, officer, removed, "examined")
    assert info.value.details[0]["field"] == "item_id"
    # Storage, release and destruction come after the case file is closed.
    append(world, officer, kept, "stored", location="customs warehouse")
    assert [e.action for e in chain(world, officer, kept)] == ["seized", "stored"]


def test_tampering_is_detected(world: World) -> None:
    officer = actor_of(world, "officer")
    _seizure_id, [item, other] = make_seizure(world, officer, items=2)
    append(world, officer, item, "seized", occurred_at=T0)
    append(world, officer, item, "sealed", occurred_at=T0, seal_number="A-1")
    append(world, officer, item, "stored", occurred_at=T0, location="warehouse")
    append(world, officer, other, "seized", occurred_at=T0)
    append(world, officer, other, "sealed", occurred_at=T0, seal_number="B-1")
    append(world, officer, other, "stored", occurred_at=T0, location="warehouse")

    with world.engine.begin() as conn:  # behind the application's back
        conn.execute(
            text(
                "UPDATE custody_events SET seal_number = 'A-2' WHERE item_id = :i AND sequence = 2"
            ),
            {"i": item.hex if world.engine.dialect.name == "sqlite" else item},
        )
        conn.execute(
            text("DELETE FROM custody_events WHERE item_id = :i AND sequence = 2"),
            {"i": other.hex if world.engine.dialect.name == "sqlite" else other},
        )

    problems = custody.verify_custody(chain(world, officer, item))
    assert len(problems) == 1 and "Event 2" in problems[0], problems
    problems = custody.verify_custody(chain(world, officer, other))
    assert any("Event 2 is missing" in p for p in problems), problems
    assert any("Event 3" in p and "digest" in p for p in problems), problems


def test_append_only_guard(world: World) -> None:
    officer = actor_of(world, "officer")
    _seizure_id, [item] = make_seizure(world, officer)
    ev = append(world, officer, item, "seized", occurred_at=T0, location="Izačić")

    with pytest.raises(custody.AppendOnly), unit_of_work(world.engine, actor=officer) as s:
        s.get_one(CustodyEvent, ev.uuid).location = "elsewhere"
    with pytest.raises(custody.AppendOnly), unit_of_work(world.engine, actor=officer) as s:
        s.delete(s.get_one(CustodyEvent, ev.uuid))
    with pytest.raises(custody.AppendOnly), unit_of_work(world.engine, actor=officer) as s:
        s.execute(update(CustodyEvent).values(note="bulk"))
    with world.session() as s:  # reading is fine
        assert s.scalars(select(CustodyEvent).where(CustodyEvent.item_id == item)).one()

    with world.session() as s:
        kept = s.get_one(CustodyEvent, ev.uuid)
        assert (kept.location, kept.note) == ("Izačić", "")
        assert s.scalar(select(func.count()).select_from(CustodyEvent)) == 1
    assert custody.verify_custody(chain(world, officer, item)) == []


def test_items_recorded_through_the_service_start_their_chain(world: World) -> None:
    from kalibar.seizures.service import ItemData, SeizureData, create_seizure

    officer = actor_of(world, "officer")
    with unit_of_work(world.engine, actor=officer) as s:
        seizure = create_seizure(
            s,
            actor=officer,
            data=SeizureData(occurred_at=T0, context="border_check", place_name="Izačić"),
            items=[ItemData(kind="ammunition", calibre="9x19", quantity=50)],
        )
        [item] = [i.uuid for i in seizure.items]
    events = chain(world, officer, item)
    assert [(e.action, e.signed_by, e.occurred_at) for e in events] == [("seized", "officer", T0)]
    append(world, officer, item, "sealed", seal_number="UIO-1")
    assert custody.verify_custody(chain(world, officer, item)) == []
