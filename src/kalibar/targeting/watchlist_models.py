"""Watchlist entries: persons, companies, addresses, phones and vehicle plates."""

from __future__ import annotations

from sqlalchemy import Boolean, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kalibar.db.base import Base, SharedObject


class WatchlistEntry(SharedObject, Base):
    """One watched person, company, address, phone or plate, owned by the listing agency.

    Visibility is the platform's: an ``agency`` entry is used only when its own agency
    screens; ``national`` ones by every agency of the country, and so on.
    """

    __tablename__ = "watchlist_entries"
    __table_args__ = (Index("ix_watchlist_entries_visibility", "owner_country", "distribution"),)

    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
