"""The demo ledger: proportions like the programme's own report, idempotent."""

from __future__ import annotations

from datetime import date

from support import World, actor_of

from kalibar.db.session import unit_of_work
from kalibar.demo.programme import load_demo_programme
from kalibar.programme import indicators


def test_demo_ledger_is_added_once_with_a_quarter_women(world: World) -> None:
    today = date(2026, 12, 1)
    with unit_of_work(world.engine) as s:
        assert load_demo_programme(s, today=today) == 8
    with unit_of_work(world.engine) as s:
        assert load_demo_programme(s, today=today) == 0
    focal = actor_of(world, "focalpoint")
    with world.session() as s:
        got = indicators.trained(
            s, actor=focal, period=indicators.Period(date(2025, 1, 1), today)
        )
        kit = indicators.equipment_per_place(s, actor=focal)
    assert got.sessions == 8 and got.workshops == 2 and got.trainers.total == 16
    assert got.total.total == 185
    assert got.total.share_women is not None and 0.15 < got.total.share_women < 0.4
    assert sum(e.total for e in kit) == 6
