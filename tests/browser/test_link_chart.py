"""A link chart in a real browser: from a seizure's page an officer opens the chart, sees
the people and the next seizure, expands a node to reach one more person, and finds the
path from the first driver to that person; a hidden seizure is counted, never drawn."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect

from kalibar.db.session import make_engine, unit_of_work

sys.path.insert(0, str(Path(__file__).parent.parent / "links"))
from links_support import Built, Planter  # noqa: E402

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]


def plant(server: LiveServer) -> Built:
    engine = make_engine(f"sqlite:///{server.log.parent / 'kalibar.sqlite3'}")
    try:
        with unit_of_work(engine) as s:
            p = Planter(s)
            p.seizure("S1", "BA-UIO")
            p.seizure("S2", "BA-UIO", days=2)
            p.seizure("S3", "HR-MUP", dist="agency")
            p.entity("Jovan Lukić", "BA-UIO")
            p.entity("Ana Babić", "BA-UIO")
            p.entity("Emir Hadžić", "BA-UIO")
            p.involve("Jovan Lukić", "S1", "driver")
            p.involve("Ana Babić", "S1", "passenger")
            p.involve("Ana Babić", "S2", "driver")
            p.involve("Emir Hadžić", "S2", "recipient")
            p.involve("Emir Hadžić", "S3", "sender")
            return p.built
    finally:
        engine.dispose()


def _node(page: Page, name: str) -> None:
    page.locator("#lk-nodes button.lk-node", has_text=name).click()


def test_open_expand_and_find_a_path(page: Page, live_server: LiveServer) -> None:
    b = plant(live_server)
    log_in(page, live_server, "officer")
    page.goto(f"/seizures/{b['S1'].split(':')[1]}")
    page.locator("a.sz-links").click()
    expect(page).to_have_url(re.compile(r".*/links\?root=seizure:.*"))
    nodes = page.locator("#lk-nodes button.lk-node")
    expect(nodes.filter(has_text="Jovan Lukić")).to_have_count(1)
    expect(nodes.filter(has_text="Ana Babić")).to_have_count(1)
    expect(nodes).to_have_count(4)  # S1, two people, S2 (two links away)
    assert page.evaluate("window.kalibarLinks.cy.nodes().length") == 4

    # expand the second seizure: its recipient appears, and the HR-MUP seizure is counted
    s2_label = page.evaluate(
        "id => window.kalibarLinks.cy.getElementById(id).data('label')", b["S2"]
    )
    page.locator("#lk-nodes button.lk-node", has_text=s2_label).click()
    expect(page.locator("#lk-selected")).to_be_visible()
    page.locator("#lk-expand").click()
    expect(nodes.filter(has_text="Emir Hadžić")).to_have_count(1)
    expect(page.locator("#lk-hidden")).to_contain_text("1 object you may not see, owned by HR-MUP")
    assert b["S3"].split(":")[1] not in page.content()

    _node(page, "Jovan Lukić")
    page.locator("#lk-from").click()
    _node(page, "Emir Hadžić")
    page.locator("#lk-to").click()
    page.locator("#lk-path").click()
    result = page.locator("#lk-path-result")
    expect(result).to_have_class(re.compile("lk-path-found"))
    expect(result).to_contain_text("Jovan Lukić →")
    expect(result).to_contain_text("→ Ana Babić →")
    expect(result).to_contain_text("→ Emir Hadžić")
    assert page.evaluate("window.kalibarLinks.cy.$('node.path').length") == 5
