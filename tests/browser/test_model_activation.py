"""Activating a risk model in a real browser: an administrator opens Targeting → Models,
sees the stored candidate while no model screens, activates it with a reason, and the
page says it screens now (the reason shown with the decision)."""

from __future__ import annotations

import json

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect

from kalibar.db.session import make_engine, unit_of_work
from kalibar.demo.targeting.synthetic import generate
from kalibar.targeting.model import active_version, write_active
from kalibar.targeting.model_version_models import ModelVersion
from kalibar.targeting.rules import load_rules
from kalibar.targeting.training import train

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]


def test_admin_activates_a_candidate_model(page: Page, live_server: LiveServer) -> None:
    data_dir = live_server.log.parent
    root = data_dir / "models" / "targeting"
    history = generate(12_000, seed=5, illicit_scale=60.0).drop("pattern")
    model, meta = train(history, rules=load_rules(None), seed=1, max_iter=20)
    write_active(None, root)  # stored, not screening: the other browser tests screen by rules
    model.save(root)
    engine = make_engine(f"sqlite:///{data_dir / 'kalibar.sqlite3'}")
    try:
        with unit_of_work(engine) as s:
            s.add(
                ModelVersion(
                    version=model.version,
                    source="file",
                    trained_by="test",
                    metrics=json.dumps({"metrics": meta["metrics"]}),
                    comparison=json.dumps({"challenger": {"version": model.version}}),
                )
            )
    finally:
        engine.dispose()
    try:
        log_in(page, live_server, "admin")
        page.locator("header nav.main").get_by_role("link", name="Targeting").click()
        page.locator("nav.tabs").get_by_role("link", name="Models").click()
        expect(page.get_by_role("heading", name="Risk models")).to_be_visible()
        expect(page.locator(".screening-model")).to_have_text("no model (rules only)")
        row = page.locator(f"tr[data-version='{model.version}']")
        expect(row).to_have_attribute("data-status", "candidate")
        form = row.locator("form.model-decision")
        form.locator("input[name=note]").fill("first model, checked on 2024")
        form.get_by_role("button", name="Activate").click()
        expect(page.locator("p.notice")).to_have_text("Decision saved.")
        expect(page.locator(".screening-model")).to_have_text(model.version)
        row = page.locator(f"tr[data-version='{model.version}']")
        expect(row).to_have_attribute("data-status", "active")
        expect(row).to_contain_text("first model, checked on 2024")
        assert active_version(root) == model.version
    finally:
        write_active(None, root)
