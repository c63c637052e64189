"""API shapes of operations, their members, links, log and tasks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from kalibar.bounds import Day
from kalibar.operations.models import LinkKind, MemberRole, OperationStatus, TaskStatus

AgencyCode = Annotated[str, Field(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9-]+$")]


class MemberIn(BaseModel):
    agency: AgencyCode = Field(examples=["BA-GP"])
    role: MemberRole = MemberRole.member


class RoleIn(BaseModel):
    role: MemberRole


class OperationIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    purpose: str = Field(default="", max_length=5000)
    starts_on: Day | None = None
    ends_on: Day | None = None
    members: list[MemberIn] = Field(default_factory=list, max_length=50)


class OperationPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    purpose: str | None = Field(default=None, max_length=5000)
    starts_on: Day | None = None
    ends_on: Day | None = None


class SummaryIn(BaseModel):
    text: str = Field(max_length=20_000)


class OperationOut(BaseModel):
    uuid: UUID
    reference: str
    name: str
    purpose: str
    status: OperationStatus
    starts_on: date | None
    ends_on: date | None
    lead_agency: str
    summary: str
    closed_at: datetime | None
    created_at: datetime


class MemberOut(BaseModel):
    agency: str
    role: MemberRole
    joined_at: datetime
    left_at: datetime | None


class LinkIn(BaseModel):
    kind: LinkKind
    object: str = Field(min_length=1, max_length=80, description="The object's UUID or reference.")
    note: str = Field(default="", max_length=500)
    share: bool = Field(
        default=False,
        description="The owner also shares the object with the operation's group.",
    )


class LinkOut(BaseModel):
    uuid: UUID
    kind: LinkKind
    object_uuid: UUID
    label: str
    note: str
    linked_by: str
    shared_with_operation: bool


class LinksOut(BaseModel):
    links: list[LinkOut]
    hidden: int = Field(description="Linked objects the caller may not see (never listed).")


class LogIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000)


class LogOut(BaseModel):
    uuid: UUID
    author: str
    body: str
    created_at: datetime


class TaskIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    owner: str | None = Field(default=None, max_length=64, description="A username.")
    due_on: Day | None = None


class TaskPatch(BaseModel):
    status: TaskStatus


class TaskOut(BaseModel):
    uuid: UUID
    title: str
    owner: str
    due_on: date | None
    status: TaskStatus
    overdue: bool


class OperationDetail(OperationOut):
    members: list[MemberOut]
    links: LinksOut
    tasks: list[TaskOut]
