"""Appending to and verifying the hash chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.audit.models import GENESIS, AuditEntry, AuditHead
from kalibar.db.base import utcnow
from kalibar.db.session import hold_write_lock
from kalibar.i18n import _


@dataclass(frozen=True)
class Event:
    actor: str
    agency: str
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any]
    request_id: str = ""


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(
    prev_hash: str,
    at: datetime,
    actor: str,
    agency: str,
    action: str,
    object_type: str,
    object_id: str,
    changes: str,
    request_id: str,
) -> str:
    payload = canonical_json(
        [
            prev_hash,
            at.isoformat(),
            actor,
            agency,
            action,
            object_type,
            object_id,
            changes,
            request_id,
        ]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _hash_of(entry: AuditEntry) -> str:
    return entry_hash(
        entry.prev_hash,
        entry.at,
        entry.actor,
        entry.agency,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.changes,
        entry.request_id,
    )


def _locked_head(session: Session) -> AuditHead:
    """The chain head, locked once per transaction so concurrent writers queue up."""
    tx = session.get_transaction()
    if session.info.get("audit_tx") is tx and "audit_head" in session.info:
        head: AuditHead = session.info["audit_head"]
        return head
    with session.no_autoflush:
        hold_write_lock(session.connection())
        found = session.execute(
            select(AuditHead)
            .where(AuditHead.id == 1)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()
    if found is None:
        found = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(found)
    session.info["audit_tx"] = tx
    session.info["audit_head"] = found
    return found


def append(session: Session, events: list[Event]) -> list[AuditEntry]:
    """Add entries for ``events`` to the session, each chained to the one before."""
    if not events:
        return []
    head = _locked_head(session)
    at = utcnow()
    added = []
    for ev in events:
        changes = canonical_json(ev.changes)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=at,
            actor=ev.actor,
            agency=ev.agency,
            action=ev.action,
            object_type=ev.object_type,
            object_id=ev.object_id,
            changes=changes,
            request_id=ev.request_id or "",
            prev_hash=head.hash,
        )
        entry.hash = _hash_of(entry)
        head.seq, head.hash = entry.seq, entry.hash
        session.add(entry)
        added.append(entry)
    return added


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str  # "changed", "removed", "reordered", "truncated"
    message: str


def verify(session: Session) -> Iterator[Problem]:
    """Walk the chain in order and yield every place where it does not hold."""
    rows = session.execute(
        select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=2000)
    ).scalars()
    prev_seq, prev_hash = 0, GENESIS
    for e in rows:
        if e.seq != prev_seq + 1:
            missing = f"{prev_seq + 1}" if e.seq == prev_seq + 2 else f"{prev_seq + 1}–{e.seq - 1}"
            yield Problem(
                e.seq,
                "removed",
                _("entries %(missing)s are missing before entry %(seq)d")
                % {"missing": missing, "seq": e.seq},
            )
        elif e.prev_hash != prev_hash:
            linked = session.execute(
                select(AuditEntry.seq).where(AuditEntry.hash == e.prev_hash)
            ).scalar()
            if linked is not None:
                yield Problem(
                    e.seq,
                    "reordered",
                    _(
                        "entry %(seq)d follows entry %(linked)d in the chain, not entry %(prev)d: "
                        "entries were reordered"
                    )
                    % {"seq": e.seq, "linked": linked, "prev": prev_seq},
                )
            else:
                yield Problem(
                    e.seq,
                    "removed",
                    _("the entry before %(seq)d was replaced or removed") % {"seq": e.seq},
                )
        if _hash_of(e) != e.hash:
            yield Problem(
                e.seq,
                "changed",
                _("entry %(seq)d was changed after it was written") % {"seq": e.seq},
            )
        prev_seq, prev_hash = e.seq, e.hash
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != prev_seq or head.hash != prev_hash):
        yield Problem(
            prev_seq + 1,
            "truncated",
            _("the chain ends at entry %(last)d but its head records entry %(head)d")
            % {"last": prev_seq, "head": head.seq},
        )
