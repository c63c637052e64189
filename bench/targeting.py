"""Screening benchmark: 1,000,000 declarations, ~50 active rules, vectorised vs row by row.

    .venv/bin/python bench/targeting.py [--declarations 1000000] [--sample 20000]
        [--watchlist 10000] [--model train|VERSION] [--names 200000]

Generates a synthetic history (not timed), writes it as CSV, then times the end-to-end
screen step by step (read CSV → features → watchlist → model score → rules → lanes →
LANES.csv; the same calls as ``screen.screen``). The same rules are evaluated row by row
in plain Python on a sample and extrapolated. Prints the steps, declarations/s and the
ratio.

``--watchlist N``: N entries (persons, companies, addresses, phones, plates), a quarter of
them taken from the file (a few respelled in Cyrillic or without diacritics) so there are
hits, the rest invented. The generator repeats a handful of party names; for the bench,
consignee and consignor names are redrawn from a pool of ``--names`` invented names
(not timed) so the matching sees realistic numbers of distinct names. ``--model train``
trains a model on a 60,000-declaration history first (not timed); a version loads it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from kalibar.app import assemble
from kalibar.demo.targeting.synthetic import generate, write_csv
from kalibar.targeting import norms
from kalibar.targeting.engine import active_rules, evaluate, evaluate_rows, group_rows
from kalibar.targeting.features import prepare, read_frame
from kalibar.targeting.lanes import DEFAULT_CAPACITY, LanePolicy, assign, quota
from kalibar.targeting.model import RiskModel, declaration_features, load_model, threads
from kalibar.targeting.names import entries_frame, watchlist_per_declaration
from kalibar.targeting.rules import Rule, load_rules, parse_rules
from kalibar.targeting.screen import model_policy

_VARIANT = """\
  - id: V{i:02d}
    lane: {lane}
    weight: {w}
    rationale: variant {i}
    instructions: check
    when:
      flow: {flow}
      office: {{starts_with: ["BA-"]}}
      value_per_kg: {{ge: {vpk}}}
      any:
        - keywords: [{kw}]
        - hs_heading: ["{hs}", "8708", "7318"]
      consignee_country: {{in: [BA, RS, ME]}}
"""
_KW = [
    "hand_tools",
    "auto_parts",
    "steel_pins",
    "toys",
    "sports",
    "printer_3d",
    "clothing",
    "electronics",
    "firearm",
    "gun_parts",
]


def ruleset(total: int) -> list[Rule]:
    starter = [r for r in load_rules() if r.active]
    extra = "".join(
        _VARIANT.format(
            i=i,
            lane=("red", "yellow", "blue")[i % 3],
            w=5 + i,
            flow=("postal", "express", "cargo")[i % 3],
            vpk=20 + 7 * i,
            kw=_KW[i % len(_KW)],
            hs=("8205", "9506", "3926", "9503")[i % 4],
        )
        for i in range(total - len(starter))
    )
    return starter + parse_rules("rules:\n" + extra)


_FIRST = [
    "Marko",
    "Ana",
    "Ivan",
    "Jelena",
    "Nikola",
    "Amra",
    "Emir",
    "Dragan",
    "Milica",
    "Stefan",
    "Lejla",
    "Tarik",
    "Petar",
    "Maja",
]
_SYLL = (
    ["ka", "lo", "mi", "ra", "ne", "vo", "st", "dr", "zi", "ba", "ko", "ja", "ri", "pe", "tu"],
    ["ha", "se", "mu", "li", "go", "da", "bre", "ni", "to", "vu", "je", "sa", "ple", "ze"],
)
_CYR = str.maketrans(
    "abvgdđežzijklmnoprstćufhcčšABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠ",
    "абвгдђежзијклмнопрстћуфхцчшАБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШ",
)


def name_pool(n: int, seed: int) -> list[str]:
    """``n`` distinct invented names: a first name and a surname (or a company name) made of
    syllables, so that there are many distinct, realistic-looking names. Seeds draw from
    disjoint syllable sets (the file's parties and the invented entries never meet)."""
    rng = np.random.default_rng(seed)
    syll = _SYLL[seed % 2]
    out: set[str] = set()
    while len(out) < n:
        sur = "".join(rng.choice(syll, size=int(rng.integers(2, 4)))).capitalize() + "ić"
        if rng.random() < 0.2:
            word = "".join(rng.choice(syll, size=3)).capitalize()
            out.add(f"{word} {sur} d.o.o.")
        else:
            out.add(f"{rng.choice(_FIRST)} {sur}")
    return sorted(out)


def diversify(frame: pl.DataFrame, pool_size: int) -> pl.DataFrame:
    """Party names redrawn per declaration from an invented pool (see the module doc)."""
    pool = pl.Series(name_pool(pool_size, 2))
    ids = frame["declaration_id"].hash(seed=11)
    return frame.with_columns(
        pool.gather((ids % len(pool)).cast(pl.Int64)).alias("consignee_name"),
        pool.gather(((ids // 7) % len(pool)).cast(pl.Int64)).alias("consignor_name"),
    )


def watchlist(frame: pl.DataFrame, n: int) -> pl.DataFrame:
    """``n`` entries: a quarter from the file (some respelled), the rest invented."""
    rng = np.random.default_rng(5)
    real = n // 4
    take = {
        "person": ("consignee_name", real // 2),
        "address": ("consignee_address", 3),  # the generator has ~100 addresses
        "phone": ("consignee_phone", real // 4),
        "plate": ("vehicle_registration", real // 8),
    }
    rows: list[tuple[str, str, str, str]] = []
    for kind, (col, k) in take.items():
        distinct = frame[col].unique().sort()
        values = distinct.filter(distinct != "").to_list()
        picked = rng.choice(values, size=min(k, len(values)), replace=False)
        for i, v in enumerate(picked):
            v = str(v)
            if kind == "person" and i % 3 == 0:
                v = v.translate(_CYR)
            elif kind == "person" and i % 3 == 1:
                v = v.replace("ć", "c").replace("Đ", "Dj").replace("đ", "dj")
            rows.append((kind, v, "", f"{kind}-{i}"))
    for i, v in enumerate(name_pool(n - len(rows), 1)):
        rows.append(("company" if v.endswith("d.o.o.") else "person", v, "", f"x-{i}"))
    return pl.DataFrame(rows, schema=["kind", "name", "country", "entry_id"], orient="row")


def risk_model(spec: str) -> RiskModel:
    if spec != "train":
        return load_model(spec)
    from kalibar.targeting.training import train

    history = generate(60_000, seed=2, illicit_scale=20.0).drop("pattern")
    model, _meta = train(history, rules=load_rules(None), seed=1)
    return model


def capacity_check(lanes: pl.DataFrame, policy: LanePolicy) -> str:
    """Red and yellow (random sample aside, mandatory hits counted apart) within the
    capacity of every office and flow?"""
    per = lanes.group_by("office", "flow").agg(
        pl.len().alias("n"),
        ((pl.col("lane") == "red") & ~pl.col("random") & ~pl.col("mandatory")).sum().alias("red"),
        ((pl.col("lane") == "yellow") & ~pl.col("random")).sum().alias("yellow"),
        pl.col("random").sum().alias("drawn"),
    )
    worst, ok = 0.0, True
    for office, flow, n, red, yellow, _drawn in per.iter_rows():
        for lane, got in (("red", red), ("yellow", yellow)):
            rate = policy.rate(office, flow, lane)
            if rate is not None:
                ok &= got <= quota(n, rate)
                worst = max(worst, got / n / rate if rate else 0.0)
    share = {k: float(v) for k, v in per.select(
        (pl.col("red").sum() / pl.col("n").sum()).alias("red"),
        (pl.col("yellow").sum() / pl.col("n").sum()).alias("yellow"),
        (pl.col("drawn").sum() / pl.col("n").sum()).alias("random"),
    ).row(0, named=True).items()}  # fmt: skip
    return (
        f"capacity: {per.height} offices x flows, red {share['red']:.2%} and yellow "
        f"{share['yellow']:.2%} of declarations (caps {policy.defaults}), random sample "
        f"{share['random']:.2%} on top; within capacity everywhere: {ok} "
        f"(fullest lane at {worst:.0%} of its cap)"
    )


def main() -> None:
    assemble()  # the ORM listeners and audit rules, as every entry point does
    ap = argparse.ArgumentParser()
    ap.add_argument("--declarations", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=20_000)
    ap.add_argument("--rules", type=int, default=50)
    ap.add_argument("--watchlist", type=int, default=0, help="watchlist entries (0: none)")
    ap.add_argument("--names", type=int, default=200_000, help="distinct party names")
    ap.add_argument("--model", default=None, help="'train' or a stored model version")
    args = ap.parse_args()
    rules = ruleset(args.rules)
    t = time.perf_counter()
    frame = generate(args.declarations, seed=1, history=False)
    if args.watchlist:
        frame = diversify(frame, args.names)
    entries = watchlist(frame, args.watchlist) if args.watchlist else None
    model = risk_model(args.model) if args.model else None
    print(
        f"generated {args.declarations:,} declarations ({frame.height:,} item rows)"
        + (f", {args.watchlist:,} watchlist entries" if entries is not None else "")
        + (f", model {model.version}" if model is not None else "")
        + f" in {time.perf_counter() - t:.1f} s (not timed)"
    )
    if entries is not None:
        print(
            "distinct values: "
            + ", ".join(
                f"{c} {frame[c].n_unique():,}"
                for c in ("consignor_name", "consignee_name", "consignee_address")
                + ("consignee_phone", "vehicle_registration")
            )
        )
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "declarations.csv", Path(tmp) / "lanes.csv"
        write_csv(frame, src)
        policy = LanePolicy(random_rate=0.01, seed=7, defaults=dict(DEFAULT_CAPACITY))
        steps: dict[str, float] = {}
        t0 = time.perf_counter()
        items = read_frame(src)
        steps["read"] = time.perf_counter() - t0
        t = time.perf_counter()
        feats = prepare(items)
        steps["features"] = time.perf_counter() - t
        hits = None
        if entries is not None:
            t = time.perf_counter()
            hits = watchlist_per_declaration(feats, entries_frame(entries))
            feats = feats.join(hits, on="declaration_id", how="left", maintain_order="left")
            feats = feats.with_columns(
                pl.col("watchlist_score").fill_null(0.0),
                pl.col("watchlist_reason").fill_null(""),
            ).with_columns((pl.col("watchlist_score") > 0).alias("watchlist_hit"))
            steps["watchlist"] = time.perf_counter() - t
        scored = None
        if model is not None:
            # as screen.screen_file: the norms of the file itself (norms.from_traffic)
            t = time.perf_counter()
            model = norms.from_traffic(model, feats, prepared=True)
            steps["norms"] = time.perf_counter() - t
            assert model is not None
            t = time.perf_counter()
            scored = model.score(feats, explain_top=0, prepared=True)
            steps["model"] = time.perf_counter() - t
            policy = model_policy(policy)
        t = time.perf_counter()
        decl = evaluate(feats, active_rules(rules), prepared=True)
        steps["rules"] = time.perf_counter() - t
        t = time.perf_counter()
        if hits is not None:
            decl = decl.join(
                hits.select("declaration_id", "watchlist_reason"),
                on="declaration_id",
                how="left",
                maintain_order="left",
            )
        if scored is not None:
            decl = decl.hstack([scored["score"]])  # same declaration order (checked below)
            assert scored["declaration_id"].equals(decl["declaration_id"])
        lanes = assign(decl, policy)
        steps["lanes"] = time.perf_counter() - t
        t = time.perf_counter()
        lanes.select("declaration_id", "score", "lane", "reasons").write_csv(out)
        steps["write"] = time.perf_counter() - t
        t5 = time.perf_counter()
    total = t5 - t0
    rate = args.declarations / total
    print(f"rules active: {len(rules)}")
    print(
        f"vectorised end to end: {total:.2f} s  ("
        + ", ".join(f"{k} {v:.2f}" for k, v in steps.items())
        + f")  = {rate:,.0f} declarations/s"
    )
    sample = frame.head(
        frame["declaration_id"].search_sorted(frame["declaration_id"][0][:3] + f"{args.sample:09d}")
    ).drop("pattern")
    decls = group_rows(sample.to_dicts())
    t6 = time.perf_counter()
    evaluate_rows(decls, rules)
    slow = time.perf_counter() - t6
    per_s = len(decls) / slow
    print(
        f"row by row (Python) on {len(decls):,} declarations: {slow:.2f} s = {per_s:,.0f}/s, "
        f"extrapolated to {args.declarations:,}: {args.declarations / per_s:.0f} s"
    )
    print(f"ratio (vectorised end to end vs row-by-row rules only): {rate / per_s:.1f}x")
    counts = dict(lanes.group_by("lane").len().iter_rows())
    print(
        "lanes:", ", ".join(f"{k}={counts.get(k, 0):,}" for k in ("red", "yellow", "blue", "green"))
    )
    print(capacity_check(lanes, policy))
    if model is not None and scored is not None:
        # the model step as it was: scikit-learn's predict_proba on the same matrix
        t = time.perf_counter()
        decl_x = declaration_features(feats, prepared=True, signals=model.signals)
        x = model.encoder.transform(decl_x)
        with threads(len(x)):
            old = model.adjusted(model.estimator.predict_proba(x)[:, 1], decl_x)
        slow_model = time.perf_counter() - t
        same = bool(np.allclose(old, scored["score"].to_numpy(), rtol=0, atol=1e-12))
        print(
            f"model step: compiled predictor {steps['model']:.2f} s, predict_proba path "
            f"{slow_model:.2f} s ({slow_model / steps['model']:.1f}x), same scores: {same}"
        )
    if hits is not None:
        wl = lanes.filter(pl.col("reasons").str.contains("watchlist:", literal=True)).height
        print(f"watchlist hits: {hits.height:,} declarations ({wl:,} with the reason)")


if __name__ == "__main__":
    main()
