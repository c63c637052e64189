"""Benchmark: N clients of one agency writing through a real ``kalibar serve`` (issue 18).

    .venv/bin/python bench/concurrent_writes.py                        # SQLite, 1/5/20 clients
    .venv/bin/python bench/concurrent_writes.py --clients 1,20,40 --seconds 30
    .venv/bin/python bench/concurrent_writes.py --database postgres     # needs
        KALIBAR_TEST_DATABASE_URL (or --admin-url); a scratch database is made and dropped

Builds a fresh database (migrations, demo world, 10 officers of BA-UIO with bearer tokens)
in a temporary data folder, starts ``kalibar serve`` on loopback, and for each client count
lets the clients (spread over the officers' tokens) create firearm records and seizures (a
seizure with one firearm, which numbers a record too) for ``--seconds``. Prints, per count:
writes acknowledged per second, p50/p99/max latency, answers by status, connection errors,
acknowledged writes missing when read back, and duplicate references. The load driver is
``tests/write_load.py``, the same the test ``tests/core/test_concurrent_writers.py`` uses.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import write_load  # noqa: E402  (the shared driver lives beside the tests)

from kalibar.app import assemble
from kalibar.config import get_settings  # noqa: E402
from kalibar.db.session import make_engine  # noqa: E402


@contextmanager
def scratch_database(kind: str, folder: Path, admin_url: str | None) -> Iterator[str]:
    """A URL to an empty database: a SQLite file, or a PostgreSQL database dropped after."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'kalibar.sqlite3'}"
        return
    if not admin_url:
        sys.exit("PostgreSQL: set KALIBAR_TEST_DATABASE_URL or pass --admin-url")
    name = f"kalibar_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]:.0f}"


HEADER = "clients  writes/s  p50 ms  p99 ms  max ms  answers              errors  missing  dups"


def one_run(base_url: str, tokens: list[str], clients: int, seconds: float, engine: Any) -> None:
    """``clients`` clients spread over the tokens for ``seconds``; one line of the table."""
    spread = [tokens[i % len(tokens)] for i in range(clients)]
    out = write_load.run(base_url, spread, clients_per_user=1, seconds=seconds)
    missing = write_load.unacknowledged(base_url, tokens[0], out.writes)
    rate = len(out.writes) / out.seconds
    answers = ",".join(f"{k}:{v}" for k, v in sorted(out.statuses.items()))
    errors = sum(out.errors.values())
    dups = len(write_load.duplicate_references(engine))
    p50, p99, top = (_ms(out.latencies, q) for q in (0.5, 0.99, 1.0))
    print(
        f"{clients:7d}  {rate:8.1f}  {p50:>6}  {p99:>6}  {top:>6}  {answers:<19}  {errors:6d}  "
        f"{len(missing):7d}  {dups:4d}"
    )
    for sample in out.samples[:3]:
        print("         ", sample[:200])


def main() -> None:
    assemble()  # the ORM listeners and audit rules, as every entry point does
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--admin-url", default=os.environ.get("KALIBAR_TEST_DATABASE_URL"))
    parser.add_argument("--clients", default="1,5,20", help="client counts, comma-separated")
    parser.add_argument("--users", type=int, default=10, help="officers the clients share")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=1, help="kalibar serve --workers")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",") if c.strip()]

    with tempfile.TemporaryDirectory(prefix="kalibar-bench-writes-") as tmp:
        folder = Path(tmp)
        os.environ["KALIBAR_DATA_DIR"] = str(folder)  # the server's too: the audit key
        get_settings.cache_clear()
        with scratch_database(args.database, folder, args.admin_url) as url:
            engine = make_engine(url)
            tokens = write_load.prepare(engine, users=args.users)
            print(
                f"{args.database}, kalibar serve --workers {args.workers}, {args.users} "
                f"officers of {write_load.AGENCY}, {args.seconds:.0f} s a run\n{HEADER}"
            )
            extra = ("--workers", str(args.workers))
            with write_load.serve(url, folder, folder / "server.log", extra_args=extra) as base:
                for n in counts:
                    one_run(base, tokens, n, args.seconds, engine)
            problems = write_load.audit_sequence_problems(engine)
            print("audit sequence:", "; ".join(problems) if problems else "1..N, each once")
            engine.dispose()


if __name__ == "__main__":
    main()
