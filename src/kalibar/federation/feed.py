"""The sender's side: who is asking (a signed request from a registered peer key), and the
page of envelopes that peer may have after its cursor.

A page is read from the outbox in ``seq`` order; each row is checked against the outbound
agreement (kind, distribution level, and for ``partners``/``group`` that the peer's
country is a partner / a member of the object's groups) and the object's owner must be an
agency of this instance's country (nothing received is ever in the outbox, and nothing of
another country is sent on). ``next`` is the last ``seq`` looked at, sent or not, so a
peer's cursor moves past what it may not have.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.audit.service import log_event
from kalibar.db.base import Distribution, utcnow
from kalibar.errors import Forbidden, Unauthorized
from kalibar.federation import envelopes, keys, service
from kalibar.federation.kinds import SHARED_MODELS, hit_payload, payload
from kalibar.federation.models import (
    Agreement,
    Direction,
    ForeignObject,
    Kind,
    Nonce,
    Outbox,
    Peer,
    Refusal,
    RemoteHit,
)
from kalibar.i18n import _
from kalibar.matching.models import Hit
from kalibar.records.models import FirearmRecord
from kalibar.sharing.models import ObjectSharingGroup, SharingGroup, SharingGroupMember
from kalibar.sharing.service import partner_countries

MAX_PAGE = 2000


def refuse(session: Session, peer: Peer | None, reason: str, detail: str) -> None:
    """Keep a refusal (peer page, audit trail). The caller commits it on its own."""
    session.add(Refusal(peer_id=peer.id if peer else None, reason=reason, detail=detail[:2000]))
    if peer is not None:
        peer.refused += 1
    log_event(
        session,
        actor=None,
        action="federation_refused",
        object_type="FederationPeer",
        object_id=str(peer.uuid) if peer else "",
        details={"reason": reason, "detail": detail[:500], "peer": peer.code if peer else ""},
    )


def authenticate(
    session: Session, method: str, path: str, query: str, headers: Mapping[str, str]
) -> Peer:
    """The peer behind a signed request. Unsigned: 401. Signed by no registered, unrevoked
    key, badly signed, outside the window or replayed: 403 — each refusal kept (the caller
    commits it before answering)."""
    values = {h: headers.get(h, "") for h in envelopes.HEADERS}
    if not all(values.values()):
        raise Unauthorized(_("This feed answers signed requests of registered peers only."))
    found = service.peer_for_key(session, values["x-kalibar-key"])
    if found is None:
        refuse(session, None, "unknown_key", values["x-kalibar-key"])
        raise Forbidden(_("The request is not signed by a registered peer."))
    peer, key = found
    message = envelopes.request_message(
        method, path, query, values["x-kalibar-timestamp"], values["x-kalibar-nonce"]
    )
    if not keys.verify(key.public_key, values["x-kalibar-signature"], message):
        refuse(session, peer, "bad_request_signature", f"{method} {path}?{query}")
        raise Forbidden(_("The request's signature does not verify."))
    try:
        ts = int(values["x-kalibar-timestamp"])
    except ValueError:
        ts = 0
    now = utcnow()
    if abs(now.timestamp() - ts) > envelopes.WINDOW_SECONDS:
        refuse(session, peer, "stale_request", values["x-kalibar-timestamp"])
        raise Forbidden(_("The request is outside the accepted time window."))
    horizon = now - timedelta(seconds=2 * envelopes.WINDOW_SECONDS)
    session.execute(delete(Nonce).where(Nonce.seen_at < horizon))
    try:
        with session.begin_nested():
            session.add(Nonce(nonce=values["x-kalibar-nonce"][:64]))
    except IntegrityError:
        refuse(session, peer, "replayed_request", values["x-kalibar-nonce"])
        raise Forbidden(_("This request was seen before.")) from None
    return peer


class _Policy:
    """The outbound agreement with one peer, and the facts it needs, read once a page."""

    def __init__(self, session: Session, peer: Peer, own_country: str) -> None:
        self.session = session
        self.peer = peer
        self.own_country = own_country
        row: Agreement | None = service.agreement(peer, Direction.outbound)
        self.kinds = row.kind_set if row and peer.active else frozenset()
        self.levels = row.distribution_set if row and peer.active else frozenset()
        self.nominal = bool(row and row.nominal)
        self.partners = partner_countries(session, own_country)
        self._agencies: dict[int, Agency] = {}

    def agency(self, agency_id: int) -> Agency:
        if agency_id not in self._agencies:
            found = self.session.get(Agency, agency_id)
            assert found is not None
            self._agencies[agency_id] = found
        return self._agencies[agency_id]

    def groups_for(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
        """Per object, the names of its sharing groups the peer's country belongs to."""
        if not ids:
            return {}
        member = or_(
            SharingGroupMember.country_code == self.peer.country,
            SharingGroupMember.agency_id.in_(
                select(Agency.id).where(Agency.country_code == self.peer.country)
            ),
        )
        stmt = (
            select(ObjectSharingGroup.object_uuid, SharingGroup.name)
            .join(SharingGroup, SharingGroup.id == ObjectSharingGroup.group_id)
            .join(SharingGroupMember, SharingGroupMember.group_id == SharingGroup.id)
            .where(ObjectSharingGroup.object_uuid.in_(ids), member)
        )
        out: dict[uuid.UUID, list[str]] = {}
        for oid, name in self.session.execute(stmt).all():
            out.setdefault(oid, []).append(name)
        return out

    def allows(self, obj: Any, groups: list[str]) -> bool:
        if obj.owner_country != self.own_country or obj.deleted_at is not None:
            return False
        if obj.distribution not in self.levels:
            return False
        if obj.distribution == Distribution.partners.value:
            return self.peer.country in self.partners
        if obj.distribution == Distribution.group.value:
            return bool(groups)
        return False


def _recipient(peer: Peer) -> str:
    live = [k for k in peer.keys if k.revoked_at is None]
    return live[-1].fingerprint if live else ""


def _owner(policy: _Policy, agency_id: int, instance: str) -> dict[str, str]:
    a = policy.agency(agency_id)
    return {
        "instance": instance,
        "agency": a.code,
        "agency_name": a.name,
        "agency_kind": a.kind,
        "country": a.country_code,
    }


def build_page(session: Session, *, peer: Peer, after: int, limit: int) -> dict[str, Any]:
    """The envelopes ``peer`` may have after ``after`` (at most ``limit``), signed."""
    limit = max(1, min(limit, MAX_PAGE))
    ident = service.ensure_identity(session)
    key = keys.current_key()
    policy = _Policy(session, peer, ident.country)
    to = _recipient(peer)
    head = session.execute(select(func.max(Outbox.seq))).scalar() or 0
    out: list[dict[str, Any]] = []
    cursor = after
    while len(out) < limit:
        rows = list(
            session.execute(
                select(Outbox)
                .where(
                    Outbox.seq > cursor, or_(Outbox.peer_id.is_(None), Outbox.peer_id == peer.id)
                )
                .order_by(Outbox.seq)
                .limit(limit - len(out))
            ).scalars()
        )
        if not rows:
            cursor = max(cursor, head)
            break
        for env in _envelopes(session, policy, rows, ident.country, to):
            out.append(envelopes.sign_envelope(env, key))
        cursor = rows[-1].seq
    page = {
        "from": key.fingerprint,
        "country": ident.country,
        "after": after,
        "next": cursor,
        "head": head,
        "envelopes": out,
    }
    peer.served_cursor = max(peer.served_cursor, after)
    peer.last_served_at = utcnow()
    if out:
        log_event(
            session,
            actor=None,
            action="federation_sent",
            object_type="FederationPeer",
            object_id=str(peer.uuid),
            details={
                "peer": peer.code,
                "after": after,
                "next": cursor,
                "envelopes": [[e["kind"], e["uuid"], e["version"], e["tombstone"]] for e in out],
            },
        )
    return page


def _base(row: Outbox, instance: str, to: str) -> dict[str, Any]:
    return {
        "v": envelopes.VERSION,
        "seq": row.seq,
        "kind": row.kind,
        "uuid": str(row.object_uuid),
        "version": row.seq,
        "to": to,
        "tombstone": False,
        "payload": None,
        "distribution": None,
        "groups": [],
        "owner": {"instance": instance},
    }


def _envelopes(
    session: Session, policy: _Policy, rows: list[Outbox], instance: str, to: str
) -> list[dict[str, Any]]:
    by_kind: dict[str, list[Outbox]] = {}
    for r in rows:
        if r.kind in policy.kinds:
            by_kind.setdefault(r.kind, []).append(r)
    made: list[dict[str, Any]] = []
    for kind, kind_rows in by_kind.items():
        if kind in SHARED_MODELS:
            made += _shared(session, policy, kind, kind_rows, instance, to)
        elif kind == Kind.hit.value:
            made += _hits(session, policy, kind_rows, instance, to)
        elif kind == Kind.hit_decision.value:
            made += _decisions(session, policy, kind_rows, instance, to)
    made.sort(key=lambda e: e["seq"])
    return made


def _shared(
    session: Session, policy: _Policy, kind: str, rows: list[Outbox], instance: str, to: str
) -> list[dict[str, Any]]:
    model: Any = SHARED_MODELS[kind]
    ids = [r.object_uuid for r in rows]
    objs = {o.uuid: o for o in session.execute(select(model).where(model.uuid.in_(ids))).scalars()}
    foreign = set(
        session.execute(
            select(ForeignObject.object_uuid).where(ForeignObject.object_uuid.in_(ids))
        ).scalars()
    )
    grouped = [o.uuid for o in objs.values() if o.distribution == Distribution.group.value]
    groups = policy.groups_for(grouped)
    made = []
    for r in rows:
        obj = objs.get(r.object_uuid)
        if r.object_uuid in foreign:
            continue  # never forwarded, whatever the outbox says
        env = _base(r, instance, to)
        body = None
        if obj is not None and policy.allows(obj, groups.get(obj.uuid, [])):
            body = payload(session, kind, obj, policy.nominal)
        if body is not None and obj is not None:
            env.update(
                payload=body, distribution=obj.distribution, groups=sorted(groups.get(obj.uuid, []))
            )
            env["owner"] = _owner(policy, obj.owner_agency_id, instance)
        elif r.deleted or r.exported:
            env["tombstone"] = True  # gone, or no longer for this peer
        else:
            continue
        made.append(env)
    return made


def _hits(
    session: Session, policy: _Policy, rows: list[Outbox], instance: str, to: str
) -> list[dict[str, Any]]:
    made = []
    for r in rows:
        hit = session.get(Hit, r.object_uuid)
        if hit is None:
            continue
        theirs = {
            f.object_uuid
            for f in session.execute(
                select(ForeignObject).where(
                    ForeignObject.object_uuid.in_([hit.query_record_id, hit.matched_record_id]),
                    ForeignObject.peer_id == policy.peer.id,
                )
            ).scalars()
        }
        if not theirs:
            continue
        foreign_id = (
            hit.matched_record_id if hit.matched_record_id in theirs else hit.query_record_id
        )
        own_id = (
            hit.query_record_id if foreign_id == hit.matched_record_id else hit.matched_record_id
        )
        own = session.get(FirearmRecord, own_id)
        env = _base(r, instance, to)
        body = hit_payload(hit, foreign_id, own)
        agency_id = (
            hit.query_agency_id if foreign_id == hit.matched_record_id else hit.matched_agency_id
        )
        env["owner"] = _owner(policy, agency_id, instance)
        body["other_agency"] = env["owner"]["agency"]
        env.update(payload=body, distribution="peer")
        made.append(env)
    return made


def _decisions(
    session: Session, policy: _Policy, rows: list[Outbox], instance: str, to: str
) -> list[dict[str, Any]]:
    made = []
    for r in rows:
        remote = session.get(RemoteHit, r.object_uuid)
        if remote is None or remote.peer_id != policy.peer.id:
            continue
        env = _base(r, instance, to)
        env["owner"] = _owner(policy, remote.agency_id, instance)
        env.update(
            distribution="peer",
            payload={
                "status": remote.status,
                "decided_by": remote.decided_by,
                "reason": remote.reason,
            },
        )
        made.append(env)
    return made
