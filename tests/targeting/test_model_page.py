"""The models page: administrators see the versions with their figures and the drift,
activate one with a reason (audited, and screening uses it), officers are refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from support import World, client_for, csrf_from, login

from kalibar.audit.models import AuditEntry
from kalibar.db.session import unit_of_work
from kalibar.demo.targeting.synthetic import generate
from kalibar.targeting.model import active_version
from kalibar.targeting.model_version_models import ModelVersion
from kalibar.targeting.rules import load_rules
from kalibar.targeting.screening import current_model
from kalibar.targeting.training import train


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from kalibar.config import get_settings

    monkeypatch.setenv("KALIBAR_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        yield tmp_path
    finally:
        get_settings.cache_clear()


def test_activate_through_the_page(world: World, data_dir: Path) -> None:
    history = generate(12_000, seed=5, illicit_scale=60.0).drop("pattern")
    model, meta = train(history, rules=load_rules(None), seed=1, max_iter=20)
    model.save()
    with unit_of_work(world.engine) as s:
        s.add(
            ModelVersion(
                version=model.version,
                source="file",
                trained_by="test",
                metrics=json.dumps({"metrics": meta["metrics"]}),
                comparison=json.dumps({"challenger": {"version": model.version, "auc": 0.9}}),
            )
        )
    from kalibar.targeting.model import write_active

    write_active(None)  # stored, not screening
    assert current_model() is None

    officer = client_for(world.engine)
    login(officer, "officer", world.passwords["officer"])
    assert officer.get("/targeting/models").status_code == 403

    client = client_for(world.engine)
    login(client, "admin", world.passwords["admin"])
    page = client.get("/targeting/models")
    assert page.status_code == 200 and model.version in page.text
    csrf = csrf_from(page.text)
    refused = client.post(
        "/targeting/models/decide",
        data={"action": "activate", "version": model.version, "note": "", "csrf_token": csrf},
    )
    assert refused.status_code == 422 and "Say why" in refused.text
    assert active_version() is None
    done = client.post(
        "/targeting/models/decide",
        data={
            "action": "activate",
            "version": model.version,
            "note": "trained on 2024",
            "csrf_token": csrf,
        },
    )
    assert done.status_code == 303
    assert active_version() == model.version
    loaded = current_model()
    assert loaded is not None and loaded.version == model.version
    after = client.get(done.headers["location"])
    assert 'data-status="active"' in after.text and "trained on 2024" in after.text
    with world.session() as s:
        (entry,) = s.execute(
            select(AuditEntry).where(
                AuditEntry.object_type == "ModelVersion", AuditEntry.action == "update"
            )
        ).scalars()
        assert entry.actor == "admin"
        assert json.loads(entry.changes)["status"] == ["candidate", "active"]


def test_top_features_read_as_words() -> None:
    from kalibar.i18n import use_language
    from kalibar.targeting.feature_labels import feature_text

    with use_language("en"):
        assert feature_text("hit:ALARM-TR-BG-SMALL") == "rule ALARM-TR-BG-SMALL hit"
        assert feature_text("z_value_per_kg_max") == "value per kg unusual for the HS heading"
        assert feature_text("kw_gun_parts") == "description words: gun parts"
        assert feature_text("unknown_code") == "unknown_code"


def test_hit_rates_page_shows_the_drift(world: World) -> None:
    from datetime import UTC, datetime

    from test_api_screenings import alarm_pistol, books
    from test_worklist import _store

    _store(world, [alarm_pistol("P-1"), books("B-1")])
    client = client_for(world.engine)
    login(client, "officer", world.passwords["officer"])
    page = client.get("/targeting/hit-rates")
    assert page.status_code == 200
    month = datetime.now(UTC).strftime("%Y-%m")
    assert 'table class="data model-drift"' in page.text
    row = page.text.split(f'<tr data-month="{month}">', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">2</td>' in row  # both screened this month
