"""Benchmark: ``POST /api/v1/checks`` through a real server, against engine-only queries.

    .venv/bin/python bench/checks_api.py                 # 100k records
    .venv/bin/python bench/checks_api.py --records 1000000

Builds a fresh SQLite database in a temporary data directory: migrations, demo agencies
and users, N firearm records bulk-inserted with SQLAlchemy Core (random serials in a few
formats, catalogue makes and calibres, national distribution), then ``kalibar index
rebuild``. Starts uvicorn (one worker) on loopback, and times in the same run:

- engine: ``MatchEngine.query`` on the same index, in this process (no HTTP, no DB);
- api: ``POST /api/v1/checks`` with httpx (bearer token, keep-alive), misread serials
  (look-alike, substitution, Cyrillic, separators) plus make and calibre.

Prints p50/p99 of both and the ratio api/engine. Target: api p99 ≤ 30 ms at 1M records.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import insert

from kalibar.agencies.service import sync_countries
from kalibar.app import assemble
from kalibar.auth import service as auth
from kalibar.db.migrate import upgrade
from kalibar.db.session import make_engine, unit_of_work
from kalibar.demo.service import load_demo
from kalibar.matching import index_store
from kalibar.records.models import FirearmRecord
from kalibar.reference.service import sync_package

MAKES = [("Zastava", "zastava", "7.62×39mm"), ("Glock", "glock", "9×19mm"),
         ("CZ", "cz", "9×19mm"), ("Beretta", "beretta", "9×19mm"), ("", None, None)]  # fmt: skip
STATUSES = ["stolen", "lost", "seized", "found", "trafficked", "surrendered"]
ALNUM = "ABCDEFGHJKMNPRTUVWXY0123456789"
CYR = {"A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "P": "Р", "C": "С", "T": "Т"}


def serial(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        return "".join(rng.choices(ALNUM[:20], k=2)) + " " + "".join(rng.choices("0123456789", k=6))
    if kind < 0.7:
        return "".join(rng.choices("0123456789", k=rng.choice((6, 7))))
    return "".join(rng.choices(ALNUM, k=rng.choice((8, 9, 10))))


def misread(s: str, rng: random.Random) -> str:
    chars = list(s.replace(" ", "-"))
    i = rng.randrange(len(chars))
    swap = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}
    if chars[i] in swap:
        chars[i] = swap[chars[i]]
    elif len(chars) >= 8:
        chars[i] = rng.choice("0123456789")
    return "".join(CYR.get(c, c) if rng.random() < 0.2 else c for c in chars)


def populate(db_url: str, n: int, rng: random.Random) -> list[tuple[str, str, str]]:
    engine = make_engine(db_url)
    upgrade(engine)
    with unit_of_work(engine) as s:
        sync_countries(s)
        sync_package(s)
        load_demo(s)
    now = datetime.now(UTC)
    samples: list[tuple[str, str, str]] = []
    chunk = 50_000
    with engine.begin() as conn:
        for start in range(0, n, chunk):
            rows = []
            for i in range(start, min(n, start + chunk)):
                make, make_code, calibre = rng.choice(MAKES)
                ser = serial(rng)
                rows.append({
                    "uuid": uuid.uuid4(), "reference": f"UIO-2026-{i:07d}",
                    "status": rng.choice(STATUSES), "make": make, "make_code": make_code,
                    "calibre": calibre or "", "calibre_code": calibre, "serial_number": ser,
                    "serial_normalised": ser.replace(" ", ""), "owner_agency_id": 1 + i % 3,
                    "owner_country": "BA", "distribution": "national", "created_at": now,
                    "updated_at": now, "modifications": "", "search_text": "",
                })  # fmt: skip
                if len(samples) < 2000 and rng.random() < 0.01:
                    samples.append((ser, make, calibre or ""))
            conn.execute(insert(FirearmRecord), rows)
            print(f"  inserted {min(n, start + chunk):,}", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    engine.dispose()
    return samples


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> None:
    assemble()  # the ORM listeners and audit rules, as every entry point does
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=1000)
    args = ap.parse_args()
    rng = random.Random(7)
    data = Path(tempfile.mkdtemp(prefix="kalibar-bench-"))
    os.environ["KALIBAR_DATA_DIR"] = str(data)
    db_url = f"sqlite:///{data / 'kalibar.sqlite3'}"
    t = time.perf_counter()
    samples = populate(db_url, args.records, rng)
    print(f"records: {args.records:,} inserted in {time.perf_counter() - t:.1f} s")
    engine = make_engine(db_url)
    t = time.perf_counter()
    index_store.rebuild(engine, data_dir=data)
    print(f"index rebuilt in {time.perf_counter() - t:.1f} s")
    with unit_of_work(engine) as s:
        token, _t = auth.create_token(s, username="border")
    queries = [
        {"serial_number": misread(ser, rng), "make": make, "calibre": cal}
        for ser, make, cal in (rng.choice(samples) for _ in range(args.queries))
    ]

    # engine only, same index, same process kind
    live = index_store.live_index(engine, data)
    with index_store.reading(engine, data_dir=data) as eng:
        assert len(eng) > 0
        for q in queries[:50]:  # warm up, as for the server
            eng.query(q["serial_number"], limit=10)
        eng_times = []
        for q in queries:
            t0 = time.perf_counter()
            eng.query(q["serial_number"], limit=10)
            eng_times.append((time.perf_counter() - t0) * 1000)
    del live

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, KALIBAR_DATA_DIR=str(data))
    env.pop("KALIBAR_DATABASE_URL", None)
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "uvicorn", "kalibar.app.asgi:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=data, env=env,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
            for _ in range(300):
                try:
                    if http.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            for q in queries[:50]:  # warm up: open the index, caches
                http.post("/api/v1/checks", json=q).raise_for_status()
            api_times = []
            found = 0
            for q in queries:
                t0 = time.perf_counter()
                r = http.post("/api/v1/checks", json=q)
                api_times.append((time.perf_counter() - t0) * 1000)
                r.raise_for_status()
                found += bool(r.json()["candidates"])
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    e50, e99 = pct(eng_times, 50), pct(eng_times, 99)
    a50, a99 = pct(api_times, 50), pct(api_times, 99)
    print(f"queries: {len(queries)} (with a candidate: {found})")
    print(f"engine  p50 {e50:6.2f} ms  p99 {e99:6.2f} ms  mean {statistics.mean(eng_times):.2f}")
    print(f"api     p50 {a50:6.2f} ms  p99 {a99:6.2f} ms  mean {statistics.mean(api_times):.2f}")
    print(f"ratio api/engine: p50 {a50 / e50:.1f}x  p99 {a99 / e99:.1f}x")
    print(f"target api p99 <= 30 ms: {'met' if a99 <= 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
