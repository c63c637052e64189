"""Synthetic declarations with documented planted patterns and look-alike legitimate noise.

Deterministic per seed (numpy ``default_rng``); vectorised, so a million declarations take
seconds. Each declaration comes from one *template*; its ``pattern`` (kept in the truth
column, not written to files unless asked) says which. Planted counts are exact:
``round(n × share)`` declarations per illicit pattern, placed at random positions.

Illicit patterns (outcome when inspected):

- ``alarm_tr_bg`` — converted Turkish alarm pistols, express/postal, Turkey → Bulgaria →
  BA/RS/ME, 1–4 pieces declared as alarm/starting/gas pistols (9303.90, 9304) → firearms.
- ``parts_as_tools`` — pistol parts posted from US/DE/AT/CZ declared as hand tools (8205),
  auto parts (8708) or steel pins (7318): light, valuable per kg → parts.
- ``ammo_postal`` — ammunition in postal items declared as fishing weights, sports goods or
  metal parts (9506, 7326): heavy for their size, low value → ammunition.
- ``printer_3d_barrel`` — "3D printer parts/nozzles" (8485, 8477) from CN/US, far heavier
  per item than real nozzles: a barrel posted apart from the printed frame → parts.
- ``ant_vehicle`` — a few guns in a car or bus on BA/RS → HR/SI/AT routes, declared as
  personal belongings or household goods, with a vehicle plate → firearms.

Disguised variants (the harder cases, no keyword or decoy-heading rule names them):

- ``alarm_as_toy`` — the Turkish alarm pistols again, TR → BG, declared as toys, gifts or
  samples (9503, 9505) → firearms.
- ``parts_as_machine`` — pistol parts declared as machine or metal parts (8466, 8487,
  7326), light and valuable → parts.
- ``ammo_as_hardware`` — ammunition declared as hardware or lead sheet (7326, 7806, 8302),
  dense and cheap → ammunition.

Look-alike noise (legitimate): toys, gifts and clothes posted from Turkey via Bulgaria;
machine parts, bearings and hardware of every weight and value from the same countries;
licensed dealers' alarm pistols as cargo in hundreds;
real hand tools, auto parts, steel pins (heavier, cheaper per kg); fishing and sports
goods; real 3D printer nozzles (grams); buses and cars with belongings on the same
routes; and ordinary clothing, electronics, books, cosmetics.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from kalibar.demo.targeting.synthetic_templates import (
    CITIES,
    EUR_PER,
    NAMES,
    OFFICES,
    SENDERS,
    TEMPLATES,
)
from kalibar.targeting.fields import COLUMNS, HISTORY_COLUMNS


def _pick(rng: np.random.Generator, options: tuple[str, ...], n: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), n)]


def generate(
    n: int,
    *,
    seed: int = 0,
    start: datetime | None = None,
    days: int = 365,
    history: bool = True,
    illicit_scale: float = 1.0,
) -> pl.DataFrame:
    """``n`` declarations as item rows (file columns + ``pattern``), sorted by lodged time.

    ``illicit_scale`` multiplies every illicit share (tests use more planted cases)."""
    rng = np.random.default_rng(seed)
    start = start or datetime(2024, 1, 1, tzinfo=UTC)
    template = np.full(n, len(TEMPLATES) - 1, dtype=np.int64)
    free = rng.permutation(n)
    used = 0
    for t, tpl in enumerate(TEMPLATES[:-1]):
        share = tpl.share * (illicit_scale if tpl.pattern else 1.0)
        count = round(n * share)
        template[free[used : used + count]] = t
        used += count
    n_items = np.ones(n, dtype=np.int64)
    for t, tpl in enumerate(TEMPLATES):
        mask = template == t
        if tpl.items > 1:
            n_items[mask] = rng.choice([1, 1, 1, 2, 3][: 2 + tpl.items], mask.sum())
    seconds = np.sort(rng.integers(0, days * 86400, n))
    decl = pl.DataFrame(
        {
            "declaration_id": [f"D{seed:02d}{i:09d}" for i in range(n)],
            "_t": template,
            "_s": seconds,
        }
    )
    cols: dict[str, np.ndarray] = {}
    for name in (
        "flow",
        "office",
        "dispatch_country",
        "consignee_country",
        "transport_mode",
        "vehicle_registration",
        "consignor_country",
        "_pattern",
        "_outcome",
    ):
        cols[name] = np.empty(n, dtype=object)
    for t, tpl in enumerate(TEMPLATES):
        idx = np.flatnonzero(template == t)
        k = len(idx)
        if not k:
            continue
        flows = _pick(rng, tpl.flows, k)
        cols["flow"][idx] = flows
        cols["office"][idx] = [
            OFFICES[f][j % len(OFFICES[f])]
            for f, j in zip(flows, rng.integers(0, 6, k), strict=True)
        ]
        cols["dispatch_country"][idx] = _pick(rng, tpl.dispatch, k)
        cols["consignor_country"][idx] = cols["dispatch_country"][idx]
        cols["consignee_country"][idx] = _pick(rng, tpl.consignee, k)
        cols["transport_mode"][idx] = tpl.transport or "road"
        plates = [
            f"{a}-{b:03d}-{c}"
            for a, b, c in zip(
                _pick(rng, ("A12", "E45", "K78", "M03", "T55"), k),
                rng.integers(0, 1000, k),
                _pick(rng, ("AB", "KL", "JJ", "ZX"), k),
                strict=True,
            )
        ]
        cols["vehicle_registration"][idx] = plates if tpl.vehicle else ""
        cols["_pattern"][idx] = tpl.pattern
        cols["_outcome"][idx] = tpl.outcome
    for name, values in cols.items():
        decl = decl.with_columns(pl.Series(name, values, dtype=pl.Utf8))
    for name, pool in (
        ("consignee_name", NAMES),
        ("consignor_name", SENDERS),
        ("consignee_city", CITIES),
    ):
        decl = decl.with_columns(pl.Series(name, _pick(rng, pool, n), dtype=pl.Utf8))
    decl = decl.with_columns(
        (pl.lit(start) + pl.duration(seconds=pl.col("_s")))
        .dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        .alias("lodged_at"),
        pl.lit("").alias("consignor_address"),
        (pl.lit("Ulica ") + pl.col("_s").mod(97).cast(pl.Utf8)).alias("consignee_address"),
        (pl.lit("+387 6") + pl.col("_s").mod(9_999_999).cast(pl.Utf8)).alias("consignee_phone"),
        pl.when(pl.col("flow") == "postal")
        .then(pl.lit("gift"))
        .otherwise(pl.lit("sale"))
        .alias("item_category"),
    )
    items = decl.select(pl.all().repeat_by(pl.Series(n_items)).explode())
    m = items.height
    it = items["_t"].to_numpy()
    desc = np.empty(m, dtype=object)
    hs = np.empty(m, dtype=object)
    origin = np.empty(m, dtype=object)
    qty = np.zeros(m)
    kg = np.zeros(m)
    eur = np.zeros(m)
    for t, tpl in enumerate(TEMPLATES):
        idx = np.flatnonzero(it == t)
        k = len(idx)
        if not k:
            continue
        desc[idx] = _pick(rng, tpl.descriptions, k)
        hs[idx] = _pick(rng, tpl.hs, k)
        origin[idx] = _pick(rng, tpl.origin, k)
        qty[idx] = rng.integers(tpl.qty[0], tpl.qty[1] + 1, k)
        kg[idx] = qty[idx] * rng.uniform(*tpl.unit_kg, k)
        eur[idx] = qty[idx] * rng.uniform(*tpl.unit_eur, k)
    currency = np.where(rng.random(m) < 0.3, "BAM", "EUR")
    value = eur / np.vectorize(EUR_PER.get)(currency)
    items = items.with_columns(
        pl.Series("declared_description", desc, dtype=pl.Utf8),
        pl.Series("hs_code", hs, dtype=pl.Utf8),
        pl.Series("origin_country", origin, dtype=pl.Utf8),
        pl.Series("quantity", qty.astype(np.int64)).cast(pl.Utf8),
        pl.Series("gross_weight_kg", np.round(kg, 3)).cast(pl.Utf8),
        pl.Series("declared_value", np.round(value, 2)).cast(pl.Utf8),
        pl.Series("currency", currency, dtype=pl.Utf8),
    )
    if history:
        items = _history(items, rng, n)
    out = items.rename({"_pattern": "pattern"})
    keep = [*(HISTORY_COLUMNS if history else COLUMNS), "pattern"]
    return out.select(keep)


def _history(items: pl.DataFrame, rng: np.random.Generator, n: int) -> pl.DataFrame:
    """Past inspections: 3 % at random, 30 % of illicit ones (officers' instinct), 8 % of
    look-alikes; illicit goods are found 90 % of the time, other offences in 2 %."""
    per = items.group_by("declaration_id", maintain_order=True).agg(
        pl.col("_pattern").first(), pl.col("_outcome").first(), pl.col("_t").first()
    )
    u = rng.random(per.height)
    found = rng.random(per.height)
    other = rng.random(per.height)
    lookalike = per["_t"].to_numpy() < len(TEMPLATES) - 1
    illicit = (per["_pattern"] != "").to_numpy()
    p = np.where(illicit, 0.30, np.where(lookalike, 0.08, 0.03))
    inspected = u < p
    outcome = np.where(
        ~inspected,
        "",
        np.where(
            illicit & (found < 0.9),
            per["_outcome"].to_numpy(),
            np.where(other < 0.02, "other_offence", "no_finding"),
        ),
    )
    flags = pl.DataFrame(
        {
            "declaration_id": per["declaration_id"],
            "inspected": np.where(inspected, "1", "0"),
            "outcome": outcome.astype(str),
        }
    )
    return items.join(flags, on="declaration_id", how="left", maintain_order="left")


def write_csv(frame: pl.DataFrame, path: Path, *, truth: Path | None = None) -> None:
    """The file columns to ``path``; the planted ``pattern`` per declaration to ``truth``."""
    frame.drop("pattern").write_csv(path)
    if truth is not None:
        frame.select("declaration_id", "pattern").unique(
            "declaration_id", keep="first", maintain_order=True
        ).write_csv(truth)
