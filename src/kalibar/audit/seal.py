"""Sealing the chain (after the upgrade that brought keys, or a lost key), rotating the key,
and the head exported to be anchored elsewhere (``kalibar audit head`` / ``verify --head``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kalibar.audit.chain import Problem, locked_head, seal_entry, seal_head, verify
from kalibar.audit.keys import AuditKey, current_key
from kalibar.audit.models import AuditEntry, AuditHead
from kalibar.audit.service import log_event
from kalibar.db.base import utcnow
from kalibar.errors import Conflict, Invalid
from kalibar.i18n import _

ANCHOR_FORMAT = "kalibar.audit-head"
BATCH = 5000


@dataclass(frozen=True)
class SealReport:
    sealed: int
    key_id: str


def _refuse_if_broken(problems: list[Problem]) -> None:
    if problems:
        first = problems[0]
        raise Conflict(
            _("The audit chain does not verify (entry %(seq)d: %(why)s); nothing was sealed.")
            % {"seq": first.seq, "why": first.message},
            [{"seq": p.seq, "kind": p.kind} for p in problems[:20]],
        )


def _head_for_sealing(session: Session) -> AuditHead:
    """The head under the write lock, in this transaction (begun first, so that appends
    later in the same transaction find the same head object and its new seal)."""
    session.connection()
    head = locked_head(session)
    session.flush()
    return head


def _reseal(session: Session, key: AuditKey, *, only_unsealed: bool) -> int:
    stmt = select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq)
    if only_unsealed:
        stmt = stmt.where(AuditEntry.mac.is_(None))
    count = 0
    batch: list[dict[str, Any]] = []
    for seq, hash_ in session.execute(stmt.execution_options(yield_per=BATCH)):
        batch.append({"seq": seq, "mac": seal_entry(key, seq, hash_)})
        if len(batch) >= BATCH:
            session.execute(update(AuditEntry), batch)
            count += len(batch)
            batch = []
    if batch:
        session.execute(update(AuditEntry), batch)
        count += len(batch)
    return count


def seal_unsealed(session: Session, *, lost_key: bool = False) -> SealReport:
    """Seal the entries that carry no seal, once their hash chain verifies.

    Used by ``kalibar db upgrade`` for entries written before the audit key existed.
    ``lost_key``: the key that sealed the chain is gone; every entry is sealed again under
    the configured key, after the hash chain verifies. Either way the act is chained.
    """
    key = current_key()
    head = _head_for_sealing(session)
    unsealed = session.execute(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.mac.is_(None))
    ).scalar_one()
    if not lost_key and not unsealed and head.key_id in (None, key.key_id):
        if head.key_id is None:  # no entries yet: the empty head is sealed
            seal_head(key, head)
        return SealReport(0, key.key_id)
    if not lost_key and head.key_id not in (None, key.key_id):
        raise Conflict(
            _(
                "The chain was sealed with the audit key %(sealed)s, not the configured "
                "key %(key)s. Restore that key, or seal again with --lost-key."
            )
            % {"sealed": head.key_id, "key": key.key_id}
        )
    _refuse_if_broken(list(verify(session, key=None)))
    count = _reseal(session, key, only_unsealed=not lost_key)
    seal_head(key, head)
    log_event(
        session,
        actor=None,
        action="audit_sealed",
        object_type="AuditChain",
        object_id=key.key_id,
        details={"entries": count, "lost_key": lost_key},
    )
    return SealReport(count, key.key_id)


def rotate_key(session: Session, *, new_key: AuditKey) -> SealReport:
    """Seal the whole chain again under ``new_key``, after it verifies under the current one.

    The hashes do not change, so heads anchored before the rotation still check out.
    """
    old = current_key()
    if new_key.key_id == old.key_id:
        raise Invalid(_("The new audit key is the current one."))
    head = _head_for_sealing(session)
    _refuse_if_broken(list(verify(session, key=old)))
    log_event(
        session,
        actor=None,
        action="audit_key_rotated",
        object_type="AuditChain",
        object_id=new_key.key_id,
        details={"from": old.key_id, "to": new_key.key_id},
    )
    session.flush()
    count = _reseal(session, new_key, only_unsealed=False)
    seal_head(new_key, head)
    session.flush()
    return SealReport(count, new_key.key_id)


# ---------------------------------------------------------------- the anchored head


def head_anchor(session: Session) -> dict[str, Any]:
    """The chain's head as a small sealed document, to keep outside this system."""
    key = current_key()
    head = session.get(AuditHead, 1)
    seq, hash_ = (head.seq, head.hash) if head is not None else (0, "0" * 64)
    at = utcnow().isoformat()
    return {
        "format": ANCHOR_FORMAT,
        "seq": seq,
        "hash": hash_,
        "at": at,
        "key_id": key.key_id,
        "mac": key.seal("anchor", seq, hash_, at),
    }


def parse_anchor(text: str, source: str) -> dict[str, Any]:
    """Read an anchored head; a clear error says what is wrong and where."""
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise Invalid(
            _("%(source)s is not an anchored audit head (JSON): %(why)s")
            % {"source": source, "why": str(exc)}
        ) from exc
    expected: dict[str, type] = {"seq": int, "hash": str, "at": str, "key_id": str, "mac": str}
    if not isinstance(doc, dict) or doc.get("format") != ANCHOR_FORMAT:
        raise Invalid(
            _("%(source)s is not an anchored audit head (format %(format)s).")
            % {"source": source, "format": ANCHOR_FORMAT}
        )
    bad = [k for k, t in expected.items() if not isinstance(doc.get(k), t)]
    if bad or isinstance(doc["seq"], bool) or doc["seq"] < 0:
        raise Invalid(
            _("%(source)s: these fields are missing or of the wrong type: %(fields)s")
            % {"source": source, "fields": ", ".join(bad or ["seq"])},
            [{"field": k} for k in bad or ["seq"]],
        )
    try:
        datetime.fromisoformat(doc["at"])
    except ValueError as exc:
        raise Invalid(
            _("%(source)s: 'at' is not a date and time.") % {"source": source},
            [{"field": "at"}],
        ) from exc
    return doc


def check_anchor(session: Session, anchor: dict[str, Any]) -> list[Problem]:
    """Problems between the chain and a head anchored earlier (a cut tail, a rewrite).

    The anchor's own seal is checked when it was made with the configured key; after a
    rotation it cannot be, but its sequence number and hash still can.
    """
    key = current_key()
    seq, hash_ = anchor["seq"], anchor["hash"]
    problems = []
    if anchor["key_id"] == key.key_id and not key.verifies(
        anchor["mac"], "anchor", seq, hash_, anchor["at"]
    ):
        problems.append(
            Problem(
                seq,
                "anchor",
                _("the anchored head's seal does not verify: the file was changed"),
            )
        )
    if seq == 0:
        return problems
    entry = session.get(AuditEntry, seq)
    if entry is None:
        last = session.execute(select(func.max(AuditEntry.seq))).scalar() or 0
        problems.append(
            Problem(
                seq,
                "truncated",
                _(
                    "the anchored head names entry %(seq)d, but the chain ends at entry "
                    "%(last)d: entries were cut"
                )
                % {"seq": seq, "last": last},
            )
        )
    elif entry.hash != hash_:
        problems.append(
            Problem(
                seq,
                "changed",
                _(
                    "entry %(seq)d is not the one anchored: the chain was rewritten up to "
                    "there"
                )
                % {"seq": seq},
            )
        )
    return problems
