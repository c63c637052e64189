"""Learning from Kalibar's own inspections (both databases): the history and its
selection weights read from the database, a candidate that does not screen until an
administrator activates it, the decision audited, and rollback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from support import World, actor_of

from kalibar.audit.models import AuditEntry
from kalibar.db.session import unit_of_work
from kalibar.demo.targeting.synthetic import generate, write_csv
from kalibar.errors import Forbidden, Invalid
from kalibar.targeting import model_versions
from kalibar.targeting.inspection_models import Screening
from kalibar.targeting.model import active_version, versions
from kalibar.targeting.model_version_models import ModelStatus, ModelVersion
from kalibar.targeting.models import Declaration
from kalibar.targeting.rules import load_rules
from kalibar.targeting.screening import import_and_screen


@pytest.fixture
def stored(world: World, tmp_path: Path) -> World:
    """An agency's history (inspections and what they found) imported and screened."""
    path = tmp_path / "history.csv"
    write_csv(generate(6_000, seed=13, illicit_scale=60.0), path)
    with world.session() as s:
        import_and_screen(s, actor=actor_of(world, "admin"), source=path, filename=path.name)
        s.commit()
    return world


def test_history_and_selection_weights_come_from_the_database(stored: World) -> None:
    with stored.session() as s:
        history, weights = model_versions.history_from_db(
            s, actor=actor_of(stored, "admin"), random_rate=0.01
        )
        drawn = set(
            s.execute(
                select(Declaration.declaration_id)
                .join(Screening, Screening.declaration_uuid == Declaration.uuid)
                .where(Screening.random, Declaration.inspected)
            ).scalars()
        )
        inspected = s.execute(select(Declaration).where(Declaration.inspected)).scalars().all()
    assert history["declaration_id"].n_unique() == 6_000
    by = dict(weights.iter_rows())
    assert set(by) == {d.declaration_id for d in inspected}
    assert drawn and all(by[d] == 100.0 for d in drawn)  # the random sample: 1 / rate
    assert all(v == 1.0 for k, v in by.items() if k not in drawn)  # selected ones: once
    # drift: every screening counted in its month, score bands summing to one
    with stored.session() as s:
        months = model_versions.drift(s, actor=actor_of(stored, "admin"))
    assert sum(m["screened"] for m in months) == 6_000
    assert all(abs(sum(m["bands"]) - 1.0) < 1e-9 for m in months)
    assert sum(m["random_inspected"] for m in months) == len(drawn)
    # another agency's officer sees none of it
    with stored.session() as s:
        _h, other = model_versions.history_from_db(s, actor=actor_of(stored, "border"))
    assert other.height == 0


def test_champion_challenger_decided_by_an_administrator(stored: World, tmp_path: Path) -> None:
    models = tmp_path / "models"
    rules = load_rules(None)
    with stored.session() as s, pytest.raises(Forbidden):
        model_versions.train_from_db(
            s, actor=actor_of(stored, "officer"), rules=rules, model_dir=models
        )
    admin = actor_of(stored, "admin")
    with unit_of_work(stored.engine, actor=admin) as s:
        first = model_versions.train_from_db(s, actor=admin, rules=rules, model_dir=models)
        s.commit()
        v1 = first.version
        comparison = json.loads(first.comparison)
    assert comparison["champion"] is None and comparison["challenger"]["version"] == v1
    assert comparison["period"]["inspected"] > 0
    assert versions(models) == [v1] and active_version(models) is None  # stored, not screening

    with unit_of_work(stored.engine, actor=admin) as s:
        with pytest.raises(Forbidden):
            model_versions.activate(
                s, actor=actor_of(stored, "officer"), version=v1, note="x", model_dir=models
            )
        with pytest.raises(Invalid):
            model_versions.activate(s, actor=admin, version=v1, note=" ", model_dir=models)
        model_versions.activate(s, actor=admin, version=v1, note="first model", model_dir=models)
        s.commit()
        model_versions.publish(s, models)
    assert active_version(models) == v1

    with unit_of_work(stored.engine, actor=admin) as s:
        second = model_versions.train_from_db(s, actor=admin, rules=rules, model_dir=models, seed=1)
        s.commit()
        v2 = second.version
        comparison = json.loads(second.comparison)
    assert comparison["champion"]["version"] == v1  # compared with the active one
    assert {"recall@1%", "auc", "brier"} <= set(comparison["challenger"])
    assert active_version(models) == v1  # the candidate waits for a decision

    with unit_of_work(stored.engine, actor=admin) as s:
        model_versions.activate(s, actor=admin, version=v2, note="better on May", model_dir=models)
        s.commit()
        model_versions.publish(s, models)
        status = dict(s.execute(select(ModelVersion.version, ModelVersion.status)).all())
    assert active_version(models) == v2
    assert status == {v1: ModelStatus.retired.value, v2: ModelStatus.active.value}

    with unit_of_work(stored.engine, actor=admin) as s:
        back = model_versions.rollback(s, actor=admin, note="too many reds", model_dir=models)
        s.commit()
        model_versions.publish(s, models)
        assert back.version == v1
        status = dict(s.execute(select(ModelVersion.version, ModelVersion.status)).all())
        trail = (
            s.execute(select(AuditEntry).where(AuditEntry.object_type == "ModelVersion"))
            .scalars()
            .all()
        )
    assert active_version(models) == v1
    assert status == {v1: ModelStatus.active.value, v2: ModelStatus.retired.value}
    decisions = [json.loads(e.changes) for e in trail if e.action == "update"]
    notes = [c["note"][1] for c in decisions if "note" in c]  # [old, new]
    assert "better on May" in notes and "too many reds" in notes
    assert any(c.get("status") == ["candidate", "active"] for c in decisions)
    assert all(e.actor == "admin" for e in trail)


def test_cli_activates_a_model_trained_from_a_file(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from kalibar.app.cli import app
    from kalibar.config import get_settings

    history = tmp_path / "history.csv"
    write_csv(generate(12_000, seed=5, illicit_scale=60.0), history)
    models = tmp_path / "models"
    monkeypatch.setenv("KALIBAR_DATABASE_URL", world.engine.url.render_as_string(False))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        trained = runner.invoke(
            app, ["targeting", "train", str(history), "--model-dir", str(models)]
        )
        assert trained.exit_code == 0, trained.output
        (version,) = versions(models)
        args = ["targeting", "activate", version, "--model-dir", str(models)]
        refused = runner.invoke(app, [*args, "--note", " "])
        assert refused.exit_code == 1 and active_version(models) == version  # no ACTIVE yet
        done = runner.invoke(app, [*args, "--note", "first model from the 2024 history"])
        assert done.exit_code == 0, done.output
        no_db = runner.invoke(app, ["targeting", "train", "--from-db"])
        assert no_db.exit_code == 1  # says it needs --agency
    finally:
        get_settings.cache_clear()
    assert (models / "ACTIVE").read_text(encoding="utf-8") == version
    with world.session() as s:
        row = s.execute(select(ModelVersion)).scalar_one()
        assert (row.version, row.source, row.status) == (version, "file", "active")
        actions = s.execute(
            select(AuditEntry.action).where(AuditEntry.object_type == "ModelVersion")
        ).scalars()
        assert sorted(actions) == ["insert", "update"]
