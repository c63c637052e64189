"""Off for what it claims to be: the anomaly evidence (an empirical tail of the distance
from the heading's norm, weighted by training, never negatively) and the norms of the
agency's own recent traffic as the default of screening (both databases), with the
model's own norms as the fallback when there is too little traffic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from support import World, actor_of

from kalibar.demo.targeting.synthetic import generate, write_csv
from kalibar.targeting import norms
from kalibar.targeting.features import prepare
from kalibar.targeting.model import RiskModel, declaration_features
from kalibar.targeting.rules import load_rules
from kalibar.targeting.screening import import_and_screen
from kalibar.targeting.training import train


@pytest.fixture(scope="module")
def history() -> pl.DataFrame:
    return generate(40_000, seed=5, illicit_scale=20.0).drop("pattern")


@pytest.fixture(scope="module")
def model(history: pl.DataFrame) -> RiskModel:
    trained, _meta = train(history, rules=load_rules(None), seed=2, max_iter=40)
    return trained


def test_surprise_is_a_tail_probability(model: RiskModel) -> None:
    signals = model.signals
    assert signals is not None and signals.tail is not None
    d = np.asarray([0.0, 0.5, 1.0, 2.0, 5.0, 50.0, np.nan])
    s = signals.surprise(d)
    assert np.all(np.diff(s[:-1]) >= 0)  # farther from the norm: never less surprising
    assert s[0] == 0.0 and s[-1] == 0.0  # at the median's side and unknown: no evidence
    xs, ys = signals.tail
    assert ys[-1] == pytest.approx(-np.log(1.0 / 40_000), rel=0.2)  # capped at 1/n seen


def test_anomaly_weight_is_fitted_and_only_raises_risk(
    model: RiskModel, history: pl.DataFrame
) -> None:
    signals = model.signals
    assert signals is not None
    assert signals.anomaly_weight >= 0.0
    assert model.metadata["anomaly"]["weight"] == signals.anomaly_weight
    items = prepare(history.tail(3_000))
    decl = declaration_features(items, prepared=True, signals=signals)
    raw = model.predict(model.encoder.transform(decl))
    adjusted = model.adjusted(raw, decl)
    a = decl["anomaly"].to_numpy()
    q = np.clip(raw, 1e-6, 1 - 1e-6)
    lift = np.log(adjusted / (1 - adjusted)) - np.log(q / (1 - q))
    # the same offset for everyone, more log odds the more anomalous (never fewer)
    order = np.argsort(a, kind="stable")
    assert np.all(np.diff(lift[order]) >= -1e-6)
    steps = signals.adjust(np.full(5, 0.01), np.asarray([0.0, 1.0, 2.0, 5.0, 10.0]))
    assert np.all(np.diff(steps) >= 0)
    assert model.score(items, prepared=True, explain_top=0)["score"].to_numpy() == pytest.approx(
        adjusted
    )


def test_norms_of_recent_traffic_or_the_models_own(model: RiskModel, history: pl.DataFrame) -> None:
    signals = model.signals
    assert signals is not None
    assert norms.from_traffic(model, history.head(norms.MIN_TRAFFIC - 1)) is model
    # the same goods a third dearer and heavier: the traffic's norm moves with it
    dearer = history.head(20_000).with_columns(
        (pl.col("declared_value").cast(pl.Float64) * 1.33).cast(pl.Utf8),
        (pl.col("gross_weight_kg").cast(pl.Float64) * 1.33).cast(pl.Utf8),
    )
    fresh = norms.from_traffic(model, dearer)
    assert fresh is not None and fresh is not model and fresh.signals is not None
    assert fresh.metadata["norms"] == "traffic"
    assert fresh.signals.anomaly_weight == signals.anomaly_weight  # learned parts kept
    assert fresh.estimator is model.estimator
    items = prepare(dearer.tail(2_000))
    before = declaration_features(items, prepared=True, signals=signals)["anomaly"]
    after = declaration_features(items, prepared=True, signals=fresh.signals)["anomaly"]
    assert float(after.mean()) < float(before.mean())  # normal again against its own norms


def test_screening_measures_against_the_agencys_recent_traffic(
    world: World, tmp_path: Path, model: RiskModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "declarations.csv"
    write_csv(generate(1_500, seed=17), path)
    admin = actor_of(world, "admin")
    norms.forget()
    with world.session() as s:
        assert norms.with_norms(s, actor=admin, model=model) is model  # nothing stored yet
        assert norms.recent_traffic(s, actor=admin).height == 0
        import_and_screen(s, actor=admin, source=path, filename=path.name)
        s.commit()
    norms.forget()
    with world.session() as s:
        traffic = norms.recent_traffic(s, actor=admin)
        lodged = traffic["lodged_at"].str.to_datetime(time_zone="UTC")
        assert 0 < traffic["declaration_id"].n_unique() < 1_500  # the recent days only
        assert (lodged.max() - lodged.min()).days <= norms.RECENT_DAYS  # type: ignore[operator]
        assert norms.with_norms(s, actor=admin, model=model) is model  # too little: fallback
        norms.forget()
        monkeypatch.setattr(norms, "MIN_TRAFFIC", traffic.height)
        used = norms.with_norms(s, actor=admin, model=model)
        assert used is not model and used is not None
        assert used.metadata["norms"] == "traffic"
        assert norms.with_norms(s, actor=admin, model=model) is used  # cached
        # another agency holds none of this traffic: the model's own norms
        assert norms.with_norms(s, actor=actor_of(world, "border"), model=model) is model
    norms.forget()
