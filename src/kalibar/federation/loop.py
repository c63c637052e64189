"""The background pull in ``kalibar serve``: every ``KALIBAR_FEDERATION_SYNC_SECONDS``
(0, the default, turns it off) one pass over the active peers, in a daemon thread of each
server process. Passes of several processes are safe: a page is applied under the write
lock against the cursor read under it, and a page another process applied first is let go.
"""

from __future__ import annotations

import logging
import threading

from fastapi import FastAPI

from kalibar.config import get_settings
from kalibar.federation import puller

log = logging.getLogger("kalibar.federation")


def install(app: FastAPI) -> None:
    interval = get_settings().federation_sync_seconds
    if interval <= 0:
        return
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(interval):
            try:
                puller.sync_all(app.state.engine)
            except Exception:  # noqa: BLE001 - the loop outlives one bad pass
                log.exception("federation sync pass failed")

    def start() -> None:
        threading.Thread(target=run, name="federation-sync", daemon=True).start()

    app.router.on_startup.append(start)
    app.router.on_shutdown.append(stop.set)
