"""Seizure lists: keyset paging newest first, every filter, counts, map points."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from seizure_support import fresh_data_dir, record_seizure
from support import World, actor_of

from kalibar.auth.actor import Actor
from kalibar.errors import Invalid
from kalibar.seizures.listing import (
    SeizureFilter,
    count_seizures,
    list_seizures,
    map_points,
)
from kalibar.seizures.models import Seizure
from kalibar.seizures.places import place
from kalibar.seizures.service import ItemData, SeizureData


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from fresh_data_dir(tmp_path, monkeypatch)


NOW = datetime.now(UTC).replace(microsecond=0)


def _make(world: World, actor: Actor, days_ago: int, items: list[ItemData] | None = None,
          **fields: object) -> UUID:  # fmt: skip
    data = SeizureData(occurred_at=NOW - timedelta(days=days_ago), context="border_check")
    for key, value in fields.items():
        setattr(data, key, value)
    return record_seizure(world, actor, data, items or [])


@pytest.fixture
def seizures(world: World) -> dict[str, UUID]:
    officer, border = actor_of(world, "officer"), actor_of(world, "border")
    made = {
        "bijaca": _make(world, officer, 1, place_code="BA-BIJACA", vehicle_registration="SA 123-AB",
                        items=[ItemData(kind="ammunition", quantity=50)]),
        "bijaca_old": _make(world, border, 40, place_code="BA-BIJACA",
                            narrative="Grenade hidden under the driver seat",
                            items=[ItemData(kind="explosive", explosive_type="hand_grenade")]),
        "post": _make(world, officer, 3, context="postal_inspection",
                      place_code="BA-POST-SARAJEVO", parcel_number="RR123456789BA"),
        "street": _make(world, border, 2, context="street", place_name="Ulica Maršala Tita",
                        address="Sarajevo", latitude=43.859, longitude=18.421),
        "nowhere": _make(world, officer, 5, context="found", address="Forest near Konjic"),
        "croatia": _make(world, officer, 4, place_code="HR-BAJAKOVO"),
    }  # fmt: skip
    # twins: the same minute, so the uuid breaks the tie in the keyset
    twin = NOW - timedelta(days=6)
    for name in ("twin_a", "twin_b"):
        made[name] = _make(world, officer, 0, occurred_at=twin, place_code="BA-GRADISKA")
    _make(world, actor_of(world, "rs.officer"), 1, place_code="RS-BATROVCI")
    return made


def _ids(world: World, actor: Actor, **filters: Any) -> list[UUID]:
    with world.session() as s:
        rows, _cursor = list_seizures(s, actor=actor, filters=SeizureFilter(**filters), limit=100)
        return [r.uuid for r in rows]


def test_pages_newest_first_without_gaps(world: World, seizures: dict[str, UUID]) -> None:
    officer = actor_of(world, "officer")
    everything = _ids(world, officer)
    assert len(everything) == 8  # the Serbian seizure is not visible
    expected = ["bijaca", "street", "post", "croatia", "nowhere", "twin", "twin", "bijaca_old"]
    names = {v: k for k, v in seizures.items()}
    assert [names[i].split("_")[0] if names[i].startswith("twin") else names[i]
            for i in everything] == expected  # fmt: skip
    pages: list[UUID] = []
    cursor = None
    with world.session() as s:
        while True:
            rows, cursor = list_seizures(s, actor=officer, filters=SeizureFilter(), limit=3,
                                         cursor=cursor)  # fmt: skip
            pages += [r.uuid for r in rows]
            if cursor is None:
                break
        assert pages == everything
        with pytest.raises(Invalid):
            list_seizures(s, actor=officer, filters=SeizureFilter(), cursor="not-a-cursor")
    assert _ids(world, actor_of(world, "rs.officer")) != []
    assert not set(_ids(world, actor_of(world, "rs.officer"))) & set(everything)


def test_filters(world: World, seizures: dict[str, UUID]) -> None:
    officer = actor_of(world, "officer")
    s = seizures
    assert set(_ids(world, officer, place_code="ba-bijaca")) == {s["bijaca"], s["bijaca_old"]}
    assert _ids(world, officer, context="postal_inspection") == [s["post"]]
    assert _ids(world, officer, country="hr") == [s["croatia"]]
    assert set(_ids(world, officer, agency="BA-GP")) == {s["street"], s["bijaca_old"]}
    assert _ids(world, officer, item_kind="explosive") == [s["bijaca_old"]]
    assert _ids(world, officer, status="closed") == []
    recent = _ids(world, officer, date_from=(NOW - timedelta(days=3)).date())
    assert set(recent) >= {s["bijaca"], s["street"], s["post"]}
    assert s["bijaca_old"] not in recent and s["nowhere"] not in recent
    old = _ids(world, officer, date_to=(NOW - timedelta(days=30)).date())
    assert old == [s["bijaca_old"]]
    # free text: plate in any spacing, parcel number, narrative words, place in Cyrillic
    assert _ids(world, officer, q="sa123ab") == [s["bijaca"]]
    assert _ids(world, officer, q="rr123456789") == [s["post"]]
    assert _ids(world, officer, q="grenade seat") == [s["bijaca_old"]]
    assert set(_ids(world, officer, q="Бијача")) == {s["bijaca"], s["bijaca_old"]}
    assert _ids(world, officer, q="konjic") == [s["nowhere"]]
    with world.session() as session:
        found = session.get(Seizure, s["post"])
        assert found is not None
        reference = found.reference
    assert _ids(world, officer, q=reference.lower()) == [s["post"]]
    with pytest.raises(Invalid):
        _ids(world, officer, context="picnic")
    with pytest.raises(Invalid):
        _ids(world, officer, status="lost")


def test_counts_and_map_points(world: World, seizures: dict[str, UUID]) -> None:
    officer = actor_of(world, "officer")
    with world.session() as s:
        assert count_seizures(s, actor=officer) == {"open": 8}
        points = map_points(s, actor=officer, filters=SeizureFilter())
        by_name = {p.name: p for p in points}
        bijaca = place("BA-BIJACA")
        assert bijaca is not None
        assert by_name["Bijača"].count == 2
        assert (by_name["Bijača"].lat, by_name["Bijača"].lon) == (bijaca.lat, bijaca.lon)
        assert by_name["Gradiška"].count == 2
        assert by_name["Ulica Maršala Tita"].lat == pytest.approx(43.859)
        assert "" not in by_name  # the seizure without coordinates is not on the map
        assert sum(p.count for p in points) == 7
        assert points[0].count == 2
        only_post = map_points(s, actor=officer, filters=SeizureFilter(context="postal_inspection"))
        assert [(p.name, p.count, p.country) for p in only_post] == [
            ("Poštanski centar Sarajevo", 1, "BA")
        ]
