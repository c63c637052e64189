"""``/federation/v1/feed`` (signed peers only) and ``/api/v1/federation/…`` (admins)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kalibar.db.session import new_session
from kalibar.errors import KalibarError
from kalibar.federation import feed, puller, service
from kalibar.federation.apply import decide_remote_hit
from kalibar.federation.models import Direction, Peer
from kalibar.federation.schemas import (
    DecisionIn,
    IdentityOut,
    KeyIn,
    PeerIn,
    PeerKeyOut,
    PeerOut,
    SyncOut,
    TermsIn,
)
from kalibar.web.deps import AdminActor, CurrentActor, Db
from kalibar.web.openapi import API_ERROR_RESPONSES

router = APIRouter(tags=["federation"])
#: Mounted among the pages (no /api/v1 prefix), so it carries the documented errors itself.
feed_router = APIRouter(tags=["federation feed"], responses=API_ERROR_RESPONSES)
T = TypeVar("T")


def peer_out(peer: Peer) -> PeerOut:
    data: dict[str, Any] = {c: getattr(peer, c) for c in PeerOut.model_fields if c != "lag"}
    data["lag"] = max(0, peer.remote_head - peer.cursor)
    return PeerOut.model_validate(data)


def _terms(t: TermsIn) -> service.Terms:
    return service.Terms(frozenset(t.kinds), frozenset(t.distributions), t.nominal)


def _signed(request: Request, answer: Callable[[Session, Peer], T]) -> T:
    """One transaction: authenticate the signed peer (refusals kept even when refused),
    then answer it."""
    session = new_session(request.app.state.engine)
    session.info["request_id"] = getattr(request.state, "request_id", "")
    try:
        try:
            peer = feed.authenticate(
                session, "GET", request.url.path, request.url.query, request.headers
            )
        except KalibarError:
            session.commit()  # the refusal is evidence
            raise
        result = answer(session, peer)
        session.commit()
        return result
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@feed_router.get("/federation/v1/feed")
async def get_feed(
    request: Request,
    after: int = Query(0, ge=0, le=2**62),
    limit: int = Query(500, ge=1, le=feed.MAX_PAGE),
) -> JSONResponse:
    """Signed envelopes this caller may have after its cursor (401 unsigned, 403 unknown)."""
    page = await run_in_threadpool(
        _signed, request, lambda s, peer: feed.build_page(s, peer=peer, after=after, limit=limit)
    )
    return JSONResponse(page)


def identity_out(db: Session) -> IdentityOut:
    """This instance's country, name and public keys (to check by fingerprint)."""
    ident = service.identity(db)
    return IdentityOut(
        country=ident.country,
        name=ident.name,
        fingerprint=ident.fingerprint,
        public_key=ident.public_key,
        retired=[k.public_key for k in ident.retired],
    )


@feed_router.get("/federation/v1/identity", response_model=IdentityOut)
async def get_identity(request: Request) -> IdentityOut:
    """This instance's identity, to registered peers signing the request (401 unsigned, 403
    unknown): nothing under ``/federation/v1`` answers anonymous callers; people check the
    fingerprint on the admin page, ``kalibar federation key`` or the admins' API."""
    return await run_in_threadpool(_signed, request, lambda s, _peer: identity_out(s))


@router.get("/federation/identity", response_model=IdentityOut)
def identity(db: Db, actor: AdminActor) -> IdentityOut:
    return identity_out(db)


@router.get("/federation/peers", response_model=list[PeerOut])
def list_peers(db: Db, actor: AdminActor) -> list[PeerOut]:
    return [peer_out(p) for p in service.list_peers(db)]


@router.post("/federation/peers", response_model=PeerOut, status_code=201)
def add_peer(body: PeerIn, db: Db, actor: AdminActor) -> PeerOut:
    peer = service.add_peer(
        db,
        actor=actor,
        code=body.code,
        country=body.country,
        url=body.url,
        public_key=body.public_key,
        name=body.name,
        outbound=_terms(body.outbound),
        inbound=_terms(body.inbound),
    )
    return peer_out(peer)


@router.get("/federation/peers/{code}", response_model=PeerOut)
def get_peer(code: str, db: Db, actor: AdminActor) -> PeerOut:
    return peer_out(service.get_peer(db, code=code))


@router.put("/federation/peers/{code}/agreements/{direction}", response_model=PeerOut)
def set_agreement(
    code: str, direction: Direction, body: TermsIn, db: Db, actor: AdminActor
) -> PeerOut:
    peer = service.set_terms(db, actor=actor, code=code, direction=direction, terms=_terms(body))
    return peer_out(peer)


@router.delete("/federation/peers/{code}", response_model=PeerOut)
def remove_peer(code: str, db: Db, actor: AdminActor) -> PeerOut:
    return peer_out(service.remove_peer(db, actor=actor, code=code))


@router.post("/federation/peers/{code}/keys", response_model=PeerKeyOut, status_code=201)
def add_key(code: str, body: KeyIn, db: Db, actor: AdminActor) -> object:
    return service.add_key(db, actor=actor, code=code, public_key=body.public_key)


@router.post("/federation/peers/{code}/keys/{fingerprint}/revoke", response_model=PeerKeyOut)
def revoke_key(code: str, fingerprint: str, db: Db, actor: AdminActor) -> object:
    return service.revoke_key(db, actor=actor, code=code, fingerprint=fingerprint)


@router.post("/federation/peers/{code}/sync", response_model=SyncOut)
def sync_peer(code: str, request: Request, db: Db, actor: AdminActor) -> SyncOut:
    service.get_peer(db, code=code)
    report = puller.pull(request.app.state.engine, code.upper())
    return SyncOut(**report.__dict__)


@router.post("/federation/remote-hits/{hit_id}/decision")
def decide(hit_id: uuid.UUID, body: DecisionIn, db: Db, actor: CurrentActor) -> dict[str, str]:
    """Confirm or reject a hit another instance found on one of your agency's records."""
    remote = decide_remote_hit(
        db, actor=actor, hit_id=hit_id, decision=body.decision, reason=body.reason
    )
    return {"uuid": str(remote.uuid), "status": remote.status}
