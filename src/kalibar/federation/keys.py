"""This instance's Ed25519 signing key. The private key never enters the database or the
repository: ``KALIBAR_FEDERATION_KEY`` (64 hex digits) or the 0600 key file
``federation.key`` in the data folder, created like the audit key (``audit.keys``: written
privately and hard-linked into place, so two processes starting at once agree on one key).

The public key and its fingerprint (SHA-256 of the raw public key, 64 hex digits, shown
in groups of four for reading over the phone) are what peers register.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kalibar.audit.keys import write_key_file
from kalibar.config import get_settings
from kalibar.i18n import _

KEY_FILE = "federation.key"
ENV = "KALIBAR_FEDERATION_KEY"


class KeyError_(RuntimeError):
    """The federation key is missing or malformed."""


def canonical(value: Any) -> bytes:
    """The bytes that are signed: JSON with sorted keys, no spaces, UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def fingerprint(public_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()


def spaced(fp: str) -> str:
    """``a1b2 c3d4 …`` — the first 32 hex digits in groups of four, for the phone."""
    return " ".join(fp[i : i + 4] for i in range(0, 32, 4))


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    public_hex: str
    source: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_hex)

    def sign(self, data: bytes) -> str:
        return base64.b64encode(self.private.sign(data)).decode("ascii")


def public_of(private: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def parse_private(text: str, source: str) -> SigningKey:
    try:
        raw = bytes.fromhex(text.strip())
        private = Ed25519PrivateKey.from_private_bytes(raw)
    except ValueError as exc:
        raise KeyError_(
            _("The federation key from %(source)s must be 64 hexadecimal digits.")
            % {"source": source}
        ) from exc
    return SigningKey(private, public_of(private), source)


def parse_public(text: str) -> str:
    """A peer's public key as given (64 hex digits, or base64 of the 32 bytes)."""
    value = text.strip()
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        try:
            raw = base64.b64decode(value, validate=True)
        except ValueError:
            raw = b""
    if len(raw) != 32:
        raise ValueError(_("A public key is 64 hexadecimal digits."))
    Ed25519PublicKey.from_public_bytes(raw)
    return raw.hex()


def verify(public_hex: str, signature: str, data: bytes) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
        key.verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def key_file() -> Path:
    return get_settings().data_dir / KEY_FILE


def new_private_text() -> str:
    return Ed25519PrivateKey.from_private_bytes(secrets.token_bytes(32)).private_bytes_raw().hex()


@lru_cache(maxsize=4)
def _read(path: str, _mtime_ns: int) -> SigningKey:
    return parse_private(Path(path).read_text(encoding="ascii"), path)


def current_key(create: bool = True) -> SigningKey:
    """The signing key; the key file is made on first use and read again when a rotation
    (by this or another process) replaced it."""
    configured = os.environ.get(ENV)
    if configured:
        return parse_private(configured, ENV)
    path = key_file()
    if not path.exists():
        if not create:
            raise KeyError_(_("This instance has no federation key yet."))
        write_key_file(path, new_private_text())
    return _read(str(path.resolve()), path.stat().st_mtime_ns)


def replace_key_file() -> SigningKey:
    """Write a new private key over the key file (0600, atomically). The caller keeps the
    old public key in the database first."""
    if os.environ.get(ENV):
        raise KeyError_(_("The federation key comes from %(env)s; rotate it there.") % {"env": ENV})
    path = key_file()
    tmp = path.with_name(f".{path.name}.new.{os.getpid()}.{secrets.token_hex(4)}")
    tmp.unlink(missing_ok=True)
    write_key_file(tmp, new_private_text())
    os.replace(tmp, path)
    return current_key(create=False)
