"""Identifiers that never change across instances (UUIDv7) and readable references."""

from __future__ import annotations

import os
import time
import uuid


def uuid7() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7): sortable, index-friendly, globally unique."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def readable_reference(prefix: str, year: int, number: int) -> str:
    """Human reference such as ``UIO-2026-000123``."""
    return f"{prefix}-{year}-{number:06d}"
