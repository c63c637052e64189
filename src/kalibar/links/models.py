"""Tables of the link chart: saved charts and entity merges.

The graph itself has no table: its edges are the foreign keys and link tables the other
slices already keep (involvements, seized items, hits, record links, trace requests, the
declaration a seizure came from), so a chart can never drift from the data it draws.

A :class:`SavedChart` stores only node identifiers, pins and positions, never labels: what
is drawn is read again, through the visibility filter, every time the chart is opened.

An :class:`EntityMerge` says that two entities are the same (the ``merged`` one is drawn as
its ``survivor``). Nothing is moved or deleted, so a split (``split_at``) gives back exactly
what was there; both steps are audited by the ORM hook with their reasons.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kalibar.db.base import Audited, Base, SharedObject, Timestamped, UTCDateTime
from kalibar.ids import uuid7


class SavedChart(SharedObject, Base):
    """A link chart someone saved: its root, the nodes kept on it, pins and filters."""

    __tablename__ = "link_charts"
    __table_args__ = (Index("ix_link_charts_visibility", "owner_country", "distribution"),)

    name: Mapped[str] = mapped_column(String(200))
    #: The node the chart was opened from (``kind:uuid``).
    root: Mapped[str] = mapped_column(String(80))
    #: JSON: {"nodes": [node ids], "pinned": [node ids], "positions": {id: [x, y]},
    #: "filters": {"kinds": [...], "since": iso, "until": iso}, "hops": n}.
    body: Mapped[str] = mapped_column(Text, default="{}")
    created_by: Mapped[str] = mapped_column(String(80), default="")


class EntityMerge(Audited, Timestamped, Base):
    """``merged`` is the same as ``survivor`` (until split). Owned by the agency that owns
    both entities; active while ``split_at`` is empty."""

    __tablename__ = "entity_merges"
    __table_args__ = (
        Index("ix_entity_merges_survivor", "survivor_id", "split_at"),
        Index("ix_entity_merges_merged", "merged_id", "split_at"),
    )

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    survivor_id: Mapped[UUID] = mapped_column(ForeignKey("entities.uuid"))
    merged_id: Mapped[UUID] = mapped_column(ForeignKey("entities.uuid"))
    reason: Mapped[str] = mapped_column(Text)
    merged_by: Mapped[str] = mapped_column(String(80))
    split_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    split_by: Mapped[str] = mapped_column(String(80), default="")
    split_reason: Mapped[str] = mapped_column(Text, default="")
