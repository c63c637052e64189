"""Reading the audit trail and logging events that are not row changes (reads, exports, logins)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from kalibar.audit import scope
from kalibar.audit.chain import Event, Problem, append, verify
from kalibar.audit.keys import current_key
from kalibar.audit.models import AuditEntry
from kalibar.auth.actor import SYSTEM, Actor
from kalibar.errors import Forbidden
from kalibar.i18n import _


def log_event(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Chain a non-change event (read of a sensitive object, export, login)."""
    who = actor or SYSTEM
    append(
        session,
        [
            Event(
                actor=who.username,
                agency=who.agency_code,
                action=action,
                object_type=object_type,
                object_id=object_id,
                changes=details or {},
                request_id=session.info.get("request_id") or "",
            )
        ],
    )


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    agency: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditRow:
    """An entry as a viewer may read it: ``redacted`` rows keep when, who, which agency and
    what kind of action on what kind of object, without the object and its fields."""

    seq: int
    at: datetime
    actor: str
    agency: str
    action: str
    object_type: str
    object_id: str
    changes: str
    request_id: str
    hash: str
    redacted: bool = False

    @classmethod
    def of(cls, e: AuditEntry, *, redacted: bool) -> AuditRow:
        if redacted:
            return cls(e.seq, e.at, e.actor, e.agency, e.action, e.object_type, "", "{}",
                       e.request_id, "", True)  # fmt: skip
        return cls(e.seq, e.at, e.actor, e.agency, e.action, e.object_type, e.object_id,
                   e.changes, e.request_id, e.hash)  # fmt: skip


def may_browse(actor: Actor) -> bool:
    """Administrators (need-to-know applies) and auditors (the whole trail)."""
    return actor.has_role("admin", scope.AUDITOR)


def list_entries(
    session: Session,
    *,
    actor: Actor,
    filters: AuditFilter,
    limit: int = 100,
    before_seq: int | None = None,
) -> list[AuditRow]:
    """Newest first, keyset-paged by ``before_seq``; need-to-know applies (``scope``):
    entries about objects the viewer's agency may not see are redacted — and left out
    when asked for by object id, which would otherwise confirm the object exists."""
    if not may_browse(actor):
        raise Forbidden(_("Only administrators and auditors may browse the audit trail."))
    stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    conditions = {
        AuditEntry.actor: filters.actor,
        AuditEntry.agency: filters.agency,
        AuditEntry.action: filters.action,
        AuditEntry.object_type: filters.object_type,
        AuditEntry.object_id: filters.object_id,
    }
    for column, value in conditions.items():
        if value:
            stmt = stmt.where(column == value)
    if filters.since:
        stmt = stmt.where(AuditEntry.at >= filters.since)
    if filters.until:
        stmt = stmt.where(AuditEntry.at < filters.until)
    if before_seq:
        stmt = stmt.where(AuditEntry.seq < before_seq)
    entries = list(session.execute(stmt).scalars())
    full = scope.full_view(session, actor, entries)
    rows = [AuditRow.of(e, redacted=e.seq not in full) for e in entries]
    if filters.object_id:
        rows = [r for r in rows if not r.redacted]
    return rows


def history_of(session: Session, *, object_id: str) -> list[AuditRow]:
    """Every entry about one object, oldest first (callers check visibility first).

    Bulk imports write one entry per chunk that names each record it created, so those
    entries (few: one per 10,000 rows, found through the action index) are included —
    naming this object only: the other records of the chunk may be hidden from the reader.
    """
    named_in_import = and_(
        AuditEntry.action == "import", AuditEntry.changes.contains(f'"{object_id}"')
    )
    stmt = (
        select(AuditEntry)
        .where(or_(AuditEntry.object_id == object_id, named_in_import))
        .order_by(AuditEntry.seq)
    )
    return [_about(e, object_id) for e in session.execute(stmt).scalars()]


def _about(e: AuditEntry, object_id: str) -> AuditRow:
    """The entry as part of one object's history (a copy: entries are never changed)."""
    row = AuditRow.of(e, redacted=False)
    if e.object_id == object_id:
        return row
    changes = json.loads(e.changes)
    named = changes.get("records")
    if isinstance(named, list):
        changes["records"] = [r for r in named if r == object_id]
    return replace(row, changes=json.dumps(changes, ensure_ascii=False))


def count_entries(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


def verify_chain(session: Session) -> list[Problem]:
    """Every problem of the chain, seals included (under the configured audit key)."""
    return list(verify(session, key=current_key()))
