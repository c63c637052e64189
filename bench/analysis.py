"""Benchmark: seizure statistics (each figure, its trend, the map) at scale.

    .venv/bin/python bench/analysis.py              # SQLite: 1,000,000 records, 100,000 seizures
    .venv/bin/python bench/analysis.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

A scratch database (as ``bench/seizures.py`` makes one) gets the demo agencies and users,
then — by bulk inserts, not the demo generator, so a million rows load in minutes —
``--records`` firearm records (owned by the region's agencies, mixed distribution) and
``--seizures`` seizures over three years at the catalogue's places, each with one to
three items; the firearm items point at records among the million. Times, as the BA-UIO
officer (national visibility) and the BA-MS focal point, each view the statistics page
computes — ``stats.figure`` (the breakdown, the monthly trend, totals and the hidden
count) plus ``places_map.points`` — for every dimension, in a fresh session after one
warm-up, ``--repeat`` times (p50/p95 ms). Baseline in the same process: the same
breakdown by concealment as plain SQL over every seizure, no visibility and no trend.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.analysis import places_map
from kalibar.analysis.dimensions import DIMENSIONS
from kalibar.analysis.filters import parse_filter
from kalibar.analysis.stats import figure
from kalibar.app import assemble
from kalibar.app.seed import upgrade_and_seed
from kalibar.auth import service as auth
from kalibar.auth.actor import Actor
from kalibar.auth.models import User
from kalibar.db.session import make_engine, new_session, unit_of_work
from kalibar.demo.service import load_demo
from kalibar.ids import uuid7
from kalibar.records.models import FirearmRecord
from kalibar.seizures.models import SeizedItem, Seizure
from kalibar.seizures.places import places

ACTORS = ("officer", "focalpoint")
MAKES = [("zastava", "M70"), ("glock", "17"), ("cz", "CZ 75"), ("ekol", "Firat Magnum"),
         ("tokarev", "TT-33"), ("beretta", "92"), ("blow", "F92"), ("retay", "")]  # fmt: skip
CALIBRES = ["9x19mm Parabellum", "7.62x39mm", "7.65mm Browning", "7.62x25mm Tokarev"]
COUNTRIES = ["HR", "RS", "ME", "TR", "DE", "AT", "SI", "HU", None]
CONCEALMENTS = ["spare_tyre", "fuel_tank", "luggage", "hidden_compartment", "postal_item", ""]
DETECTIONS = ["xray", "dog", "risk_profile", "random_selection", "intelligence", ""]
CONVEYANCES = ["car", "bus", "truck", "parcel", "van", ""]
DISTRIBUTIONS = ["agency", "national", "national", "partners"]
BATCH = 20_000


def pcts(times: list[float]) -> tuple[float, float]:
    """p50 and p95 (inclusive) in ms."""
    if len(times) == 1:
        return times[0], times[0]
    return statistics.median(times), statistics.quantiles(times, n=20, method="inclusive")[18]


def timed(engine: Engine, fn: Callable[[Session, int], object], repeat: int) -> list[float]:
    """``fn`` in a fresh session each time, after one unmeasured warm-up; wall-clock ms."""
    times = []
    for n in range(repeat + 1):
        s = new_session(engine)
        try:
            start = time.perf_counter()
            fn(s, n)
            elapsed = (time.perf_counter() - start) * 1000
        finally:
            s.rollback()
            s.close()
        if n:
            times.append(elapsed)
    return times


@contextmanager
def scratch_database(url: str | None, tmp: Path) -> Iterator[str]:
    """A file in ``tmp``, or a new database on the PostgreSQL server (dropped after)."""
    if not url:
        yield f"sqlite:///{tmp / 'kalibar.sqlite3'}"
        return
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"kalibar_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def actor_of(engine: Engine, username: str) -> Actor:
    with new_session(engine) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        return auth.actor_for(s, user)


def bulk(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for start in range(0, len(rows), BATCH):
            conn.execute(insert(table), rows[start : start + BATCH])


def load(engine: Engine, n_records: int, n_seizures: int, seed: int) -> None:
    rng = random.Random(seed)
    start = time.perf_counter()
    upgrade_and_seed(engine)
    with unit_of_work(engine) as s:
        load_demo(s)
    with unit_of_work(engine) as s:
        owners = [(a.id, a.country_code) for a in s.query(Agency).all()]
    now = datetime.now(UTC)
    records: list[dict[str, Any]] = []
    ids: list[uuid.UUID] = []
    for i in range(n_records):
        agency, country = rng.choice(owners)
        make, model = rng.choice(MAKES)
        rid = uuid7()
        ids.append(rid)
        records.append({
            "uuid": rid, "reference": f"B-{i:09d}", "status": rng.choice(
                ["stolen", "lost", "seized", "found"]),
            "owner_agency_id": agency, "owner_country": country,
            "distribution": rng.choice(DISTRIBUTIONS), "make": make, "make_code": make,
            "model": model, "model_code": model or None, "calibre_code": rng.choice(CALIBRES),
            "weapon_type": "pistol", "country_of_manufacture": rng.choice(COUNTRIES),
            "modifications": "converted_alarm" if make in ("ekol", "blow") else "",
            "serial_number": f"{rng.randrange(10**7):07d}",
        })  # fmt: skip
        if len(records) >= BATCH * 5:
            bulk(engine, FirearmRecord.__table__, records)
            records = []
    bulk(engine, FirearmRecord.__table__, records)
    print(f"{n_records:,} records in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    spots = [p for p in places() if p.country in ("BA", "RS", "HR", "ME")]
    seizures: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    used = 0
    for i in range(n_seizures):
        agency, country = rng.choice(owners)
        spot = rng.choice(spots)
        sid = uuid7()
        seizures.append({
            "uuid": sid, "reference": f"B-SZ-{i:09d}", "owner_agency_id": agency,
            "owner_country": country, "distribution": rng.choice(DISTRIBUTIONS),
            "occurred_at": now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)),
            "place_code": spot.code, "place_name": spot.name, "place_country": spot.country,
            "latitude": spot.lat, "longitude": spot.lon, "context": "border_check",
            "direction": "entry", "origin_country": rng.choice(COUNTRIES),
            "transit_countries": ",".join(rng.sample(["HR", "SI", "RS", "HU"],
                                                     rng.choice([0, 0, 1, 2]))),
            "destination_country": rng.choice(COUNTRIES),
            "concealment_method": rng.choice(CONCEALMENTS),
            "detection_method": rng.choice(DETECTIONS),
            "conveyance_kind": rng.choice(CONVEYANCES), "seizing_agency_id": agency,
        })  # fmt: skip
        for pos in range(1, rng.choice([1, 1, 2, 3]) + 1):
            firearm = rng.random() < 0.7 and used < len(ids)
            items.append({
                "uuid": uuid7(), "seizure_id": sid, "position": pos,
                "kind": "firearm" if firearm else rng.choice(["ammunition", "part"]),
                "record_id": ids[used] if firearm else None,
                "calibre": "" if firearm else rng.choice(CALIBRES),
                "calibre_code": None if firearm else rng.choice(CALIBRES),
                "quantity": 1 if firearm else 50,
            })  # fmt: skip
            used += firearm
        if len(seizures) >= BATCH:
            bulk(engine, Seizure.__table__, seizures)
            bulk(engine, SeizedItem.__table__, items)
            seizures, items = [], []
    bulk(engine, Seizure.__table__, seizures)
    bulk(engine, SeizedItem.__table__, items)
    print(f"{n_seizures:,} seizures ({used:,} firearms) in {time.perf_counter() - start:.1f} s")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


def view(actor: Any, by: str) -> Any:
    f = parse_filter({})

    def run(s: Session, _n: int) -> None:
        figure(s, actor=actor, by=by, f=f)
        places_map.points(s, actor=actor, f=f)

    return run


def filtered_view(actor: Any) -> Any:
    f = parse_filter({"make": "ekol", "concealment": "fuel_tank"})

    def run(s: Session, _n: int) -> None:
        figure(s, actor=actor, by="month", f=f)
        places_map.points(s, actor=actor, f=f)

    return run


def baseline(s: Session, _n: int) -> None:
    s.execute(text(
        "SELECT concealment_method, count(*) FROM seizures WHERE deleted_at IS NULL "
        "GROUP BY concealment_method"
    )).all()  # fmt: skip


def measure(engine: Engine, repeat: int) -> None:
    """Every view for each actor, against the baseline measured first."""
    base = pcts(timed(engine, baseline, repeat))
    print(f"\nbaseline (plain GROUP BY concealment, no visibility): p50 {base[0]:.1f} ms")
    for username in ACTORS:
        actor = actor_of(engine, username)
        print(f"\n{username} ({actor.agency_code})")
        print(f"{'view (figure + trend + totals + map)':40} {'p50 ms':>8} {'p95 ms':>8}"
              f" {'x base':>7}")  # fmt: skip
        worst = 0.0
        cases = {f"by {by}": view(actor, by) for by in DIMENSIONS}
        cases["by month, make=ekol & fuel tank"] = filtered_view(actor)
        for name, fn in cases.items():
            p50, p95 = pcts(timed(engine, fn, repeat))
            worst = max(worst, p95)
            print(f"{name:40} {p50:8.1f} {p95:8.1f} {p50 / base[0]:7.1f}")
        print(f"slowest view p95: {worst:.1f} ms")


def main() -> None:
    assemble()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seizures", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="a PostgreSQL server: a scratch database there")
    parser.add_argument("--loaded", help="time against this database, loaded by an earlier run")
    args = parser.parse_args()
    if args.loaded:
        engine = make_engine(args.loaded)
        print(f"database: {engine.dialect.name} (loaded before)")
        measure(engine, args.repeat)
        engine.dispose()
        return
    with tempfile.TemporaryDirectory(prefix="kalibar-bench-") as tmp:
        os.environ["KALIBAR_DATA_DIR"] = tmp
        with scratch_database(args.database_url, Path(tmp)) as url:
            os.environ["KALIBAR_DATABASE_URL"] = url
            engine = make_engine(url)
            print(f"database: {engine.dialect.name}")
            load(engine, args.records, args.seizures, args.seed)
            measure(engine, args.repeat)
            engine.dispose()


if __name__ == "__main__":
    main()
