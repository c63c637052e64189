"""A second, independent recall check: another register and another error model.

    .venv/bin/python bench/second_check.py --records 200000 --per-kind 300

``bench/families.py`` misreads ``bench/misreadings.py``'s register with that module's
error model; tuning the matcher on it alone would fit one generator. This check uses the
register of ``kalibar.demo.matching`` (other formats, model prefixes such as
"M70AB2 …") and its own slips, drawn from how a serial is misread off a worn stamp or
mistyped on a keypad rather than uniformly: a digit typed as its neighbour on the numeric
keypad, a repeated keystroke (a doubled character), an omitted character, two adjacent
characters swapped, a character rubbed out (``?``) and a worn run (``*`` over one to
three characters). Each kind with one and with two slips, with and without the make.

Serials of a disjoint part of the same register, misread the same way, are checked as
serials *not* in the register: the AUC of the true record's score (and calibrated
confidence) against their best candidate is the second, independent AUC.

The setting named in ``--compare`` (``fills``: unreadable marks filled,
``fill_by_neighbours``: a mark inside a digit run filled with digits only,
``transposition=X``: the transposition cost, ``calibration=OLD.json``: the confidence
model before) is switched off, then on, and the same queries are checked both ways in
this process, so the figures are before/after pairs.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from families import auc

from kalibar.demo.matching import MODEL_PREFIXES, generate_records
from kalibar.matching import MatchConfig, MatchEngine, calibration
from kalibar.matching import prepare as prep
from kalibar.matching.config import Costs

#: Neighbours of each digit on a numeric keypad (7 8 9 / 4 5 6 / 1 2 3 / 0).
KEYPAD = {"7": "84", "8": "795", "9": "86", "4": "751", "5": "8462", "6": "953",
          "1": "42", "2": "153", "3": "62", "0": "12"}  # fmt: skip
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
Record = tuple[str, str, str, str, str, str]


def _body(s: str) -> list[int]:
    start = s.rfind(" ") + 1  # the model token is not the serial
    return [i for i, c in enumerate(s) if c.isalnum() and i >= start]


def keypad(s: str, r: random.Random) -> str:
    idx = [i for i in _body(s) if s[i].isdigit()] or _body(s)
    i = r.choice(idx)
    c = s[i]
    new = r.choice(KEYPAD[c]) if c in KEYPAD else r.choice([x for x in LETTERS if x != c])
    return s[:i] + new + s[i + 1 :]


def doubled(s: str, r: random.Random) -> str:
    i = r.choice(_body(s))
    return s[: i + 1] + s[i] + s[i + 1 :]


def omitted(s: str, r: random.Random) -> str:
    i = r.choice(_body(s))
    return s[:i] + s[i + 1 :]


def swapped(s: str, r: random.Random) -> str:
    body = _body(s)
    pairs = [i for i in body if i + 1 in body and s[i] != s[i + 1]]
    if not pairs:
        return keypad(s, r)
    i = r.choice(pairs)
    return s[:i] + s[i + 1] + s[i] + s[i + 2 :]


def rubbed(s: str, r: random.Random) -> str:
    i = r.choice(_body(s))
    return s[:i] + "?" + s[i + 1 :]


def worn(s: str, r: random.Random) -> str:
    body = _body(s)
    n = r.choice((1, 2, 2, 3))
    i = r.choice(body[: max(1, len(body) - n)])
    return s[:i] + "*" + s[i + n :]


SLIPS: dict[str, Callable[[str, random.Random], str]] = {
    "keypad": keypad, "doubled": doubled, "omitted": omitted, "swapped": swapped,
    "rubbed": rubbed, "worn": worn,
}  # fmt: skip


def kinds() -> list[tuple[str, list[str], bool]]:
    """(name, slips, make given): one slip of each kind, two mixed, each with and without
    the make."""
    out = []
    for make in (False, True):
        tag = " +make" if make else ""
        for name in SLIPS:
            out.append((f"1 {name}{tag}", [name], make))
        out.append((f"2 mixed{tag}", ["*2"], make))
    return out


def misread(serial: str, slips: list[str], r: random.Random) -> str:
    if slips == ["*2"]:
        slips = r.sample([k for k in SLIPS if k != "worn"], 2)
    s = serial
    for k in slips:
        s = SLIPS[k](s, r)
    return s


def checks(
    records: list[Record], per_kind: int, r: random.Random
) -> list[tuple[str, Record, str, str | None]]:
    """``(kind, record, typed, make or None)``, ``per_kind`` of each kind."""
    out = []
    for name, slips, make in kinds():
        for _ in range(per_kind):
            rec = records[r.randrange(len(records))]
            if len(_body(rec[1])) >= 4:
                out.append((name, rec, misread(rec[1], slips, r), rec[2] if make else None))
    return out


def engine(records: list[Record], costs: Costs | None = None) -> MatchEngine:
    config = MatchConfig(costs=costs or Costs(), model_prefixes=MODEL_PREFIXES)
    return MatchEngine.build(records, config)


class _Switch:
    """A setting of ``--compare`` off (before) or on (after)."""

    def __init__(self, setting: str, on: bool) -> None:
        self.setting, self.on = setting, on
        self.costs = Costs()
        if setting.startswith("transposition="):
            self.costs = Costs(transposition=float(setting.split("=")[1]) if on else 1.0)

    def __enter__(self) -> _Switch:
        self.fill_max, self.path = prep.FILL_MAX, calibration._PATH
        self.by_class = prep.FILL_BY_NEIGHBOURS
        if self.setting == "fills" and not self.on:
            prep.FILL_MAX = 0
        if self.setting == "fill_by_neighbours":
            prep.FILL_BY_NEIGHBOURS = self.on
        if self.setting.startswith("calibration=") and not self.on:
            calibration._PATH = Path(self.setting.split("=", 1)[1])
        prep._fills.cache_clear()
        calibration.model.cache_clear()
        return self

    def __exit__(self, *exc: object) -> None:
        prep.FILL_MAX, calibration._PATH = self.fill_max, self.path
        prep.FILL_BY_NEIGHBOURS = self.by_class
        prep._fills.cache_clear()
        calibration.model.cache_clear()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--per-kind", type=int, default=300)
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument(
        "--compare", default="fills",
        help="fills | fill_by_neighbours | transposition=0.7 | calibration=OLD.json | none",
    )  # fmt: skip
    args = ap.parse_args()

    both = generate_records(args.records + args.records // 10, seed=args.seed)
    records, outside = both[: args.records], both[args.records :]
    qs = checks(records, args.per_kind, random.Random(args.seed + 1))
    absent = checks(outside, max(1, args.per_kind // 3), random.Random(args.seed + 2))
    results: dict[str, dict[str, list[int | None]]] = {}
    for label, on in (("before", False), ("after", True)):
        with _Switch(args.compare, on) as switch:
            eng = engine(records, switch.costs)
            t = time.perf_counter()
            got: dict[str, list[int | None]] = {}
            present = []
            for name, rec, typed, make in qs:
                cands = eng.query(typed, make=make, limit=10)
                keys = [c.key for c in cands]
                rank = keys.index(rec[0]) if rec[0] in keys else None
                got.setdefault(name, []).append(rank)
                present.append((cands, rank))
            took = time.perf_counter() - t
            best = [eng.query(typed, make=make, limit=10) for _n, _r, typed, make in absent]
        results[label] = got
        print(f"{label}: {len(qs)} checks in {took:.1f} s ({args.compare} {'on' if on else 'off'})")
        for attr in ("score", "confidence"):
            pos = np.array([getattr(c[k], attr) if k is not None else 0.0 for c, k in present])
            neg = np.array([getattr(c[0], attr) if c else 0.0 for c in best])
            found = np.array([getattr(c[k], attr) for c, k in present if k is not None])
            print(
                f"  AUC ({attr}) {auc(pos, neg):.3f} (misses scored 0), {auc(found, neg):.3f} "
                f"(true record returned) vs best candidate of {len(neg)} absent serials"
            )
    head = ("kind".ljust(18), "n".rjust(4), " @1 before", "@1 after", " @10 before", "@10 after")
    print(" ".join(head))
    tot = {k: [0, 0] for k in results}
    n_all = 0
    for name in results["before"]:
        row = [name.ljust(18), f"{len(results['before'][name]):4d} "]
        for at in (0, 9):
            for label in ("before", "after"):
                ranks = results[label][name]
                hit = sum(1 for x in ranks if x is not None and x <= at)
                row.append(f"{hit / len(ranks):9.3f}")
                tot[label][at == 9] += hit
        n_all += len(results["before"][name])
        print(" ".join(row))
    print(
        f"{'overall':18} {n_all:4d}  {tot['before'][0] / n_all:9.3f} {tot['after'][0] / n_all:8.3f}"
        f"  {tot['before'][1] / n_all:10.3f} {tot['after'][1] / n_all:9.3f}"
    )


if __name__ == "__main__":
    main()
