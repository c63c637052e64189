"""A third generator of declarations: a check against tuning on the second one.

``bench/targeting_generalise.py`` reports the model on ``traffic_independent`` (the second
generator) and on this one. Nothing here was taken from either earlier generator or tuned
to make a figure move: other goods (bicycle parts, shoes, tea, wine, garden tools, guitar
parts, perfume, car audio, ceramics, children's clothes), other decoys (paintball markers,
air rifles, crossbows, knife sets, binoculars), other languages' mix (mk, sq, sl, it, en,
hr), other offices, routes and currencies, its own price drift, and six schemes:

- ``slide_as_bike_hub`` pistol slides and barrels as bicycle hubs: right weight, worth far
  more than a hub;
- ``ammo_in_wine`` cartridges in wine cases: heavier than bottles, cheaper per kg;
- ``receiver_as_garden_tool`` receivers as pruning shears: worth far more;
- ``gun_in_guitar_case`` a rifle in a guitar part's parcel: heavy for a guitar part;
- ``ammo_as_tea`` cartridges as tea: heavy for tea;
- ``pistol_in_car_audio`` pistols among car audio amplifiers: nothing off (same weight and
  value as the goods, only the route and the traders give it away).

About 0.25 % of declarations hold firearms, parts or ammunition; a tenth of the schemes'
declarations pass through a different dispatch country. ``generate`` returns item rows
with the file's columns, ``inspected``/``outcome`` (a 2 % control sample and officers'
picks) and the truth columns ``truth`` and ``scheme``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import numpy as np
import polars as pl


class Kind(NamedTuple):
    words: tuple[str, ...]
    hs: tuple[str, ...]
    kg: tuple[float, float]  # per piece (log-uniform)
    eur: tuple[float, float]  # per piece (log-uniform)
    qty: tuple[int, int]
    origin: tuple[str, ...]
    scheme: str = ""
    outcome: str = ""
    share: float = 1.0


BIKE = ("glavčina za bicikl", "главчина за велосипед", "bicycle hub", "mozzo bici", "pesto kolesa")
WINE = ("crno vino", "вино црвено", "red wine 0.75", "vino rosso", "verë e kuqe", "belo vino")
SHEARS = ("vrtne škare", "градинарски ножици", "pruning shears", "cesoie da giardino", "škarje")
GUITAR = ("dijelovi za gitaru", "делови за гитару", "guitar parts", "ricambi chitarra", "kitara")
TEA = ("čaj zeleni", "зелен чај", "green tea", "tè verde", "çaj jeshil", "čaj")
AUDIO = ("auto pojačalo", "засилувач за автомобил", "car amplifier", "amplificatore auto")

LEGIT = (
    Kind(BIKE, ("8714.93", "8714.99"), (0.2, 1.2), (6, 60), (1, 6), ("CN", "TW", "IT")),
    Kind(
        ("cipele kožne", "чевли", "leather shoes", "scarpe in pelle", "këpucë"),
        ("6403.99", "6403.91"),
        (0.5, 1.4),
        (15, 140),
        (1, 4),
        ("IT", "PT", "VN"),
    ),
    Kind(TEA, ("0902.10", "0902.30"), (0.05, 0.3), (2, 18), (1, 12), ("CN", "IN", "LK")),
    Kind(WINE, ("2204.21",), (1.1, 1.5), (4, 35), (2, 12), ("IT", "FR", "MK", "HR")),
    Kind(SHEARS, ("8201.50", "8201.90"), (0.15, 0.6), (5, 40), (1, 5), ("DE", "PL", "CN")),
    Kind(GUITAR, ("9209.94",), (0.03, 0.9), (4, 110), (1, 8), ("US", "JP", "CN")),
    Kind(
        ("parfem", "парфем", "perfume 100ml", "profumo", "parfum"),
        ("3303.00",),
        (0.15, 0.4),
        (15, 110),
        (1, 4),
        ("FR", "AE", "IT"),
    ),
    Kind(AUDIO, ("8518.40", "8527.21"), (0.8, 2.8), (35, 280), (1, 3), ("DE", "JP", "CN")),
    Kind(
        ("keramičke šolje", "керамика", "ceramic mugs", "ceramica", "qeramikë"),
        ("6912.00",),
        (0.25, 0.5),
        (3, 20),
        (2, 12),
        ("PT", "CN", "RS"),
    ),
    Kind(
        ("dječja odjeća", "детска облека", "children's clothes", "abbigliamento bambino"),
        ("6111.20", "6209.20"),
        (0.1, 0.5),
        (4, 35),
        (1, 10),
        ("TR", "BD", "IT"),
    ),
)
DECOYS = (
    Kind(
        ("paintball marker", "пејнтбол маркер", "marcatore paintball"),
        ("9304.00",),
        (1.0, 1.8),
        (90, 380),
        (1, 2),
        ("US", "TW"),
        share=0.3,
    ),
    Kind(
        ("zračna puška 4.5mm", "воздушна пушка", "air rifle 4.5", "carabina aria compressa"),
        ("9304.00",),
        (2.5, 4.0),
        (120, 600),
        (1, 2),
        ("DE", "ES", "TR"),
        share=0.3,
    ),
    Kind(
        ("samostrel", "самострел", "crossbow", "balestra"),
        ("9506.99",),
        (2.0, 4.5),
        (90, 500),
        (1, 1),
        ("US", "CN"),
        share=0.2,
    ),
    Kind(
        ("set noževa", "сет ножеви", "knife set", "set coltelli"),
        ("8211.91", "8211.92"),
        (0.5, 2.0),
        (15, 160),
        (1, 3),
        ("DE", "JP", "CN"),
        share=0.4,
    ),
    Kind(
        ("dvogled", "двоглед", "binoculars 10x42", "binocolo"),
        ("9005.10",),
        (0.4, 1.0),
        (40, 500),
        (1, 2),
        ("JP", "CN", "AT"),
        share=0.4,
    ),
)
SCHEMES = (
    Kind(BIKE, ("8714.93",), (0.35, 0.7), (250, 700), (1, 3), ("US", "AT"),
         "slide_as_bike_hub", "parts", 0.0005),
    Kind(WINE, ("2204.21",), (2.0, 3.2), (3, 12), (2, 8), ("RS", "MK"),
         "ammo_in_wine", "ammunition", 0.0004),
    Kind(SHEARS, ("8201.50",), (0.6, 1.0), (200, 650), (1, 2), ("US", "CZ"),
         "receiver_as_garden_tool", "parts", 0.0004),
    Kind(GUITAR, ("9209.94",), (3.0, 4.5), (150, 900), (1, 1), ("US", "DE"),
         "gun_in_guitar_case", "firearms", 0.0003),
    Kind(TEA, ("0902.30",), (0.8, 1.6), (3, 15), (2, 8), ("TR", "AL"),
         "ammo_as_tea", "ammunition", 0.0004),
    Kind(AUDIO, ("8518.40",), (0.9, 2.6), (40, 260), (1, 2), ("DE", "AT"),
         "pistol_in_car_audio", "firearms", 0.0003),
)  # fmt: skip
OFFICES = ("MK-POSTA-SK", "AL-EXP-TIR", "SI-CARGO-OBR", "HR-POSTA-ST", "RS-EXP-NI", "BA-POSTA-MO")
FLOWS = ("postal", "express", "cargo")
VIA = ("GR", "SK", "IT", "BG")
CURRENCY = {"EUR": 1.0, "MKD": 0.0163, "ALL": 0.0104, "USD": 0.92}


def _loguniform(rng: np.random.Generator, bounds: np.ndarray) -> np.ndarray:
    lo, hi = np.log(bounds[:, 0]), np.log(bounds[:, 1])
    return np.exp(lo + (hi - lo) * rng.random(len(bounds)))


def generate(n: int, *, seed: int = 29, days: int = 200, drift_from: float = 0.6) -> pl.DataFrame:
    """``n`` one-item declarations over ``days``; prices rise 8 % after ``drift_from``."""
    rng = np.random.default_rng(seed)
    kinds = (*LEGIT, *DECOYS, *SCHEMES)
    legit_w = np.asarray([k.share for k in (*LEGIT, *DECOYS)])
    scheme_p = np.asarray([k.share for k in SCHEMES])
    p = np.concatenate([legit_w / legit_w.sum() * (1 - scheme_p.sum()), scheme_p])
    which = rng.choice(len(kinds), size=n, p=p)
    seconds = np.sort(rng.integers(0, days * 86400, n))
    late = seconds >= drift_from * days * 86400
    illicit = which >= len(LEGIT) + len(DECOYS)
    kg_b = np.asarray([kinds[i].kg for i in which])
    eur_b = np.asarray([kinds[i].eur for i in which])
    qty = np.asarray([rng.integers(kinds[i].qty[0], kinds[i].qty[1] + 1) for i in which])
    kg = qty * _loguniform(rng, kg_b)
    eur = qty * _loguniform(rng, eur_b) * np.where(late, 1.08, 1.0)
    origin = [kinds[i].origin[rng.integers(0, len(kinds[i].origin))] for i in which]
    detour = illicit & (rng.random(n) < 0.1) | (~illicit & (rng.random(n) < 0.08))
    via = [VIA[v] for v in rng.integers(0, len(VIA), n)]
    dispatch = [v if d else o for d, o, v in zip(detour, origin, via, strict=True)]
    pick = rng.integers(0, len(CURRENCY), n)
    currency = [list(CURRENCY)[c] for c in pick]
    rate = np.asarray([CURRENCY[c] for c in currency])
    start = datetime(2025, 6, 1, tzinfo=UTC)
    flows = rng.integers(0, len(FLOWS), n)
    frame = pl.DataFrame(
        {
            "declaration_id": [f"V{seed:02d}{i:08d}" for i in range(n)],
            "flow": [FLOWS[f] for f in flows],
            "lodged_at": [
                (start + timedelta(seconds=int(s))).strftime("%Y-%m-%dT%H:%M:%SZ")
                for s in seconds
            ],
            "office": [OFFICES[rng.integers(0, len(OFFICES))] for _ in range(n)],
            "declared_description": [
                kinds[i].words[rng.integers(0, len(kinds[i].words))] for i in which
            ],
            "hs_code": [kinds[i].hs[rng.integers(0, len(kinds[i].hs))] for i in which],
            "quantity": [str(q) for q in qty],
            "gross_weight_kg": [f"{v:.3f}" for v in kg],
            "declared_value": [f"{v:.2f}" for v in eur / rate],
            "currency": currency,
            "origin_country": origin,
            "dispatch_country": dispatch,
            "consignor_name": [f"Firma {rng.integers(0, 8000)}" for _ in range(n)],
            "consignor_address": [""] * n,
            "consignor_country": dispatch,
            "consignee_name": [f"Primalac {rng.integers(0, 60000)}" for _ in range(n)],
            "consignee_address": [f"Rruga {rng.integers(1, 500)}" for _ in range(n)],
            "consignee_city": [("Skopje", "Tirana", "Ljubljana", "Split", "Niš")[c]
                               for c in rng.integers(0, 5, n)],
            "consignee_country": [("MK", "AL", "SI", "HR", "RS")[c] for c in rng.integers(0, 5, n)],
            "consignee_phone": [f"+389 7{rng.integers(1_000_000, 9_999_999)}" for _ in range(n)],
            "transport_mode": ["road" if FLOWS[f] == "cargo" else "air" for f in flows],
            "vehicle_registration": [""] * n,
            "item_category": ["gift" if rng.random() < 0.3 else "sale" for _ in range(n)],
            "truth": illicit.astype(np.int8),
            "scheme": [kinds[i].scheme for i in which],
        }
    )  # fmt: skip
    picked = np.where(illicit, 0.15, np.where(which >= len(LEGIT), 0.1, 0.0)) + 0.02
    inspected = rng.random(n) < picked
    found = illicit & (rng.random(n) < 0.85)
    outcome = np.asarray([kinds[i].outcome or "no_finding" for i in which])
    outcome = np.where(inspected, np.where(found, outcome, "no_finding"), "")
    return frame.with_columns(
        pl.Series("inspected", np.where(inspected, "1", "0")),
        pl.Series("outcome", outcome.astype(str)),
    )


__all__ = ["generate"]
