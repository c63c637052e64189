"""Demo seizures: deterministic, idempotent, consistent with the procedures and custody rules,
and visible to their owners like any other seizure."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from support import World

from kalibar.agencies.models import Agency
from kalibar.audit.service import history_of, verify_chain
from kalibar.auth.actor import Actor
from kalibar.db.session import unit_of_work
from kalibar.demo.seizures.load import count_demo_seizures, load_demo_seizures
from kalibar.demo.seizures.plan import BLOCK, plan_block
from kalibar.records.models import FirearmRecord
from kalibar.seizures.custody import verify_custody
from kalibar.seizures.listing import SeizureFilter, list_seizures
from kalibar.seizures.models import (
    CustodyEvent,
    Entity,
    Handover,
    Involvement,
    ProcedureStep,
    SeizedItem,
    Seizure,
)
from kalibar.seizures.procedures import open_required_steps, unmet_requirements
from kalibar.sharing.models import ObjectReader

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
N = 120


def _load(world: World, n: int = N, seed: int = 7) -> int:
    with unit_of_work(world.engine) as s:
        return load_demo_seizures(s, n=n, seed=seed, now=NOW).added


def _actor(agency: Agency) -> Actor:
    return Actor(user_id=None, username="t", agency_id=agency.id, agency_code=agency.code,
                 country=agency.country_code)  # fmt: skip


def _snapshot(s: Session) -> list[tuple[object, ...]]:
    rows = s.execute(select(Seizure).order_by(Seizure.uuid)).scalars()
    return [
        (z.uuid, z.reference, z.occurred_at, z.place_code, z.context, z.status,
         z.owner_agency_id, [(i.kind, i.quantity, i.record_id) for i in z.items],
         sorted((str(v.entity_id), v.role) for v in z.involvements),
         [(p.step_code, p.status, p.completed_at) for p in z.steps])
        for z in rows
    ]  # fmt: skip


def test_plan_is_deterministic() -> None:
    a, b = plan_block(3, 0, today=NOW), plan_block(3, 0, today=NOW)
    assert len(a) == BLOCK
    assert [(s.uuid, s.occurred_at, s.values, len(s.items)) for s in a] == [
        (s.uuid, s.occurred_at, s.values, len(s.items)) for s in b
    ]
    assert all(s.occurred_at < NOW for s in a)
    assert {s.values["context"] for s in a} >= {"border_check", "postal_inspection"}


def test_demo_is_deterministic_and_idempotent(world: World, engine: object) -> None:
    assert _load(world) == N
    with world.session() as s:
        first = _snapshot(s)
        references = [r[1] for r in first]
        assert len(set(references)) == N
        assert all("-SZ-" in r for r in references)
        entities = s.execute(select(func.count()).select_from(Entity)).scalar_one()
    assert _load(world) == 0  # nothing twice
    with world.session() as s:
        assert _snapshot(s) == first
    # The same seed gives the same seizures: the plan decides ids, times and places.
    planned = {p.uuid: p for p in plan_block(7, 0, today=NOW)}
    for uuid_, _ref, occurred, place, context, *_rest in first:
        p = planned[uuid_]
        assert (p.values.get("place_code"), p.values["context"]) == (place, context)
        assert p.occurred_at == occurred or p.values.get("declaration_uuid")
    # Raising n adds only the difference and reuses entities already there.
    assert _load(world, N + 30) == 30
    with world.session() as s:
        assert count_demo_seizures(s) == N + 30
        assert s.execute(select(func.count()).select_from(Entity)).scalar_one() > entities
        ids = list(s.execute(select(Entity.uuid)).scalars())
        assert len(ids) == len(set(ids))


def test_every_seizure_is_listed_for_its_owner(world: World) -> None:
    _load(world)
    with world.session() as s:
        owners = Counter(s.execute(select(Seizure.owner_agency_id)).scalars())
        assert len(owners) >= 4
        for agency_id, count in owners.items():
            agency = s.get(Agency, agency_id)
            assert agency is not None
            listed, cursor = list_seizures(
                s, actor=_actor(agency), filters=SeizureFilter(agency=agency.code), limit=500
            )
            assert cursor is None
            assert len(listed) == count


def test_entities_steps_custody_and_handovers_are_consistent(world: World) -> None:
    _load(world)
    with world.session() as s:
        uses = Counter(s.execute(select(Involvement.entity_id)).scalars())
        assert max(uses.values()) >= 2  # the same person or vehicle found again
        assert max(uses.values()) <= 5
        seizures = list(s.execute(select(Seizure)).scalars())
        statuses = Counter(z.status for z in seizures)
        assert statuses["open"] and statuses["closed"]
        overdue = 0
        for z in seizures:
            assert z.steps, z.reference
            assert z.items, z.reference
            if z.status == "closed":
                assert not open_required_steps(z)
                assert z.closed_at is not None and z.closed_at <= NOW
            else:
                overdue += sum(1 for p in z.steps if p.status == "open" and p.due_at < NOW)
            for step in z.steps:
                if step.status == "done" and "evidence:" not in step.requires:
                    assert not unmet_requirements(s, step=step), (z.reference, step.step_code)
                    assert step.completed_at is not None and step.completed_at <= NOW
        assert overdue
        for item in s.execute(select(SeizedItem)).scalars():
            events = list(
                s.execute(
                    select(CustodyEvent)
                    .where(CustodyEvent.item_id == item.uuid)
                    .order_by(CustodyEvent.sequence)
                ).scalars()
            )
            assert events and events[0].action == "seized"
            assert verify_custody(events) == []
            times = [e.occurred_at for e in events]
            assert times == sorted(times) and times[-1] <= NOW
            actions = [e.action for e in events]
            if "received" in actions:
                assert actions[actions.index("received") - 1] == "transferred"
            if item.kind == "firearm":
                record = s.get(FirearmRecord, item.record_id)
                assert record is not None and record.status == "seized"
                assert record.owner_agency_id == item.seizure.owner_agency_id
                assert record.case_reference == item.seizure.reference
        accepted = list(s.execute(select(Handover).where(Handover.status == "accepted")).scalars())
        assert accepted
        for h in accepted:
            z = s.get(Seizure, h.seizure_id)
            assert z is not None and z.owner_agency_id == h.to_agency_id
            assert z.seizing_agency_id == h.from_agency_id
            grant = s.execute(
                select(ObjectReader).where(
                    ObjectReader.object_uuid == z.uuid, ObjectReader.agency_id == h.from_agency_id
                )
            ).scalar_one()
            assert grant.reason == "handed over"
        # Every seizure is named in the audit trail, and the chain holds.
        assert history_of(s, object_id=str(seizures[0].uuid))
        assert verify_chain(s) == []
        steps = s.execute(select(func.count()).select_from(ProcedureStep)).scalar_one()
        assert steps > 10 * N


@pytest.mark.parametrize("n", [0])
def test_nothing_to_do(world: World, n: int) -> None:
    assert _load(world, n) == 0


def test_demo_data_works_with_the_services(world: World) -> None:
    """A pending demo hand-over can be accepted, a demo seizure read by its owner."""
    from kalibar.seizures.handover import accept_handover
    from kalibar.seizures.service import get_seizure

    _load(world, N, seed=6)  # a seed whose sample has pending hand-overs at NOW
    with unit_of_work(world.engine) as s:
        pending = (
            s.execute(select(Handover).where(Handover.status == "pending").order_by(Handover.uuid))
            .scalars()
            .first()
        )
        assert pending is not None
        receiver = s.get(Agency, pending.to_agency_id)
        assert receiver is not None
        seizure = accept_handover(s, actor=_actor(receiver), handover_id=pending.uuid)
        assert seizure.owner_agency_id == receiver.id
        for item in seizure.items:
            if item.record_id:
                record = s.get(FirearmRecord, item.record_id)
                assert record is not None and record.owner_agency_id == receiver.id
        owner = s.get(Agency, seizure.owner_agency_id)
        assert owner is not None
        assert get_seizure(s, actor=_actor(owner), seizure_id=seizure.uuid) is seizure


def test_cli_loads_demo_seizures_once(
    engine: object, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from sqlalchemy import Engine
    from typer.testing import CliRunner

    from kalibar.app.cli import app
    from kalibar.config import get_settings

    assert isinstance(engine, Engine)
    monkeypatch.setenv("KALIBAR_DATABASE_URL", engine.url.render_as_string(False))
    monkeypatch.setenv("KALIBAR_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        cli = CliRunner()
        first = cli.invoke(app, ["demo", "--records", "0", "--seizures", "40"])
        assert first.exit_code == 0, first.output
        assert "demo seizures: 40 added" in first.output
        again = cli.invoke(app, ["demo", "--records", "0", "--seizures", "40"])
        assert again.exit_code == 0 and "nothing added" in again.output
        light = cli.invoke(app, ["demo", "--records", "0"])  # no seizures asked: none added
        assert light.exit_code == 0 and "demo seizures" not in light.output
    finally:
        get_settings.cache_clear()
