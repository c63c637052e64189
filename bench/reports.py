# ruff: noqa: E501
"""Benchmark: the reports over a large register (IAFQ year, report pages).

    .venv/bin/python bench/reports.py                         # SQLite, 1,000,000 records, 100,000 seizures
    .venv/bin/python bench/reports.py --records 200000 --seizures 20000
    .venv/bin/python bench/reports.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

Loads the demo agencies and users, then — by bulk inserts, the hooks do not matter here —
``--records`` firearm records spread over five years (2021–2025; 60 % seized, found or
surrendered, the rest lost, stolen …; owners across BA, RS, HR, ME agencies, a fifth kept
to the owner agency), ``--seizures`` seizures over two years (2024–2025) with about three
lines each (a firearm line linked to a seized record, ammunition, parts), and one trace
request per ten seizures. On PostgreSQL the tables are analysed after loading.

Times, wall clock, each in a fresh session after one unmeasured warm-up:

- ``iafq.compute`` for 2025 as the focal point (national total of BA) and as BA-UIO's
  officer (its own), and the statistical workbook (compute + XLSX);
- each report page through the app (the real routers and templates, logged in as the
  focal point): the IAFQ page (its figures kept per scope and year after the first
  reading: the warm-up computes them), the significant seizures it loads after itself, a
  drill-down of the largest cell and of a smaller one, SDG 16.4.2 by period, the Roadmap
  half-year (formulas computed live), the Roadmap list;
- baseline in the same process: the year's arms grouped by status and type in one plain
  query with no scope (``SELECT status, weapon_type, count(*) … GROUP BY``); ratios to it.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.app import assemble
from kalibar.app.seed import upgrade_and_seed
from kalibar.app.web import create_app
from kalibar.auth import service as auth
from kalibar.auth.models import User
from kalibar.db.base import utcnow
from kalibar.db.session import make_engine, new_session, unit_of_work
from kalibar.demo.service import load_demo
from kalibar.records.models import FirearmRecord
from kalibar.reports import export, iafq
from kalibar.reports.scope import scope_for
from kalibar.seizures.models import SeizedItem, Seizure
from kalibar.tracing.models import TraceRequest

YEAR = 2025
CHUNK = 20_000
TYPES = ["pistol", "pistol", "pistol", "rifle", "revolver", "shotgun", "submachine_gun", None]
MAKES = [("zastava", "Zastava"), ("cz", "CZ"), ("glock", "Glock"), (None, "Tokarev"), (None, "")]
CALIBRES = [("7.62x39mm", "7.62x39"), ("9x19mm", "9mm"), ("7.65mm", "7,65"), (None, "")]
CONTEXTS = ["border_check", "cargo_inspection", "postal_inspection", "vehicle_search",
            "premises_search", "street", "surrendered", "found"]  # fmt: skip
STATUSES = ["seized", "seized", "found", "surrendered", "seized", "found", "lost", "stolen",
            "trafficked", "destroyed"]  # fmt: skip


def ms(times: list[float]) -> tuple[float, float]:
    if len(times) == 1:
        return times[0], times[0]
    return statistics.median(times), max(times)


@contextmanager
def scratch_database(url: str | None, tmp: Path) -> Iterator[str]:
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


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


ITEM = {"record_id": None, "part_kind": "", "calibre": "", "calibre_code": None}


def load(engine: Engine, records: int, seizures: int, seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    upgrade_and_seed(engine)
    with unit_of_work(engine) as s:
        credentials = load_demo(s).credentials
        agencies = [(a.id, a.country_code) for a in s.execute(select(Agency)).scalars()]
    now = utcnow()
    day0 = date(2021, 1, 1)
    seized_ids: list[uuid.UUID] = []

    def record_rows() -> Iterator[dict[str, Any]]:
        for n in range(records):
            aid, country = rng.choice(agencies)
            make_code, make = rng.choice(MAKES)
            cal_code, cal = rng.choice(CALIBRES)
            status = rng.choice(STATUSES)
            rid = uuid.uuid4()
            if status == "seized" and len(seized_ids) < seizures:
                seized_ids.append(rid)
            yield {
                "uuid": rid, "reference": f"B-{n:08d}", "status": status,
                "weapon_type": rng.choice(TYPES), "make": make, "make_code": make_code,
                "calibre": cal, "calibre_code": cal_code,
                "country_of_manufacture": rng.choice(["RS", "YU", "CZ", "AT", "TR", None]),
                "year_of_manufacture": rng.choice([None, None, 1890, 1975, 1990, 2005]),
                "event_date": day0 + timedelta(days=rng.randrange(5 * 365)),
                "origin_established": rng.random() < 0.2, "owner_agency_id": aid,
                "owner_country": country,
                "distribution": "agency" if rng.random() < 0.2 else "national",
                "created_at": now, "updated_at": now,
            }  # fmt: skip

    start = time.perf_counter()
    with engine.begin() as conn:
        for batch in _chunks(record_rows()):
            conn.execute(insert(FirearmRecord), batch)
    print(f"loaded {records:,} records in {time.perf_counter() - start:.1f} s")

    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    seizure_rows: list[dict[str, Any]] = []
    item_rows: list[dict[str, Any]] = []
    trace_rows: list[dict[str, Any]] = []
    for n in range(seizures):
        aid, country = rng.choice(agencies)
        sid = uuid.uuid4()
        seizure_rows.append({
            "uuid": sid, "reference": f"B-SZ-{n:07d}", "owner_agency_id": aid,
            "owner_country": country, "distribution": "agency" if rng.random() < 0.2 else "national",
            "occurred_at": t0 + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)),
            "context": rng.choice(CONTEXTS), "origin_country": rng.choice([None, "HR", "RS", "TR"]),
            "destination_country": rng.choice([None, "DE", "AT", "BA"]),
            "transit_countries": rng.choice(["", "", "HR", "SI,HR"]),
            "criminal_context": rng.choice(["", "illicit_trafficking"]),
            "created_at": now, "updated_at": now,
        })  # fmt: skip
        pos = 1
        if n < len(seized_ids):
            item_rows.append(ITEM | {"uuid": uuid.uuid4(), "seizure_id": sid, "position": pos,
                              "kind": "firearm", "record_id": seized_ids[n], "quantity": 1,
                              "unit": "pieces", "created_at": now, "updated_at": now})  # fmt: skip
            pos += 1
        cal_code, cal = rng.choice(CALIBRES)
        item_rows.append(ITEM | {"uuid": uuid.uuid4(), "seizure_id": sid, "position": pos,
                          "kind": "ammunition", "calibre": cal, "calibre_code": cal_code,
                          "quantity": rng.choice([10, 50, 200, 1500]), "unit": "rounds",
                          "created_at": now, "updated_at": now})  # fmt: skip
        item_rows.append(ITEM | {"uuid": uuid.uuid4(), "seizure_id": sid, "position": pos + 1,
                          "kind": "part", "part_kind": rng.choice(["barrel", "slide", "magazine"]),
                          "quantity": rng.choice([1, 2, 12]), "unit": "pieces",
                          "created_at": now, "updated_at": now})  # fmt: skip
        if n % 10 == 0:
            (req, req_c), (rec, rec_c) = rng.sample(agencies, 2)
            trace_rows.append({
                "uuid": uuid.uuid4(), "reference": f"B-TR-{n:07d}", "batch_id": uuid.uuid4(),
                "requester_agency_id": req, "requester_agency_code": "X", "requester_country": req_c,
                "recipient_agency_id": rec, "recipient_agency_code": "Y", "recipient_country": rec_c,
                "status": "answered", "sent_at": seizure_rows[-1]["occurred_at"],
                "result": rng.choice([None, "traced", "not_traced"]),
                "created_at": now, "updated_at": now,
            })  # fmt: skip
    start = time.perf_counter()
    with engine.begin() as conn:
        for model, rows in (
            (Seizure, seizure_rows),
            (SeizedItem, item_rows),
            (TraceRequest, trace_rows),
        ):
            for i in range(0, len(rows), CHUNK):
                conn.execute(insert(model), rows[i : i + CHUNK])
    print(f"loaded {seizures:,} seizures, {len(item_rows):,} lines, {len(trace_rows):,} traces "
          f"in {time.perf_counter() - start:.1f} s")  # fmt: skip
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return credentials


def timed(engine: Engine, fn: Callable[[Session], object], repeat: int) -> list[float]:
    times = []
    for n in range(repeat + 1):
        s = new_session(engine)
        try:
            start = time.perf_counter()
            fn(s)
            elapsed = (time.perf_counter() - start) * 1000
        finally:
            s.rollback()
            s.close()
        if n:
            times.append(elapsed)
    return times


def actor(engine: Engine, username: str) -> Any:
    with new_session(engine) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        return auth.actor_for(s, user)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seizures", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", type=Path, default=None, help="SQLite file kept between runs (loaded once)")
    args = parser.parse_args()
    assemble()  # the ORM listeners and audit rules, as every entry point does
    with (
        tempfile.TemporaryDirectory() as tmp,
        scratch_database(args.database_url, Path(tmp)) as url,
    ):
        if args.keep:
            url = f"sqlite:///{args.keep}"
        engine = make_engine(url)
        if args.keep and args.keep.with_suffix(".json").exists():
            credentials = json.loads(args.keep.with_suffix(".json").read_text())
        else:
            credentials = load(engine, args.records, args.seizures, args.seed)
            if args.keep:
                args.keep.with_suffix(".json").write_text(json.dumps(credentials))
        focal, officer = actor(engine, "focalpoint"), actor(engine, "officer")
        r = FirearmRecord
        in_year = (r.event_date >= date(YEAR, 1, 1), r.event_date <= date(YEAR, 12, 31))

        def baseline(s: Session) -> None:
            stmt = select(r.status, r.weapon_type, text("count(*)")).where(
                *in_year, r.deleted_at.is_(None)
            )
            s.execute(stmt.group_by(r.status, r.weapon_type)).all()

        base = statistics.median(timed(engine, baseline, args.repeat))
        with new_session(engine) as s:
            n_year = s.execute(select(text("count(*)")).select_from(r).where(*in_year)).scalar()
        print(f"\n{engine.dialect.name}: {args.records:,} records ({n_year:,} with a 2025 event), "
              f"{args.seizures:,} seizures; baseline (year grouped, no scope) {base:.0f} ms\n")  # fmt: skip
        rows: list[tuple[str, list[float]]] = []
        for name, who in (("focal point (national BA)", focal), ("BA-UIO officer (own)", officer)):
            rows.append((f"iafq.compute 2025, {name}", timed(
                engine, lambda s, w=who: iafq.compute(s, scope=scope_for(w), year=YEAR), args.repeat)))  # fmt: skip
        rows.append(("statistical workbook (compute + XLSX), focal point", timed(
            engine, lambda s: export.statistical_xlsx(iafq.compute(s, scope=scope_for(focal), year=YEAR)),
            args.repeat)))  # fmt: skip
        client = TestClient(create_app(engine), base_url="http://testserver")
        page = client.get("/login")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/login", data={"username": "focalpoint", "password": credentials["focalpoint"],
                                    "csrf_token": token}, follow_redirects=False)  # fmt: skip
        for name, path in (
            ("page: IAFQ 2025", f"/reports/iafq?year={YEAR}"),
            ("page: significant seizures (after the page, htmx)", f"/reports/iafq/significant?year={YEAR}"),
            ("page: drill-down, all arms of 2025", f"/reports/iafq/drill?year={YEAR}&table=arms"),
            (
                "page: drill-down, pistols seized",
                f"/reports/iafq/drill?year={YEAR}&table=arms&key=pistol&status=seized",
            ),
            ("page: SDG 16.4.2 by period", f"/reports/sdg-16-4-2?year={YEAR}"),
            ("page: Roadmap 2025-H1 (live formulas)", "/reports/roadmap/2025-H1"),
            ("page: Roadmap list", "/reports/roadmap"),
        ):
            times = []
            for n in range(args.repeat + 1):
                start = time.perf_counter()
                answer = client.get(path)
                elapsed = (time.perf_counter() - start) * 1000
                assert answer.status_code == 200, (path, answer.status_code)
                if n:
                    times.append(elapsed)
            rows.append((name, times))
        print(f"{'what':58} {'p50 ms':>9} {'max ms':>9} {'× base':>8}")
        for name, times in rows:
            p50, top = ms(times)
            print(f"{name:58} {p50:9.0f} {top:9.0f} {p50 / base:8.1f}")
        engine.dispose()


if __name__ == "__main__":
    main()
