"""Offline exchange: the same signed envelopes as a bundle file for air-gapped networks.

A bundle is JSON ``{"format": "kalibar-federation-bundle", "v": 1, "from", "country",
"after", "next", "head", "envelopes": [...], "key", "sig"}`` — the page a peer would have
pulled from its cursor (``--after``, default the cursor it last asked for), signed as a
whole too. Import verifies the bundle's signature with a registered key of the peer it
names, then applies the envelopes exactly like a pulled page (same checks, same cursor),
so importing a bundle twice changes nothing the second time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kalibar.errors import Invalid
from kalibar.federation import envelopes, feed, keys, service
from kalibar.federation.apply import Result, apply_envelopes
from kalibar.files.jsondoc import load_json
from kalibar.i18n import _

FORMAT = "kalibar-federation-bundle"


def export_bundle(session: Session, *, code: str, after: int | None, limit: int) -> dict[str, Any]:
    peer = service.get_peer(session, code=code)
    start = peer.served_cursor if after is None else after
    envs: list[dict[str, Any]] = []
    page: dict[str, Any] = {}
    cursor = start
    while True:
        page = feed.build_page(session, peer=peer, after=cursor, limit=min(limit, feed.MAX_PAGE))
        envs += page["envelopes"]
        if page["next"] <= cursor or page["next"] >= page["head"] or len(envs) >= limit:
            cursor = page["next"]
            break
        cursor = page["next"]
    bundle = {
        "format": FORMAT,
        "v": 1,
        "from": page["from"],
        "country": page["country"],
        "after": start,
        "next": cursor,
        "head": page["head"],
        "envelopes": envs,
    }
    return envelopes.sign_envelope(bundle, keys.current_key())


def read_bundle(path: Path) -> dict[str, Any]:
    data = load_json(path.read_bytes(), name=path.name)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Invalid(_("This file is not a Kalibar federation bundle."), [{"field": "file"}])
    return data


def import_bundle(session: Session, *, bundle: dict[str, Any]) -> tuple[str, Result]:
    """Apply a bundle from the peer whose key signed it."""
    found = service.peer_for_key(session, str(bundle.get("key", "")))
    if found is None or not envelopes.envelope_signed_by(bundle, found[1].public_key):
        feed.refuse(
            session, found[0] if found else None, "bad_bundle", str(bundle.get("key", ""))[:64]
        )
        raise Invalid(_("The bundle is not signed by a registered peer."), [{"field": "file"}])
    peer = found[0]
    items = bundle.get("envelopes")
    nxt = bundle.get("next")
    if not isinstance(items, list) or not isinstance(nxt, int):
        raise Invalid(_("This file is not a Kalibar federation bundle."), [{"field": "file"}])
    result = apply_envelopes(session, peer=peer, items=items, next_cursor=nxt, source="bundle")
    return peer.code, result


def write_bundle(bundle: dict[str, Any], out: Path) -> None:
    out.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
