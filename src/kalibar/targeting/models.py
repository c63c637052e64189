"""Declarations (cargo, express, postal) and their goods items."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kalibar.db.base import Base, SharedObject, UTCDateTime


class Declaration(SharedObject, Base):
    """One lodged declaration; owned by the customs or postal agency that imported it.

    ``declaration_id`` is the identifier in the lodging system (unique per owner agency).
    ``inspected``/``outcome`` come from history files and, later, from recorded inspections.
    """

    __tablename__ = "declarations"
    __table_args__ = (
        UniqueConstraint("owner_agency_id", "declaration_id", name="uq_declarations_owner_id"),
        Index("ix_declarations_visibility", "owner_country", "distribution"),
        Index("ix_declarations_office_lodged", "office", "lodged_at", "uuid"),
    )

    declaration_id: Mapped[str] = mapped_column(String(64))
    flow: Mapped[str] = mapped_column(String(16))
    lodged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    office: Mapped[str] = mapped_column(String(32))
    dispatch_country: Mapped[str | None] = mapped_column(String(2), default=None)
    consignor_name: Mapped[str] = mapped_column(String(200), default="")
    consignor_address: Mapped[str] = mapped_column(String(300), default="")
    consignor_country: Mapped[str | None] = mapped_column(String(2), default=None)
    consignee_name: Mapped[str] = mapped_column(String(200), default="")
    consignee_address: Mapped[str] = mapped_column(String(300), default="")
    consignee_city: Mapped[str] = mapped_column(String(120), default="")
    consignee_country: Mapped[str | None] = mapped_column(String(2), default=None)
    consignee_phone: Mapped[str] = mapped_column(String(40), default="")
    transport_mode: Mapped[str] = mapped_column(String(32), default="")
    vehicle_registration: Mapped[str] = mapped_column(String(32), default="")
    item_category: Mapped[str] = mapped_column(String(16), default="other")
    inspected: Mapped[bool | None] = mapped_column(Boolean, default=None)
    outcome: Mapped[str | None] = mapped_column(String(16), default=None)

    items: Mapped[list[DeclarationItem]] = relationship(
        back_populates="declaration",
        order_by="DeclarationItem.line",
        cascade="all, delete-orphan",
    )


class DeclarationItem(Base):
    """One goods item of a declaration (one CSV row); part of the declaration it belongs to."""

    __tablename__ = "declaration_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    declaration_uuid: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("declarations.uuid", ondelete="CASCADE"), index=True
    )
    line: Mapped[int] = mapped_column(Integer)
    declared_description: Mapped[str] = mapped_column(String(500), default="")
    hs_code: Mapped[str] = mapped_column(String(16), default="")
    quantity: Mapped[float] = mapped_column(Float, default=1.0)
    gross_weight_kg: Mapped[float] = mapped_column(Float, default=0.0)
    declared_value: Mapped[float] = mapped_column(Float, default=0.0)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    origin_country: Mapped[str | None] = mapped_column(String(2), default=None)

    declaration: Mapped[Declaration] = relationship(back_populates="items")
