"""Pulling a peer's feed: signed GETs page by page, each page verified and applied in its
own transaction together with the cursor (``apply.apply_envelopes``), until the peer's
head is reached. A failure is kept on the peer (last error, when) for its page."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
from sqlalchemy import Engine

from kalibar.db.base import utcnow
from kalibar.db.session import unit_of_work
from kalibar.federation import envelopes, keys, service
from kalibar.federation.apply import apply_envelopes

log = logging.getLogger("kalibar.federation")

FEED_PATH = "/federation/v1/feed"
PAGE_SIZE = 1000
TIMEOUT = 60.0


@dataclass
class PullReport:
    peer: str
    applied: int = 0
    duplicates: int = 0
    refused: int = 0
    pages: int = 0
    cursor: int = 0
    head: int = 0
    error: str = ""


def fetch_page(url: str, after: int, limit: int, client: httpx.Client) -> dict[str, object]:
    query = urlencode({"after": after, "limit": limit})
    headers = envelopes.sign_request(keys.current_key(), "GET", FEED_PATH, query)
    response = client.get(f"{url}{FEED_PATH}?{query}", headers=headers)
    response.raise_for_status()
    page: dict[str, object] = response.json()
    return page


def _note_error(engine: Engine, code: str, message: str) -> None:
    with unit_of_work(engine) as s:
        peer = service.get_peer(s, code=code)
        peer.last_error = message[:2000]
        peer.last_error_at = utcnow()


def pull(
    engine: Engine,
    code: str,
    *,
    page_size: int = PAGE_SIZE,
    max_pages: int | None = None,
    client: httpx.Client | None = None,
) -> PullReport:
    """Pull ``code``'s feed up to its head (or ``max_pages``)."""
    report = PullReport(peer=code)
    own = client or httpx.Client(timeout=TIMEOUT)
    try:
        while max_pages is None or report.pages < max_pages:
            with unit_of_work(engine) as s:
                peer = service.get_peer(s, code=code)
                url, cursor = peer.url, peer.cursor
            try:
                page = fetch_page(url, cursor, page_size, own)
            except (httpx.HTTPError, ValueError) as exc:
                report.error = f"{type(exc).__name__}: {exc}"
                _note_error(engine, code, report.error)
                return report
            items = page.get("envelopes")
            next_cursor = page.get("next")
            head = page.get("head")
            if not isinstance(items, list) or not isinstance(next_cursor, int):
                report.error = "malformed page"
                _note_error(engine, code, report.error)
                return report
            with unit_of_work(engine) as s:
                peer = service.get_peer(s, code=code)
                res = apply_envelopes(
                    s,
                    peer=peer,
                    items=items,
                    next_cursor=next_cursor,
                    source=f"feed after {cursor}",
                )
                peer.remote_head = head if isinstance(head, int) else peer.remote_head
                if not res.stopped:
                    peer.last_error = ""
            report.pages += 1
            report.applied += res.applied
            report.duplicates += res.duplicates
            report.refused += res.refused
            report.cursor = res.cursor
            report.head = head if isinstance(head, int) else 0
            if res.stopped:
                report.error = res.stopped
                return report
            if res.cursor >= report.head or (not items and next_cursor <= cursor):
                return report
    finally:
        if client is None:
            own.close()
    return report


def sync_all(engine: Engine, *, page_size: int = PAGE_SIZE) -> list[PullReport]:
    """One pass over every active peer with a URL (``kalibar federation sync``, the loop)."""
    with unit_of_work(engine) as s:
        codes = [p.code for p in service.list_peers(s) if p.active and p.url]
    reports = []
    for code in codes:
        try:
            reports.append(pull(engine, code, page_size=page_size))
        except Exception as exc:  # noqa: BLE001 - one peer's failure must not stop the others
            log.exception("federation pull from %s failed", code)
            reports.append(PullReport(peer=code, error=repr(exc)))
    return reports
