"""A participant's or an equipment event's audit entries are as visible as their training
or equipment: in full to an agency that may see the parent, redacted otherwise."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from support import World, actor_of

from kalibar.app import assemble
from kalibar.audit import scope
from kalibar.audit.models import AuditEntry
from kalibar.db.session import unit_of_work
from kalibar.programme import service
from kalibar.programme.schemas import EquipmentIn, TrainingIn


def test_parts_follow_their_parent(world: World) -> None:
    assemble()
    officer, border = actor_of(world, "officer"), actor_of(world, "border")
    with unit_of_work(world.engine, actor=officer) as s:
        for n, distribution in enumerate(("national", "agency")):
            service.create_training(s, actor=officer, data=TrainingIn(
                course=f"C{n}", start_date=date(2026, 1, 1), distribution=distribution,
                participants=[{"full_name": f"P{n}", "agency": "BA-UIO"}]))  # fmt: skip
            service.create_equipment(s, actor=officer, data=EquipmentIn(
                kind="detector", serial=f"D{n}", issued_on=date(2026, 1, 2),
                distribution=distribution))  # fmt: skip
    with world.session() as s:
        entries = list(
            s.execute(
                select(AuditEntry).where(
                    AuditEntry.object_type.in_(["Participant", "EquipmentEvent"])
                )
            ).scalars()
        )
        assert len(entries) == 4
        mine = scope.full_view(s, officer, entries)
        theirs = scope.full_view(s, border, entries)
    assert mine == {e.seq for e in entries}
    assert len(theirs) == 2  # the nationally shared training's participant and kit's event
