"""Envelopes and signed requests: the two things a peer's key signs.

An envelope is one object at one version for one recipient::

    {"v": 1, "seq": N, "kind", "uuid", "version", "from": <sender key fingerprint>,
     "to": <recipient key fingerprint>, "owner": {"instance", "agency", "agency_name",
     "agency_kind", "country"}, "distribution", "groups", "tombstone", "payload", "key", "sig"}

``sig`` is Ed25519 over the canonical JSON of everything else (``keys.canonical``). ``to``
binds it to one recipient, so an envelope handed on by a peer is refused by anyone else
(no partner-of-a-partner leak even by a peer that misbehaves). A request is signed over
method, path, sorted query, timestamp and nonce; the server keeps nonces for the window.
"""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode

from kalibar.federation import keys

VERSION = 1
SCHEME = "kalibar-fed-1"
#: Seconds a signed request stays acceptable (clock skew both ways); nonces are kept
#: twice as long.
WINDOW_SECONDS = 300
HEADERS = ("x-kalibar-key", "x-kalibar-timestamp", "x-kalibar-nonce", "x-kalibar-signature")


def sign_envelope(env: dict[str, Any], key: keys.SigningKey) -> dict[str, Any]:
    body = {k: v for k, v in env.items() if k != "sig"}
    body["key"] = key.fingerprint
    body["sig"] = key.sign(keys.canonical({k: v for k, v in body.items() if k != "sig"}))
    return body


def envelope_signed_by(env: dict[str, Any], public_hex: str) -> bool:
    sig = env.get("sig")
    if not isinstance(sig, str):
        return False
    return keys.verify(
        public_hex, sig, keys.canonical({k: v for k, v in env.items() if k != "sig"})
    )


def _sorted_query(query: str) -> str:
    return urlencode(sorted(parse_qsl(query, keep_blank_values=True)))


def request_message(method: str, path: str, query: str, timestamp: str, nonce: str) -> bytes:
    return keys.canonical([SCHEME, method.upper(), path, _sorted_query(query), timestamp, nonce])


def sign_request(key: keys.SigningKey, method: str, path: str, query: str) -> dict[str, str]:
    ts = str(int(time.time()))
    nonce = secrets.token_hex(16)
    return {
        "X-Kalibar-Key": key.fingerprint,
        "X-Kalibar-Timestamp": ts,
        "X-Kalibar-Nonce": nonce,
        "X-Kalibar-Signature": key.sign(request_message(method, path, query, ts, nonce)),
    }
