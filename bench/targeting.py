"""Screening benchmark: 1,000,000 declarations, ~50 active rules, vectorised vs row by row.

    .venv/bin/python bench/targeting.py [--declarations 1000000] [--sample 20000]

Generates a synthetic history (not timed), writes it as CSV, then times the end-to-end
screen (read CSV → features → rules → lanes → LANES.csv). The same rules are evaluated
row by row in plain Python on a sample and extrapolated. Prints rows/s and the ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from kalibar.targeting.engine import evaluate_rows, group_rows
from kalibar.targeting.features import read_frame
from kalibar.targeting.lanes import LanePolicy
from kalibar.targeting.rules import Rule, load_rules, parse_rules
from kalibar.targeting.screen import screen
from kalibar.targeting.synthetic import generate, write_csv

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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--declarations", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=20_000)
    ap.add_argument("--rules", type=int, default=50)
    args = ap.parse_args()
    rules = ruleset(args.rules)
    t = time.perf_counter()
    frame = generate(args.declarations, seed=1, history=False)
    print(
        f"generated {args.declarations:,} declarations ({frame.height:,} item rows) "
        f"in {time.perf_counter() - t:.1f} s (not timed)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "declarations.csv", Path(tmp) / "lanes.csv"
        write_csv(frame, src)
        policy = LanePolicy(random_rate=0.01, seed=7, rates={"*/*": {"red": 0.02}})
        t0 = time.perf_counter()
        items = read_frame(src)
        t1 = time.perf_counter()
        lanes = screen(items, rules=rules, policy=policy)
        t2 = time.perf_counter()
        lanes.select("declaration_id", "score", "lane", "reasons").write_csv(out)
        t3 = time.perf_counter()
    total = t3 - t0
    rate = args.declarations / total
    print(f"rules active: {len(rules)}")
    print(
        f"vectorised end to end: {total:.2f} s  (read {t1 - t0:.2f}, screen {t2 - t1:.2f}, "
        f"write {t3 - t2:.2f})  = {rate:,.0f} declarations/s"
    )
    sample = frame.head(
        frame["declaration_id"].search_sorted(frame["declaration_id"][0][:3] + f"{args.sample:09d}")
    ).drop("pattern")
    decls = group_rows(sample.to_dicts())
    t4 = time.perf_counter()
    evaluate_rows(decls, rules)
    slow = time.perf_counter() - t4
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


if __name__ == "__main__":
    main()
