"""Calibrated confidence: the random-match expectation, the own entry left out, and the
alert's list (the same in the per-record and the bulk hit paths)."""

from __future__ import annotations

import random

from kalibar.matching import MatchEngine, Query
from kalibar.matching.calibration import ALERT_LIST, Chance, alert_confidences, confidences


def _engine(n: int = 3000) -> MatchEngine:
    rnd = random.Random(5)
    rows = {f"{rnd.randrange(10**6):06d}" for _ in range(n)}
    rows |= {f"AB{rnd.randrange(10**8):08d}" for _ in range(50)}
    rows |= {f"1234{i:02d}" for i in range(40)}  # a crowded corner
    return MatchEngine.build([(f"k{i}", s) for i, s in enumerate(sorted(rows))])


def test_chance_grows_with_crowded_shapes_and_with_edits() -> None:
    chance = _engine().chance()
    six = chance.log_expected("123456", 1)
    assert six > chance.log_expected("123456", 0)
    assert chance.log_expected("123456", 2) > six
    # a ten-character serial with letters one edit away is not met by chance
    assert chance.log_expected("AB12345678", 1) < six - 3
    # a shape the register does not hold
    assert chance.log_expected("XYZXYZ", 1) == -6.0


def test_chance_of_a_base_counts_length_and_digits() -> None:
    engine = MatchEngine.build([("a", "123456"), ("b", "654321"), ("c", "AB1234")])
    counts = engine.chance().counts
    assert counts[6, 6] == 2 and counts[6, 4] == 1 and counts.sum() == 3
    assert isinstance(engine.chance(), Chance)


def test_own_entry_is_left_out_of_margin_and_crowding() -> None:
    engine = _engine()
    found = engine.query("12345?", limit=10)
    assert len(found) > 2
    own = found[0].key
    got = confidences(found, False, engine.chance(), 3, exclude=own)
    rest = [c for c in found if c.key != own]
    want = confidences(rest, False, engine.chance(), 3)
    assert got[0] == 0.0 and got[1:] == want


def test_alert_confidence_is_over_the_first_candidates_only() -> None:
    engine = _engine()
    found = engine.query("1234??", limit=ALERT_LIST + 5)
    assert len(found) > ALERT_LIST
    conf = engine.alert_confidences(Query("1234??"), found)
    assert conf[ALERT_LIST:] == [0.0] * (len(found) - ALERT_LIST)
    p = engine._prepare(Query("1234??"))
    assert conf[:ALERT_LIST] == alert_confidences(found[:ALERT_LIST], False, len(p.readings))
    # the alert model does not read the register-dependent feature
    assert conf[:ALERT_LIST] == confidences(found[:ALERT_LIST], False, None, len(p.readings),
                                            kind="alert")  # fmt: skip
