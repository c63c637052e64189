"""Change capture: every flush that inserts, changes or deletes a shareable object numbers
it in the outbox (``Outbox.seq``), and no local code path may change an object received
from a peer (it is read-only here: only its owner changes it).

Installed by the composition root (``app.listeners``), never at import, so domain slices do
not import federation. Objects received from a peer are never captured (nothing is
forwarded); a hit on a received record is, addressed to that record's owner only.

Seq order is commit order: the capture takes the database's one write lock
(``lock_for_writing``) before it numbers anything, so a transaction holding a lower seq
cannot commit after one holding a higher seq, and a peer reading up to ``N`` never skips
a row that appears below ``N`` later.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, inspect, select
from sqlalchemy.orm import Session

from kalibar.db.base import SharedObject
from kalibar.db.session import lock_for_writing
from kalibar.errors import Forbidden
from kalibar.federation.kinds import SHARED_MODELS
from kalibar.federation.models import ForeignObject, Kind, Outbox
from kalibar.federation.service import EXPORTABLE
from kalibar.i18n import _
from kalibar.ids import uuid7
from kalibar.matching.models import Hit
from kalibar.seizures.models import Involvement, SeizedItem

#: session.info key: {uuid: peer_id} of objects the puller is applying in this session.
APPLYING = "federation_applying"
KIND_OF = {model: kind for kind, model in SHARED_MODELS.items()}


def _kind(obj: Any) -> str | None:
    return KIND_OF.get(type(obj))


def _was_exportable(obj: SharedObject) -> bool:
    hist = inspect(obj).attrs["distribution"].history
    values = [*hist.deleted, *hist.unchanged, *hist.added, obj.distribution]
    return any(v in EXPORTABLE for v in values if v)


def foreign_peers(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Which of ``ids`` came from a peer (and which)."""
    applying: dict[uuid.UUID, int] = session.info.get(APPLYING) or {}
    out = {i: applying[i] for i in ids if i in applying}
    rest = [i for i in ids if i not in out]
    if rest:
        with session.no_autoflush:
            for chunk in range(0, len(rest), 500):
                stmt = select(ForeignObject.object_uuid, ForeignObject.peer_id).where(
                    ForeignObject.object_uuid.in_(rest[chunk : chunk + 500])
                )
                out.update({u: p for u, p in session.execute(stmt).all()})
    return out


def before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    applying = session.info.get(APPLYING) is not None
    changed: dict[tuple[str, uuid.UUID], tuple[bool, bool, bool]] = {}  # (new, deleted, was_exp)
    hits: list[Hit] = []
    existing: set[uuid.UUID] = set()
    for obj in list(session.new):
        kind = _kind(obj)
        if (kind is not None or isinstance(obj, Hit)) and getattr(obj, "uuid", None) is None:
            obj.uuid = uuid7()  # the column default comes only at insert
        if kind is not None:
            changed[(kind, obj.uuid)] = (True, obj.deleted_at is not None, _was_exportable(obj))
        elif isinstance(obj, Hit):
            hits.append(obj)
    for obj in list(session.dirty) + list(session.deleted):
        kind = _kind(obj)
        gone = obj in session.deleted
        if kind is not None and (gone or session.is_modified(obj, include_collections=False)):
            changed[(kind, obj.uuid)] = (
                False,
                gone or obj.deleted_at is not None,
                _was_exportable(obj),
            )
            existing.add(obj.uuid)
        elif isinstance(obj, SeizedItem | Involvement) and obj.seizure_id is not None:
            changed.setdefault((Kind.seizure.value, obj.seizure_id), (False, False, True))
            existing.add(obj.seizure_id)
        elif isinstance(obj, Hit) and session.is_modified(obj, include_collections=False):
            hits.append(obj)
    for obj in list(session.new):
        if isinstance(obj, SeizedItem | Involvement) and obj.seizure_id is not None:
            changed.setdefault((Kind.seizure.value, obj.seizure_id), (False, False, True))
    if not changed and not hits:
        return
    ids = {u for _k, u in changed} | {h.query_record_id for h in hits if h.query_record_id}
    ids |= {h.matched_record_id for h in hits if h.matched_record_id}
    foreign = foreign_peers(session, ids)
    if not applying and any(u in foreign for u in existing):
        raise Forbidden(_("This object belongs to another instance: only its owner may change it."))
    rows: list[Outbox] = []
    for (kind, oid), (_new, gone, exported) in changed.items():
        if oid in foreign:
            continue  # received from a peer: never forwarded
        rows.append(Outbox(kind=kind, object_uuid=oid, deleted=gone, exported=exported))
    for hit in hits:
        peer = foreign.get(hit.matched_record_id) or foreign.get(hit.query_record_id)
        if peer is not None and hit.uuid is not None:
            rows.append(Outbox(kind=Kind.hit.value, object_uuid=hit.uuid, peer_id=peer))
    if not rows:
        return
    lock_for_writing(session)
    olds = [(r.kind, r.object_uuid) for r in rows]
    for kind in {k for k, _u in olds}:
        uuids = [u for k, u in olds if k == kind]
        for chunk in range(0, len(uuids), 500):
            session.execute(
                delete(Outbox).where(
                    Outbox.kind == kind, Outbox.object_uuid.in_(uuids[chunk : chunk + 500])
                )
            )
    session.add_all(rows)


def queue(session: Session, *, kind: str, object_uuid: uuid.UUID, peer_id: int | None) -> None:
    """Number a message that is no ORM change of a shareable object (a decision on a hit
    another instance reported), for one peer."""
    lock_for_writing(session)
    session.execute(delete(Outbox).where(Outbox.kind == kind, Outbox.object_uuid == object_uuid))
    session.add(Outbox(kind=kind, object_uuid=object_uuid, peer_id=peer_id))
