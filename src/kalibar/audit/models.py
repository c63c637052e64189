"""Audit entries and the chain head (which makes truncation of the tail detectable)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kalibar.db.base import Base, UTCDateTime

GENESIS = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    agency: Mapped[str] = mapped_column(String(32), default="", index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    object_type: Mapped[str] = mapped_column(String(64), index=True)
    object_id: Mapped[str] = mapped_column(String(64), index=True)
    changes: Mapped[str] = mapped_column(Text, default="{}")
    request_id: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), index=True)
    #: HMAC-SHA256 of (seq, hash) under the audit key, which lives outside the database:
    #: without it, a rewritten and re-hashed chain cannot be sealed again. NULL only for
    #: entries written before keys existed and not yet sealed (``kalibar audit seal``).
    mac: Mapped[str | None] = mapped_column(String(64), default=None)


class AuditHead(Base):
    """Single row: the last sequence number and hash, updated with every append, sealed
    with the audit key (so cutting the tail and rewriting the head is detected) and naming
    the key that sealed the chain (``key_id``, a fingerprint, never the key)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
    mac: Mapped[str | None] = mapped_column(String(64), default=None)
    key_id: Mapped[str | None] = mapped_column(String(16), default=None)
