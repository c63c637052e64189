"""Users and their credentials. Secrets are only ever stored hashed."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kalibar.agencies.models import Agency
from kalibar.db.base import Audited, Base, Timestamped, UTCDateTime, utcnow
from kalibar.ids import uuid7


class Role(enum.StrEnum):
    officer = "officer"
    investigator = "investigator"
    analyst = "analyst"
    focal_point = "focal_point"
    admin = "admin"
    #: Reads the whole audit trail (platform-wide oversight); nothing else comes with it.
    auditor = "auditor"


class User(Audited, Timestamped, Base):
    __tablename__ = "users"
    __audit_exclude__ = frozenset({"password_hash", "totp_secret", "totp_last_step"})

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid(), unique=True, default=uuid7)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    roles_csv: Mapped[str] = mapped_column("roles", String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    #: The time step of the last second-factor code accepted: that code and older ones are
    #: refused, so a code works once (set with a conditional UPDATE, atomic under races).
    totp_last_step: Mapped[int | None] = mapped_column(Integer, default=None)
    locale: Mapped[str | None] = mapped_column(String(16), default=None)

    agency: Mapped[Agency] = relationship(lazy="joined")

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r for r in self.roles_csv.split(",") if r)

    @roles.setter
    def roles(self, value: set[str] | frozenset[str] | list[str]) -> None:
        self.roles_csv = ",".join(sorted({Role(r).value for r in value}))


class ApiToken(Audited, Base):
    __tablename__ = "api_tokens"
    __audit_exclude__ = frozenset({"token_hash", "last_used_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid(), unique=True, default=uuid7)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    user: Mapped[User] = relationship(lazy="joined")


class WebSession(Base):
    """A browser session. The cookie holds a random token; only its hash is stored."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # True until the second factor has been given, for users who have one.
    pending_totp: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(lazy="joined")


class AuthAttempts(Base):
    """Attempts at one secret (a login name, a user's second factor, a user's current
    password) within a window. Counted with one atomic upsert whose returned value decides,
    so parallel attempts cannot all read the same count; cleared on success."""

    __tablename__ = "auth_attempts"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    count: Mapped[int] = mapped_column(Integer, default=0)
