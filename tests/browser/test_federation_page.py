"""Federation in a real browser: an administrator registers a peer instance on the page
(checking its fingerprint), pulls its feed, and a check finds the peer's shared record."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "federation"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import write_load  # noqa: E402
from fed_support import Instance, add_record, agency, make_instance  # noqa: E402

from kalibar.app.seed import upgrade_and_seed  # noqa: E402
from kalibar.db.session import make_engine  # noqa: E402
from kalibar.federation import keys  # noqa: E402

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]

import browser_fixtures  # noqa: E402

# Two servers start here (the live one and the peer); on a loaded machine importing the
# app alone has taken 45 s, so the start-up wait is longer than the fixture's default.
browser_fixtures.STARTUP_SECONDS = max(browser_fixtures.STARTUP_SECONDS, 180.0)


@pytest.fixture
def rs_server(tmp_path: Path) -> Iterator[tuple[Instance, str]]:
    url = f"sqlite:///{tmp_path / 'rs.sqlite3'}"
    engine = make_engine(url)
    upgrade_and_seed(engine)
    rs = make_instance(engine, "RS")
    data = tmp_path / "rs-data"
    data.mkdir()
    with rs.active(), write_load.serve(url, data, data / "server.log") as base:
        yield rs, base
    engine.dispose()


def test_register_peer_pull_and_find_foreign_record(
    page: Page, live_server: LiveServer, rs_server: tuple[Instance, str]
) -> None:
    rs, rs_url = rs_server
    from kalibar.db.session import unit_of_work
    from kalibar.federation import service

    log_in(page, live_server, "admin")
    page.goto("/admin/federation")
    ba_public = page.locator("#public-key").inner_text().strip()
    expect(page.locator("#fingerprint")).to_have_text(keys.spaced(keys.fingerprint(ba_public)))
    # RS's side: BA registered (its fingerprint read over the phone), a shared stolen rifle
    with rs.active(), unit_of_work(rs.engine) as s:
        terms = service.Terms.parse("record,hit,hit_decision", "partners", False)
        service.add_peer(s, actor=None, code="BA", country="BA", url=live_server.base_url,
                         public_key=ba_public, outbound=terms, inbound=terms)  # fmt: skip
    rs_uc = agency(rs.engine, "RS-UC", "RS")
    add_record(rs.engine, rs_uc, "RS", "ZX7731904")

    form = page.locator("form[action='/admin/federation']")
    form.locator("input[name=code]").fill("RS")
    form.locator("input[name=country]").fill("RS")
    form.locator("input[name=url]").fill(rs_url)
    form.locator("input[name=public_key]").fill(rs.public)
    for kind in ("record", "hit", "hit_decision"):
        form.locator(f"input[name=send][value={kind}]").check()
        form.locator(f"input[name=accept][value={kind}]").check()
    form.get_by_role("button", name="Register the peer").click()
    expect(page.locator("main h1")).to_contain_text("RS")
    page.locator("#sync-now").click()
    expect(page.locator("#received")).to_have_text("1")
    expect(page.locator("#lag")).to_have_text("0")

    page.locator("header nav.main").get_by_role("link", name="Check a firearm").click()
    check = page.locator("form.check-form")
    check.locator("input[name=serial_number]").fill("ZX773I904")
    check.get_by_role("button", name="Check").click()
    row = page.locator("table.candidates tbody tr").filter(has_text="ZX7731904")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("RS-UC")
