"""Benchmark: one declaration through ``POST /api/v1/screenings``, against the same
screening in process.

    .venv/bin/python bench/screening_api.py                  # 1000 requests
    .venv/bin/python bench/screening_api.py --requests 5000
    .venv/bin/python bench/screening_api.py --watchlist 10000 --model train

Builds a fresh SQLite database in a temporary data directory (migrations, demo agencies
and users), takes declarations from the synthetic generator (planted patterns included),
starts uvicorn (one worker) on loopback and times, in the same run:

- inline: ``screening.parse_declarations`` + ``screen_parsed`` in this process (no HTTP);
- api: ``POST /api/v1/screenings`` with one declaration (bearer token, keep-alive), not
  stored, and with ``store: true`` (one declaration written per request).

With ``--watchlist N`` the officer's agency gets N watchlist entries (``bench/targeting.py``
``watchlist``: a quarter taken from other declarations whose party names come from the
requests' pool, so a few percent of the requests hit), and
with ``--model train`` a model is trained (60,000 declarations) and stored in the data
directory: the API then screens with both, as in production. The inline baseline gets
the same entries and model, and also times the batch path (``screen_frame``: Polars
plans, scikit-learn ``predict_proba``) on the same single declarations, for the ratio.

Prints p50/p99 of each and the ratio api/inline. Target: api p99 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from targeting import diversify, risk_model, watchlist

from kalibar.agencies.service import sync_countries
from kalibar.app import assemble
from kalibar.auth import service as auth
from kalibar.auth.models import User
from kalibar.db.migrate import upgrade
from kalibar.db.session import make_engine, unit_of_work
from kalibar.demo.service import load_demo
from kalibar.demo.targeting.synthetic import generate
from kalibar.reference.service import sync_package
from kalibar.targeting import screening
from kalibar.targeting.fields import DECLARATION_COLUMNS, ITEM_COLUMNS
from kalibar.targeting.schemas import DeclarationIn
from kalibar.targeting.watchlists import EntryInput, import_entries


def requests_frame(n: int) -> Any:
    """The requests' declarations: generated, party names redrawn from 50,000 invented
    names (``bench/targeting.py`` ``diversify``) so watchlist hits are as rare as in life."""
    return diversify(generate(n, seed=11, history=False), 50_000)


def declarations(n: int) -> list[dict[str, Any]]:
    frame = requests_frame(n)
    out: dict[str, dict[str, Any]] = {}
    for row in frame.iter_rows(named=True):
        key = str(row["declaration_id"])
        if key not in out:
            out[key] = {c: (row[c] or "") for c in DECLARATION_COLUMNS}
            out[key]["items"] = []
        item = {c: (row[c] or "") for c in ITEM_COLUMNS}
        for c in ("quantity", "gross_weight_kg", "declared_value"):
            item[c] = float(item[c]) if item[c] != "" else None
        out[key]["items"].append(item)
    return list(out.values())


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> None:
    assemble()  # the ORM listeners and audit rules, as every entry point does
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--watchlist", type=int, default=0, help="watchlist entries (0: none)")
    ap.add_argument("--model", default=None, help="'train' or a stored model version")
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="kalibar-bench-"))
    os.environ["KALIBAR_DATA_DIR"] = str(data)
    db_url = f"sqlite:///{data / 'kalibar.sqlite3'}"
    engine = make_engine(db_url)
    upgrade(engine)
    with unit_of_work(engine) as s:
        sync_countries(s)
        sync_package(s)
        load_demo(s)
        token, _t = auth.create_token(s, username="officer")
    decls = declarations(args.requests + 100)
    entries = None
    if args.watchlist:
        # entries from other declarations whose parties share the requests' name pool:
        # a few percent of the requests hit, as with a real watchlist
        wl = watchlist(diversify(generate(100_000, seed=12, history=False), 50_000), args.watchlist)
        with unit_of_work(engine) as s:
            user = s.execute(select(User).where(User.username == "officer")).scalar_one()
            actor = auth.actor_for(s, user)
            rows = [EntryInput(k, n, c, "") for k, n, c, _i in wl.iter_rows()]
            import_entries(s, actor=actor, rows=rows)
            entries = screening.watchlist_for(s, actor)
    model = None
    if args.model:
        model = risk_model(args.model)
        if args.model == "train":
            model.save()
    print(f"watchlist entries: {args.watchlist:,}; model: {model.version if model else 'none'}")

    # inline: the same parsing and screening, no HTTP, no database
    models = [DeclarationIn.model_validate(d) for d in decls]

    def small(m: DeclarationIn) -> object:
        return screening.screen_parsed(
            screening.parse_declarations([m]), watchlist=entries, model=model
        )

    def batch(m: DeclarationIn) -> object:
        return screening.screen_frame(
            screening.parse_declarations([m]).frame, watchlist=entries, model=model
        )

    for m in models[:50]:
        small(m)
        batch(m)
    inline = []
    for m in models[100:]:
        t0 = time.perf_counter()
        small(m)
        inline.append((time.perf_counter() - t0) * 1000)
    batched = []
    for m in models[100 : 100 + min(300, args.requests)]:
        t0 = time.perf_counter()
        batch(m)
        batched.append((time.perf_counter() - t0) * 1000)

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, KALIBAR_DATA_DIR=str(data), KALIBAR_DATABASE_URL=db_url)
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "uvicorn", "kalibar.app.asgi:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=data, env=env,
    )  # fmt: skip
    lanes: dict[str, int] = {}
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
            for d in decls[:50]:  # warm up: rules, catalogue, keyword tables
                http.post("/api/v1/screenings", json={"declarations": [d]}).raise_for_status()
            api = []
            for d in decls[100:]:
                t0 = time.perf_counter()
                r = http.post("/api/v1/screenings", json={"declarations": [d]})
                api.append((time.perf_counter() - t0) * 1000)
                r.raise_for_status()
                lane = r.json()["results"][0]["lane"]
                lanes[lane] = lanes.get(lane, 0) + 1
            stored = []
            for d in decls[100 : 100 + min(300, args.requests)]:
                t0 = time.perf_counter()
                r = http.post("/api/v1/screenings", json={"declarations": [d], "store": True})
                stored.append((time.perf_counter() - t0) * 1000)
                r.raise_for_status()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    i50, i99 = pct(inline, 50), pct(inline, 99)
    a50, a99 = pct(api, 50), pct(api, 99)
    s50, s99 = pct(stored, 50), pct(stored, 99)
    b50, b99 = pct(batched, 50), pct(batched, 99)
    print(f"requests: {len(api)} single declarations; lanes {lanes}")
    print(f"inline  p50 {i50:6.2f} ms  p99 {i99:6.2f} ms  mean {statistics.mean(inline):.2f}")
    print(f"batch   p50 {b50:6.2f} ms  p99 {b99:6.2f} ms  (inline, screen_frame, {len(batched)})")
    print(f"ratio batch/inline path: p50 {b50 / i50:.1f}x  p99 {b99 / i99:.1f}x")
    print(f"api     p50 {a50:6.2f} ms  p99 {a99:6.2f} ms  mean {statistics.mean(api):.2f}")
    print(f"stored  p50 {s50:6.2f} ms  p99 {s99:6.2f} ms  ({len(stored)} requests, store=true)")
    print(f"ratio api/inline: p50 {a50 / i50:.1f}x  p99 {a99 / i99:.1f}x")
    print(f"target api p99 <= 20 ms: {'met' if a99 <= 20 else 'NOT met'}")


if __name__ == "__main__":
    main()
