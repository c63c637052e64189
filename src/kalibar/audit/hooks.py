"""The ORM hook: every insert, update and delete of an ``Audited`` row is chained in the
same flush, so no code path can change data without leaving a trace."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import NO_VALUE

from kalibar.audit.chain import Event, append
from kalibar.auth.actor import SYSTEM, Actor
from kalibar.db.base import Audited
from kalibar.ids import uuid7

REDACTED = "[redacted]"


def _plain(value: Any) -> Any:
    if value is NO_VALUE:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def _object_id(obj: Any) -> str:
    if getattr(obj, "uuid", None) is None:
        obj.uuid = uuid7()
    return str(obj.uuid)


def _columns(obj: Any) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs]


def _insert_changes(obj: Any) -> dict[str, Any]:
    excluded = obj.__audit_exclude__
    out: dict[str, Any] = {}
    for key in _columns(obj):
        if key in ("created_at", "updated_at"):
            continue
        value = getattr(obj, key)
        if value is None:
            continue
        out[key] = REDACTED if key in excluded else _plain(value)
    return out


def _update_changes(obj: Any) -> dict[str, Any]:
    excluded = obj.__audit_exclude__
    state = inspect(obj)
    out: dict[str, Any] = {}
    for key in _columns(obj):
        if key == "updated_at":
            continue
        hist = state.attrs[key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if _plain(old) == _plain(new):
            continue
        out[key] = [REDACTED, REDACTED] if key in excluded else [_plain(old), _plain(new)]
    return out


def _event(session: Session, obj: Any, action: str, changes: dict[str, Any]) -> Event:
    actor: Actor = session.info.get("actor") or SYSTEM
    return Event(
        actor=actor.username,
        agency=actor.agency_code,
        action=action,
        object_type=type(obj).__name__,
        object_id=_object_id(obj),
        changes=changes,
        request_id=session.info.get("request_id") or "",
    )


def before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    if session.info.get("audit_disabled"):
        return
    events: list[Event] = []
    for obj in list(session.new):
        if isinstance(obj, Audited):
            events.append(_event(session, obj, "insert", _insert_changes(obj)))
    for obj in list(session.dirty):
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            changes = _update_changes(obj)
            if not changes:
                continue
            soft_deleted = "deleted_at" in changes and changes["deleted_at"][0] is None
            restored = "deleted_at" in changes and changes["deleted_at"][1] is None
            action = "delete" if soft_deleted else "restore" if restored else "update"
            events.append(_event(session, obj, action, changes))
    for obj in list(session.deleted):
        if isinstance(obj, Audited):
            events.append(_event(session, obj, "purge", {}))
    append(session, events)
