"""Screening benchmark: 1,000,000 declarations, ~50 active rules, vectorised vs row by row.

    .venv/bin/python bench/targeting.py [--declarations 1000000] [--sample 20000]

Generates a synthetic history (not timed), writes it as CSV, then times the end-to-end
screen step by step (read CSV → features → rules → lanes → LANES.csv; the same calls as
``screen.screen``). The same rules are evaluated row by row in plain Python on a sample
and extrapolated. Prints the steps, declarations/s and the ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from kalibar.targeting.engine import active_rules, evaluate, evaluate_rows, group_rows
from kalibar.targeting.features import prepare, read_frame
from kalibar.targeting.lanes import LanePolicy, assign
from kalibar.targeting.rules import Rule, load_rules, parse_rules
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
        feats = prepare(items)
        t2 = time.perf_counter()
        decl = evaluate(feats, active_rules(rules), prepared=True)
        t3 = time.perf_counter()
        lanes = assign(decl, policy)
        t4 = time.perf_counter()
        lanes.select("declaration_id", "score", "lane", "reasons").write_csv(out)
        t5 = time.perf_counter()
    total = t5 - t0
    rate = args.declarations / total
    print(f"rules active: {len(rules)}")
    steps = {
        "read": t1 - t0,
        "features": t2 - t1,
        "rules": t3 - t2,
        "lanes": t4 - t3,
        "write": t5 - t4,
    }
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


if __name__ == "__main__":
    main()
