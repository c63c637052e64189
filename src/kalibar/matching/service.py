"""Checking a firearm against every record the caller may see; notifications.

The engine is pure (``kalibar.matching``): it returns record keys (UUID strings), scores,
edit scripts. This module turns them into answers:

* the query's make/model/calibre/type go through ``records.identify`` so the engine
  compares catalogue codes; the identify explanation ("make: Crvena Zastava = Zastava
  (alias)") becomes part of each candidate's explanation;
* keys are mapped back to live records; the one visibility filter
  (``sharing.visibility.visible``) decides which are shown. A candidate the caller may not
  see is never revealed: it only counts in ``restricted_matches`` (when it ranks where it
  would have been shown) and its owner agency gets a notification naming the record and
  the checking agency;
* ``actor=None`` checks against every record (the administrator's ``kalibar check``
  without ``--agency``): nothing is restricted and nobody is notified.

Index freshness across processes is described in ``index_store``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.errors import Invalid, NotFound
from kalibar.i18n import N_, _, ngettext
from kalibar.matching import Candidate, EditOp, fold
from kalibar.matching import index_store as store
from kalibar.matching.explain import (
    QueryCodes,
    attribute_lines,
    explain,
    fold_lines,
    highlight,
    reading_lines,
    serial_lines,
)
from kalibar.matching.models import Hit, Notification
from kalibar.records.identify import identify
from kalibar.records.labels import STATUS_LABELS
from kalibar.records.models import FirearmRecord
from kalibar.sharing.visibility import visible

MAX_LIMIT = 100
ATTRS = ("make", "model", "calibre", "weapon_type")


@dataclass(frozen=True)
class CheckInput:
    serial_number: str
    make: str = ""
    model: str = ""
    calibre: str = ""
    weapon_type: str = ""
    limit: int = 10


@dataclass
class CheckCandidate:
    record: FirearmRecord
    score: float
    confidence: float
    explanation: list[str]
    serial_folded: str
    ops: tuple[EditOp, ...]
    owner_agency: str


@dataclass
class CheckResult:
    candidates: list[CheckCandidate] = field(default_factory=list)
    restricted_matches: int = 0
    #: Remarks on the search itself (e.g. that it was narrow and what would widen it).
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ query normalisation


def query_codes(
    *, make: str = "", model: str = "", calibre: str = "", weapon_type: str = ""
) -> QueryCodes:
    given = {"make": make, "model": model, "calibre": calibre, "weapon_type": weapon_type}
    given = {k: (v or "").strip() for k, v in given.items()}
    ident = identify(**given)
    codes = {
        "make": ident.make_code,
        "model": ident.model_code,
        "calibre": ident.calibre_code,
        "weapon_type": ident.weapon_type_code if given["weapon_type"] else None,
    }
    why: dict[str, str] = {}
    for name in ATTRS:
        if not given[name]:
            continue
        if name == "model":
            one = identify(make=given["make"], model=given["model"])
        else:
            one = identify(**{name: given[name]})
        last = one.explanations[-1] if one.explanations else ""
        if codes[name] is not None and last and "(exact" not in last:
            why[name] = last
    return QueryCodes(codes, given, why)


# ------------------------------------------------------------------ check


def engine_of(session: Session) -> Engine:
    """The engine under ``session`` (the index store is kept per engine)."""
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def engine_query(
    session: Session, *, serial: str, codes: dict[str, str | None], limit: int
) -> tuple[list[Candidate], list[str]]:
    """Ask the index (brought up to date first) for the top ``limit`` candidates; also
    the notes on how wide the search was."""
    with store.reading(engine_of(session), session.connection()) as eng:
        found = eng.query(
            serial,
            codes["make"],
            codes["model"],
            codes["calibre"],
            codes["weapon_type"],
            limit=limit,
        )
        config = eng.config
    notes: list[str] = []
    if all(v is None for v in codes.values()):
        n = len(fold(serial).skeleton)
        k, wide = config.budget.for_length(n), config.wide_budget.for_length(n)
        if wide > k:
            notes.append(
                ngettext(
                    "Narrow search: up to %(k)d real error allowed in a serial of %(n)d "
                    "characters. Give the make, model, calibre or type to allow "
                    "%(wide)d among the records that agree.",
                    "Narrow search: up to %(k)d real errors allowed in a serial of %(n)d "
                    "characters. Give the make, model, calibre or type to allow "
                    "%(wide)d among the records that agree.",
                    k,
                )
                % {"k": k, "n": n, "wide": wide}
            )
    return found, notes


def _validate(query: CheckInput) -> None:
    if not query.serial_number or not fold(query.serial_number).skeleton:
        raise Invalid(
            _("Give a serial number (use ? for each unreadable character)."),
            [{"field": "serial_number"}],
        )
    if not 1 <= query.limit <= MAX_LIMIT:
        raise Invalid(
            _("The limit must be between 1 and %(max)d.") % {"max": MAX_LIMIT},
            [{"field": "limit"}],
        )


def check(
    session: Session, *, actor: Actor | None, query: CheckInput, notify: bool = True
) -> CheckResult:
    """Ranked candidates the actor may see, plus the count of restricted ones."""
    _validate(query)
    q = query_codes(
        make=query.make, model=query.model, calibre=query.calibre, weapon_type=query.weapon_type
    )
    fetch = min(query.limit * 3 + 10, 3 * MAX_LIMIT)
    found, notes = engine_query(session, serial=query.serial_number, codes=q.codes, limit=fetch)
    if not found:
        return CheckResult(notes=notes)
    ids = [uuid.UUID(c.key) for c in found]
    r = FirearmRecord
    live = select(r).where(r.uuid.in_(ids), r.deleted_at.is_(None))
    records = {rec.uuid: rec for rec in session.execute(live).scalars()}
    if actor is None:
        seen = set(records)
    else:
        stmt = visible(select(r.uuid).where(r.uuid.in_(ids)), r, actor)
        seen = set(session.execute(stmt).scalars())
    codes = agency_codes(session, {rec.owner_agency_id for rec in records.values()})
    result = CheckResult(notes=notes)
    restricted: list[FirearmRecord] = []
    for c in found:
        if len(result.candidates) >= query.limit:
            break
        rec = records.get(uuid.UUID(c.key))
        if rec is None:  # deleted meanwhile, or an uncommitted change of another process
            continue
        if rec.uuid not in seen:
            restricted.append(rec)
            continue
        result.candidates.append(
            CheckCandidate(
                record=rec,
                score=round(c.score, 4),
                confidence=c.confidence,
                explanation=explain(query.serial_number, q, c, rec),
                serial_folded=c.serial,
                ops=c.ops,
                owner_agency=codes.get(rec.owner_agency_id, ""),
            )
        )
    result.restricted_matches = len(restricted)
    if notify and actor is not None:
        for rec in restricted:
            notify_agency(
                session,
                agency_id=rec.owner_agency_id,
                kind="restricted_match",
                params={"reference": rec.reference, "agency": actor.agency_code},
                record_id=rec.uuid,
            )
    return result


def agency_codes(session: Session, ids: set[int]) -> dict[int, str]:
    """Agency codes by id, for naming owners in results."""
    if not ids:
        return {}
    rows = session.execute(select(Agency.id, Agency.code).where(Agency.id.in_(sorted(ids))))
    return {int(i): str(code) for i, code in rows}


# ------------------------------------------------------------------ notifications


def notify_agency(
    session: Session,
    *,
    agency_id: int,
    kind: str,
    params: dict[str, Any],
    hit: Hit | None = None,
    record_id: uuid.UUID | None = None,
) -> Notification:
    """Queue a message to every member of an agency. ``params`` are rendered in the
    reader's language by :func:`notification_text`."""
    n = Notification(
        agency_id=agency_id,
        kind=kind,
        text=json.dumps(params, ensure_ascii=False),
        record_id=record_id,
    )
    n.hit = hit
    session.add(n)
    return n


#: How a decision reads inside a sentence ("was confirmed by …").
DECISION_LABELS = {"confirmed": N_("confirmed"), "rejected": N_("rejected")}


def notification_text(n: Notification) -> str:
    try:
        p = json.loads(n.text)
    except ValueError:
        return n.text
    if n.kind == "restricted_match":
        return (
            _("A restricted record of yours (%(reference)s) matched a check by agency %(agency)s.")
            % p
        )
    if n.kind == "hit":
        p["status"] = str(STATUS_LABELS.get(p.get("status", ""), p.get("status", "")))
        return (
            _(
                "Hit: your record %(reference)s matches a %(status)s weapon recorded by %(agency)s "
                "(score %(score)s)."
            )
            % p
        )
    if n.kind == "hit_decided":
        p["status"] = str(DECISION_LABELS.get(p.get("status", ""), p.get("status", "")))
        return _("A hit on %(reference)s was %(status)s by %(who)s.") % p
    return n.text


def list_notifications(
    session: Session, *, actor: Actor, unread_only: bool = False, limit: int = 100
) -> list[Notification]:
    if actor.agency_id is None:
        return []
    stmt = select(Notification).where(Notification.agency_id == actor.agency_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.created_at.desc()).limit(limit)
    return list(session.execute(stmt).scalars())


def mark_read(session: Session, *, actor: Actor, notification_id: uuid.UUID) -> None:
    n = session.get(Notification, notification_id)
    if n is None or n.agency_id != actor.agency_id:
        raise NotFound("Notification", str(notification_id))
    if n.read_at is None:
        n.read_at = utcnow()


def count_unread(session: Session, *, actor: Actor) -> int:
    if actor.agency_id is None:
        return 0
    stmt = select(func.count()).where(
        Notification.agency_id == actor.agency_id, Notification.read_at.is_(None)
    )
    return int(session.execute(stmt).scalar_one())


__all__ = [
    "QueryCodes",
    "attribute_lines",
    "fold_lines",
    "reading_lines",
    "serial_lines",
    "CheckCandidate",
    "CheckInput",
    "CheckResult",
    "check",
    "count_unread",
    "engine_query",
    "highlight",
    "list_notifications",
    "mark_read",
    "notification_text",
    "notify_agency",
]
