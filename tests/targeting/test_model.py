from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from kalibar.demo.targeting.synthetic import generate, write_csv
from kalibar.targeting.model import load_model, versions
from kalibar.targeting.rules import load_rules
from kalibar.targeting.training import at_k, train


@pytest.fixture(scope="module")
def history() -> pl.DataFrame:
    # more planted cases than real life so a small history has enough findings
    return generate(30_000, seed=7, illicit_scale=40.0)


@pytest.fixture(scope="module")
def trained(history: pl.DataFrame) -> tuple[object, dict[str, object]]:
    return train(history.drop("pattern"), rules=load_rules(None), seed=3, max_iter=60)


def test_at_k() -> None:
    scores = np.array([0.9, 0.8, 0.1, 0.0])
    y = np.array([1, 0, 1, 0])
    assert at_k(scores, y, 0.5) == (0.5, 0.5)


def test_training_is_deterministic(history: pl.DataFrame, trained: tuple) -> None:
    model, meta = trained
    again, meta2 = train(history.drop("pattern"), rules=load_rules(None), seed=3, max_iter=60)
    sample = history.head(2000).drop("pattern")
    a = model.score(sample, explain_top=0)["score"].to_numpy()
    b = again.score(sample, explain_top=0)["score"].to_numpy()
    assert np.array_equal(a, b)
    assert meta["metrics"] == meta2["metrics"]


def test_model_beats_random_on_held_out_period(trained: tuple) -> None:
    _model, meta = trained
    by = {m["method"]: m for m in meta["metrics"]}
    assert set(by) == {"model", "random", "rules"}
    assert meta["periods"]["test"]["hits"] > 0
    for k in ("1%", "5%"):
        assert by["model"][f"precision@{k}"] >= by["random"][f"precision@{k}"]
        assert by["model"][f"recall@{k}"] >= by["random"][f"recall@{k}"]
    # time-based split: training is strictly older than the held-out period
    assert meta["periods"]["train"]["to"] <= meta["periods"]["test"]["from"]


def test_scores_come_with_top_features(history: pl.DataFrame, trained: tuple) -> None:
    model, _ = trained
    scores = model.score(history.drop("pattern").head(3000), explain_top=50)
    assert scores["score"].is_between(0, 1).all()
    best = scores.sort("score", descending=True).head(5)
    assert all(best["top_features"].str.len_chars() > 0)
    name = best["top_features"][0].split(";")[0].split(":")[0]
    assert name in model.encoder.columns


def test_save_load_round_trip(tmp_path: Path, history: pl.DataFrame, trained: tuple) -> None:
    model, _ = trained
    folder = model.save(tmp_path)
    assert (folder / "metadata.json").is_file()
    assert versions(tmp_path) == [model.version]
    loaded = load_model("latest", tmp_path)
    assert loaded.version == model.version
    assert loaded.metadata["features"] == model.encoder.columns
    sample = history.drop("pattern").head(1000)
    assert model.score(sample, explain_top=20).equals(loaded.score(sample, explain_top=20))


def test_cli_train_and_score(tmp_path: Path) -> None:
    from kalibar.app.cli import app

    hist = tmp_path / "history.csv"
    write_csv(generate(10_000, seed=2, illicit_scale=60.0), hist)
    decls = tmp_path / "decls.csv"
    write_csv(generate(300, seed=9, history=False), decls)
    runner = CliRunner()
    res = runner.invoke(
        app, ["targeting", "train", str(hist), "--model-dir", str(tmp_path / "m"), "--seed", "1"]
    )
    assert res.exit_code == 0, res.output
    assert "precision@1%" in res.output
    out = tmp_path / "scores.csv"
    res = runner.invoke(
        app,
        ["targeting", "score", str(decls), "--model-dir", str(tmp_path / "m"), "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    frame = pl.read_csv(out)
    assert frame.columns == ["declaration_id", "score", "top_features"]
    assert frame.height == 300
