"""Benchmark: the link chart on a graph of 100,000 entities and 1,000,000 links.

    .venv/bin/python bench/links.py                              # SQLite
    .venv/bin/python bench/links.py --entities 20000 --links 200000
    .venv/bin/python bench/links.py --database-url postgresql+psycopg://postgres@127.0.0.1/postgres

Builds a scratch database (migrated, with the demo agencies and users), then bulk-inserts
(Core ``INSERT``s, no ORM, so without audit entries: this is test data) a graph in which
the links are what the chart reads in production:

- ``--entities`` persons, companies, vehicles and phones, 85 % national objects of Bosnian
  agencies, 15 % of neighbours' agencies at ``agency`` level (hidden from the reader);
- ``--links`` links: 90 % involvements of an entity in a seizure (about 4.5 per seizure;
  entities drawn with a skew, ``id = N·u^1.5``, so a few hubs have hundreds of seizures,
  as a smuggler's phone does), 10 % seized firearms (seizure → firearm record); seizures
  and records owned like the entities.

Timed, as the demo officer of BA-UIO, each call in its own session after one warm-up:

- ``two-hop``: ``graph.expand`` two hops from a random entity or seizure (600-node cap);
- ``two-hop + audit``: ``service.open_chart`` as a request does it — the expansion, the
  audit event naming the entities shown, and the commit;
- ``path``: ``graph.shortest_path`` between two random entities (bidirectional BFS, up
  to 8 links), reporting how many were found and their mean length.

Baseline in the same process: the same two-hop walk as two plain SQL statements over the
involvements, without the visibility filter, labels or hidden counts
(``SELECT seizure_id … WHERE entity_id = ?`` then ``SELECT entity_id … WHERE seizure_id
IN (…)``), and the ratio of the two-hop expansion's p50 to it.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parent))
from seizures import actor_of, pcts, scratch_database  # noqa: E402

from kalibar.agencies.models import Agency  # noqa: E402
from kalibar.app import assemble  # noqa: E402
from kalibar.app.seed import upgrade_and_seed  # noqa: E402
from kalibar.db.session import make_engine, new_session, unit_of_work  # noqa: E402
from kalibar.demo.service import load_demo  # noqa: E402
from kalibar.ids import uuid7  # noqa: E402
from kalibar.links import graph, service  # noqa: E402
from kalibar.records.models import FirearmRecord  # noqa: E402
from kalibar.seizures.models import Entity, Involvement, SeizedItem, Seizure  # noqa: E402

HOME = ["BA-UIO", "BA-GP", "BA-SIPA", "BA-FUP"]
AWAY = ["HR-MUP", "RS-MUP", "ME-UP"]
KINDS = ["person", "person", "company", "vehicle", "phone"]
ROLES = ["driver", "passenger", "sender", "recipient", "owner", "suspect"]
T0 = datetime(2024, 1, 1, tzinfo=UTC)
BATCH = 20_000


def owner(rng: random.Random, agencies: dict[str, tuple[int, str]]) -> dict[str, object]:
    if rng.random() < 0.85:
        agency_id, country = agencies[rng.choice(HOME)]
        return {"owner_agency_id": agency_id, "owner_country": country, "distribution": "national"}
    agency_id, country = agencies[rng.choice(AWAY)]
    return {"owner_agency_id": agency_id, "owner_country": country, "distribution": "agency"}


def batched(engine: Engine, table: object, rows: list[dict[str, object]]) -> None:
    with engine.begin() as conn:
        for start in range(0, len(rows), BATCH):
            conn.execute(insert(table), rows[start : start + BATCH])  # type: ignore[arg-type]


def build(engine: Engine, n_entities: int, n_links: int, seed: int) -> tuple[list, list]:  # type: ignore[type-arg]
    rng = random.Random(seed)
    with new_session(engine) as s:
        agencies = {a.code: (a.id, a.country_code) for a in s.execute(select(Agency)).scalars()}
    now = datetime.now(UTC)
    start = time.perf_counter()
    entities = [uuid7() for _ in range(n_entities)]
    rows = []
    for n, ident in enumerate(entities):
        kind = KINDS[n % len(KINDS)]
        rows.append({"uuid": ident, "reference": f"B-EN-{n}", "kind": kind,
                     "name": f"{kind} {n}", "name_key": f"{kind} {n}", "created_at": now,
                     "updated_at": now, **owner(rng, agencies)})  # fmt: skip
    batched(engine, Entity.__table__, rows)
    n_involvements = n_links * 9 // 10
    n_items = n_links - n_involvements
    n_seizures = max(1, n_involvements * 2 // 9)
    seizures = [uuid7() for _ in range(n_seizures)]
    batched(engine, Seizure.__table__, [
        {"uuid": ident, "reference": f"B-SZ-{n}", "occurred_at": T0 + timedelta(minutes=n),
         "context": "border_check", "created_at": now, "updated_at": now, **owner(rng, agencies)}
        for n, ident in enumerate(seizures)
    ])  # fmt: skip
    seen: set[tuple[int, int, int]] = set()
    rows = []
    while len(rows) < n_involvements:
        e = min(n_entities - 1, int(n_entities * rng.random() ** 1.5))
        z = rng.randrange(n_seizures)
        r = rng.randrange(len(ROLES))
        if (e, z, r) in seen:
            continue
        seen.add((e, z, r))
        rows.append({"uuid": uuid7(), "seizure_id": seizures[z], "entity_id": entities[e],
                     "role": ROLES[r], "created_at": now, "updated_at": now})  # fmt: skip
    batched(engine, Involvement.__table__, rows)
    records = [uuid7() for _ in range(n_items)]
    batched(engine, FirearmRecord.__table__, [
        {"uuid": ident, "reference": f"B-REC-{n}", "status": "seized", "created_at": now,
         "updated_at": now, **owner(rng, agencies)} for n, ident in enumerate(records)
    ])  # fmt: skip
    positions: dict[int, int] = {}
    rows = []
    for ident in records:
        z = rng.randrange(n_seizures)
        positions[z] = positions.get(z, 0) + 1
        rows.append({"uuid": uuid7(), "seizure_id": seizures[z], "position": positions[z],
                     "kind": "firearm", "record_id": ident, "created_at": now,
                     "updated_at": now})  # fmt: skip
    batched(engine, SeizedItem.__table__, rows)
    took = time.perf_counter() - start
    print(f"graph: {n_entities:,} entities, {n_seizures:,} seizures, {n_items:,} records; "
          f"{n_involvements + n_items:,} links ({n_involvements:,} involvements, "
          f"{n_items:,} seized firearms) in {took:.1f} s")  # fmt: skip
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    return entities, seizures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", default="", help="SQLite: build the graph in this folder "
                        "once and reuse it on later runs (same sizes)")  # fmt: skip
    args = parser.parse_args()
    assemble()
    if args.keep and not args.database_url:
        reuse(Path(args.keep), args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["KALIBAR_DATA_DIR"] = tmp
        with scratch_database(args.database_url, Path(tmp)) as url:
            engine = make_engine(url)
            upgrade_and_seed(engine)
            with unit_of_work(engine) as s:
                load_demo(s)
            entities, seizures = build(engine, args.entities, args.links, args.seed)
            run(engine, entities, seizures, args.repeat, args.seed)
            engine.dispose()


def reuse(folder: Path, args: argparse.Namespace) -> None:
    """The graph in ``folder`` (built on the first run), timed again."""
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["KALIBAR_DATA_DIR"] = str(folder)
    path = folder / "kalibar.sqlite3"
    fresh = not path.exists()
    engine = make_engine(f"sqlite:///{path}")
    if fresh:
        upgrade_and_seed(engine)
        with unit_of_work(engine) as s:
            load_demo(s)
        entities, seizures = build(engine, args.entities, args.links, args.seed)
    else:
        with new_session(engine) as s:
            entities = list(
                s.execute(select(Entity.uuid).where(Entity.reference.like("B-EN-%"))).scalars()
            )
            seizures = list(
                s.execute(select(Seizure.uuid).where(Seizure.reference.like("B-SZ-%"))).scalars()
            )
        print(f"graph reused: {len(entities):,} entities, {len(seizures):,} seizures")
    run(engine, entities, seizures, args.repeat, args.seed)
    engine.dispose()


def timed(engine: Engine, fn: Callable[[Session, int], object], repeat: int) -> list[float]:
    """As ``bench/seizures.py``'s ``timed`` (fresh session each call, one warm-up, rolled
    back), also keeping each call's CPU time of this process in ``CPU[fn]``: on a shared,
    busy machine the wall clock includes waiting for a core; the CPU time does not (and
    for SQLite it includes the database's own work, which runs in this process)."""
    times, cpu = [], []
    for n in range(repeat + 1):
        s = new_session(engine)
        try:
            start, c0 = time.perf_counter(), time.process_time()
            fn(s, n)
            elapsed = (time.perf_counter() - start) * 1000
            used = (time.process_time() - c0) * 1000
        finally:
            s.rollback()
            s.close()
        if n:
            times.append(elapsed)
            cpu.append(used)
    CPU[fn.__name__] = cpu
    return times


CPU: dict[str, list[float]] = {}


def run(engine: Engine, entities: list, seizures: list, repeat: int, seed: int) -> None:  # type: ignore[type-arg]
    rng = random.Random(seed + 1)
    officer = actor_of(engine, "officer")
    roots = [("entity", rng.choice(entities)) if rng.random() < 0.5
             else ("seizure", rng.choice(seizures)) for _ in range(repeat + 1)]  # fmt: skip
    pairs = [(("entity", rng.choice(entities)), ("entity", rng.choice(entities)))
             for _ in range(repeat + 1)]  # fmt: skip
    sizes: list[int] = []
    hidden: list[int] = []

    def two_hop(s: Session, n: int) -> None:
        try:
            chart = graph.expand(s, actor=officer, root=roots[n], hops=2)
        except Exception:  # noqa: BLE001 - a hidden root: NotFound, as the API answers
            return
        sizes.append(len(chart.nodes))
        hidden.append(sum(chart.hidden.values()))

    def two_hop_audited(s: Session, n: int) -> None:
        s.info["actor"] = officer
        try:
            service.open_chart(s, actor=officer, root=f"{roots[n][0]}:{roots[n][1]}", hops=2)
        except Exception:  # noqa: BLE001
            return
        s.commit()

    found: list[int] = []
    stopped = [0]

    def path(s: Session, n: int) -> None:
        a, b = pairs[n]
        try:
            chart = graph.shortest_path(s, actor=officer, source=a, target=b)
        except Exception:  # noqa: BLE001
            return
        if chart.nodes:
            found.append(len(chart.nodes) - 1)
        stopped[0] += chart.truncated

    inv = Involvement.__table__

    def baseline(s: Session, n: int) -> None:
        table, ident = roots[n]
        if table == "entity":
            first = list(
                s.execute(select(inv.c.seizure_id).where(inv.c.entity_id == ident)).scalars()
            )
            s.execute(select(inv.c.entity_id).where(inv.c.seizure_id.in_(first))).all()
        else:
            first = list(
                s.execute(select(inv.c.entity_id).where(inv.c.seizure_id == ident)).scalars()
            )
            s.execute(select(inv.c.seizure_id).where(inv.c.entity_id.in_(first))).all()

    base = timed(engine, baseline, repeat)
    hop = timed(engine, two_hop, repeat)
    audited = timed(engine, two_hop_audited, repeat)
    paths = timed(engine, path, repeat)
    print(f"database: {engine.dialect.name}; {repeat} calls each, one warm-up")
    rows = [("baseline two-hop SQL (no filter)", base, "baseline"),
            ("two-hop expansion", hop, "two_hop"),
            ("two-hop + audit + commit", audited, "two_hop_audited"),
            ("shortest path", paths, "path")]  # fmt: skip
    print(f"  {'':34s} wall clock{'':22s} CPU time of this process")
    for name, times, key in rows:
        p50, p95 = pcts(times)
        c50, c95 = pcts(CPU[key])
        print(f"  {name:34s} p50 {p50:7.1f} p95 {p95:7.1f} ms   p50 {c50:7.1f} p95 {c95:7.1f} ms")
    sizes.sort()
    print(f"  two-hop nodes drawn: median {sizes[len(sizes) // 2]}, max {sizes[-1]}; "
          f"hidden counted: median {sorted(hidden)[len(hidden) // 2]}")  # fmt: skip
    if found:
        print(f"  paths found {len(found)}/{repeat + 1}, mean length {sum(found) / len(found):.1f}"
              f"; searches stopped at the budget: {stopped[0]}")  # fmt: skip
    print(f"  ratio two-hop p50 / baseline p50: {pcts(hop)[0] / pcts(base)[0]:.1f}x")


if __name__ == "__main__":
    main()
