"""Benchmark: the programme indicator pages over a large ledger.

    .venv/bin/python bench/programme.py --trainings 2000 --participants 50000 --seizures 100000

Fills a fresh SQLite database (or ``--url`` PostgreSQL) with the demo world, then a ledger of
N trainings (participants spread over them, a quarter women), equipment at 40 crossings,
M seizures over three years at those crossings with procedure steps for a fifth of them,
written with bulk inserts. Times, as a focal point (national totals) and as an agency
officer (its own figures):

- ``indicators.compute`` — every figure of the page (trained by agency/unit/region/kind,
  equipment per crossing, before/after table, detections by office, steps on time);
- the HTML page ``/programme/indicators`` and the XLSX export through the app.

Baseline in the same run: the before/after table computed the naive way — one query per
training or piece of equipment (what the page would do without the per-place, per-day
counts and prefix sums). Prints p50/max per measure and the ratio.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from kalibar.agencies.models import Agency
from kalibar.app import assemble
from kalibar.app.web import create_app
from kalibar.auth import service as auth
from kalibar.db.migrate import upgrade
from kalibar.db.session import make_engine, new_session, unit_of_work
from kalibar.demo.service import load_demo
from kalibar.ids import uuid7
from kalibar.programme import indicators
from kalibar.programme.models import Equipment, EquipmentEvent, Participant, Training
from kalibar.seizures.models import ProcedureStep, Seizure
from kalibar.seizures.places import places

METHODS = ["xray", "dog", "risk_profile", "random_check", "tip_off", "document_check", ""]
AGENCIES = ["BA-UIO", "BA-GP", "BA-SIPA", "BA-FUP", "BA-MUPRS"]
REGIONS = ["Una-Sana", "Posavina", "Herzegovina-Neretva", "Sarajevo", "Tuzla", "Banja Luka"]
TODAY = date.today()


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def fill(engine: object, args: argparse.Namespace) -> None:  # noqa: PLR0914 - one loader
    rng = random.Random(7)  # noqa: S311 - synthetic data
    now = datetime.now(UTC)
    crossings = [p.code for p in places() if p.country in ("BA", "RS", "HR", "ME")][:40]
    with unit_of_work(engine) as s:  # type: ignore[arg-type]
        owners = {a.code: a for a in s.execute(select(Agency)).scalars() if a.code in AGENCIES}
        trainings, people = [], []
        per = max(args.participants // args.trainings, 1)
        for n in range(args.trainings):
            owner = owners[rng.choice(["BA-UIO", "BA-GP"])]
            start = TODAY - timedelta(days=rng.randint(0, 3 * 365))
            tid = uuid7()
            trainings.append({
                "uuid": tid, "owner_agency_id": owner.id, "owner_country": "BA",
                "distribution": "national", "deleted_at": None, "created_at": now,
                "updated_at": now, "reference": f"B-{n:06d}",
                "kind": "gender_workshop" if n % 9 == 0 else "course",
                "course": f"Course {n % 40}", "programme": "bench", "start_date": start,
                "end_date": start + timedelta(days=2), "place": "",
                "place_code": rng.choice(crossings), "trainers": "",
                "trainers_training": n % 15 == 0, "notes": "",
            })  # fmt: skip
            for k in range(per):
                people.append({
                    "uuid": uuid7(), "training_id": tid, "position": k + 1,
                    "full_name": f"P {n} {k}", "agency": rng.choice(AGENCIES),
                    "unit": f"Unit {rng.randint(1, 30)}", "region": rng.choice(REGIONS),
                    "role": "officer",
                    "gender": "female" if rng.random() < 195 / 738 else "male",
                    "certificate": "", "created_at": now, "updated_at": now,
                })  # fmt: skip
        s.execute(insert(Training), trainings)
        for i in range(0, len(people), 10_000):
            s.execute(insert(Participant), people[i : i + 10_000])
        kit, events = [], []
        for n in range(args.equipment):
            eid = uuid7()
            kit.append({
                "uuid": eid, "owner_agency_id": owners["BA-UIO"].id, "owner_country": "BA",
                "distribution": "national", "deleted_at": None, "created_at": now,
                "updated_at": now, "kind": rng.choice(["videoscope", "detector", "xray"]),
                "model": "", "serial": f"S-{n:05d}", "place_code": crossings[n % len(crossings)],
                "place_name": "", "programme": "bench", "notes": "",
            })  # fmt: skip
            events.append({"uuid": uuid7(), "equipment_id": eid, "kind": "issued",
                           "on": TODAY - timedelta(days=rng.randint(0, 3 * 365)), "note": "",
                           "created_at": now, "updated_at": now})  # fmt: skip
        s.execute(insert(Equipment), kit)
        s.execute(insert(EquipmentEvent), events)
        seizures, steps = [], []
        for n in range(args.seizures):
            owner = owners[rng.choice(["BA-UIO", "BA-GP"])]
            sid = uuid7()
            at = now - timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
            seizures.append({
                "uuid": sid, "owner_agency_id": owner.id, "owner_country": "BA",
                "distribution": "national", "deleted_at": None, "created_at": now,
                "updated_at": now, "reference": f"B-SZ-{n:07d}", "status": "closed",
                "occurred_at": at, "place_code": rng.choice(crossings), "place_name": "",
                "address": "", "context": "border_check", "direction": "inbound",
                "transit_countries": "", "detection_method": rng.choice(METHODS),
                "concealment_method": "", "conveyance_kind": "", "vehicle_registration": "",
                "vehicle_make": "", "bus_line": "", "parcel_number": "", "container_number": "",
                "legal_basis": "", "criminal_context": "", "narrative": "",
                "seizing_agency_id": owner.id, "recorded_by": "bench", "closed_by": "",
            })  # fmt: skip
            if n % 5 == 0:
                for k, code in enumerate(("secure_scene", "record_circumstances", "photos")):
                    done = rng.random() < 0.8
                    steps.append({
                        "uuid": uuid7(), "seizure_id": sid, "procedure_code":
                        "detection_first_response", "procedure_position": 1, "step_code": code,
                        "position": k + 1, "title": code, "role": "officer", "required": True,
                        "requires": "", "due_at": at + timedelta(days=2),
                        "status": "done" if done else "open",
                        "completed_at": at + timedelta(hours=rng.randint(1, 96)) if done else None,
                        "completed_by": "", "note": "", "waived_reason": "",
                        "created_at": now, "updated_at": now,
                    })  # fmt: skip
        for i in range(0, len(seizures), 10_000):
            s.execute(insert(Seizure), seizures[i : i + 10_000])
        for i in range(0, len(steps), 10_000):
            s.execute(insert(ProcedureStep), steps[i : i + 10_000])


def naive_before_after(s: object, actor: object, period: indicators.Period) -> int:
    """Baseline: one query per subject."""
    ses, n = s, 0
    stmt = select(Training).where(
        indicators.scope(Training, actor),  # type: ignore[arg-type]
        Training.start_date >= period.date_from, Training.start_date <= period.date_to,
        Training.place_code.is_not(None),
    ).order_by(Training.start_date.desc()).limit(indicators.SUBJECTS_LIMIT)  # fmt: skip
    for t in ses.execute(stmt).scalars():  # type: ignore[attr-defined]
        got = indicators.training_before_after(ses, actor=actor, training=t)  # type: ignore[arg-type]
        n += got.after_total
    return n


def main() -> None:
    assemble()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trainings", type=int, default=2_000)
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--equipment", type=int, default=400)
    parser.add_argument("--seizures", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--url", default="", help="A database URL (default: a fresh SQLite).")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(args.url or f"sqlite:///{Path(tmp) / 'kalibar.sqlite3'}")
        upgrade(engine)
        start = time.perf_counter()
        with unit_of_work(engine) as s:
            credentials = load_demo(s).credentials
        fill(engine, args)
        print(f"loaded {args.trainings:,} trainings, {args.participants:,} participants, "
              f"{args.equipment:,} equipment, {args.seizures:,} seizures "
              f"in {time.perf_counter() - start:.1f} s")  # fmt: skip
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        s = new_session(engine)
        period = indicators.Period(TODAY - timedelta(days=365), TODAY)
        rows = []
        for username in ("focalpoint", "officer"):
            actor = auth.actor_for(s, auth.get_user(s, username=username))
            p50, worst = timed(lambda a=actor: indicators.compute(s, actor=a, period=period),
                               args.repeat)  # fmt: skip
            rows.append((f"compute, {username}", p50, worst))
            table_p50, table_max = timed(
                lambda a=actor: indicators.before_after_table(s, actor=a, period=period),
                args.repeat,
            )
            naive_p50, _naive_max = timed(
                lambda a=actor: naive_before_after(s, a, period), args.repeat
            )
            rows.append((f"before/after table, {username}", table_p50, table_max))
            rows.append((f"  baseline: one query per subject, {username}", naive_p50,
                         naive_p50 / table_p50 if table_p50 else 0.0))  # fmt: skip
        client = TestClient(create_app(engine), base_url="http://testserver")
        page = client.get("/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/login", data={"username": "focalpoint", "csrf_token": token,
                                    "password": credentials["focalpoint"]})  # fmt: skip
        q = f"?from={period.date_from}&to={period.date_to}"
        for name, path in (("page /programme/indicators", "/programme/indicators" + q),
                           ("export /programme/indicators.xlsx", "/programme/indicators.xlsx" + q),
                           ("page /programme/trainings", "/programme/trainings")):  # fmt: skip
            status = client.get(path).status_code
            assert status == 200, (path, status)
            p50, worst = timed(lambda p=path: client.get(p), args.repeat)
            rows.append((name + ", focalpoint", p50, worst))
        print(f"{'measure':58} {'p50 ms':>9} {'max ms / ratio':>15}")
        for name, p50, other in rows:
            print(f"{name:58} {p50:9.1f} {other:15.1f}")
        s.close()


if __name__ == "__main__":
    main()
