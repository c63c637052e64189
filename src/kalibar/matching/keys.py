"""Compact storage of the caller's record keys, sorted so ordinal = rank of the key.

Sorting records by key at build time makes key → ordinal a binary search on the key
array itself (no extra order array). Canonical lowercase UUID strings are stored as
16 raw bytes, anything else as fixed-width UTF-8.
"""

from __future__ import annotations

import uuid

import numpy as np

_HEX = np.full(256, 255, dtype=np.uint8)
for _i, _c in enumerate(b"0123456789abcdef"):
    _HEX[_c] = _i
_DASHES = [8, 13, 18, 23]
_HEXCOLS = [i for i in range(36) if i not in _DASHES]
_HEXCHARS = np.frombuffer(
    b"".join(f"{i:02x}".encode() for i in range(256)), dtype=np.uint8
).reshape(256, 2)


def _uuid_bytes(keys: list[str]) -> np.ndarray | None:
    """Vectorised parse of canonical UUID strings to ``(n, 16)`` uint8, else None."""
    joined = "".join(keys)
    if not keys or len(joined) != 36 * len(keys) or not joined.isascii():
        return None
    raw = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(len(keys), 36)
    if not (raw[:, _DASHES] == ord("-")).all():
        return None
    nib = _HEX[raw[:, _HEXCOLS]]
    if (nib == 255).any():
        return None
    return ((nib[:, 0::2] << 4) | nib[:, 1::2]).astype(np.uint8)


class KeyStore:
    """Sorted keys; ``kind`` is "uuid" (16 raw bytes) or "text" (UTF-8, fixed width)."""

    def __init__(self, kind: str, data: np.ndarray) -> None:
        self.kind = kind
        self.data = data

    @staticmethod
    def sort(keys: list[str]) -> tuple[KeyStore, np.ndarray]:
        """Build a store from unsorted keys; returns it and the sorting permutation."""
        ub = _uuid_bytes(keys)
        if ub is not None:
            arr = np.ascontiguousarray(ub).view("S16").ravel()
            kind = "uuid"
        else:
            arr = np.array([k.encode() for k in keys], dtype=bytes)
            kind = "text"
        order = np.argsort(arr, kind="stable")
        arr = arr[order]
        if len(arr) > 1 and (arr[1:] == arr[:-1]).any():
            raise ValueError("duplicate record keys")
        return KeyStore(kind, arr), order

    def __len__(self) -> int:
        return len(self.data)

    def key(self, ordinal: int) -> str:
        raw = bytes(self.data[ordinal])
        if self.kind == "uuid":
            return str(uuid.UUID(bytes=raw.ljust(16, b"\0")))
        return raw.decode()

    def keys(self, ordinals: np.ndarray) -> list[str]:
        """Many keys at once (vectorised hex formatting for UUID keys)."""
        raw = np.asarray(self.data[ordinals])
        if self.kind != "uuid" or not len(raw):
            return [self.key(int(o)) for o in ordinals.tolist()]
        b = np.frombuffer(raw.tobytes(), dtype=np.uint8).reshape(len(raw), 16)
        hexed = _HEXCHARS[b].reshape(len(raw), 32)
        out = np.full((len(raw), 36), ord("-"), dtype=np.uint8)
        out[:, _HEXCOLS] = hexed
        return out.view("S36").ravel().astype("U36").tolist()

    def _encode(self, key: str) -> bytes | None:
        if self.kind == "uuid":
            try:
                u = uuid.UUID(key)
            except ValueError:
                return None
            return u.bytes if str(u) == key else None
        return key.encode()

    def ordinal(self, key: str) -> int | None:
        """Ordinal of ``key``, or None when it is not in the store."""
        enc = self._encode(key)
        if enc is None or not len(self.data):
            return None
        i = int(np.searchsorted(self.data, np.array(enc, dtype=self.data.dtype)))
        if i < len(self.data) and bytes(self.data[i]).rstrip(b"\0") == enc.rstrip(b"\0"):
            return i
        return None
