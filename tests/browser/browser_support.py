"""Types shared by the browser tests and their fixtures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect


@dataclass
class LiveServer:
    base_url: str
    passwords: dict[str, str]  # demo username → password
    log: Path

    def url(self, path: str = "/") -> str:
        return self.base_url + path


def log_in(page: Page, server: LiveServer, username: str, password: str | None = None) -> None:
    """Log in through the login form and land on the dashboard."""
    page.goto("/login")
    form = page.locator("form[action='/login']")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password or server.passwords[username])
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(server.url("/"))
    expect(page.locator("header .who")).to_contain_text(username)
