# ruff: noqa: E501  (planted rows read best one per line)
"""A year of planted rows for the report tests, and the questionnaire recomputed from them
in plain Python — independently of the SQL under test.

Rows straddle every edge the counting rules have: events on the last day of 2024 and the
first of 2026, seizures one second before the new year, antiques (1885, 1899) beside 1900,
tombstoned records, seizures and items, draft trace requests, rows owned in another country
and rows an agency keeps to itself (``agency`` distribution) that a focal point counts but
may not list.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.db.base import utcnow
from kalibar.db.session import unit_of_work
from kalibar.records.models import FirearmRecord
from kalibar.seizures.models import SeizedItem, Seizure
from kalibar.tracing.models import TraceRequest

YEAR = 2025
START = datetime(YEAR, 1, 1, tzinfo=UTC)
END = datetime(YEAR + 1, 1, 1, tzinfo=UTC)
OWNERS = ("BA-UIO", "BA-GP", "BA-SIPA", "RS-UC")
DAYS = [date(2024, 12, 31), date(2025, 1, 1), date(2025, 6, 30), date(2025, 7, 1),
        date(2025, 12, 31), date(2026, 1, 1), None, date(2025, 3, 15)]  # fmt: skip
MOMENTS = [
    datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC), START, datetime(2025, 6, 30, 23, 59, tzinfo=UTC),
    datetime(2025, 7, 1, tzinfo=UTC), datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC), END,
    datetime(2025, 4, 2, 10, tzinfo=UTC),
]  # fmt: skip
MAKES = [
    ("zastava", "Crvena Zastava"),
    (None, " Glock "),
    (None, ""),
    ("cz", "ČZ"),
    (None, "Tokarev"),
]
CALIBRES = [("7.62x39mm", "7,62 M43"), (None, " 9 mm Kurz "), (None, ""), ("9x19mm", "9mm")]
CONTEXTS = ["border_check", "postal_inspection", "premises_search", "cargo_inspection", "found"]
COUNTRIES = [None, "HR", "RS", "TR", "DE"]


@dataclass
class Planted:
    agencies: dict[str, tuple[int, str]]  # code -> (id, country)
    records: list[dict[str, Any]] = field(default_factory=list)
    seizures: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    traces: list[dict[str, Any]] = field(default_factory=list)


def _agencies(s: Session) -> dict[str, tuple[int, str]]:
    rows = s.execute(select(Agency.code, Agency.id, Agency.country_code)).all()
    return {code: (aid, country) for code, aid, country in rows}


def _record(p: Planted, rng: random.Random, owner: str, **fixed: Any) -> dict[str, Any]:
    make_code, make = rng.choice(MAKES)
    cal_code, cal = rng.choice(CALIBRES)
    row = {
        "uuid": uuid.uuid4(),
        "reference": f"PL-{len(p.records):05d}-{uuid.uuid4().hex[:6]}",
        "owner": owner,
        "distribution": rng.choice(["agency", "national", "national"]),
        "status": rng.choice(["seized", "seized", "found", "surrendered", "stolen", "destroyed"]),
        "weapon_type": rng.choice(["pistol", "pistol", "rifle", "revolver", None, ""]),
        "make_code": make_code, "make": make, "calibre_code": cal_code, "calibre": cal,
        "country_of_manufacture": rng.choice(["RS", "YU", None, "CZ", "SU"]),
        "year_of_manufacture": rng.choice([None, None, 1885, 1899, 1900, 1990]),
        "event_date": rng.choice(DAYS),
        "deleted": rng.random() < 0.08,
        "origin_established": rng.random() < 0.4,
        "origin_source": None,
    }  # fmt: skip
    row.update(fixed)
    if row["origin_established"]:
        row["origin_source"] = rng.choice(["tracing", "other"])
    p.records.append(row)
    return row


def plant(engine: Any, seed: int = 7) -> Planted:
    rng = random.Random(seed)
    with unit_of_work(engine) as s:
        p = Planted(_agencies(s))
        for _ in range(90):
            _record(p, rng, rng.choice(OWNERS))
        for n in range(30):
            owner = rng.choice(OWNERS)
            seizure = {
                "uuid": uuid.uuid4(), "reference": f"PL-SZ-{n:04d}-{uuid.uuid4().hex[:6]}",
                "owner": owner, "distribution": rng.choice(["agency", "national"]),
                "occurred_at": rng.choice(MOMENTS), "context": rng.choice(CONTEXTS),
                "origin_country": rng.choice(COUNTRIES), "destination_country": rng.choice(COUNTRIES),
                "transit_countries": rng.choice(["", "", "HR", "SI,HR"]),
                "criminal_context": rng.choice(["", "illicit_trafficking", "organized_crime,illicit_trafficking"]),
                "deleted": rng.random() < 0.08,
            }  # fmt: skip
            p.seizures.append(seizure)
            guns = 6 if n % 7 == 0 else rng.randint(0, 3)
            lines: list[dict[str, Any]] = []
            for _g in range(guns):
                record = _record(p, rng, owner, status="seized", deleted=False,
                                 event_date=seizure["occurred_at"].date())  # fmt: skip
                lines.append(
                    {"kind": "firearm", "record": record["uuid"], "unit": "pieces", "quantity": 1}
                )
            for _i in range(rng.randint(0, 3)):
                cal_code, cal = rng.choice(CALIBRES)
                lines.append({
                    "kind": "ammunition", "calibre_code": cal_code, "calibre": cal,
                    "unit": rng.choice(["rounds", "rounds", "pieces", "kg"]),
                    "quantity": rng.choice([20, 50, 600, 1200]),
                })  # fmt: skip
            for _i in range(rng.randint(0, 2)):
                lines.append({
                    "kind": "part", "part_kind": rng.choice(["barrel", "slide", "", "frame_receiver"]),
                    "unit": "pieces", "quantity": rng.choice([1, 2, 12]),
                })  # fmt: skip
            for pos, line in enumerate(lines, start=1):
                line.update(seizure=seizure["uuid"], position=pos, deleted=rng.random() < 0.06)
                p.items.append(line)
        for n in range(40):
            requester = rng.choice(OWNERS)
            recipient = rng.choice([o for o in OWNERS if o != requester] + ["HR-CU"])
            status = rng.choice(["draft", "sent", "answered", "answered", "closed"])
            p.traces.append({
                "uuid": uuid.uuid4(), "reference": f"PL-TR-{n:04d}",
                "requester": requester, "recipient": recipient, "status": status,
                "sent_at": None if status == "draft" else rng.choice(MOMENTS),
                "result": rng.choice([None, "traced", "partly_traced", "not_traced"])
                if status != "sent" else None,
            })  # fmt: skip
        _insert(s, p)
    return p


def _insert(s: Session, p: Planted) -> None:
    now = utcnow()
    for r in p.records:
        aid, country = p.agencies[r["owner"]]
        s.add(FirearmRecord(
            uuid=r["uuid"], reference=r["reference"], owner_agency_id=aid, owner_country=country,
            distribution=r["distribution"], status=r["status"], weapon_type=r["weapon_type"],
            make=r["make"], make_code=r["make_code"], calibre=r["calibre"],
            calibre_code=r["calibre_code"], country_of_manufacture=r["country_of_manufacture"],
            year_of_manufacture=r["year_of_manufacture"], event_date=r["event_date"],
            origin_established=r["origin_established"], origin_source=r["origin_source"],
            deleted_at=now if r["deleted"] else None,
        ))  # fmt: skip
    s.flush()
    for z in p.seizures:
        aid, country = p.agencies[z["owner"]]
        s.add(Seizure(
            uuid=z["uuid"], reference=z["reference"], owner_agency_id=aid, owner_country=country,
            distribution=z["distribution"], occurred_at=z["occurred_at"], context=z["context"],
            origin_country=z["origin_country"], destination_country=z["destination_country"],
            transit_countries=z["transit_countries"], criminal_context=z["criminal_context"],
            seizing_agency_id=aid, deleted_at=now if z["deleted"] else None,
        ))  # fmt: skip
    s.flush()
    for i in p.items:
        s.add(SeizedItem(
            seizure_id=i["seizure"], position=i["position"], kind=i["kind"],
            record_id=i.get("record"), part_kind=i.get("part_kind", ""),
            calibre=i.get("calibre", ""), calibre_code=i.get("calibre_code"),
            unit=i["unit"], quantity=i["quantity"], deleted_at=now if i["deleted"] else None,
        ))  # fmt: skip
    for t in p.traces:
        req_id, req_country = p.agencies[t["requester"]]
        rec_id, rec_country = p.agencies[t["recipient"]]
        s.add(TraceRequest(
            uuid=t["uuid"], reference=t["reference"], requester_agency_id=req_id,
            requester_agency_code=t["requester"], requester_country=req_country,
            recipient_agency_id=rec_id, recipient_agency_code=t["recipient"],
            recipient_country=rec_country, status=t["status"], sent_at=t["sent_at"],
            result=t["result"],
        ))  # fmt: skip
    s.flush()


# ---------------------------------------------------------------- the expected figures


class Expected:
    """The questionnaire recomputed in Python for ``scope``: ("national", "BA") or
    ("agency", "BA-UIO")."""

    def __init__(self, p: Planted, kind: str, who: str) -> None:
        self.p, self.kind, self.who = p, kind, who

    def owned(self, owner: str) -> bool:
        return owner.startswith(self.who + "-") if self.kind == "national" else owner == self.who

    def arms(self) -> list[dict[str, Any]]:
        return [
            r for r in self.p.records
            if self.owned(r["owner"]) and not r["deleted"]
            and r["status"] in ("seized", "found", "surrendered")
            and r["event_date"] is not None and date(YEAR, 1, 1) <= r["event_date"] <= date(YEAR, 12, 31)
        ]  # fmt: skip

    def context_of(self, record: dict[str, Any]) -> str:
        seizures = {z["uuid"]: z for z in self.p.seizures}
        for i in self.p.items:
            if i.get("record") == record["uuid"] and not i["deleted"]:
                z = seizures[i["seizure"]]
                return "none" if z["deleted"] else z["context"]
        return "none"

    def key(self, dimension: str, r: dict[str, Any]) -> str:
        if dimension == "type":
            return r["weapon_type"] or "unknown"
        if dimension in ("make", "calibre"):
            return r[f"{dimension}_code"] or (r[dimension] or "").strip() or "unknown"
        if dimension == "made":
            return r["country_of_manufacture"] or "unknown"
        return self.context_of(r)

    def arms_table(self, dimension: str) -> dict[str, dict[str, int]]:
        out: dict[str, Counter[str]] = defaultdict(Counter)
        for r in self.arms():
            out[self.key(dimension, r)][r["status"]] += 1
        return {k: dict(v) for k, v in out.items()}

    def seizures(self) -> list[dict[str, Any]]:
        return [
            z for z in self.p.seizures
            if self.owned(z["owner"]) and not z["deleted"] and START <= z["occurred_at"] < END
        ]  # fmt: skip

    def items(self, seizure: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
        return [
            i for i in self.p.items
            if i["seizure"] == seizure["uuid"] and not i["deleted"] and (kind is None or i["kind"] == kind)
        ]  # fmt: skip

    def quantities(self, kind: str) -> dict[tuple[str, str], tuple[int, float]]:
        out: dict[tuple[str, str], tuple[int, float]] = {}
        for z in self.seizures():
            for i in self.items(z, kind):
                if kind == "part":
                    key = (i["part_kind"] or "unknown", i["unit"])
                else:
                    key = (i["calibre_code"] or i["calibre"].strip() or "unknown", i["unit"])
                lines, qty = out.get(key, (0, 0.0))
                out[key] = (lines + 1, qty + i["quantity"])
        return out

    def routes(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for z in self.seizures():
            if not (z["origin_country"] or z["destination_country"] or z["transit_countries"]):
                continue
            key = ">".join(
                x or "-"
                for x in (z["origin_country"], z["transit_countries"], z["destination_country"])
            )
            n, guns = out.get(key, (0, 0))
            out[key] = (n + 1, guns + len(self.items(z, "firearm")))
        return out

    def significant(self) -> set[uuid.UUID]:
        found = set()
        for z in self.seizures():
            items = self.items(z)
            if not items:
                continue
            guns = sum(1 for i in items if i["kind"] == "firearm")
            rounds = sum(
                i["quantity"]
                for i in items
                if i["kind"] == "ammunition" and i["unit"] in ("rounds", "pieces")
            )
            parts = sum(i["quantity"] for i in items if i["kind"] == "part")
            if guns >= 5 or rounds >= 1000 or parts >= 10:
                found.add(z["uuid"])
        return found

    def traces(self, direction: str) -> dict[str, dict[str, int]]:
        out: dict[str, Counter[str]] = defaultdict(Counter)
        for t in self.p.traces:
            mine, other = (
                (t["requester"], t["recipient"])
                if direction == "sent"
                else (t["recipient"], t["requester"])
            )
            if not self.owned(mine) or t["status"] == "draft" or t["sent_at"] is None:
                continue
            if not START <= t["sent_at"] < END:
                continue
            out[self.p.agencies[other][1]][t["result"] or "pending"] += 1
        return {k: dict(v) for k, v in out.items()}

    def sdg(self) -> tuple[int, int, int]:
        antiques = [
            r
            for r in self.arms()
            if r["year_of_manufacture"] is not None and r["year_of_manufacture"] < 1900
        ]
        counted = [r for r in self.arms() if r not in antiques]
        return len(counted), sum(1 for r in counted if r["origin_established"]), len(antiques)
