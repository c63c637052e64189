"""Numbers taken from the last row (custody sequence, item position) stay unique when many
writers append at once: each reads the last one under the write lock (issue 18)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from seizure_support import T0, car_at_border, fresh_data_dir, insert_seizure, record_seizure
from sqlalchemy import select
from support import World, actor_of

from kalibar.auth.actor import Actor
from kalibar.db.session import unit_of_work
from kalibar.seizures import custody
from kalibar.seizures import service as svc
from kalibar.seizures.models import SeizedItem
from kalibar.seizures.service import ItemData

THREADS, ROUNDS = 8, 3


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from fresh_data_dir(tmp_path, monkeypatch)


def _at_once(world: World, actor: Actor, step: Callable[..., object]) -> list[BaseException]:
    """``THREADS`` threads released together, each running ``step`` ``ROUNDS`` times in a
    unit of work of its own; the failures."""
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def work() -> None:
        start.wait()
        for _ in range(ROUNDS):
            try:
                with unit_of_work(world.engine, actor=actor) as s:
                    step(s)
            except Exception as exc:  # noqa: BLE001 - every failure is reported
                failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return failures


def test_custody_events_appended_at_once_are_numbered_in_turn(world: World) -> None:
    officer = actor_of(world, "officer")
    _sid, [item] = insert_seizure(world, officer, kind="ammunition", quantity=50, unit="rounds")
    with unit_of_work(world.engine, actor=officer) as s:
        custody.append_event(s, actor=officer, item_id=item, action="seized", occurred_at=T0)
    later = T0 + timedelta(hours=1)
    failures = _at_once(
        world,
        officer,
        lambda s: custody.append_event(
            s, actor=officer, item_id=item, action="examined", occurred_at=later
        ),
    )
    assert failures == []
    with world.session() as s:
        events = custody.custody_chain(s, actor=officer, item_id=item)
    assert [e.sequence for e in events] == list(range(1, THREADS * ROUNDS + 2))
    assert custody.verify_custody(events) == []


def test_items_added_at_once_get_positions_in_turn(world: World) -> None:
    officer = actor_of(world, "officer")
    seizure_id = record_seizure(world, officer, car_at_border(T0))
    ammunition = ItemData(kind="ammunition", calibre="9x19", quantity=10, unit="rounds")
    failures = _at_once(
        world,
        officer,
        lambda s: svc.add_item(s, actor=officer, seizure_id=seizure_id, data=ammunition),
    )
    assert failures == []
    with world.session() as s:
        positions = s.execute(
            select(SeizedItem.position).where(SeizedItem.seizure_id == seizure_id)
        ).scalars()
        assert sorted(positions) == list(range(1, THREADS * ROUNDS + 1))
