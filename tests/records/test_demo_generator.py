"""The demo record generator: valid, realistic, deterministic, lazy; and loading it."""

from __future__ import annotations

import itertools
import random
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from support import World

from kalibar.audit.service import verify_chain
from kalibar.db.session import unit_of_work
from kalibar.demo.records.generator import (
    DEFAULT_AGENCIES,
    STATUS_WEIGHTS,
    demo_uuid,
    generate_rows,
    generate_serial,
    is_demo_uuid,
    load_places,
    write_serial,
)
from kalibar.demo.records.load import count_demo_records, load_demo_records
from kalibar.records.fields import COLUMNS, parse_row
from kalibar.records.identify import identify
from kalibar.reference.script import has_cyrillic

N = 20_000


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return list(generate_rows(N, seed=11))


def test_rows_have_exactly_the_import_columns(rows: list[dict[str, str]]) -> None:
    for row in rows[:1000]:
        assert list(row) == COLUMNS
        assert all(isinstance(v, str) for v in row.values())


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    start = date(2015, 1, 1)
    a = list(generate_rows(3000, seed=5, start_date=start))
    b = list(generate_rows(3000, seed=5, start_date=start))
    c = list(generate_rows(3000, seed=6, start_date=start))
    assert a == b
    assert a != c
    assert sum(x == y for x, y in zip(a, c, strict=True)) == 0


def test_start_skips_ahead_to_the_same_rows() -> None:
    start = date(2016, 5, 1)
    whole = list(generate_rows(2500, seed=3, start_date=start))
    tail = list(generate_rows(500, seed=3, start_date=start, start=2000))
    assert tail == whole[2000:]


def test_record_ids_are_deterministic_demo_uuids(rows: list[dict[str, str]]) -> None:
    ids = [uuid.UUID(r["record_id"]) for r in rows]
    assert len(set(ids)) == len(ids)
    assert ids[42] == demo_uuid(11, 42)
    assert all(is_demo_uuid(i) for i in ids)
    assert not is_demo_uuid(uuid.UUID("01900000-0000-7000-8000-000000000000"))


def test_every_row_parses(rows: list[dict[str, str]]) -> None:
    bad = [(r, p.errors) for r in rows if (p := parse_row(r)).errors]
    assert not bad, bad[:3]


def test_makes_and_calibres_are_recognised(rows: list[dict[str, str]]) -> None:
    makes = calibres = known_makes = known_calibres = 0
    for r in rows:
        found = identify(make=r["make"], model=r["model"], calibre=r["calibre"])
        if r["make"]:
            makes += 1
            known_makes += found.make_code is not None
        if r["calibre"]:
            calibres += 1
            known_calibres += found.calibre_code is not None
    assert known_makes / makes >= 0.97
    assert known_calibres / calibres >= 0.97


def test_status_mix_is_as_designed(rows: list[dict[str, str]]) -> None:
    counts = Counter(r["status"] for r in rows)
    total = sum(STATUS_WEIGHTS.values())
    for status, weight in STATUS_WEIGHTS.items():
        assert abs(counts[status] / N - weight / total) < 0.015, status


def test_both_scripts_and_varied_spellings(rows: list[dict[str, str]]) -> None:
    cyrillic = sum(has_cyrillic(r["make"] + r["event_place"]) for r in rows) / N
    assert 0.08 <= cyrillic <= 0.2
    makes = {r["make"] for r in rows}
    assert {"Zastava", "Застава", "Glock"} <= makes
    calibres = {r["calibre"] for r in rows}
    assert {"7,62 M43", "7.62x39", "9 mm Luger", "9mm Para"} & calibres
    models = {r["model"] for r in rows}
    assert "M70 AB2" in models or "M70-AB2" in models


def test_dates_within_ten_years_never_in_future(rows: list[dict[str, str]]) -> None:
    today = datetime.now(UTC).date()
    dates = [date.fromisoformat(r["event_date"]) for r in rows]
    assert max(dates) <= today
    assert min(dates) >= today - timedelta(days=3653)
    assert max(dates) - min(dates) > timedelta(days=3000)
    for r in rows:
        if r["year_of_manufacture"]:
            year = int(r["year_of_manufacture"])
            assert 1948 <= year <= int(r["event_date"][:4])


def test_places_are_real_and_agencies_default(rows: list[dict[str, str]]) -> None:
    names = {p.name for p in load_places()}
    assert {"Izačić", "Batrovci", "Bajakovo", "Debeli Brijeg", "Sarajevo"} <= names
    latin = [r["event_place"] for r in rows if not has_cyrillic(r["event_place"])]
    for place in latin[:2000]:
        bare = re.sub(r"^GP |\s\((ulaz|izlaz)\)$", "", place)
        assert bare in names, place
    assert {r["reporting_agency"] for r in rows} <= set(DEFAULT_AGENCIES)


def test_serials_follow_templates(rows: list[dict[str, str]]) -> None:
    rng = random.Random(1)
    for _ in range(200):
        assert re.fullmatch(r"[A-Z]{3,4}\d{3}", generate_serial("glock", "17", rng))
        assert re.fullmatch(r"\d{5,6}", generate_serial("zastava", "M70AB2", rng))
        hs = generate_serial("hs_produkt", "HS2000", rng)
        assert re.fullmatch(r"[A-Z]{2}\d{6}", hs)
    glock = [
        r["serial_number"]
        for r in rows
        if r["make"] == "Glock" and r["serial_number"] and "?" not in r["serial_number"]
    ]
    assert glock
    for serial in glock:
        assert re.fullmatch(r"[A-Z]{3,4}\d{3}", re.sub(r"[ -]", "", serial)), serial
    written = {write_serial("123456", "M70AB2", random.Random(i)) for i in range(300)}
    assert {"123456", "M70AB2 123456", "123-456"} <= written


def test_some_serials_obliterated_and_modifications_noted(rows: list[dict[str, str]]) -> None:
    obliterated = [r for r in rows if "broj" in r["other_markings"]]
    assert 0.015 <= len(obliterated) / N <= 0.05
    assert any("?" in r["serial_number"] for r in obliterated)
    converted = ("preinačen", "prepravljen", "konvertovan")
    assert any(r["other_markings"].startswith(converted) for r in rows)


def test_generator_is_lazy() -> None:
    """A billion rows are asked for; only an iterator that makes them on demand returns."""
    rows = generate_rows(10**9)
    assert isinstance(rows, Iterator) and not isinstance(rows, (list, tuple))
    first = list(itertools.islice(rows, 5))
    assert len(first) == 5


def test_load_demo_records(world: World) -> None:
    with unit_of_work(world.engine) as s:
        result = load_demo_records(s, n=500, seed=3, batch=200)
    assert (result.existing, result.added) == (0, 500)
    with unit_of_work(world.engine) as s:
        assert count_demo_records(s) == 500
        again = load_demo_records(s, n=500, seed=3)
        assert (again.existing, again.added) == (500, 0)
        more = load_demo_records(s, n=600, seed=3)
        assert (more.existing, more.added) == (500, 100)
    with unit_of_work(world.engine) as s:
        assert count_demo_records(s) == 600
        assert verify_chain(s) == []
