"""Admin pages: this instance's key (to read over the phone), the peers with their last
sync, lag, errors and counts, registering a peer, and one peer's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from kalibar.errors import KalibarError
from kalibar.federation import puller, service
from kalibar.federation.models import ForeignObject, Refusal
from kalibar.federation.service import EXPORTABLE, KINDS
from kalibar.i18n import N_
from kalibar.web.deps import AdminActor, Db
from kalibar.web.templating import render

router = APIRouter(prefix="/admin/federation", include_in_schema=False)

#: The words for the coded values the pages show (kinds of object, directions).
WORDS = {
    "record": N_("Firearm records"),
    "hit": N_("Hits on the peer's records"),
    "hit_decision": N_("Decisions on the peer's hits"),
    "seizure": N_("Seizure summaries"),
    "watchlist": N_("Watchlist entries"),
    "outbound": N_("We send"),
    "inbound": N_("We accept"),
}


def _list_page(request: Request, db: Db, error: str = "", status: int = 200) -> Response:
    return render(
        request,
        "federation/peers.html",
        {
            "identity": service.identity(db),
            "peers": service.list_peers(db),
            "kinds": KINDS,
            "levels": EXPORTABLE,
            "error": error,
            "words": WORDS,
        },
        status,
    )


@router.get("")
def peers(request: Request, db: Db, actor: AdminActor) -> Response:
    return _list_page(request, db)


@router.post("")
def add_peer(
    request: Request,
    db: Db,
    actor: AdminActor,
    code: Annotated[str, Form()],
    country: Annotated[str, Form()],
    public_key: Annotated[str, Form()],
    url: Annotated[str, Form()] = "",
    send: Annotated[list[str] | None, Form()] = None,
    accept: Annotated[list[str] | None, Form()] = None,
    send_levels: Annotated[list[str] | None, Form()] = None,
    accept_levels: Annotated[list[str] | None, Form()] = None,
    send_nominal: Annotated[bool, Form()] = False,
    accept_nominal: Annotated[bool, Form()] = False,
) -> Response:
    try:
        service.add_peer(
            db,
            actor=actor,
            code=code,
            country=country,
            url=url,
            public_key=public_key,
            outbound=service.Terms(
                frozenset(send or []), frozenset(send_levels or []), send_nominal
            ),
            inbound=service.Terms(
                frozenset(accept or []), frozenset(accept_levels or []), accept_nominal
            ),
        )
    except KalibarError as exc:
        db.rollback()
        return _list_page(request, db, exc.message, exc.status)
    return RedirectResponse(f"/admin/federation/{code.strip().upper()}", status_code=303)


@router.get("/{code}")
def peer(code: str, request: Request, db: Db, actor: AdminActor) -> Response:
    found = service.get_peer(db, code=code)
    counts = dict(
        db.execute(
            select(ForeignObject.kind, func.count())
            .where(ForeignObject.peer_id == found.id, ForeignObject.deleted.is_(False))
            .group_by(ForeignObject.kind)
        ).all()
    )
    refusals = db.execute(
        select(Refusal).where(Refusal.peer_id == found.id).order_by(Refusal.at.desc()).limit(20)
    ).scalars()
    return render(
        request,
        "federation/peer.html",
        {
            "peer": found,
            "counts": counts,
            "refusals": list(refusals),
            "lag": max(0, found.remote_head - found.cursor),
            "words": WORDS,
        },
    )


@router.post("/{code}/sync")
def sync(code: str, request: Request, db: Db, actor: AdminActor) -> Response:
    found = service.get_peer(db, code=code)
    db.commit()
    puller.pull(request.app.state.engine, found.code)
    return RedirectResponse(f"/admin/federation/{found.code}", status_code=303)
