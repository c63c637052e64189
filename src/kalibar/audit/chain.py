"""Appending to and verifying the hash chain, sealed with the audit key.

Each entry's ``hash`` chains it to the one before (SHA-256 over its content and the previous
hash); its ``mac`` seals (seq, hash) with HMAC-SHA256 under the audit key, which lives
outside the database (:mod:`kalibar.audit.keys`). The head row is sealed the same way. So a
rewritten entry whose chain was recomputed, or a cut tail under a rewritten head, no longer
verifies unless the key was used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.audit.keys import AuditKey, AuditKeyError, current_key
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


def locked_head(session: Session) -> AuditHead:
    """The chain head, locked once per transaction so concurrent writers queue up."""
    session.connection()  # begin the transaction first: a None here would never match again
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
    key = current_key()
    head = locked_head(session)
    if head.key_id is not None and head.key_id != key.key_id:
        raise AuditKeyError(
            _(
                "The audit key %(key)s (from %(source)s) is not the key %(sealed)s that "
                "sealed the audit chain: restore that key, or see docs/operations.md "
                "(audit key)."
            )
            % {"key": key.key_id, "source": key.source, "sealed": head.key_id}
        )
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
        entry.mac = seal_entry(key, entry.seq, entry.hash)
        head.seq, head.hash = entry.seq, entry.hash
        session.add(entry)
        added.append(entry)
    seal_head(key, head)
    return added


def seal_entry(key: AuditKey, seq: int, hash_: str) -> str:
    return key.seal("entry", seq, hash_)


def seal_head(key: AuditKey, head: AuditHead) -> None:
    head.mac = key.seal("head", head.seq, head.hash)
    head.key_id = key.key_id


@dataclass(frozen=True)
class Problem:
    seq: int
    # "changed", "removed", "reordered", "truncated", "unsealed" (no seal: written before
    # the key, or the seal was removed), "key" (the chain was sealed with another key),
    # "anchor" (an anchored head whose own seal does not verify)
    kind: str
    message: str


def _span(first: int, last: int) -> str:
    return f"{first}" if first == last else f"{first}–{last}"


class _SealRuns:
    """Collects consecutive entries with a bad seal so one rewrite is reported once."""

    def __init__(self) -> None:
        self.kind = ""
        self.first = self.last = 0

    def add(self, seq: int, kind: str) -> Iterator[Problem]:
        if self.kind == kind and seq == self.last + 1:
            self.last = seq
            return
        yield from self.close()
        self.kind, self.first, self.last = kind, seq, seq

    def close(self) -> Iterator[Problem]:
        if self.kind == "unsealed":
            yield Problem(
                self.first,
                "unsealed",
                _("entries %(span)s carry no seal (written before the audit key, or unsealed)")
                % {"span": _span(self.first, self.last)},
            )
        elif self.kind == "changed":
            yield Problem(
                self.first,
                "changed",
                _(
                    "entries %(span)s do not carry a valid seal: changed or rewritten after "
                    "they were written"
                )
                % {"span": _span(self.first, self.last)},
            )
        self.kind = ""


def verify(session: Session, *, key: AuditKey | None) -> Iterator[Problem]:
    """Walk the chain in order and yield every place where it does not hold.

    With ``key``, every entry's seal and the head's are checked too; without, only the hash
    chain (used before sealing a chain written without a key).
    """
    head = session.get(AuditHead, 1)
    if key is not None and head is not None and head.key_id not in (None, key.key_id):
        yield Problem(
            0,
            "key",
            _(
                "the chain was sealed with the audit key %(sealed)s, but the configured key "
                "(%(source)s) is %(key)s: seals cannot be checked"
            )
            % {"sealed": head.key_id, "source": key.source, "key": key.key_id},
        )
        key = None
    rows = session.execute(
        select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=2000)
    ).scalars()
    runs = _SealRuns()
    prev_seq, prev_hash = 0, GENESIS
    for e in rows:
        yield from _link_problems(session, e, prev_seq, prev_hash)
        if _hash_of(e) != e.hash:
            yield Problem(
                e.seq,
                "changed",
                _("entry %(seq)d was changed after it was written") % {"seq": e.seq},
            )
        if key is not None:
            if e.mac is None:
                yield from runs.add(e.seq, "unsealed")
            elif not key.verifies(e.mac, "entry", e.seq, e.hash):
                yield from runs.add(e.seq, "changed")
            else:
                yield from runs.close()
        prev_seq, prev_hash = e.seq, e.hash
    yield from runs.close()
    if head is not None and (head.seq != prev_seq or head.hash != prev_hash):
        yield Problem(
            prev_seq + 1,
            "truncated",
            _("the chain ends at entry %(last)d but its head records entry %(head)d")
            % {"last": prev_seq, "head": head.seq},
        )
    elif head is not None and key is not None and not key.verifies(
        head.mac, "head", head.seq, head.hash
    ):
        yield Problem(
            head.seq,
            "truncated",
            _(
                "the chain's head (entry %(head)d) does not carry a valid seal: it was "
                "rewritten, as when the tail is cut"
            )
            % {"head": head.seq},
        )


def _link_problems(
    session: Session, e: AuditEntry, prev_seq: int, prev_hash: str
) -> Iterator[Problem]:
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
