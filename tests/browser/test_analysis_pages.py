"""Seizure statistics and early warning in a real browser: a figure drawn as a chart,
narrowed by choosing a bar, downloaded as CSV; an alert followed to its evidence."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import browser_fixtures
import pytest
from analysis.analysis_support import PItem, Planted, plant
from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, select
from support import World

from kalibar.analysis import alerts
from kalibar.auth.models import User
from kalibar.auth.service import actor_for
from kalibar.db.session import make_engine, unit_of_work

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]

# On a machine shared by many test runs the server's start can take over the fixture's
# 30 s; waiting longer changes nothing else.
browser_fixtures.STARTUP_SECONDS = max(browser_fixtures.STARTUP_SECONDS, 240.0)

#: A year no other browser test records seizures in.
YEAR = 2017


@pytest.fixture
def server_db(live_server: LiveServer) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{live_server.log.parent / 'kalibar.sqlite3'}")
    yield engine
    engine.dispose()


def _actor(engine: Engine, username: str):  # type: ignore[no-untyped-def]
    with unit_of_work(engine) as s:
        return actor_for(s, s.execute(select(User).where(User.username == username)).scalar_one())


def test_statistics_chart_filter_and_csv(page: Page, live_server: LiveServer,
                                         server_db: Engine) -> None:  # fmt: skip
    officer = _actor(server_db, "officer")
    when = datetime(YEAR, 5, 10, 9, 0, tzinfo=UTC)
    rows = [Planted(owner=officer, occurred_at=when + timedelta(days=i), place_code="BA-BIJACA",
                    concealment="spare_tyre", items=[PItem(make="zastava", model="M70")])
            for i in range(3)]  # fmt: skip
    rows += [Planted(owner=officer, occurred_at=when, concealment="fuel_tank", items=[PItem()])]
    plant(World(engine=server_db, passwords={}), rows)
    log_in(page, live_server, "officer")
    page.goto(f"/analysis/statistics?by=concealment&from={YEAR}-01-01&to={YEAR}-12-31")
    chart = page.locator(".stats-bars")
    expect(chart.locator(".bar-row").first).to_contain_text("spare tyre")
    expect(chart.locator(".bar-row").first).to_contain_text("3")
    expect(page.locator("[data-figure=seizures]")).to_have_text("4")
    expect(page.locator("svg.trend-chart").first).to_be_visible()
    expect(page.locator("svg.seizure-map")).to_be_visible()
    # Choosing a bar shows only those seizures, month by month.
    chart.locator(".bar-row").first.click()
    expect(page).to_have_url(re.compile(r"concealment=spare_tyre"))
    expect(page.locator("[data-figure=seizures]")).to_have_text("3")
    expect(page.locator(".stats-chip")).to_contain_text("spare tyre")
    with page.expect_download() as info:
        page.locator("a.export-csv").click()
    text = open(info.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    lines = list(csv.reader(io.StringIO(text)))
    assert [f"{YEAR}-05", f"May {YEAR}", "3", "3"] in lines


def test_alert_followed_to_its_evidence(page: Page, live_server: LiveServer,
                                        server_db: Engine) -> None:  # fmt: skip
    border, officer = _actor(server_db, "border"), _actor(server_db, "officer")
    plate = f"BR {uuid.uuid4().int % 1000:03d}-XY"
    now = datetime.now(UTC)
    mine = Planted(owner=border, occurred_at=now - timedelta(days=3), plate=plate,
                   distribution="agency")  # fmt: skip
    theirs = Planted(owner=officer, occurred_at=now - timedelta(days=20), plate=plate,
                     distribution="agency")  # fmt: skip
    plant(World(engine=server_db, passwords={}), [mine, theirs])
    with unit_of_work(server_db) as s:
        alerts.run(s, only=["shared_identifier"])
    log_in(page, live_server, "border")
    page.goto("/analysis/alerts")
    row = page.locator("tr.alert-row", has_text=plate)
    expect(row).to_contain_text("2 agencies")
    row.get_by_role("link").click()
    evidence = page.locator(".alert-evidence")
    expect(evidence.locator(".evidence-hidden")).to_contain_text("BA-UIO")
    link = evidence.locator(".evidence-seizures a")
    expect(link).to_have_count(1)
    reference = link.inner_text()
    link.click()
    expect(page).to_have_url(re.compile(f"/seizures/{mine.uuid}"))
    expect(page.locator("h1")).to_contain_text(reference)
