"""The receiver's side: verify every envelope (key, signature, recipient, order, agreement,
owner) and store what passes, read-only, idempotently.

One page (or bundle) is applied in one transaction with the peer's cursor, so a puller
killed at any moment resumes from the last committed page: nothing lost, nothing twice.
An envelope whose ``seq`` is at or below the cursor is a replay (refused, logged, harmless);
one out of order, or not signed by an unrevoked key of the peer, stops the page there
(refused, logged; the cursor stays before it, so a clean copy is read next time). What the
agreement does not allow is refused and passed over. Re-delivery of an applied
``(uuid, version)`` changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency, Country
from kalibar.audit.service import log_event
from kalibar.auth.actor import Actor
from kalibar.db.base import Distribution, utcnow
from kalibar.db.session import lock_for_writing
from kalibar.federation import envelopes, outbox, service
from kalibar.federation.feed import refuse
from kalibar.federation.kinds import RECORD_FIELDS, SHARED_MODELS, nominal_keys, summary_json
from kalibar.federation.models import (
    Direction,
    ForeignObject,
    ForeignSeizure,
    Kind,
    OwnKey,
    Peer,
    RemoteHit,
)
from kalibar.matching import hits
from kalibar.matching import service as msvc
from kalibar.matching.models import Hit, HitStatus, RecordLink
from kalibar.records.models import FirearmRecord
from kalibar.sharing.models import ObjectSharingGroup, SharingGroup

DATE_FIELDS = {"event_date", "origin_established_at"}


BATCH = "federation_batch"


class _Batch:
    """One page's reads done at once (what is here already), and its new records written
    with one bulk insert: a page of 1,000 records costs a few statements, not thousands.
    The page's ``federation_received`` audit entry lists every envelope applied."""

    def __init__(self, session: Session, items: list[Any]) -> None:
        ids: dict[str, list[uuid.UUID]] = {}
        for env in items:
            if isinstance(env, dict) and env.get("kind") in SHARED_MODELS:
                try:
                    ids.setdefault(env["kind"], []).append(uuid.UUID(str(env.get("uuid"))))
                except ValueError:
                    continue
        every = [u for group in ids.values() for u in group]
        self.seen: dict[uuid.UUID, ForeignObject] = {}
        self.objs: dict[uuid.UUID, Any] = {}
        for i in range(0, len(every), 500):
            part = every[i : i + 500]
            stmt = select(ForeignObject).where(ForeignObject.object_uuid.in_(part))
            self.seen.update((f.object_uuid, f) for f in session.execute(stmt).scalars())
        for kind, group in ids.items():
            model: Any = _model(kind)
            for i in range(0, len(group), 500):
                rows = session.execute(select(model).where(model.uuid.in_(group[i : i + 500])))
                self.objs.update((o.uuid, o) for o in rows.scalars())
        self.new_records: list[dict[str, Any]] = []
        self.new_seen: list[dict[str, Any]] = []

    def insert_new(self, session: Session) -> None:
        if self.new_records:
            session.execute(insert(FirearmRecord), self.new_records)
        if self.new_seen:
            session.execute(insert(ForeignObject), self.new_seen)


def _model(kind: str) -> Any:
    return ForeignSeizure if kind == Kind.seizure.value else SHARED_MODELS[kind]


class Stop(Exception):
    """The rest of the page is not applied (the cursor stays before this envelope)."""


@dataclass
class Result:
    applied: int = 0
    duplicates: int = 0
    refused: int = 0
    cursor: int = 0
    stopped: str = ""
    envelopes: list[list[Any]] = field(default_factory=list)


def federation_actor(peer: Peer) -> Actor:
    return Actor(
        user_id=None,
        username=f"federation:{peer.code}",
        agency_id=None,
        agency_code="",
        country=peer.country,
    )


def apply_envelopes(
    session: Session, *, peer: Peer, items: list[Any], next_cursor: int | None, source: str
) -> Result:
    """Verify and apply ``items`` from ``peer``; move its cursor (to ``next_cursor`` when
    the whole page passed). The caller commits."""
    lock_for_writing(session)  # one applier per database at a time; cursor read under it
    session.refresh(peer)
    session.info["actor"] = federation_actor(peer)
    session.info.setdefault(outbox.APPLYING, {})
    res = Result(cursor=peer.cursor)
    own = set(session.execute(select(OwnKey.fingerprint)).scalars())
    live = {k.fingerprint: k.public_key for k in peer.keys if k.revoked_at is None}
    terms = service.agreement(peer, Direction.inbound)
    seqs = [e.get("seq") if isinstance(e, dict) else None for e in items]
    fresh = [q for q in seqs if isinstance(q, int) and q > peer.cursor]
    if fresh != sorted(set(fresh)):
        # Checked before anything is applied: applying a later seq first would move the
        # cursor past the earlier ones, and they would be lost as "replays".
        res.refused, res.stopped = 1, "reordered"
        refuse(session, peer, "reordered", f"{source}: {seqs[:20]}")
        items = []
    # Received records are matched in one batch per page (as bulk imports are), not one
    # flush at a time: hits are made for them below, before the page commits.
    session.info["matching_disabled"] = True
    batch = _Batch(session, items)
    session.info[BATCH] = batch
    try:
        with session.no_autoflush:
            _apply_all(session, peer, items, res, source, terms, own, live)
        session.flush()
        batch.insert_new(session)
    finally:
        session.info.pop("matching_disabled", None)
        session.info.pop(BATCH, None)
    records = [uuid.UUID(e[1]) for e in res.envelopes if e[0] == Kind.record.value and not e[3]]
    hits.scan_new_records(session, records)
    if not res.stopped and next_cursor is not None:
        peer.cursor = max(peer.cursor, next_cursor)
    peer.received += res.applied
    peer.last_sync_at = utcnow()
    if res.stopped:
        peer.last_error = res.stopped
        peer.last_error_at = utcnow()
    res.cursor = peer.cursor
    if res.envelopes:
        log_event(
            session,
            actor=federation_actor(peer),
            action="federation_received",
            object_type="FederationPeer",
            object_id=str(peer.uuid),
            details={"peer": peer.code, "source": source, "envelopes": res.envelopes},
        )
    session.flush()
    return res


def _apply_all(
    session: Session,
    peer: Peer,
    items: list[Any],
    res: Result,
    source: str,
    terms: Any,
    own: set[str],
    live: dict[str, str],
) -> None:
    last = peer.cursor
    for env in items:
        try:
            seq = int(env["seq"]) if isinstance(env, dict) else -1
            if seq <= peer.cursor:
                res.refused += 1
                refuse(session, peer, "replayed", f"{source}: seq {seq} at cursor {peer.cursor}")
                continue
            if seq <= last:
                raise Stop("reordered", f"{source}: seq {seq} after {last}")
            public = live.get(str(env.get("key", "")))
            if public is None:
                raise Stop("unknown_key", f"{source}: seq {seq} key {env.get('key')}")
            if not envelopes.envelope_signed_by(env, public):
                raise Stop("bad_signature", f"{source}: seq {seq}")
            last = seq
            problem = _disallowed(env, peer, terms, own)
            if problem:
                res.refused += 1
                refuse(
                    session,
                    peer,
                    problem,
                    f"{source}: seq {seq} {env.get('kind')} {env.get('uuid')}",
                )
            elif _apply(session, peer, env):
                res.applied += 1
                res.envelopes.append([env["kind"], env["uuid"], env["version"], env["tombstone"]])
            else:
                res.duplicates += 1
            peer.cursor = seq
        except Stop as stop:
            res.refused += 1
            res.stopped = stop.args[0]
            refuse(session, peer, stop.args[0], stop.args[1])
            break
        except (KeyError, TypeError, ValueError) as exc:
            res.refused += 1
            res.stopped = "malformed"
            refuse(session, peer, "malformed", f"{source}: {exc!r}"[:500])
            break


def _disallowed(env: dict[str, Any], peer: Peer, terms: Any, own: set[str]) -> str:
    if env.get("to") not in own:
        return "wrong_recipient"
    kind = env["kind"]
    if terms is None or kind not in terms.kind_set:
        return "kind_not_agreed"
    if kind in SHARED_MODELS and not env["tombstone"]:
        if env.get("distribution") not in terms.distribution_set:
            return "distribution_not_agreed"
        if env["owner"].get("country") != peer.country:
            return "owner_not_of_peer"
        if not terms.nominal and nominal_keys(kind, env.get("payload") or {}):
            return "nominal_not_agreed"
    return ""


def _apply(session: Session, peer: Peer, env: dict[str, Any]) -> bool:
    kind = env["kind"]
    if kind == Kind.hit.value:
        return _apply_hit(session, peer, env)
    if kind == Kind.hit_decision.value:
        return _apply_decision(session, peer, env)
    oid = uuid.UUID(env["uuid"])
    version = int(env["version"])
    batch: _Batch = session.info[BATCH]
    seen = batch.seen.get(oid)
    if seen is not None:
        if seen.peer_id != peer.id:
            raise Stop("owner_clash", f"{oid} belongs to another peer")
        if seen.version >= version:
            return False
    session.info[outbox.APPLYING][oid] = peer.id
    model: Any = _model(kind)
    obj = batch.objs.get(oid)
    if obj is not None and seen is None:
        raise Stop("local_clash", f"{oid} is a local object here")
    if seen is None and obj is None and kind == Kind.record.value and not env["tombstone"]:
        agency = _agency(session, env["owner"])
        now = utcnow()
        row: dict[str, Any] = {
            "uuid": oid,
            "owner_agency_id": agency.id,
            "owner_country": agency.country_code,
            "distribution": env["distribution"],
            "deleted_at": None,
            "created_at": now,
            "updated_at": now,
        }
        _record(row, env["payload"], peer)
        batch.new_records.append(row)
        batch.new_seen.append(
            {
                "object_uuid": oid,
                "kind": kind,
                "peer_id": peer.id,
                "origin_key": env["key"],
                "version": version,
                "deleted": False,
                "received_at": now,
            }
        )
        if env["distribution"] == Distribution.group.value:
            _link_groups(session, oid, env.get("groups") or [])
        return True
    if seen is None:
        seen = ForeignObject(
            object_uuid=oid, kind=kind, peer_id=peer.id, origin_key=env["key"], version=version
        )
        session.add(seen)
    seen.version = version
    seen.origin_key = env["key"]
    seen.received_at = utcnow()
    seen.deleted = bool(env["tombstone"])
    if env["tombstone"]:
        if obj is not None and obj.deleted_at is None:
            obj.deleted_at = utcnow()
        return True
    agency = _agency(session, env["owner"])
    if obj is None:
        obj = model(uuid=oid)
        session.add(obj)
    obj.owner_agency_id = agency.id
    obj.owner_country = agency.country_code
    obj.distribution = env["distribution"]
    obj.deleted_at = None
    body = env["payload"]
    if kind == Kind.record.value:
        _record(obj, body, peer)
    elif kind == Kind.watchlist.value:
        for k in ("kind", "name", "country", "note", "active"):
            setattr(obj, k, body.get(k))
    else:
        obj.peer_id = peer.id
        obj.reference = f"{peer.country}/{body.get('reference', '')}"[:64]
        obj.occurred_at = (
            datetime.fromisoformat(body["occurred_at"]) if body.get("occurred_at") else None
        )
        obj.summary = summary_json(body)
    if env["distribution"] == Distribution.group.value:
        _link_groups(session, oid, env.get("groups") or [])
    return True


def _record(rec: FirearmRecord | dict[str, Any], body: dict[str, Any], peer: Peer) -> None:
    """The record's fields from a payload, onto a row object or a dict for a bulk insert."""
    put: Any = rec.__setitem__ if isinstance(rec, dict) else partial(setattr, rec)
    for name in RECORD_FIELDS:
        value = body.get(name)
        if name in DATE_FIELDS and value:
            value = date.fromisoformat(value)
        if name == "reference":
            value = f"{peer.country}/{value}"[:32]
        if value is None and name in (
            "modifications",
            "make",
            "model",
            "calibre",
            "serial_number",
            "serial_normalised",
            "import_marking",
            "other_markings",
            "event_place",
            "search_text",
        ):
            value = ""
        put(name, value)
    put("notes", body.get("notes", ""))
    put("case_reference", body.get("case_reference", ""))


def _agency(session: Session, owner: dict[str, Any]) -> Agency:
    """The foreign agency's row here (made on first sight); a code of another country is
    a clash, not a match."""
    code = str(owner["agency"]).upper()
    found = session.execute(select(Agency).where(Agency.code == code)).scalar_one_or_none()
    if found is not None:
        if found.country_code != owner["country"]:
            raise Stop("agency_clash", f"{code} is an agency of {found.country_code} here")
        return found
    if session.get(Country, owner["country"]) is None:
        session.add(Country(code=owner["country"], name=owner["country"]))
    agency = Agency(
        code=code,
        name=owner.get("agency_name") or code,
        country_code=owner["country"],
        kind=owner.get("agency_kind") or "customs",
    )
    session.add(agency)
    session.flush()
    return agency


def _link_groups(session: Session, oid: uuid.UUID, names: list[str]) -> None:
    """A group-level object joins the local groups of the same names (a group unknown
    here leaves it to its owner agency's eyes only)."""
    for name in names:
        gid = session.execute(select(SharingGroup.id).where(SharingGroup.name == name)).scalar()
        if gid is None:
            continue
        linked = session.execute(
            select(ObjectSharingGroup.id).where(
                ObjectSharingGroup.object_uuid == oid, ObjectSharingGroup.group_id == gid
            )
        ).scalar()
        if linked is None:
            session.add(ObjectSharingGroup(object_uuid=oid, group_id=gid))


def _apply_hit(session: Session, peer: Peer, env: dict[str, Any]) -> bool:
    """A peer's hit on one of our records: kept, and our agency told (again when decided)."""
    body = env["payload"]
    rid = uuid.UUID(body["record"])
    rec = session.get(FirearmRecord, rid)
    if rec is None or session.get(ForeignObject, rid) is not None:
        raise Stop("hit_not_ours", f"{rid} is no record of this instance")
    hid = uuid.UUID(env["uuid"])
    remote = session.get(RemoteHit, hid)
    version = int(env["version"])
    if remote is not None and remote.version >= version:
        return False
    fresh = remote is None
    if remote is None:
        remote = RemoteHit(uuid=hid, peer_id=peer.id, record_id=rid, agency_id=rec.owner_agency_id)
        session.add(remote)
    was = remote.status
    remote.version = version
    remote.other_reference = f"{peer.country}/{body.get('other_reference', '')}"
    remote.other_agency = str(body.get("other_agency", ""))
    remote.score = float(body.get("score", 0.0))
    remote.status = str(body.get("status", "open"))
    remote.decided_by = str(body.get("decided_by", ""))
    remote.reason = str(body.get("reason", ""))
    if fresh:
        msvc.notify_agency(
            session,
            agency_id=rec.owner_agency_id,
            kind="hit",
            record_id=rid,
            params={
                "reference": rec.reference,
                "status": body.get("other_status", "seized"),
                "agency": f"{remote.other_agency} ({peer.code})",
                "score": f"{remote.score:.2f}",
            },
        )
    if remote.status != was and remote.status != HitStatus.open.value:
        msvc.notify_agency(
            session,
            agency_id=rec.owner_agency_id,
            kind="hit_decided",
            record_id=rid,
            params={
                "reference": rec.reference,
                "status": remote.status,
                "who": f"{remote.decided_by} ({peer.code})",
            },
        )
    return True


def _apply_decision(session: Session, peer: Peer, env: dict[str, Any]) -> bool:
    """The owner of the foreign record decided our hit: the decision is applied here."""
    hit = session.get(Hit, uuid.UUID(env["uuid"]))
    if hit is None:
        raise Stop("unknown_hit", env["uuid"])
    mine = {hit.query_record_id, hit.matched_record_id}
    theirs = session.execute(
        select(ForeignObject.object_uuid).where(
            ForeignObject.object_uuid.in_(mine), ForeignObject.peer_id == peer.id
        )
    ).first()
    if theirs is None:
        raise Stop("hit_not_theirs", env["uuid"])
    body = env["payload"]
    status = str(body.get("status", ""))
    if hit.status != HitStatus.open.value or status not in ("confirmed", "rejected"):
        return False
    hit.status = status
    hit.decided_by = f"{body.get('decided_by', '')} ({peer.code})"[:80]
    hit.decided_at = utcnow()
    hit.reason = str(body.get("reason", ""))
    if status == HitStatus.confirmed.value:
        session.add(
            RecordLink(
                record_a=hit.query_record_id,
                record_b=hit.matched_record_id,
                hit_id=hit.uuid,
                created_by=hit.decided_by,
            )
        )
    own = hit.query_record_id if hit.query_record_id != theirs[0] else hit.matched_record_id
    rec = session.get(FirearmRecord, own)
    if rec is not None:
        msvc.notify_agency(
            session,
            agency_id=rec.owner_agency_id,
            kind="hit_decided",
            hit=hit,
            params={"reference": rec.reference, "status": status, "who": hit.decided_by},
        )
    return True


def decide_remote_hit(
    session: Session, *, actor: Actor, hit_id: uuid.UUID, decision: str, reason: str
) -> RemoteHit:
    """Confirm or reject a hit another instance found on our record; the decision goes
    back to it on the next pull of our feed."""
    from kalibar.errors import Conflict, Invalid, NotFound
    from kalibar.i18n import _

    lock_for_writing(session)
    remote = session.get(RemoteHit, hit_id)
    if remote is None or remote.agency_id != actor.agency_id:
        raise NotFound("RemoteHit", str(hit_id))
    if decision not in ("confirmed", "rejected"):
        raise Invalid(_("Decide confirmed or rejected."), [{"field": "decision"}])
    if not reason.strip():
        raise Invalid(_("Say why."), [{"field": "reason"}])
    if remote.status != HitStatus.open.value:
        raise Conflict(_("This hit has been decided already."), [{"status": remote.status}])
    remote.status = decision
    remote.decided_by = actor.username
    remote.reason = reason.strip()
    log_event(
        session,
        actor=actor,
        action="update",
        object_type="RemoteHit",
        object_id=str(remote.uuid),
        details={"status": ["open", decision], "reason": reason},
    )
    outbox.queue(
        session, kind=Kind.hit_decision.value, object_uuid=remote.uuid, peer_id=remote.peer_id
    )
    session.flush()
    return remote
