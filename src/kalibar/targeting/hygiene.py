"""Rule hygiene: which rules of a back-test deserve a second look before a rule set is
activated.

A rule is flagged

- ``below_random`` when the declarations it selected and that were inspected held
  firearms, parts or ammunition less often than the random control sample did (the
  unbiased baseline: the ``random`` column of the history file, else the agency's recorded
  random-sample inspections, else — said so — all inspections of the file): opening what
  it selects finds less than opening parcels at random;
- ``too_broad`` when it selects more than ``MAX_SHARE`` of the declarations: it would
  fill the inspection capacity on its own (with capacity, it now only pushes its hits up
  the ranking, but a rule that fires on legitimate goods that often carries little).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kalibar.i18n import _
from kalibar.targeting.engine import Backtest

#: Share of declarations above which a rule is flagged as too broad.
MAX_SHARE = 0.05
#: Fewer inspected hits than this: the rule's hit rate says too little to flag it.
MIN_INSPECTED = 5


@dataclass
class Hygiene:
    baseline: float | None
    #: "file" (random column), "agency" (recorded random-sample inspections), "all"
    #: (every inspection of the file: biased upwards by targeting) or "" (none).
    source: str
    max_share: float
    #: rule id → codes (``below_random``, ``too_broad``)
    flags: dict[str, list[str]] = field(default_factory=dict)

    @property
    def flagged(self) -> int:
        return sum(1 for codes in self.flags.values() if codes)

    def as_dict(self) -> dict[str, object]:
        return {
            "baseline": self.baseline,
            "baseline_source": self.source,
            "max_share": self.max_share,
            "flags": {rule: codes for rule, codes in self.flags.items() if codes},
        }


def check(
    result: Backtest,
    *,
    agency_rate: float | None = None,
    max_share: float = MAX_SHARE,
) -> Hygiene:
    """Flag the rules of ``result``; ``agency_rate`` is the agency's recorded random-sample
    hit rate, used when the file has no random sample."""
    if result.random_rate is not None:
        baseline, source = result.random_rate, "file"
    elif agency_rate is not None:
        baseline, source = agency_rate, "agency"
    elif result.base_rate is not None:
        baseline, source = result.base_rate, "all"
    else:
        baseline, source = None, ""
    out = Hygiene(baseline=baseline, source=source, max_share=max_share)
    for r in result.rules:
        codes = []
        rate = r.hit_rate
        enough = r.inspected >= MIN_INSPECTED
        if baseline is not None and rate is not None and enough and rate < baseline:
            codes.append("below_random")
        if result.declarations and r.hits / result.declarations > max_share:
            codes.append("too_broad")
        out.flags[r.rule] = codes
    return out


def flag_text(code: str) -> str:
    return {
        "below_random": _("hit rate below the random sample's"),
        "too_broad": _("selects more than the set share of traffic"),
    }.get(code, code)


def source_text(source: str) -> str:
    return {
        "file": _("the random control sample of the file"),
        "agency": _("your agency's recorded random control sample"),
        "all": _("all inspections of the file (no random sample known: biased upwards)"),
    }.get(source, "")
