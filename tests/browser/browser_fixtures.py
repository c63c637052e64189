"""Browser-test fixtures: a real Kalibar server on a fresh SQLite database, and Chromium.

Not a ``conftest.py`` on purpose: without ``__init__.py`` files pytest imports every
conftest as the module ``conftest``, and a second one would replace ``tests/conftest.py``
for the tests that do ``from conftest import World``. Test modules import these fixtures.

The server runs as a subprocess (uvicorn) with ``KALIBAR_DATA_DIR`` pointing at a temporary
directory; the schema and the demo world are loaded in-process beforehand against the same
SQLite file. Chromium is Debian's (``/usr/bin/chromium``, or ``KALIBAR_BROWSER``), driven
through Playwright's sync API. Each test gets its own browser context (cookies, storage).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import LiveServer
from playwright.sync_api import Browser, Page, sync_playwright

from kalibar.app.seed import upgrade_and_seed
from kalibar.db.session import make_engine, unit_of_work
from kalibar.demo.service import load_demo

BROWSER_ENV = "KALIBAR_BROWSER"
DEFAULT_BROWSER = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_SECONDS = 30.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (local URL)
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A Kalibar server on 127.0.0.1 with the demo world loaded; stopped at the end."""
    data_dir = tmp_path_factory.mktemp("kalibar-live")
    engine = make_engine(f"sqlite:///{data_dir / 'kalibar.sqlite3'}")
    try:
        upgrade_and_seed(engine)
        with unit_of_work(engine) as session:
            result = load_demo(session)
    finally:
        engine.dispose()

    port = _free_port()
    env = dict(os.environ)
    env.pop("KALIBAR_DATABASE_URL", None)  # the server must use the file in data_dir
    env["KALIBAR_DATA_DIR"] = str(data_dir)
    env["KALIBAR_SECURE_COOKIES"] = "false"  # plain http on localhost
    log_path = data_dir / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(  # noqa: S603 (fixed argv)
        [
            sys.executable,
            "-m",
            "uvicorn",
            "kalibar.app.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=data_dir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(base_url + "/healthz"):
            if proc.poll() is not None:
                pytest.fail(
                    f"Kalibar server exited with {proc.returncode}:\n{_tail(log_path)}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"Kalibar server not healthy after {STARTUP_SECONDS:.0f}s:\n{_tail(log_path)}",
                    pytrace=False,
                )
            time.sleep(0.1)
        yield LiveServer(base_url=base_url, passwords=result.credentials, log=log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless. Missing browser: fail in CI, skip elsewhere."""
    executable = os.environ.get(BROWSER_ENV, DEFAULT_BROWSER)
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        reason = f"Chromium not found at {executable} (set {BROWSER_ENV}): browser tests skipped"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " — CI must run the browser tests", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser context (no cookies) and page for each test."""
    context = browser.new_context(
        base_url=live_server.base_url, locale="en-GB", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()
