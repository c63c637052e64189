"""Benchmark: the seizures register at scale (lists, filters, map, seizure page, PDF).

    .venv/bin/python bench/seizures.py                       # SQLite, 50,000 seizures
    .venv/bin/python bench/seizures.py --seizures 200000 --records 50000
    .venv/bin/python bench/seizures.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

Builds a scratch data directory (SQLite by default; with ``--database-url`` a fresh
database is created on that PostgreSQL server and dropped at the end), loads what
``kalibar demo --records R --seizures N`` loads — demo agencies and users, R demo records
checked against the register, the demo trace requests, then N demo seizures through the
same generator (timed) — and times, as the demo officer of BA-UIO (national visibility)
and the investigator of BA-SIPA (to whom customs hand seizures over; BA-UIO keeps a read
grant on each, so its filter carries ~13,000 grants at 50,000 seizures):

- ``listing.list_seizures``: first page, page 50 by cursor, each filter of the list page
  (status, context, place, country, one month, free text for a plate and a place name,
  item kind); ``count_seizures``; ``map_points`` unfiltered and filtered;
- the seizure page: ``service.get_seizure``, ``item_hits``, the firearm records, steps,
  involvements and custody chains (each timed, over a rotation of seizures with items),
  and the whole ``views_detail.detail_context`` the page renders from;
- ``procedures.overdue_steps`` and ``dashboard_counts``; ``pdf.render_report``.

On PostgreSQL the database is analysed after loading, as autovacuum would do (without
statistics the planner picks nested loops that take seconds). Each call runs in its own
session (as a web request does), after one unmeasured warm-up, ``--repeat`` times; p50
and p95 in milliseconds. Baseline in the same process: the first page as plain SQL,
without the visibility filter (``SELECT … FROM seizures WHERE deleted_at IS NULL ORDER
BY occurred_at DESC, uuid DESC LIMIT 51``), and the ratio of each actor's first page to it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from kalibar.app import assemble
from kalibar.app.seed import upgrade_and_seed
from kalibar.auth import service as auth
from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.db.session import make_engine, new_session, unit_of_work
from kalibar.demo.records.load import establish_demo_origins, load_demo_records
from kalibar.demo.seizures.load import load_demo_seizures
from kalibar.demo.service import load_demo
from kalibar.demo.tracing import load_demo_traces
from kalibar.matching.hits import scan_created_since
from kalibar.seizures import custody, pdf, procedures, service, views_detail
from kalibar.seizures.listing import SeizureFilter, count_seizures, list_seizures, map_points
from kalibar.seizures.models import SeizedItem, Seizure
from kalibar.seizures.places import place
from kalibar.sharing.visibility import visible

ACTORS = {"officer": "BA-UIO", "investigator": "BA-SIPA"}


def pcts(times: list[float]) -> tuple[float, float]:
    """p50 and p95 (inclusive method) of times in ms."""
    if len(times) == 1:
        return times[0], times[0]
    return statistics.median(times), statistics.quantiles(times, n=20, method="inclusive")[18]


def timed(engine: Engine, fn: Callable[[Session, int], object], repeat: int) -> list[float]:
    """Run ``fn(session, n)`` in a fresh session each time (rolled back), after one
    unmeasured warm-up; wall-clock ms."""
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
    """A URL of an empty database: a file in ``tmp``, or a new PostgreSQL database."""
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


def load(engine: Engine, records: int, seizures: int, seed: int) -> None:
    """What ``kalibar demo --records R --seizures N --seed S`` loads, step by step."""
    start = time.perf_counter()
    upgrade_and_seed(engine)
    with unit_of_work(engine) as s:
        load_demo(s)
    with unit_of_work(engine) as s:
        since = utcnow()
        load_demo_records(s, n=records, seed=seed)
        scan_created_since(s, since)
        establish_demo_origins(s)
    with unit_of_work(engine) as s:
        load_demo_traces(s)
    print(f"demo world and {records:,} records in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    with unit_of_work(engine) as s:
        out = load_demo_seizures(s, n=seizures, seed=seed)
    took = time.perf_counter() - start
    print(
        f"generated {out.added:,} seizures in {took:.1f} s ({out.added / took:,.0f}/s): "
        f"{out.entities:,} persons and vehicles, {out.records:,} firearm records, "
        f"{out.hits:,} hits"
    )
    with engine.connect() as conn:
        counts = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608
            for t in ("seized_items", "seizure_steps", "custody_events", "seizure_involvements")
        }
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    if engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load (the test server runs without it):
        # with no statistics, the planner nests loops over the open-steps index and
        # overdue_steps takes over 20 s at 50,000 seizures.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))


def actor_of(engine: Engine, username: str) -> Actor:
    with unit_of_work(engine) as s:
        return auth.actor_for(s, auth.get_user(s, username=username))


def probes(engine: Engine, actor: Actor) -> dict[str, Any]:
    """Values for the filters, taken from the data the actor sees."""
    with unit_of_work(engine) as s:
        base = visible(select(Seizure), Seizure, actor)
        plate = s.execute(
            base.with_only_columns(Seizure.vehicle_registration)
            .where(Seizure.vehicle_registration != "")
            .order_by(Seizure.uuid)
            .limit(1)
        ).scalar_one()
        code, n = s.execute(
            base.with_only_columns(Seizure.place_code, func.count())
            .where(Seizure.place_code.is_not(None))
            .group_by(Seizure.place_code)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        newest = s.execute(base.with_only_columns(func.max(Seizure.occurred_at))).scalar_one()
        with_items = (
            base.with_only_columns(Seizure.uuid)
            .where(Seizure.uuid.in_(select(SeizedItem.seizure_id)))
            .order_by(Seizure.occurred_at.desc())
            .limit(400)
        )
        pages = list(s.execute(with_items).scalars())[::20]
    found = place(code)
    month = (newest.date().replace(day=1) - timedelta(days=1)).replace(day=1)
    return {
        "plate": plate,
        "place_code": code,
        "place_name": found.name if found else code,
        "place_count": n,
        "month": month,
        "seizures": pages,
    }


def list_queries(
    actor: Actor, p: dict[str, Any], deep_page: int, deep_cursor: str | None
) -> dict[str, Callable[[Session, int], object]]:
    def page(f: SeizureFilter, cursor: str | None = None) -> Callable[[Session, int], object]:
        return lambda s, _n: list_seizures(s, actor=actor, filters=f, limit=50, cursor=cursor)

    month: date = p["month"]
    month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return {
        "list: first page": page(SeizureFilter()),
        f"list: page {deep_page} by cursor": page(SeizureFilter(), deep_cursor),
        "list: status = open": page(SeizureFilter(status="open")),
        "list: context = border_check": page(SeizureFilter(context="border_check")),
        f"list: place_code = {p['place_code']}": page(SeizureFilter(place_code=p["place_code"])),
        "list: country = BA": page(SeizureFilter(country="BA")),
        f"list: one month ({month:%Y-%m})": page(SeizureFilter(date_from=month, date_to=month_end)),
        f"list: q = plate {p['plate']}": page(SeizureFilter(q=p["plate"])),
        f"list: q = place {p['place_name']}": page(SeizureFilter(q=p["place_name"])),
        "list: item_kind = explosive": page(SeizureFilter(item_kind="explosive")),
        "count_seizures": lambda s, _n: count_seizures(s, actor=actor),
        "map_points: all": lambda s, _n: map_points(s, actor=actor, filters=SeizureFilter()),
        "map_points: status = open": lambda s, _n: map_points(
            s, actor=actor, filters=SeizureFilter(status="open")
        ),
        "overdue_steps": lambda s, _n: procedures.overdue_steps(s, actor=actor),
        "dashboard_counts": lambda s, _n: procedures.dashboard_counts(s, actor=actor),
    }


def page_queries(actor: Actor, ids: list[uuid.UUID]) -> dict[str, Callable[[Session, int], object]]:
    """The seizure page's loads, one piece at a time, then as the page loads them."""

    def get(s: Session, n: int) -> Seizure:
        return service.get_seizure(s, actor=actor, seizure_id=ids[n % len(ids)])

    def items(s: Session, n: int) -> tuple[Seizure, list[SeizedItem]]:
        seizure = get(s, n)
        return seizure, [i for i in seizure.items if i.deleted_at is None]

    def hits(s: Session, n: int) -> object:
        seizure, found = items(s, n)
        service.item_hits(s, actor=actor, seizure=seizure)
        return service.visible_records(s, actor, (i.record_id for i in found if i.record_id))

    def steps(s: Session, n: int) -> object:
        seizure = get(s, n)
        return [
            (
                procedures.procedure_name(code, "en", s),
                [procedures.step_title(st, "en") for st in g],
            )
            for code, g in groupby(seizure.steps, key=lambda st: st.procedure_code)
        ]

    def involvements(s: Session, n: int) -> object:
        seizure = get(s, n)
        return sorted(seizure.involvements, key=lambda v: (v.role, v.entity.name))

    def chains(s: Session, n: int) -> object:
        _seizure, found = items(s, n)
        out = {i.uuid: custody.custody_chain(s, actor=actor, item_id=i.uuid) for i in found}
        return [custody.verify_custody(v) for v in out.values()]

    def history(s: Session, n: int) -> object:
        return service.seizure_history(s, actor=actor, seizure_id=ids[n % len(ids)])

    return {
        "page: get_seizure": get,
        "page: + items": items,
        "page: + item_hits, records": hits,
        "page: + steps": steps,
        "page: + involvements": involvements,
        "page: + custody chains (verified)": chains,
        "page: history (audit)": history,
        "page: detail_context (all)": lambda s, n: views_detail.detail_context(
            s, actor, ids[n % len(ids)]
        ),
        "render_report (PDF)": lambda s, n: pdf.render_report(
            s, actor=actor, seizure_id=ids[n % len(ids)]
        ),
    }


def baseline(engine: Engine) -> Callable[[Session, int], object]:
    sql = text(
        "SELECT * FROM seizures WHERE deleted_at IS NULL "
        "ORDER BY occurred_at DESC, uuid DESC LIMIT 51"
    )
    return lambda s, _n: s.execute(sql).all()


def main() -> None:
    assemble()  # the ORM listeners and audit rules, as every entry point does
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seizures", type=int, default=50_000)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--deep-page", type=int, default=50)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server (any database on it): a scratch database is made there",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kalibar-bench-") as tmp:
        os.environ["KALIBAR_DATA_DIR"] = tmp
        with scratch_database(args.database_url, Path(tmp)) as url:
            os.environ["KALIBAR_DATABASE_URL"] = url
            engine = make_engine(url)
            print(f"database: {engine.dialect.name}")
            load(engine, args.records, args.seizures, args.seed)
            run(engine, args)
            engine.dispose()


def run(engine: Engine, args: argparse.Namespace) -> None:
    base = pcts(timed(engine, baseline(engine), args.repeat))
    print(f"\nbaseline first page, plain SQL, no visibility: p50 {base[0]:.2f} ms")
    for username, agency in ACTORS.items():
        actor = actor_of(engine, username)
        p = probes(engine, actor)
        with unit_of_work(engine) as s:
            total = sum(count_seizures(s, actor=actor).values())
        print(f"\n{username} ({agency}): sees {total:,} seizures")
        print(f"{'query':44} {'p50 ms':>8} {'p95 ms':>8}")
        rows: dict[str, tuple[float, float]] = {}
        deep = _cursor(engine, actor, args.deep_page - 1)
        for name, fn in list_queries(actor, p, args.deep_page, deep).items():
            rows[name] = pcts(timed(engine, fn, args.repeat))
            print(f"{name:44} {rows[name][0]:8.2f} {rows[name][1]:8.2f}")
        for name, fn in page_queries(actor, p["seizures"]).items():
            p50, p95 = pcts(timed(engine, fn, args.repeat))
            print(f"{name:44} {p50:8.2f} {p95:8.2f}")
        first = rows["list: first page"][0]
        print(
            f"first page vs plain-SQL baseline: {first:.2f} / {base[0]:.2f} ms = "
            f"{first / base[0]:.1f}x"
        )


def _cursor(engine: Engine, actor: Actor, pages: int) -> str | None:
    cursor = None
    with unit_of_work(engine) as s:
        for _ in range(pages):
            _rows, cursor = list_seizures(
                s, actor=actor, filters=SeizureFilter(), limit=50, cursor=cursor
            )
    return cursor


if __name__ == "__main__":
    main()
