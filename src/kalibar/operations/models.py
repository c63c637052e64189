"""Joint-operation workspaces: a closed user group of agencies around one operation.

The operation is an owned object (the lead agency owns it) distributed to one sharing group
(``distribution = group``) whose members are the operation's current member agencies: the
one visibility filter decides who sees the operation, and an agency that leaves is taken
out of the group, so it loses access at its next request. Members, links, log entries and
tasks are parts of the operation: they are read through it (``operations.access``).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kalibar.db.base import Audited, Base, SharedObject, Timestamped, UTCDateTime
from kalibar.ids import uuid7


class OperationStatus(enum.StrEnum):
    planned = "planned"
    active = "active"
    closed = "closed"


class MemberRole(enum.StrEnum):
    """What a member agency does in the operation."""

    #: The owner agency: manages members, links, tasks and the after-action summary.
    lead = "lead"
    #: Works the operation: links what it may see, writes in the log, takes tasks.
    member = "member"
    #: Reads the workspace and writes in the log; links and takes nothing.
    observer = "observer"


class LinkKind(enum.StrEnum):
    seizure = "seizure"
    record = "record"
    entity = "entity"
    declaration = "declaration"
    trace = "trace"


class TaskStatus(enum.StrEnum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class Operation(SharedObject, Base):
    __tablename__ = "operations"
    __table_args__ = (Index("ix_operations_visibility", "owner_country", "distribution"),)

    reference: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=OperationStatus.active.value)
    starts_on: Mapped[date | None] = mapped_column(Date, default=None)
    ends_on: Mapped[date | None] = mapped_column(Date, default=None)
    #: The sharing group that carries its visibility (purpose ``operation``).
    group_id: Mapped[int] = mapped_column(ForeignKey("sharing_groups.id"), unique=True)
    #: The after-action summary the lead agency writes (results, lessons learned).
    summary: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_by: Mapped[str] = mapped_column(String(80), default="")


class OperationMember(Audited, Timestamped, Base):
    """One agency in the operation; ``left_at`` keeps the history after it leaves."""

    __tablename__ = "operation_members"
    __table_args__ = (Index("ix_operation_members_op_agency", "operation_id", "agency_id"),)

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    operation_id: Mapped[UUID] = mapped_column(ForeignKey("operations.uuid"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    role: Mapped[str] = mapped_column(String(16), default=MemberRole.member.value)
    added_by: Mapped[str] = mapped_column(String(80), default="")
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class OperationLink(Audited, Timestamped, Base):
    """A seizure, record, entity, declaration or trace linked to the operation.

    A link grants nothing: each reader sees the linked object only if the visibility filter
    (or the tracing rule) lets them; the others are counted, never listed.
    """

    __tablename__ = "operation_links"
    __table_args__ = (UniqueConstraint("operation_id", "kind", "object_uuid"),)

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    operation_id: Mapped[UUID] = mapped_column(ForeignKey("operations.uuid"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    object_uuid: Mapped[UUID] = mapped_column(Uuid(), index=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    linked_by: Mapped[str] = mapped_column(String(80), default="")
    linked_by_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), default=None)


class OperationLogEntry(Audited, Timestamped, Base):
    """One line of the shared log (what happened, who said it)."""

    __tablename__ = "operation_log"

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    operation_id: Mapped[UUID] = mapped_column(ForeignKey("operations.uuid"), index=True)
    author: Mapped[str] = mapped_column(String(80))
    author_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), default=None)
    body: Mapped[str] = mapped_column(Text)


class OperationTask(Audited, Timestamped, Base):
    """A task with an owner (a user of a member agency) and a due date."""

    __tablename__ = "operation_tasks"

    uuid: Mapped[UUID] = mapped_column(Uuid(), primary_key=True, default=uuid7)
    operation_id: Mapped[UUID] = mapped_column(ForeignKey("operations.uuid"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    due_on: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(16), default=TaskStatus.open.value)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_by: Mapped[str] = mapped_column(String(80), default="")
