"""Check a firearm and the hits inbox in a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import LiveServer, log_in
from playwright.sync_api import Page, expect
from sqlalchemy import select

from kalibar.auth.models import User
from kalibar.auth.service import actor_for
from kalibar.config import get_settings
from kalibar.db.session import make_engine, unit_of_work
from kalibar.matching import index_store
from kalibar.records import service as records

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_fixtures"]


def _record(server: LiveServer, username: str, **fields: Any) -> None:
    engine = make_engine(f"sqlite:///{server.log.parent / 'kalibar.sqlite3'}")
    try:
        with unit_of_work(engine) as s:
            user = s.execute(select(User).where(User.username == username)).scalar_one()
            actor = actor_for(s, user)
            s.info["actor"] = actor
            records.create_record(
                s, actor=actor, data=records.RecordData(**fields), allow_duplicate=True
            )
    finally:
        engine.dispose()


@pytest.fixture
def shared_data_dir(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Records made here update the server's index directory, as another process would."""
    monkeypatch.setenv("KALIBAR_DATA_DIR", str(live_server.log.parent))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    index_store.forget()


def test_check_page_highlights_and_hits_inbox_confirms(
    page: Page, live_server: LiveServer, shared_data_dir: None
) -> None:
    _record(live_server, "officer", status="stolen", make="Zastava", serial_number="KB 880011")
    _record(live_server, "border", status="seized", make="Zastava", serial_number="KB-88OO11")

    log_in(page, live_server, "border")
    page.locator("header nav.main").get_by_role("link", name="Check a firearm").click()
    expect(page.locator("main h1")).to_have_text("Check a firearm")
    form = page.locator("form.check-form")
    form.locator("input[name=serial_number]").fill("KB-88O011")
    form.locator("input[name=make]").fill("Crvena Zastava")
    form.get_by_role("button", name="Check").click()
    first = page.locator("table.candidates tbody tr").filter(has_text="KB 880011")
    expect(first).to_contain_text("stolen", ignore_case=True)
    expect(first.locator("td.serial mark.edit-lookalike")).to_have_text("0")
    expect(first.locator("ul.explanation")).to_contain_text("O→0 (look-alike)")
    expect(first.locator("ul.explanation")).to_contain_text("Crvena Zastava = Zastava (alias)")

    page.locator("header nav.main").get_by_role("link", name="Hits").click()
    row = page.locator("table.hits tbody tr").filter(has_text="KB 880011")
    expect(row).to_have_count(1)
    row.get_by_role("link", name="Decide").click()
    decide = page.locator("form.decide")
    decide.locator("textarea[name=reason]").fill("same weapon, serial checked on the receiver")
    decide.get_by_role("button", name="Confirm: same firearm").click()
    expect(page.locator("main h1 .tag")).to_have_text("Confirmed")
    expect(page.locator("dd.decided")).to_contain_text("border")
    page.goto("/hits?status=confirmed")
    expect(page.locator("table.hits tbody tr").filter(has_text="KB 880011")).to_have_count(1)
