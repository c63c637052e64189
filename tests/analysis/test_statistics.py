"""Seizure statistics recomputed by hand from the planted rows, on both databases:
every dimension, filters (period, agency, seizure- and item-level values), the months of
the instance's zone, the hidden count, the map and the exports."""

from __future__ import annotations

import csv
import io
import random

import pytest
from analysis_support import (
    PItem,
    Planted,
    expected,
    item_key,
    plant,
    random_rows,
    sees,
    utc,
)
from openpyxl import load_workbook
from support import World, actor_of, client_for, login

from kalibar.analysis import export, places_map
from kalibar.analysis.dimensions import DIMENSIONS
from kalibar.analysis.filters import parse_filter
from kalibar.analysis.stats import breakdown, figure, totals
from kalibar.auth.actor import Actor
from kalibar.errors import Invalid

START = utc(2025, 6, 1)


@pytest.fixture
def planted(world: World) -> list[Planted]:
    owners = [actor_of(world, u) for u in ("officer", "border", "investigator", "rs.officer")]
    rows = random_rows(random.Random(1414), owners, 160, start=START, days=260)
    # The end of March in UTC is April in Sarajevo (UTC+2 in summer time).
    rows.append(
        Planted(
            owner=owners[0],
            occurred_at=utc(2026, 3, 31, 22, 30),
            concealment="fuel_tank",
            items=[PItem(make="zastava", model="M70")],
        )
    )
    plant(world, rows)
    return rows


def _as_dict(rows: list) -> dict[str, tuple[int, int]]:
    return {r.key: (r.seizures, r.items) for r in rows}


@pytest.mark.parametrize("username", ["officer", "investigator", "rs.officer"])
def test_every_dimension_matches_the_planted_rows(world: World, planted: list[Planted],
                                                   username: str) -> None:  # fmt: skip
    actor = actor_of(world, username)
    with world.session() as s:
        for by in DIMENSIONS:
            got = _as_dict(breakdown(s, actor=actor, by=by, f=parse_filter({})))
            assert got == expected(planted, actor, by), by


def test_month_is_the_local_month(world: World, planted: list[Planted]) -> None:
    actor = actor_of(world, "officer")
    with world.session() as s:
        months = _as_dict(breakdown(s, actor=actor, by="month", f=parse_filter({})))
    assert "2026-04" in months  # the seizure at 22:30 UTC on 31 March
    assert "2026-03" not in months


def _totals_by_hand(rows: list[Planted], actor: Actor, keep) -> tuple[int, int, int]:  # noqa: ANN001
    seen = [r for r in rows if keep(r) and sees(actor, r)]
    hidden = [r for r in rows if keep(r) and not sees(actor, r)]
    return len(seen), sum(len(r.items) for r in seen), len(hidden)


def test_totals_and_hidden_count(world: World, planted: list[Planted]) -> None:
    actor = actor_of(world, "officer")
    with world.session() as s:
        got = totals(s, actor=actor, f=parse_filter({}))
    seen, items, hidden = _totals_by_hand(planted, actor, lambda r: True)
    assert got == (seen, items, hidden)
    assert hidden > 0  # the Serbian rows and the other agencies' own rows


def test_filters_period_agency_and_values(world: World, planted: list[Planted]) -> None:
    actor = actor_of(world, "officer")
    border = actor_of(world, "border")
    # Days are the instance's zone: 2025-09-01..2025-10-31 local.
    from kalibar.analysis.filters import local_start

    lo, hi = local_start(utc(2025, 9, 1).date()), local_start(utc(2025, 11, 1).date())
    glock = lambda it: item_key("make", it) == "glock"  # noqa: E731
    zastava = lambda it: item_key("make", it) == "zastava"  # noqa: E731
    every = lambda it: True  # noqa: E731
    cases = [
        ({"from": "2025-09-01", "to": "31.10.2025"}, lambda r: lo <= r.occurred_at < hi, every),
        ({"agency": "BA-GP"}, lambda r: r.owner.agency_id == border.agency_id, every),
        ({"concealment": "spare_tyre"}, lambda r: r.concealment == "spare_tyre", every),
        ({"transit": "SI"}, lambda r: "SI" in r.transit, every),
        ({"make": "glock"}, lambda r: any(glock(i) for i in r.items), glock),
        ({"concealment": "fuel_tank", "make": "zastava"},
         lambda r: r.concealment == "fuel_tank" and any(zastava(i) for i in r.items), zastava),
    ]  # fmt: skip
    with world.session() as s:
        for params, keep, item_ok in cases:
            f = parse_filter(params)
            seen, _items, hidden = _totals_by_hand(planted, actor, keep)
            got = totals(s, actor=actor, f=f)
            assert (got[0], got[2]) == (seen, hidden), params
            rows = [r for r in planted if keep(r)]
            for by in ("place", "detection", "month", "calibre"):
                got_rows = _as_dict(breakdown(s, actor=actor, by=by, f=f))
                assert got_rows == expected(rows, actor, by, item_ok), (params, by)


def test_item_filter_narrows_the_items_counted(world: World, planted: list[Planted]) -> None:
    """Broken down by an item dimension, an item filter counts only the matching items."""
    actor = actor_of(world, "officer")
    with world.session() as s:
        got = _as_dict(breakdown(s, actor=actor, by="calibre", f=parse_filter({"make": "glock"})))
    want: dict[str, list] = {}
    for r in planted:
        if not sees(actor, r):
            continue
        for it in r.items:
            if item_key("make", it) == "glock":
                key = item_key("calibre", it)
                want.setdefault(key, [set(), 0])
                want[key][0].add(r.uuid)
                want[key][1] += 1
    assert got == {k: (len(v[0]), v[1]) for k, v in want.items()}


def test_unknown_filter_and_bad_dates_are_refused() -> None:
    with pytest.raises(Invalid):
        parse_filter({"colour": "red"})
    with pytest.raises(Invalid):
        parse_filter({"from": "2026-13-40"})
    with pytest.raises(Invalid):
        parse_filter({"from": "2026-03-02", "to": "2026-03-01"})


def test_map_points_count_visible_seizures_per_place(world: World, planted: list[Planted]
                                                     ) -> None:  # fmt: skip
    actor = actor_of(world, "investigator")
    with world.session() as s:
        pts = places_map.points(s, actor=actor, f=parse_filter({}))
    want: dict[str, int] = {}
    for r in planted:
        if sees(actor, r) and r.place_code:
            want[r.place_code] = want.get(r.place_code, 0) + 1
    from kalibar.seizures.places import place

    assert {p.name: p.count for p in pts} == {place(k).name: n for k, n in want.items()}
    clustered = places_map.cluster(pts)
    assert sum(c.count for c in clustered) == sum(want.values())
    assert len(clustered) < len(pts)  # Šamac road and rail crossings are one cluster
    # Places far apart on the map stay apart.
    assert len(places_map.cluster(pts, radius=0.1)) == len(pts)


def test_exports_hold_the_figure(world: World, planted: list[Planted]) -> None:
    actor = actor_of(world, "officer")
    with world.session() as s:
        f = parse_filter({"from": "2025-06-01"})
        fig = figure(s, actor=actor, by="make", f=f)
    text = export.to_csv(fig, f).lstrip("\ufeff")
    lines = list(csv.reader(io.StringIO(text)))
    header = lines.index(["Code", "Make", "Seizures", "Items"])
    rows = {line[0]: (int(line[2]), int(line[3])) for line in lines[header + 1 :]}
    assert rows == expected(planted, actor, "make")
    wb = load_workbook(io.BytesIO(export.to_xlsx(fig, f)), read_only=True)
    cells = [tuple(c.value for c in row) for row in wb.active.iter_rows()]
    xrows = {c[0]: (c[2], c[3]) for c in cells[header + 1 :]}
    assert xrows == rows
    assert ("Seizures you may not see (not counted)", fig.hidden) in [c[:2] for c in cells]


def test_api_and_page(world: World, planted: list[Planted]) -> None:
    client = client_for(world.engine)
    login(client, "officer", world.passwords["officer"])
    actor = actor_of(world, "officer")
    api = client.get("/api/v1/analysis/statistics", params={"by": "concealment"})
    assert api.status_code == 200, api.text
    body = api.json()
    assert {r["key"]: (r["seizures"], r["items"]) for r in body["rows"]} == expected(
        planted, actor, "concealment"
    )
    assert body["hidden"] == _totals_by_hand(planted, actor, lambda r: True)[2]
    page = client.get("/analysis/statistics", params={"by": "concealment"})
    assert page.status_code == 200
    assert 'class="trend-chart"' in page.text and 'class="seizure-map"' in page.text
    assert "stats-hidden" in page.text
    csv_resp = client.get("/analysis/statistics/export", params={"by": "concealment",
                                                                  "format": "csv"})  # fmt: skip
    assert csv_resp.status_code == 200 and "spare_tyre" in csv_resp.text
    assert client.get("/analysis/statistics", params={"by": "colour"}).status_code == 422
    bad = client.get("/api/v1/analysis/statistics", params={"by": "make", "colour": "x"})
    assert bad.status_code == 422


def test_labels_follow_the_language(world: World, planted: list[Planted]) -> None:
    from kalibar.i18n import use_language

    actor = actor_of(world, "officer")
    with world.session() as s, use_language("sr_Cyrl"):
        rows = breakdown(s, actor=actor, by="month", f=parse_filter({}))
    assert rows and all(r.label != r.key for r in rows)
