"""Benchmark: browsing the records register at scale (keyset paging, filters, free text).

    .venv/bin/python bench/records_list.py --records 1000000

Loads N demo records (the demo generator, through the import path) into a fresh SQLite
database, then times ``records.service.list_records`` for the queries a person makes in
the UI, as the demo officer of BA-UIO (national visibility, so the filter is exercised).
Baseline in the same run: the same deep page fetched with OFFSET paging, which is what a
naive list does and what keyset paging avoids. Prints p50/max per query and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from kalibar.app import assemble
from kalibar.auth import service as auth
from kalibar.db.migrate import upgrade
from kalibar.db.session import make_engine, new_session, unit_of_work
from kalibar.demo.records.load import load_demo_records
from kalibar.demo.service import load_demo
from kalibar.records.models import FirearmRecord
from kalibar.records.service import RecordFilter, list_records
from kalibar.reference.service import sync_package
from kalibar.sharing.visibility import visible


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    assemble()  # the ORM listeners and audit rules, as every entry point does
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--deep-pages", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'kalibar.sqlite3'}")
        upgrade(engine)
        start = time.perf_counter()
        with unit_of_work(engine) as s:
            sync_package(s)
            load_demo(s)
        with unit_of_work(engine) as s:
            load_demo_records(s, n=args.records, seed=7)
        print(f"loaded {args.records:,} records in {time.perf_counter() - start:.1f} s")

        s = new_session(engine)
        actor = auth.actor_for(s, auth.get_user(s, username="officer"))

        def page(f: RecordFilter, sort: str = "created", cursor: str | None = None) -> object:
            return list_records(s, actor=actor, filters=f, sort=sort, limit=50, cursor=cursor)

        queries: dict[str, Callable[[], object]] = {
            "first page, newest first": lambda: page(RecordFilter()),
            "status = stolen": lambda: page(RecordFilter(status="stolen")),
            "make = Застава (Cyrillic)": lambda: page(RecordFilter(make="Застава")),
            "calibre = 9 mm Luger": lambda: page(RecordFilter(calibre="9 mm Luger")),
            "free text serial prefix": lambda: page(RecordFilter(q="12")),
            "free text make (Latin)": lambda: page(RecordFilter(q="Crvena Zastava")),
            "date range one month": lambda: page(
                RecordFilter(date_from=_d("2022-03-01"), date_to=_d("2022-03-31"))
            ),
            "sorted by serial": lambda: page(RecordFilter(), sort="serial"),
        }
        print(f"{'query':34} {'p50 ms':>8} {'max ms':>8}")
        for name, fn in queries.items():
            p50, worst = timed(fn, args.repeat)
            print(f"{name:34} {p50:8.1f} {worst:8.1f}")

        # Deep paging: follow cursors, then fetch the same page with OFFSET.
        cursor = None
        for _ in range(args.deep_pages):
            _rows, cursor = list_records(
                s, actor=actor, filters=RecordFilter(), limit=50, cursor=cursor
            )
        keyset, _ = timed(lambda: page(RecordFilter(), cursor=cursor), args.repeat)
        offset_stmt = (
            visible(select(FirearmRecord), FirearmRecord, actor)
            .where(FirearmRecord.deleted_at.is_(None))
            .order_by(FirearmRecord.created_at.desc(), FirearmRecord.uuid.desc())
            .offset(50 * args.deep_pages)
            .limit(50)
        )
        offset, _ = timed(lambda: s.execute(offset_stmt).all(), args.repeat)
        print(
            f"page {args.deep_pages + 1}: keyset {keyset:.1f} ms, OFFSET baseline "
            f"{offset:.1f} ms, ratio {offset / keyset:.1f}x"
        )
        s.close()


def _d(text: str):  # type: ignore[no-untyped-def]
    from datetime import date

    return date.fromisoformat(text)


if __name__ == "__main__":
    main()
