"""Tables of the federation slice: this instance's identity and key history, peers with
their keys and agreements, the outbox that numbers every shareable change, the record of
what came from where, and the nonces of signed requests (replay window).

The outbox is the sender's own monotonic sequence: a peer's cursor is a ``seq`` of this
table, never a clock. One row per object (an object that changes again moves to a new,
higher ``seq``), so a feed read from any cursor gives each object once, at its latest
version. It is operational (large, rewritten), so it is not audited; the envelopes sent
and received are (``audit.service.log_event``, one entry per page or bundle listing each
envelope).
"""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kalibar.db.base import Audited, Base, SharedObject, Timestamped, UTCDateTime, utcnow
from kalibar.ids import uuid7


class Kind(enum.StrEnum):
    """What rides on the feed (an agreement names the kinds it lets through)."""

    record = "record"
    hit = "hit"
    hit_decision = "hit_decision"
    seizure = "seizure"
    watchlist = "watchlist"


class Direction(enum.StrEnum):
    outbound = "outbound"  # what this instance sends to the peer
    inbound = "inbound"  # what this instance accepts from the peer


class Instance(Audited, Timestamped, Base):
    """This instance: one row (id 1), its country and name."""

    __tablename__ = "federation_instance"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid7)
    country: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(120))


class OwnKey(Audited, Base):
    """Every public key this instance has signed with (the private key lives in the data
    folder only). Retired keys stay so that what they signed can still be verified."""

    __tablename__ = "federation_own_keys"

    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid7)
    public_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Peer(Audited, Timestamped, Base):
    """Another national instance: where it serves its feed, and how far we have read it."""

    __tablename__ = "federation_peers"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid7)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(120), default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Highest ``seq`` of the peer's feed applied here (the resume point).
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    #: The peer's newest ``seq`` when we last asked (lag = head − cursor).
    remote_head: Mapped[int] = mapped_column(Integer, default=0)
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    received: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    #: Highest ``seq`` of our outbox the peer has asked after (what it has read of us).
    served_cursor: Mapped[int] = mapped_column(Integer, default=0)
    last_served_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    keys: Mapped[list[PeerKey]] = relationship(lazy="selectin", order_by="PeerKey.id")
    agreements: Mapped[list[Agreement]] = relationship(lazy="selectin", order_by="Agreement.id")


class PeerKey(Audited, Base):
    """A public key of a peer (checked by fingerprint out of band). Revoked keys verify
    nothing; kept keys verify what they signed before a rotation."""

    __tablename__ = "federation_peer_keys"
    __table_args__ = (UniqueConstraint("peer_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid7)
    peer_id: Mapped[int] = mapped_column(ForeignKey("federation_peers.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    public_key: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Agreement(Audited, Timestamped, Base):
    """What goes one way: kinds, distribution levels, nominal or not. Deny by default:
    no agreement, nothing goes."""

    __tablename__ = "federation_agreements"
    __table_args__ = (UniqueConstraint("peer_id", "direction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid7)
    peer_id: Mapped[int] = mapped_column(ForeignKey("federation_peers.id"), index=True)
    direction: Mapped[str] = mapped_column(String(16))
    #: Comma-separated :class:`Kind` values.
    kinds: Mapped[str] = mapped_column(String(200), default="")
    #: Comma-separated distribution levels (``partners``, ``group``).
    distributions: Mapped[str] = mapped_column(String(100), default="")
    nominal: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def kind_set(self) -> frozenset[str]:
        return frozenset(k for k in self.kinds.split(",") if k)

    @property
    def distribution_set(self) -> frozenset[str]:
        return frozenset(d for d in self.distributions.split(",") if d)


class Outbox(Base):
    """One row per shareable object at its latest change: ``seq`` is the feed's cursor
    and the object's version. ``peer_id`` set: meant for that peer only (a hit goes to
    the owner of the foreign record)."""

    __tablename__ = "federation_outbox"
    __table_args__ = (
        UniqueConstraint("kind", "object_uuid"),
        Index("ix_federation_outbox_peer_seq", "peer_id", "seq"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    object_uuid: Mapped[UUID] = mapped_column(Uuid())
    peer_id: Mapped[int | None] = mapped_column(ForeignKey("federation_peers.id"), default=None)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The object was at an exportable level before or after this change: a peer it no
    #: longer goes to gets a tombstone (the level was narrowed), others get nothing.
    exported: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ForeignObject(Base):
    """An object received from a peer: its origin and the version applied. Present means
    read-only here (only the owner changes it) and never forwarded."""

    __tablename__ = "federation_foreign_objects"

    object_uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    peer_id: Mapped[int] = mapped_column(ForeignKey("federation_peers.id"), index=True)
    origin_key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RemoteHit(Timestamped, Base):
    """A hit another instance found on one of our records (kept as it told us, decided
    here and the decision sent back). Written by the puller only; audited as received."""

    __tablename__ = "federation_remote_hits"

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("federation_peers.id"), index=True)
    record_id: Mapped[UUID] = mapped_column(Uuid(), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    other_reference: Mapped[str] = mapped_column(String(64), default="")
    other_agency: Mapped[str] = mapped_column(String(32), default="")
    score: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(16), default="open")
    decided_by: Mapped[str] = mapped_column(String(120), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=0)


class ForeignSeizure(SharedObject, Base):
    """The summary of a seizure another instance shared (non-nominal unless the agreement
    says otherwise), read-only, as received. A ``SharedObject`` of the foreign agency, so
    the one visibility filter decides who reads it."""

    __tablename__ = "federation_foreign_seizures"

    peer_id: Mapped[int] = mapped_column(ForeignKey("federation_peers.id"), index=True)
    reference: Mapped[str] = mapped_column(String(64), default="")
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: JSON: place, route, context, concealment, conveyance, items (and, only under a
    #: nominal agreement, entities).
    summary: Mapped[str] = mapped_column(Text, default="{}")


class Nonce(Base):
    """A signed request's nonce, kept for the replay window."""

    __tablename__ = "federation_nonces"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class Refusal(Base):
    """An envelope or request that was refused, and why (shown on the peer's page)."""

    __tablename__ = "federation_refusals"

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int | None] = mapped_column(ForeignKey("federation_peers.id"), default=None)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    reason: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
