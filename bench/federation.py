"""Federation convergence: N shared records (and M seizures' worth of records) made on one
instance reach another, and 1,000 changes propagate, through the feed's code path
(``feed.build_page`` → signed envelopes → JSON → ``apply.apply_envelopes``), with a
baseline of a plain bulk insert of the same rows in the same process.

    .venv/bin/python bench/federation.py [--records 100000] [--seizures 10000] [--page 1000]

SQLite files in a temporary folder (``--url-a/--url-b`` for PostgreSQL). HTTP is not in
the loop (the real-server test covers it); signing, verification, JSON and both databases'
writes are.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "federation"))

from fed_support import agency, deliver, link, make_instance, page  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from kalibar.app import assemble  # noqa: E402
from kalibar.app.seed import upgrade_and_seed  # noqa: E402
from kalibar.db.session import make_engine, unit_of_work  # noqa: E402
from kalibar.federation import service  # noqa: E402
from kalibar.ids import uuid7  # noqa: E402
from kalibar.records.models import FirearmRecord  # noqa: E402


def serial(rng: random.Random) -> str:
    return "".join(rng.choices("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", k=9))


def rows(n: int, agency_id: int, prefix: str) -> list[dict[str, object]]:
    rng = random.Random(prefix)
    serials = [serial(rng) for _ in range(n)]
    return [
        {"uuid": uuid7(), "owner_agency_id": agency_id, "owner_country": "RS",
         "distribution": "partners", "reference": f"{prefix}-{i:07d}", "status": "stolen",
         "make": "Zastava", "make_code": "zastava", "model": "M70", "serial_number": serials[i],
         "serial_normalised": serials[i]}
        for i in range(n)
    ]  # fmt: skip


def converge(a, b, page_size: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    applied = 0
    while True:
        with b.active(), unit_of_work(b.engine) as s:
            cursor = service.get_peer(s, code="RS").cursor
        pg = json.loads(json.dumps(page(a, "BA", cursor, page_size)))
        if not pg["envelopes"] and pg["next"] <= cursor:
            break
        res = deliver(b, "RS", pg)
        applied += res.applied
        if res.cursor >= pg["head"]:
            break
    return applied, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--seizures", type=int, default=10_000)
    ap.add_argument("--changes", type=int, default=1_000)
    ap.add_argument("--page", type=int, default=1000)
    args = ap.parse_args()
    assemble()
    tmp = Path(tempfile.mkdtemp(prefix="kalibar-fed-bench-"))
    ea = make_engine(f"sqlite:///{tmp / 'rs.sqlite3'}")
    eb = make_engine(f"sqlite:///{tmp / 'ba.sqlite3'}")
    ec = make_engine(f"sqlite:///{tmp / 'baseline.sqlite3'}")
    for e in (ea, eb, ec):
        upgrade_and_seed(e)
    rs, ba = make_instance(ea, "RS"), make_instance(eb, "BA")
    link(rs, ba)
    link(ba, rs)
    ag = agency(ea, "RS-UC", "RS")
    total = args.records + args.seizures
    t0 = time.perf_counter()
    with unit_of_work(ea) as s:  # through the ORM, so the outbox numbers every row
        s.info["matching_disabled"] = True
        batch = rows(total, ag, "R")
        for i in range(0, total, 5000):
            s.add_all(FirearmRecord(**r) for r in batch[i : i + 5000])
            s.flush()
    made = time.perf_counter() - t0
    applied, took = converge(rs, ba, args.page)
    bag = agency(ec, "RS-UC", "RS")
    t0 = time.perf_counter()
    with unit_of_work(ec) as s:
        s.info["audit_disabled"] = True
        s.execute(insert(FirearmRecord), rows(total, bag, "B"))
    base = time.perf_counter() - t0
    with unit_of_work(ea) as s:
        from sqlalchemy import select

        ids = list(s.execute(select(FirearmRecord.uuid).limit(args.changes)).scalars())
        for rec in s.execute(select(FirearmRecord).where(FirearmRecord.uuid.in_(ids))).scalars():
            rec.notes = "changed"
            rec.status = "lost"
    changed, took_changes = converge(rs, ba, args.page)
    print(f"made on RS through the ORM (outbox captured): {total:,} rows in {made:.1f} s")
    print(f"converge: {applied:,} envelopes in {took:.1f} s ({applied / took:,.0f}/s)")
    print(f"baseline plain bulk INSERT of the same rows: {base:.2f} s; ratio {took / base:.1f}x")
    print(f"{changed:,} changes propagated in {took_changes:.2f} s")


if __name__ == "__main__":
    main()
