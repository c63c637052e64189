"""Rule hygiene in the back-test: rules whose hit rate is below the random sample's and
rules that select more than the set share of traffic are flagged, in the API and in the
editor before activation."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
from support import World, client_for, login, token_client

from kalibar.targeting.engine import backtest
from kalibar.targeting.fields import COLUMNS
from kalibar.targeting.hygiene import check
from kalibar.targeting.rules import parse_rules

RULES = """rules:
  - id: WEAK
    lane: red
    weight: 50
    rationale: finds less than chance
    instructions: open
    when: {terms: [alpha]}
  - id: GOOD
    lane: red
    weight: 50
    rationale: finds a lot
    instructions: open
    when: {terms: [delta]}
  - id: BROAD
    lane: yellow
    weight: 10
    rationale: fires on everything
    instructions: check
    when: {terms: [books]}
"""


def history_rows() -> list[dict[str, str]]:
    """1000 declarations: 30 'alpha' (inspected, 1 found), 10 'delta' (inspected, 6 found),
    the rest 'books' (50 of them drawn at random and inspected, 5 found: 10 %)."""
    rows = []
    for i in range(1000):
        if i < 30:
            text, inspected, found, drawn = "alpha", True, i < 1, False
        elif i < 40:
            text, inspected, found, drawn = "delta", True, i < 36, False
        else:
            text, inspected, found, drawn = "books", i < 90, i < 45, i < 90
        rows.append(
            {
                **{c: "" for c in COLUMNS},
                "declaration_id": f"H-{i}",
                "flow": "postal",
                "lodged_at": "2026-01-05T10:00:00Z",
                "office": "BA-SA-POST",
                "declared_description": text,
                "hs_code": "4901",
                "quantity": "1",
                "gross_weight_kg": "1",
                "declared_value": "10",
                "currency": "EUR",
                "origin_country": "DE",
                "consignee_country": "BA",
                "item_category": "sale",
                "inspected": "1" if inspected else "0",
                "outcome": ("firearms" if found else "no_finding") if inspected else "",
                "random": "1" if drawn else "0",
            }
        )
    return rows


def test_backtest_flags_weak_and_broad_rules() -> None:
    frame = pl.DataFrame(history_rows())
    result = backtest(frame, parse_rules(RULES))
    assert (result.random_inspected, result.random_positive) == (50, 5)
    checked = check(result)
    assert checked.source == "file" and checked.baseline == 0.1
    assert checked.flags == {"WEAK": ["below_random"], "GOOD": [], "BROAD": ["too_broad"]}
    # without a random sample in the file, the agency's recorded one is the baseline
    no_random = backtest(frame.drop("random"), parse_rules(RULES))
    assert check(no_random, agency_rate=0.5).flags["GOOD"] == []
    assert check(no_random, agency_rate=0.7).flags["GOOD"] == ["below_random"]
    assert check(no_random).source == "all"


def _file() -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*COLUMNS, "inspected", "outcome", "random"])
    writer.writeheader()
    writer.writerows(history_rows())
    return out.getvalue().encode("utf-8")


def test_editor_and_api_show_the_flags_before_activation(world: World) -> None:
    api = token_client(world.engine, "admin")
    r = api.post(
        "/api/v1/targeting/rules/backtest",
        data={"yaml": RULES},
        files={"file": ("history.csv", _file(), "text/csv")},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["hygiene"]["flags"] == {"WEAK": ["below_random"], "BROAD": ["too_broad"]}
    assert {x["rule"]: x["flags"] for x in body["rules"]}["GOOD"] == []
    client = client_for(world.engine)
    csrf = login(client, "admin", world.passwords["admin"])
    page = client.post(
        "/targeting/rules/backtest",
        data={"yaml": RULES, "csrf_token": csrf},
        files={"file": ("history.csv", _file(), "text/csv")},
    )
    assert page.status_code == 200, page.text
    assert "rule-hygiene" in page.text and "2 rules are flagged" in page.text
    assert "hit rate below the random sample" in page.text
    assert "selects more than the set share of traffic" in page.text


def test_cli_backtest_prints_the_flags(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kalibar.app.cli import app

    history = tmp_path / "history.csv"
    history.write_bytes(_file())
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    out = CliRunner().invoke(
        app, ["targeting", "backtest", str(history), "--rules", str(rules)], env={"COLUMNS": "250"}
    )
    assert out.exit_code == 0, out.output
    weak = next(line for line in out.output.splitlines() if "WEAK" in line)
    assert "hit rate below the random sample" in weak
    good = next(line for line in out.output.splitlines() if "GOOD" in line)
    assert "below" not in good and "share" not in good
