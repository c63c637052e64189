"""Firearm records and the counters behind their readable references."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kalibar.db.base import Base, SharedObject


class RecordStatus(enum.StrEnum):
    lost = "lost"
    stolen = "stolen"
    trafficked = "trafficked"
    smuggled = "smuggled"
    seized = "seized"
    found = "found"
    surrendered = "surrendered"
    destroyed = "destroyed"


#: Statuses that make a record something to look for (matching alerts on these).
WANTED = frozenset(
    {RecordStatus.lost, RecordStatus.stolen, RecordStatus.trafficked, RecordStatus.smuggled}
)
#: Statuses of weapons in the hands of the authorities (SDG 16.4.2 denominator).
RECOVERED = frozenset({RecordStatus.seized, RecordStatus.found, RecordStatus.surrendered})


class FirearmRecord(SharedObject, Base):
    """One firearm of interest, as identified (ISACS 05.31 essential fields and more).

    Free-text identification (make, model, calibre, type) is kept as written; the
    ``*_code`` columns hold the catalogue's canonical value when one was recognised, and
    ``needs_review`` flags records with values the catalogue did not know.
    """

    __tablename__ = "firearm_records"
    __table_args__ = (
        Index("ix_firearm_records_visibility", "owner_country", "distribution"),
        Index("ix_firearm_records_make_serial", "make_code", "serial_normalised"),
        # Sort indexes end in the uuid tie-breaker so keyset pages read them in order.
        Index("ix_firearm_records_event", "event_date", "uuid"),
        Index("ix_firearm_records_created", "created_at", "uuid"),
        Index("ix_firearm_records_serial", "serial_normalised", "uuid"),
        # Equality filter + newest-first: one index range read in order, no sort.
        Index("ix_firearm_records_make", "make_code", "created_at", "uuid"),
        Index("ix_firearm_records_status", "status", "created_at", "uuid"),
        Index("ix_firearm_records_calibre", "calibre_code", "created_at", "uuid"),
    )

    reference: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    weapon_type: Mapped[str | None] = mapped_column(String(32), default=None)
    modifications: Mapped[str] = mapped_column(String(200), default="")
    make: Mapped[str] = mapped_column(String(120), default="")
    make_code: Mapped[str | None] = mapped_column(String(64), default=None)
    model: Mapped[str] = mapped_column(String(120), default="")
    model_code: Mapped[str | None] = mapped_column(String(120), default=None)
    calibre: Mapped[str] = mapped_column(String(80), default="")
    calibre_code: Mapped[str | None] = mapped_column(String(80), default=None)
    serial_number: Mapped[str] = mapped_column(String(80), default="")
    serial_normalised: Mapped[str] = mapped_column(String(80), default="")
    serial_obliterated: Mapped[bool] = mapped_column(Boolean, default=False)
    serial_restored: Mapped[bool] = mapped_column(Boolean, default=False)
    country_of_manufacture: Mapped[str | None] = mapped_column(String(2), index=True, default=None)
    year_of_manufacture: Mapped[int | None] = mapped_column(Integer, default=None)
    import_marking: Mapped[str] = mapped_column(String(120), default="")
    other_markings: Mapped[str] = mapped_column(Text, default="")
    event_date: Mapped[date | None] = mapped_column(Date, default=None)
    event_place: Mapped[str] = mapped_column(String(200), default="")
    reporting_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), default=None)
    case_reference: Mapped[str] = mapped_column(String(80), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    #: SDG 16.4.2: was the weapon's illicit origin or context established by a competent
    #: authority, how ("tracing" or "other"), when, and on what basis.
    origin_established: Mapped[bool] = mapped_column(Boolean, default=False)
    origin_source: Mapped[str | None] = mapped_column(String(16), default=None)
    origin_established_at: Mapped[date | None] = mapped_column(Date, default=None)
    origin_note: Mapped[str] = mapped_column(Text, default="")
    #: Folded make/model/serial in one script, for free-text search in any spelling.
    search_text: Mapped[str] = mapped_column(String(400), default="")


class ReferenceCounter(Base):
    """Last number issued per prefix and year, e.g. ``UIO-2026`` → 123."""

    __tablename__ = "reference_counters"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)
