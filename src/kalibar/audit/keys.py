"""The audit key: the HMAC-SHA256 key that seals the chain. It never enters the database.

Where it comes from, first match wins:

1. ``KALIBAR_AUDIT_KEY`` — 64 hex digits (for deployments that keep secrets in the
   environment or a secret store);
2. the key file ``audit.key`` in the data folder, created with mode 0600 the first time
   it is needed (``kalibar db upgrade`` or the first write).

Someone who can write to the database but cannot read this key can rewrite entries and
recompute the hash chain, but cannot seal the result: ``kalibar audit verify`` names it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kalibar.config import get_settings
from kalibar.i18n import _

KEY_FILE = "audit.key"
KEY_BYTES = 32


class AuditKeyError(RuntimeError):
    """The audit key is missing, malformed, or not the key that sealed the chain."""


def _canonical(parts: tuple[Any, ...]) -> bytes:
    import json

    return json.dumps(list(parts), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class AuditKey:
    secret: bytes
    #: Where it came from: ``KALIBAR_AUDIT_KEY`` or the key file's path.
    source: str

    @property
    def key_id(self) -> str:
        """A fingerprint that names the key without revealing it (kept in the head row)."""
        return hashlib.sha256(b"kalibar-audit-key-id\0" + self.secret).hexdigest()[:16]

    def seal(self, *parts: Any) -> str:
        """HMAC-SHA256 of ``parts`` (the first names what is sealed: entry, head, anchor)."""
        return hmac.new(self.secret, _canonical(parts), hashlib.sha256).hexdigest()

    def verifies(self, mac: str | None, *parts: Any) -> bool:
        return mac is not None and hmac.compare_digest(mac, self.seal(*parts))


def parse_key(text: str, source: str) -> AuditKey:
    value = text.strip()
    try:
        secret = bytes.fromhex(value)
    except ValueError:
        secret = b""
    if len(secret) != KEY_BYTES:
        raise AuditKeyError(
            _("The audit key from %(source)s must be %(n)d hexadecimal digits.")
            % {"source": source, "n": KEY_BYTES * 2}
        )
    return AuditKey(secret, source)


def key_file() -> Path:
    return get_settings().data_dir / KEY_FILE


def new_key_text() -> str:
    return secrets.token_hex(KEY_BYTES)


def write_key_file(path: Path, text: str | None = None) -> bool:
    """Create ``path`` (mode 0600) holding a new key unless it exists; True if created.

    Written to a private temporary file and hard-linked into place, so two processes
    starting at once end up with one key, and nobody ever reads a half-written file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write((text or new_key_text()) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        tmp.unlink(missing_ok=True)


@lru_cache(maxsize=4)
def _read(path: str, _mtime_ns: int) -> AuditKey:
    return parse_key(Path(path).read_text(encoding="ascii"), path)


def current_key() -> AuditKey:
    """The configured key; the key file is created on first use, and read again when it
    changes (a rotation by another process)."""
    configured = get_settings().audit_key
    if configured:
        return parse_key(configured, "KALIBAR_AUDIT_KEY")
    path = key_file()
    try:
        stat = path.stat()
    except FileNotFoundError:
        write_key_file(path)
        stat = path.stat()
    return _read(str(path.resolve()), stat.st_mtime_ns)
