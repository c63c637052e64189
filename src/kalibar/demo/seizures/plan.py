"""What the demo seizures look like, decided without the database.

:func:`plan_block` turns ``(seed, block number)`` into :data:`BLOCK` planned seizures —
the same ones in every run — drawn from weighted *scenarios* that follow the region's
known patterns: "ant trafficking" (one to three pistols in a car or bus at a road
crossing), converted Turkish alarm pistols (express, post, cars from Turkey through
Bulgaria), gun parts and 3D-printed frames by post, ammunition in air passengers'
luggage, larger loads in trucks and containers, hand grenades, things found abandoned on
buses and trains, and vehicle searches near the border. Persons and vehicles are drawn
from a per-block, per-country pool so some appear in two to four seizures.

Firearms are planned as import rows of the records demo generator
(:mod:`kalibar.demo.records.generator`: the same realistic makes, models, spellings and
serials), with status ``seized`` and the seizure's date, place and agency.
"""

from __future__ import annotations

import random
from bisect import bisect
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import accumulate

from kalibar.demo.seizures.scenarios import (
    KINDS,
    SCENARIO_FUNCS,
    TAG,
    PlannedEntity,
    PlannedItem,
    PlannedSeizure,
    Pool,
    demo_id,
    id_range,
)
from kalibar.demo.seizures.texts import LEGAL_BASIS, narrative
from kalibar.seizures.places import Place, places

__all__ = ["BLOCK", "KINDS", "TAG", "PlannedEntity", "PlannedItem", "PlannedSeizure",
           "demo_id", "id_range", "plan_block", "today_utc"]  # fmt: skip

BLOCK = 256
WINDOW_DAYS = 3 * 365

# ------------------------------------------------------------------ weights

#: name → (weight, place kinds). Weights are per cent of seizures.
SCENARIOS: dict[str, tuple[float, tuple[str, ...]]] = {
    "ant_car": (27, ("road_crossing",)),
    "ant_bus": (10, ("road_crossing",)),
    "alarm_converted": (9, ("cargo_terminal", "postal_centre", "road_crossing")),
    "parts_post": (13, ("postal_centre", "cargo_terminal")),
    "printed_3d": (3, ("postal_centre", "cargo_terminal")),
    "ammo_air": (12, ("airport",)),
    "cargo": (8, ("cargo_terminal", "port", "road_crossing")),
    "explosives": (4, ("road_crossing",)),
    "rail": (3, ("rail_crossing",)),
    "found": (5, ("road_crossing", "rail_crossing", "airport")),
    "inland": (6, ("road_crossing",)),
}
COUNTRY_WEIGHTS = {"BA": 55, "RS": 18, "HR": 17, "ME": 10}
#: Customs of each country; Bosnia also has its border police and postal operators.
CUSTOMS = {"BA": "BA-UIO", "RS": "RS-UC", "HR": "HR-CU", "ME": "ME-UPC"}
POSTAL = {"BA-POST-SARAJEVO": "BA-BHP", "BA-POST-BANJA-LUKA": "BA-PS", "BA-POST-MOSTAR": "BA-HPM"}
#: Who takes a case over from customs or border police.
INVESTIGATORS = {"BA": "BA-SIPA", "RS": "RS-MUP", "HR": "HR-MUP", "ME": "ME-UP"}
USERS = {"BA-UIO": "officer", "BA-GP": "border", "RS-UC": "rs.officer", "HR-CU": "hr.officer",
         "ME-UPC": "me.officer", "BA-SIPA": "investigator"}  # fmt: skip
BUSY = {"BA-IZACIC", "BA-GRADISKA", "BA-BIJACA", "BA-RACA", "BA-KARAKAJ", "BA-ORASJE",
        "BA-DELEUSA", "RS-BATROVCI", "RS-PRESEVO", "RS-SREMSKA-RACA", "RS-HORGOS",
        "HR-BAJAKOVO", "HR-BREGANA", "HR-STARA-GRADISKA", "HR-NOVA-SELA", "ME-DEBELI-BRIJEG",
        "ME-SUKOBIN", "ME-DOBRAKOVO", "BA-AIRPORT-SJJ", "RS-AIRPORT-BEG", "HR-AIRPORT-ZAG",
        "BA-POST-SARAJEVO", "RS-POST-BEOGRAD", "HR-POST-ZAGREB"}  # fmt: skip
# ------------------------------------------------------------------ places


@lru_cache(maxsize=1)
def _places_by() -> dict[tuple[str, str], tuple[list[Place], list[float]]]:
    out: dict[tuple[str, str], tuple[list[Place], list[float]]] = {}
    for p in places():
        ps, ws = out.setdefault((p.country, p.kind), ([], []))
        ps.append(p)
        ws.append(4.0 if p.code in BUSY else 1.0)
    return out


def _place(rng: random.Random, country: str, kinds: tuple[str, ...]) -> Place:
    table = _places_by()
    options = [k for k in kinds if (country, k) in table] or ["road_crossing"]
    ps, ws = table[(country, rng.choice(options))]
    return rng.choices(ps, weights=ws)[0]


def _agency_for(rng: random.Random, place: Place, scenario: str) -> str:
    if place.country != "BA":
        return CUSTOMS[place.country]
    if place.kind == "postal_centre":
        return POSTAL.get(place.code, "BA-UIO") if rng.random() < 0.25 else "BA-UIO"
    if place.kind in ("cargo_terminal", "port") or scenario in ("alarm_converted", "cargo"):
        return "BA-UIO"
    return "BA-GP" if rng.random() < 0.55 else "BA-UIO"


# ------------------------------------------------------------------ the block


def plan_block(seed: int, block: int, *, today: datetime) -> list[PlannedSeizure]:
    """Seizures ``block * BLOCK`` .. ``+ BLOCK - 1`` of ``seed``, dated before ``today``."""
    rng = random.Random(f"kalibar-seizures:{seed}:{block}")  # noqa: S311 - demo data
    pool = Pool(seed, block)
    names = list(SCENARIOS)
    cum = list(accumulate(w for w, _k in SCENARIOS.values()))
    countries = list(COUNTRY_WEIGHTS)
    ccum = list(accumulate(COUNTRY_WEIGHTS.values()))
    out = []
    for i in range(BLOCK):
        index = block * BLOCK + i
        scenario = names[bisect(cum, rng.random() * cum[-1])]
        country = countries[bisect(ccum, rng.random() * ccum[-1])]
        place = _place(rng, country, SCENARIOS[scenario][1])
        agency = _agency_for(rng, place, scenario)
        age = timedelta(days=rng.random() * WINDOW_DAYS, hours=1)
        hour = rng.choices(range(24), weights=[1, 1, 1, 1, 1, 2] + [4] * 16 + [2, 1])[0]
        at = (today - age).replace(hour=hour, minute=rng.randrange(60), second=0, microsecond=0)
        at = min(at, today - timedelta(hours=1))
        s = PlannedSeizure(index, demo_id("seizure", seed, index), agency, at, {}, [])
        s.recorded_by = USERS.get(agency, "demo")
        SCENARIO_FUNCS[scenario](rng, s, place, pool, seed)
        s.values.setdefault("legal_basis", LEGAL_BASIS[place.country])
        s.values["narrative"] = narrative(rng, scenario, s.values, place, s.items)
        s.fate = rng.random()
        if (
            agency != INVESTIGATORS.get(place.country)
            and s.fate < 0.22
            and any(it.kind in ("firearm", "explosive") for it in s.items)
        ):
            s.handover_to = INVESTIGATORS.get(place.country)
        out.append(s)
    return out


def today_utc() -> datetime:
    """The anchor of the demo window: the current hour, so reruns agree within it."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
