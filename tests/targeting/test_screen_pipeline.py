"""Screening end to end with watchlists and the model: the watchlist columns and the
model score come before rules and lanes, the same from ``screen()``, the CLI and the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from support import World, client_for
from test_api_screenings import _token, books

from kalibar.demo.targeting.synthetic import generate
from kalibar.records.cli import cli_actor
from kalibar.targeting.lanes import LanePolicy
from kalibar.targeting.model import RiskModel
from kalibar.targeting.names import WatchEntry
from kalibar.targeting.rules import load_rules
from kalibar.targeting.screen import screen
from kalibar.targeting.screening import Parsed, screen_parsed
from kalibar.targeting.training import train
from kalibar.targeting.watchlists import add_entry

POLICY = LanePolicy(random_rate=0.0)


def _books(declaration_id: str, consignee: str) -> dict[str, str]:
    row: dict[str, Any] = {**books(declaration_id), **books(declaration_id)["items"][0]}
    row.pop("items")
    row["consignee_name"] = consignee
    return {k: str(v) for k, v in row.items()}


def test_watchlist_hit_goes_red_with_the_reason() -> None:
    items = pl.DataFrame([_books("W-1", "Djordjevic Marko"), _books("W-2", "Ana Babić")])
    entries = [WatchEntry(kind="person", name="Ђорђевић Марко", entry_id="e1")]
    lanes = screen(items, rules=load_rules(), policy=POLICY, watchlist=entries)
    by = {r["declaration_id"]: r for r in lanes.to_dicts()}
    assert by["W-1"]["lane"] == "red"
    assert "WATCHLIST-PARTY" in by["W-1"]["rules"]
    assert "watchlist:" in by["W-1"]["reasons"] and "Ђорђевић Марко" in by["W-1"]["reasons"]
    assert by["W-2"]["lane"] == "green" and "watchlist" not in by["W-2"]["reasons"]
    # Without a watchlist the rule is simply not hit.
    plain = screen(items, rules=load_rules(), policy=POLICY)
    assert set(plain["lane"]) == {"green"}


def test_small_batch_path_gives_the_same_lane() -> None:
    rows = [_books("W-1", "Djordjevic Marko"), _books("W-2", "Ana Babić")]
    parsed = Parsed(rows={r["declaration_id"]: [r] for r in rows})
    entries = [WatchEntry(kind="person", name="Đorđević Marko")]
    results = {r.declaration_id: r for r in screen_parsed(parsed, watchlist=entries, policy=POLICY)}
    frame = screen(pl.DataFrame(rows), rules=load_rules(), policy=POLICY, watchlist=entries)
    for row in frame.to_dicts():
        assert results[row["declaration_id"]].lane == row["lane"]
    assert results["W-1"].lane == "red"
    assert any(r.startswith("watchlist:") for r in results["W-1"].reasons)


@pytest.fixture(scope="module")
def tiny_model() -> RiskModel:
    history = generate(12_000, seed=5, illicit_scale=60.0).drop("pattern")
    model, _meta = train(history, rules=load_rules(None), seed=1, max_iter=20)
    return model


def test_model_score_and_thresholds(tiny_model: RiskModel) -> None:
    items = generate(2_000, seed=9, history=False, illicit_scale=60.0).drop("pattern")
    scores = tiny_model.score(items, explain_top=0)
    cut = float(scores["score"].quantile(0.9))
    policy = LanePolicy(random_rate=0.0, score_thresholds={"red": cut})
    lanes = screen(items, rules=[], policy=policy, model=tiny_model, explain=True)
    assert lanes["model_score"].null_count() == 0
    joined = lanes.join(scores, on="declaration_id")
    assert (joined["model_score"] - joined["score_right"]).abs().max() < 1e-9  # type: ignore[operator]
    assert (lanes.filter(pl.col("model_score") >= cut)["lane"] == "red").all()
    assert (lanes.filter(pl.col("model_score") < cut)["lane"] == "green").all()
    assert lanes["reasons"].str.contains("score:").all()
    red = lanes.filter(pl.col("lane") == "red")
    assert red.height > 0 and (red["top_features"] != "").any()
    assert (lanes.filter(pl.col("lane") == "green")["top_features"] == "").all()


def test_cli_screen_with_agency_and_model(
    world: World, tmp_path: Path, tiny_model: RiskModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from kalibar.app.cli import app

    with world.session() as s:
        add_entry(s, actor=cli_actor(s, "BA-UIO"), kind="person", name="Đorđević Marko")
        s.commit()
    monkeypatch.setenv("KALIBAR_DATABASE_URL", world.engine.url.render_as_string(False))
    from kalibar.config import get_settings

    get_settings.cache_clear()
    tiny_model.save(tmp_path / "models")
    src, out = tmp_path / "d.csv", tmp_path / "lanes.csv"
    pl.DataFrame([_books("W-1", "Dordevic Marko"), _books("W-2", "Ana Babić")]).write_csv(src)
    args = ["targeting", "screen", str(src), "--out", str(out), "--random-rate", "0"]
    args += ["--agency", "BA-UIO", "--model", "latest", "--model-dir", str(tmp_path / "models")]
    try:
        result = CliRunner().invoke(app, args)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "the model's norms" in result.output  # two declarations: too few to learn from
    lanes = {r["declaration_id"]: r for r in pl.read_csv(out).to_dicts()}
    assert lanes["W-1"]["lane"] == "red" and "watchlist:" in lanes["W-1"]["reasons"]
    assert "score:" in lanes["W-2"]["reasons"]


def test_api_uses_the_agencys_watchlist(world: World) -> None:
    with world.session() as s:
        add_entry(s, actor=cli_actor(s, "BA-UIO"), kind="person", name="Ђорђевић Марко")
        s.commit()
    body = books("W-1")
    body["consignee_name"] = "Djordjevic Marko"
    r = client_for(world.engine).post(
        "/api/v1/screenings", json={"declarations": [body, books("B-2")]}, headers=_token(world)
    )
    assert r.status_code == 200, r.text
    results = {x["declaration_id"]: x for x in r.json()["results"]}
    assert results["W-1"]["lane"] == "red"
    assert any(x.startswith("watchlist:") for x in results["W-1"]["reasons"])
    assert results["W-1"]["instructions"][0]["rule"] == "WATCHLIST-PARTY"
    assert results["B-2"]["lane"] in ("green", "red")  # red only if drawn at random
    entries = [WatchEntry(kind="person", name="Ђорђевић Марко")]
    items = pl.DataFrame([_books("W-1", "Djordjevic Marko")])
    same = screen(items, rules=load_rules(), policy=POLICY, watchlist=entries)
    assert same["lane"][0] == results["W-1"]["lane"]
