"""The catalogue in the database: the package's entries (synced) and admins' additions."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Boolean, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kalibar.db.base import Audited, Base, Timestamped
from kalibar.ids import uuid7


class CatalogueEntry(Audited, Timestamped, Base):
    """A make, model or calibre. ``source`` is ``package`` (from the YAML files, refreshed by
    ``kalibar db upgrade``) or ``admin`` (added in the UI or API, kept across upgrades)."""

    __tablename__ = "catalogue_entries"
    __table_args__ = (UniqueConstraint("kind", "make_code", "code", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(Uuid(), unique=True, default=uuid7)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    code: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    make_code: Mapped[str] = mapped_column(String(64), default="")
    country: Mapped[str | None] = mapped_column(String(2), default=None)
    weapon_type: Mapped[str | None] = mapped_column(String(32), default=None)
    calibres: Mapped[str] = mapped_column(Text, default="")
    aliases: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="admin", index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def alias_list(self) -> tuple[str, ...]:
        return tuple(a.strip() for a in self.aliases.split("\n") if a.strip())

    def calibre_list(self) -> tuple[str, ...]:
        return tuple(c.strip() for c in self.calibres.split("\n") if c.strip())
