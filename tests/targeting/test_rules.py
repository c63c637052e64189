from __future__ import annotations

import polars as pl
import pytest

from kalibar.demo.targeting.synthetic import generate
from kalibar.errors import Invalid
from kalibar.targeting.engine import backtest, evaluate, evaluate_rows, group_rows
from kalibar.targeting.rules import load_rules, parse_rules

BAD = """\
rules:
  - id: GOOD-1
    lane: red
    weight: 10
    rationale: r
    instructions: i
    when:
      flow: postal
  - id: BAD-FIELD
    lane: red
    weight: 10
    rationale: r
    instructions: i
    when:
      colour: red
  - id: BAD-LANE
    lane: purple
    weight: heavy
    rationale: r
    instructions: i
    when:
      keywords: [no_such_group]
      unit_value: {gt: cheap}
"""


def test_dsl_errors_name_rule_and_position() -> None:
    with pytest.raises(Invalid) as info:
        parse_rules(BAD)
    errors = {(e["rule"], e["line"], e["column"]) for e in info.value.details}
    assert ("BAD-FIELD", 15, 7) in errors  # the unknown key 'colour'
    assert ("BAD-LANE", 17, 11) in errors  # lane: purple
    assert ("BAD-LANE", 18, 13) in errors  # weight: heavy
    assert ("BAD-LANE", 22, 18) in errors  # the unknown group
    assert ("BAD-LANE", 23, 24) in errors  # gt: cheap
    assert not any(e["rule"] == "GOOD-1" for e in info.value.details)


def test_yaml_syntax_error_has_position() -> None:
    with pytest.raises(Invalid) as info:
        parse_rules("rules:\n  - id: X\n    when: a: b\n")
    assert info.value.details[0]["line"] == 3


def test_starter_rules_load() -> None:
    rules = load_rules()
    assert len(rules) >= 10
    assert all(r.rationale and r.instructions for r in rules)


KNOWN = """\
rules:
  - id: ALARM-TR-BG
    lane: red
    weight: 50
    rationale: planted converted alarm pistols
    instructions: open
    when:
      keywords: [alarm_pistol]
      route: ["TR>BG>*"]
      flow: [express, postal]
      quantity: {le: 10}
"""


def test_backtest_counts_planted_pattern_exactly() -> None:
    frame = generate(50_000, seed=7, illicit_scale=20)
    planted = frame.filter(pl.col("pattern") == "alarm_tr_bg")["declaration_id"].n_unique()
    assert planted == round(50_000 * 0.00012 * 20)
    result = backtest(frame.drop("pattern"), parse_rules(KNOWN))
    assert result.rules[0].hits == planted
    truth = frame.group_by("declaration_id").agg(
        pl.col("pattern").first(), pl.col("inspected").first(), pl.col("outcome").first()
    )
    mine = truth.filter(pl.col("pattern") == "alarm_tr_bg")
    assert result.rules[0].inspected == mine.filter(pl.col("inspected") == "1").height
    assert result.rules[0].positive == mine.filter(pl.col("outcome") == "firearms").height


def test_backtest_on_hand_made_file() -> None:
    rows = []
    for i in range(10):
        rows.append(
            {
                "declaration_id": f"X{i}",
                "flow": "postal",
                "lodged_at": "2024-03-01",
                "declared_description": "Алармни пиштољ" if i < 7 else "Majica",
                "hs_code": "9303.90",
                "quantity": "1",
                "origin_country": "TR",
                "dispatch_country": "BG",
                "consignee_country": "BA",
                "inspected": "1" if i < 4 else "0",
                "outcome": "firearms" if i < 3 else ("no_finding" if i < 4 else ""),
            }
        )
    result = backtest(pl.DataFrame(rows), parse_rules(KNOWN))
    r = result.rules[0]
    assert (r.hits, r.inspected, r.positive) == (7, 4, 3)
    assert r.hit_rate == pytest.approx(0.75)


def test_validity_window_and_inactive() -> None:
    text = KNOWN + "    valid_from: 2024-06-01\n    active: false\n"
    rules = parse_rules(text)
    assert rules[0].active is False
    frame = generate(20_000, seed=3, illicit_scale=20).drop("pattern")
    hits = evaluate(frame, rules)["hit:ALARM-TR-BG"].sum()
    early = evaluate(frame.filter(pl.col("lodged_at") < "2024-06-01"), rules)
    assert early["hit:ALARM-TR-BG"].sum() == 0
    assert hits > 0


def test_vectorised_agrees_with_row_by_row() -> None:
    rules = load_rules()
    frame = generate(20_000, seed=11, illicit_scale=30).drop("pattern")
    fast = evaluate(frame, rules)
    slow = evaluate_rows(group_rows(frame.to_dicts()), rules)
    for row in fast.iter_rows(named=True):
        score, lane, hit = slow[row["declaration_id"]]
        assert row["rules"].split(";") if row["rules"] else hit == []
        assert (row["rule_score"], row["rule_lane"]) == (score, lane), row


def test_vectorised_agrees_with_more_than_64_rules_and_scattered_items() -> None:
    """Hits packed into two bit masks; a declaration's items not next to each other."""
    starter = load_rules()
    text = "rules:\n" + "".join(
        f"  - id: COPY-{i}\n    lane: {('red', 'yellow', 'blue')[i % 3]}\n    weight: {i + 1}\n"
        f"    rationale: r\n    instructions: i\n    when:\n"
        f"      value_per_kg: {{ge: {5 * i}}}\n"
        f"      flow: {('postal', 'express', 'cargo')[i % 3]}\n"
        for i in range(70 - len(starter))
    )
    rules = starter + parse_rules(text)
    frame = generate(3_000, seed=5, illicit_scale=30).drop("pattern")
    scattered = frame.sample(fraction=1.0, shuffle=True, seed=3)
    fast = evaluate(scattered, rules)
    assert fast.height == frame["declaration_id"].n_unique()
    slow = evaluate_rows(group_rows(frame.to_dicts()), rules)
    for row in fast.iter_rows(named=True):
        score, lane, hit = slow[row["declaration_id"]]
        assert row["rules"] == ";".join(hit)
        assert [r.id for r in rules if row[f"hit:{r.id}"]] == hit
        assert (row["rule_score"], row["rule_lane"]) == (score, lane), row
