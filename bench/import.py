"""Benchmark: ``kalibar records import`` of a large CSV into a fresh SQLite database.

    .venv/bin/python bench/import.py --rows 1000000

Generates a realistic file (makes, models and calibres from the reference catalogue,
serials in several formats, places, dates, agencies), then times in the same run:

- baseline: the same rows read with ``csv`` and inserted with plain ``sqlite3``
  ``executemany`` into an identical ``firearm_records`` table (same indexes), no
  validation, no identification, no audit trail;
- kalibar: ``import_records`` under one unit of work (validation, identification,
  references, audit chain, commit).

Prints rows, seconds, rows/s and the ratio kalibar/baseline. Target: 1M rows ≤ 60 s.

With ``--register N`` it measures an import into a living register instead:

    .venv/bin/python bench/import.py --rows 1000000 --register 1000000

- empty: the file imported into an empty database, hit scan included, committed;
- populated: a register of N records seeded with bulk inserts (``import_records``, no hit
  scan), its match index built, then the same file imported, hit scan included (the batch
  path of ``matching.hit_scan``), committed (the index rebuilt once after the commit).

Each import runs in a fresh interpreter; it prints seconds and the peak resident memory
of that process (and of its validation worker), then the populated/empty ratio. Target:
1M rows into a register of 1M ≤ 90 s and ≤ 2 GB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sqlite3
import string
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from kalibar.agencies.service import sync_countries
from kalibar.app import assemble
from kalibar.auth.actor import Actor
from kalibar.config import get_settings
from kalibar.db.base import utcnow
from kalibar.db.migrate import upgrade
from kalibar.db.session import make_engine, unit_of_work
from kalibar.demo.service import load_demo
from kalibar.matching import index_store
from kalibar.matching.hits import scan_created_since
from kalibar.records.fields import COLUMNS
from kalibar.records.io_import import import_records

STATUSES = ["seized", "seized", "seized", "found", "surrendered", "stolen", "lost", "trafficked"]
PLACES = [
    "Sarajevo",
    "Banja Luka",
    "Mostar",
    "Tuzla",
    "Zenica",
    "Bijeljina",
    "Brčko",
    "Doboj",
    "Bihać",
    "Trebinje",
    "GP Izačić",
    "GP Gradiška",
    "GP Rača",
    "Луковица",
]
AGENCIES = ["BA-UIO", "BA-GP", "BA-SIPA", "BA-FUP", "BA-MUPRS"]


def _catalogue() -> list[tuple[str, str, str, str, str]]:
    """(make as written, model, calibre, type, country) from the reference catalogue."""
    try:
        from kalibar.reference.catalogue import load_catalogue

        cat = load_catalogue()
        out = []
        for make in cat.makes.values():
            spellings = [make.name, *make.aliases[:2]]
            for model in make.models:
                for written in spellings:
                    out.append(
                        (
                            written,
                            model.name,
                            model.calibres[0] if model.calibres else "",
                            model.type,
                            model.country or make.country or "",
                        )
                    )
        if out:
            return out
    except Exception:  # noqa: BLE001 - the bench still runs on a bare checkout
        pass
    return [
        ("Zastava", "M70AB2", "7.62x39", "rifle", "RS"),
        ("Crvena Zastava", "M57", "7.62x25", "pistol", "RS"),
        ("Glock", "17", "9x19", "pistol", "AT"),
        ("Ekol", "Firat Magnum", "9 mm P.A.K.", "pistol", "TR"),
    ]


def _serial(rnd: random.Random) -> str:
    kind = rnd.random()
    digits = "".join(rnd.choices(string.digits, k=rnd.randint(5, 8)))
    if kind < 0.4:
        return digits
    if kind < 0.7:
        return rnd.choice(string.ascii_uppercase) + digits
    if kind < 0.85:
        return f"{rnd.choice(['AB', 'BC', 'KN', 'TR'])}-{digits}"
    return f"{rnd.choice(string.ascii_uppercase)}{rnd.choice(string.ascii_uppercase)} {digits}"


def generate(path: Path, rows: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    cat = _catalogue()
    start = date(2015, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for i in range(rows):
            make, model, calibre, wtype, country = rnd.choice(cat)
            w.writerow(
                [
                    "",
                    rnd.choice(STATUSES),
                    wtype if rnd.random() < 0.7 else "",
                    make,
                    model,
                    calibre,
                    _serial(rnd),
                    country if rnd.random() < 0.6 else "",
                    str(rnd.randint(1950, 2022)) if rnd.random() < 0.5 else "",
                    "BIH" if rnd.random() < 0.1 else "",
                    "",
                    (start + timedelta(days=rnd.randint(0, 3600))).isoformat(),
                    rnd.choice(PLACES),
                    rnd.choice(AGENCIES),
                    f"KT-{i // 7:07d}",
                    "found in vehicle" if rnd.random() < 0.2 else "",
                ]
            )


def fresh_db(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    with unit_of_work(engine) as s:
        sync_countries(s)
    with unit_of_work(engine) as s:
        load_demo(s)
    engine.dispose()
    return url


def baseline(db: Path, source: Path) -> tuple[int, float]:
    """Plain sqlite3: read the CSV, insert the raw values (no validation, no identification)."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-262144")
    cols = [c for c in COLUMNS if c not in ("record_id", "reporting_agency")]
    names = [
        *cols,
        "uuid",
        "reference",
        "owner_agency_id",
        "owner_country",
        "distribution",
        "modifications",
        "serial_normalised",
        "serial_obliterated",
        "serial_restored",
        "needs_review",
        "search_text",
        "created_at",
        "updated_at",
    ]
    sql = f"INSERT INTO firearm_records ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    now = "2026-01-01 00:00:00.000000"
    t0 = time.perf_counter()
    n = 0
    with source.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        batch: list[tuple[object, ...]] = []
        for row in reader:
            n += 1
            batch.append(
                (
                    *(
                        row[c] or None
                        if c in ("year_of_manufacture", "event_date", "country_of_manufacture")
                        else row[c]
                        for c in cols
                    ),
                    uuid.uuid4().hex,
                    f"B-{n:09d}",
                    1,
                    "BA",
                    "national",
                    "",
                    row["serial_number"].upper(),
                    0,
                    0,
                    0,
                    "",
                    now,
                    now,
                )
            )
            if len(batch) >= 10_000:
                conn.executemany(sql, batch)
                batch = []
        conn.executemany(sql, batch)
    conn.commit()
    seconds = time.perf_counter() - t0
    conn.close()
    return n, seconds


ADMIN = Actor(
    user_id=None,
    username="bench",
    agency_id=None,
    agency_code="",
    country="",
    roles=frozenset({"admin"}),
)


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def measured_import(url: str, source: Path) -> None:
    """(child process) Import ``source`` with its hit scan, commit; print a JSON line."""
    engine = make_engine(url)
    t0 = time.perf_counter()
    with unit_of_work(engine, actor=ADMIN) as s:
        since = utcnow()
        report = import_records(s, actor=ADMIN, source=source, filename=source.name)
        t_import = time.perf_counter() - t0
        hits = scan_created_since(s, since)
        t_scan = time.perf_counter() - t0 - t_import
    seconds = time.perf_counter() - t0
    engine.dispose()
    figures = {
        "rows": report.inserted,
        "hits": hits,
        "import_s": round(t_import, 1),
        "scan_s": round(t_scan, 1),
        "commit_and_index_s": round(seconds - t_import - t_scan, 1),
        "seconds": round(seconds, 1),
        "cpu_s": round(
            sum(
                resource.getrusage(w).ru_utime + resource.getrusage(w).ru_stime
                for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
            ),
            1,
        ),
        "peak_mb": round(_peak_mb(resource.RUSAGE_SELF)),
        "worker_peak_mb": round(_peak_mb(resource.RUSAGE_CHILDREN)),
    }
    print(json.dumps(figures))


def _child(url: str, source: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", url, "--file", str(source)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def populated(tmp: Path, rows: int, register: int) -> None:
    source = tmp / "incoming.csv"
    seed_file = tmp / "register.csv"
    t0 = time.perf_counter()
    generate(source, rows, seed=1)
    generate(seed_file, register, seed=2)
    print(f"generated {rows} + {register} rows in {time.perf_counter() - t0:.1f} s")

    empty_db = tmp / "empty.sqlite3"
    empty_db.unlink(missing_ok=True)
    empty = _child(fresh_db(empty_db), source)
    print(f"empty register:   {json.dumps(empty)}")

    db = tmp / "populated.sqlite3"
    db.unlink(missing_ok=True)
    url = fresh_db(db)
    t0 = time.perf_counter()
    engine = make_engine(url)
    with unit_of_work(engine, actor=ADMIN) as s:
        import_records(s, actor=ADMIN, source=seed_file, filename=seed_file.name)
    t_seed = time.perf_counter() - t0
    indexed = index_store.rebuild(engine)
    engine.dispose()
    print(
        f"register seeded: {register} records in {t_seed:.1f} s, "
        f"index of {indexed} built in {time.perf_counter() - t0 - t_seed:.1f} s"
    )
    full = _child(url, source)
    print(f"populated register: {json.dumps(full)}")
    print(
        f"ratio populated/empty: {full['seconds'] / empty['seconds']:.2f}x "
        f"(target: 1,000,000 rows into 1,000,000 in ≤ 90 s, ≤ 2 GB)"
    )


def main() -> None:
    assemble()  # the ORM listeners and audit rules, as every entry point does
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--register", type=int, help="Import into a register of this size.")
    parser.add_argument("--keep", type=Path, help="Keep files in this folder.")
    parser.add_argument("--profile", action="store_true", help="cProfile the import.")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        get_settings.cache_clear()
        measured_import(args.measure, args.file)
        return
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="kalibar-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    if args.register is not None:
        os.environ["KALIBAR_DATA_DIR"] = str(tmp / "data")  # audit key and indexes, children too
        get_settings.cache_clear()
        populated(tmp, args.rows, args.register)
        return
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="kalibar-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    source = tmp / "records.csv"
    t0 = time.perf_counter()
    generate(source, args.rows)
    print(
        f"generated {args.rows} rows in {time.perf_counter() - t0:.1f} s "
        f"({source.stat().st_size / 1e6:.0f} MB)"
    )

    base_db = tmp / "baseline.sqlite3"
    base_db.unlink(missing_ok=True)
    fresh_db(base_db)
    n_base, t_base = baseline(base_db, source)
    print(
        f"baseline (sqlite3 executemany, no validation): {n_base} rows in {t_base:.1f} s "
        f"= {n_base / t_base:,.0f} rows/s"
    )

    db = tmp / "kalibar.sqlite3"
    db.unlink(missing_ok=True)
    engine = make_engine(fresh_db(db))
    actor = Actor(
        user_id=None,
        username="bench",
        agency_id=None,
        agency_code="",
        country="",
        roles=frozenset({"admin"}),
    )
    t0 = time.perf_counter()
    with unit_of_work(engine, actor=actor) as s:
        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            report = prof.runcall(
                import_records, s, actor=actor, source=source, filename=source.name
            )
            pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        else:
            report = import_records(s, actor=actor, source=source, filename=source.name)
    seconds = time.perf_counter() - t0
    engine.dispose()
    assert report.inserted == args.rows, report
    print(
        f"kalibar records import: {report.inserted} rows in {seconds:.1f} s "
        f"= {report.inserted / seconds:,.0f} rows/s"
    )
    print(f"ratio kalibar/baseline: {seconds / t_base:.2f}x (target: 1,000,000 rows in ≤ 60 s)")


if __name__ == "__main__":
    main()
