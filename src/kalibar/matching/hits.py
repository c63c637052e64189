"""Hits: a recovered (seized, found, surrendered) weapon that matches a wanted (lost,
stolen, trafficked, smuggled) record at or above ``KALIBAR_MATCH_ALERT_THRESHOLD``.

When hits are made. An ORM ``before_flush`` listener (registered here, ahead of the audit
hook so the new rows are audited in the same flush) looks at every firearm record
inserted, or updated in a field that matters (status, serial, make/model/calibre/type,
tombstone). A recovered record is matched against wanted ones; a wanted record against
recovered ones (the stolen report may arrive after the seizure). Imports that write with
Core bulk inserts call :func:`scan_new_records` with the new record ids. Hits are made
whoever the reporting actor is and whatever it may see: the owner of the wanted record
must be told. A pair is unique: an open, confirmed or rejected hit on the same two
records means no new hit, so a rejected pair never alerts again.

Who sees a hit (the rule of this slice, not a distribution level): members of the agency
owning either record (``query_agency_id``/``matched_agency_id``, copied onto the hit);
anybody else gets 404. Both see the score, the explanation and both agencies; each side's
record details are shown only if the sharing filter lets the viewer see that record,
otherwise "a restricted record of agency X", and the explanation then names the kind and
number of edits without their characters (``matching.redaction``). Either agency may
confirm or reject (who, when, why are kept; a reason is required to reject); confirming
links the two records (:class:`RecordLink`) and the other agency is notified of the
decision.

Hit explanations are stored as parts (form and values, ``explain_words.as_parts``; they
are evidence) and said in the reader's language when shown; older hits keep English lines.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, func, inspect, or_, select
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.config import get_settings
from kalibar.db.base import utcnow
from kalibar.db.session import lock_for_writing
from kalibar.errors import Conflict, Invalid, NotFound
from kalibar.i18n import _, use_language
from kalibar.ids import uuid7
from kalibar.matching import Query, hit_scan
from kalibar.matching import index_store as store
from kalibar.matching import service as msvc  # module import: service imports models
from kalibar.matching.explain_words import as_parts, english, explanation_in_words
from kalibar.matching.models import Hit, HitStatus, RecordLink
from kalibar.matching.redaction import redact
from kalibar.records.models import RECOVERED, WANTED, FirearmRecord
from kalibar.sharing.visibility import visible

log = logging.getLogger("kalibar.matching")

WATCHED = ("status", "serial_number", "make_code", "model_code", "calibre_code", "weapon_type",
           "deleted_at")  # fmt: skip
_SINCE = "matching_changes_since"
_RELEVANT = {s.value for s in RECOVERED | WANTED}


# ------------------------------------------------------------------ detection


def _codes(rec: FirearmRecord) -> msvc.QueryCodes:
    given = {
        "make": rec.make or (rec.make_code or ""),
        "model": rec.model or (rec.model_code or ""),
        "calibre": rec.calibre or (rec.calibre_code or ""),
        "weapon_type": rec.weapon_type or "",
    }
    codes = {
        "make": rec.make_code,
        "model": rec.model_code,
        "calibre": rec.calibre_code,
        "weapon_type": rec.weapon_type,
    }
    given = {k: (v if codes[k] else "") for k, v in given.items()}
    return msvc.QueryCodes(codes, given, {})


def detect_hits(session: Session, records: Sequence[FirearmRecord]) -> list[Hit]:
    """Create hits for ``records`` (already identified); returns the new hits."""
    todo = [
        r
        for r in records
        if r.deleted_at is None and r.status in _RELEVANT and (r.serial_number or "").strip()
    ]
    if not todo:
        return []
    for r in todo:
        if r.uuid is None:
            r.uuid = uuid7()
    settings = get_settings()
    threshold, needed = settings.match_alert_threshold, settings.match_alert_confidence
    queries = [
        Query(r.serial_number, r.make_code, r.model_code, r.calibre_code, r.weapon_type)
        for r in todo
    ]
    wanted: dict[FirearmRecord, list[tuple[uuid.UUID, Any]]] = {}
    keys: set[uuid.UUID] = set()
    with store.reading(msvc.engine_of(session), session.connection()) as eng:
        results = eng.query_batch(queries, limit=20)
        # The alert confidence is computed over the other side's candidates, as the bulk
        # scan (hit_scan) sees them: the statuses of every candidate are needed.
        status = _statuses(session, {uuid.UUID(c.key) for found in results for c in found})
        for rec, q, found in zip(todo, queries, results, strict=True):
            side = _WANTED_VALUES if rec.status in _RECOVERED_VALUES else _RECOVERED_VALUES
            other = [
                (k, c)
                for k, c in ((uuid.UUID(c.key), c) for c in found)
                if k != rec.uuid and status.get(k) in side
            ]
            conf = eng.alert_confidences(q, [c for _k, c in other])
            good = [
                (k, c) for (k, c), x in zip(other, conf, strict=True)
                if c.score >= threshold and x >= needed
            ]  # fmt: skip
            if good:
                wanted[rec] = good
                keys.update(k for k, _c in good)
    if not keys:
        return []
    fr = FirearmRecord
    others = {
        o.uuid: o
        for o in session.execute(
            select(fr).where(fr.uuid.in_(sorted(keys)), fr.deleted_at.is_(None))
        ).scalars()
    }
    return record_hits(session, wanted, others)


_WANTED_VALUES = frozenset(s.value for s in WANTED)
_RECOVERED_VALUES = frozenset(s.value for s in RECOVERED)


def _statuses(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Status of each live record among ``ids`` (deleted ones left out)."""
    fr = FirearmRecord
    out: dict[uuid.UUID, str] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 1000):
        part = ordered[start : start + 1000]
        rows = session.execute(
            select(fr.uuid, fr.status).where(fr.uuid.in_(part), fr.deleted_at.is_(None))
        )
        out.update((u, st) for u, st in rows)
    return out


def existing_pairs(session: Session, involved: set[uuid.UUID]) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """Pairs (query, matched) that already have a hit, among ``involved`` records."""
    ids = sorted(involved)
    out: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for start in range(0, len(ids), 1000):
        part = ids[start : start + 1000]
        out.update(
            (q, m)
            for q, m in session.execute(
                select(Hit.query_record_id, Hit.matched_record_id).where(
                    or_(Hit.query_record_id.in_(part), Hit.matched_record_id.in_(part))
                )
            )
        )
    out |= {(h.query_record_id, h.matched_record_id) for h in session.new if isinstance(h, Hit)}
    return out


def record_hits(
    session: Session,
    wanted: dict[FirearmRecord, list[tuple[uuid.UUID, Any]]],
    others: dict[uuid.UUID, FirearmRecord],
    existing: set[tuple[uuid.UUID, uuid.UUID]] | None = None,
) -> list[Hit]:
    """Hits for records and their candidates over the threshold (a recovered record
    against a wanted one, either way round), skipping pairs that have a hit already;
    the owners are notified. ``existing`` (kept up to date here) saves the look-up when
    the caller scans in several parts."""
    if existing is None:
        existing = existing_pairs(session, {rec.uuid for rec in wanted} | set(others))
    made: list[Hit] = []
    for rec, cands in wanted.items():
        for key, c in cands:
            other = others.get(key)
            if other is None:
                continue
            if rec.status in {s.value for s in RECOVERED} and other.status in {
                s.value for s in WANTED
            }:
                query, matched, triggered_by_wanted = rec, other, False
            elif rec.status in {s.value for s in WANTED} and other.status in {
                s.value for s in RECOVERED
            }:
                query, matched, triggered_by_wanted = other, rec, True
            else:
                continue
            if (query.uuid, matched.uuid) in existing:
                continue
            existing.add((query.uuid, matched.uuid))
            with use_language(None):
                lines = msvc.serial_lines(c.ops) + msvc.attribute_lines(_codes(query), matched)
            hit = Hit(
                uuid=uuid7(),
                query_record_id=query.uuid,
                matched_record_id=matched.uuid,
                query_agency_id=query.owner_agency_id,
                matched_agency_id=matched.owner_agency_id,
                score=round(float(c.score), 4),
                explanation=json.dumps(as_parts(lines), ensure_ascii=False),
                status=HitStatus.open.value,
            )
            hit.query_record, hit.matched_record = query, matched
            session.add(hit)
            made.append(hit)
            codes = msvc.agency_codes(session, {query.owner_agency_id, matched.owner_agency_id})
            params = {
                "reference": matched.reference,
                "status": query.status,
                "agency": codes.get(query.owner_agency_id, ""),
                "score": f"{hit.score:.2f}",
            }
            msvc.notify_agency(
                session, agency_id=matched.owner_agency_id, kind="hit", params=params,
                hit=hit, record_id=matched.uuid,
            )  # fmt: skip
            if triggered_by_wanted and query.owner_agency_id != matched.owner_agency_id:
                # Told of its own record: the other one may be hidden from it.
                theirs = params | {
                    "reference": query.reference,
                    "status": matched.status,
                    "agency": codes.get(matched.owner_agency_id, ""),
                }
                msvc.notify_agency(
                    session, agency_id=query.owner_agency_id, kind="hit", params=theirs,
                    hit=hit, record_id=query.uuid,
                )  # fmt: skip
    return made


def scan_new_records(session: Session, record_ids: Iterable[uuid.UUID]) -> int:
    """For writers that bypass the ORM (bulk import): make hits for these records and make
    sure every process's index picks them up after commit. Returns hits created."""
    ids = list(record_ids)
    if not ids:
        return 0
    r = FirearmRecord
    made = 0
    oldest: datetime | None = None
    for start in range(0, len(ids), 1000):
        part = ids[start : start + 1000]
        low = session.execute(select(func.min(r.updated_at)).where(r.uuid.in_(part))).scalar()
        if low is not None and (oldest is None or low < oldest):
            oldest = low
        recs = list(
            session.execute(
                select(r).where(r.uuid.in_(part), r.status.in_(sorted(_RELEVANT)))
            ).scalars()
        )
        made += len(detect_hits(session, recs))
    if oldest is not None:
        since = session.info.get(_SINCE)
        session.info[_SINCE] = oldest if since is None or oldest < since else since
    return made


def scan_created_since(
    session: Session, since: datetime, *, progress: Callable[[int], None] | None = None
) -> int:
    """Hits for every record created at or after ``since`` (after a bulk import, in its
    transaction), found in bulk (:mod:`kalibar.matching.hit_scan`); the index is rebuilt
    once after the commit. Returns the number of hits made."""
    known = session.info.get(_SINCE)
    session.info[_SINCE] = since if known is None or since < known else known
    made = 0
    r = FirearmRecord
    for ids, found in hit_scan.candidates_since(session, since, progress):
        if found:
            keys = {uuid.UUID(k) for k in found}
            keys |= {uuid.UUID(c.key) for cands in found.values() for c in cands}
            records: dict[uuid.UUID, FirearmRecord] = {}
            order = sorted(keys)
            for start in range(0, len(order), 1000):
                part = order[start : start + 1000]
                stmt = select(r).where(r.uuid.in_(part), r.deleted_at.is_(None))
                records.update((rec.uuid, rec) for rec in session.execute(stmt).scalars())
            wanted: dict[FirearmRecord, list[tuple[uuid.UUID, Any]]] = {}
            for key in ids:
                cands = found.get(key)
                rec = records.get(uuid.UUID(key))
                if cands and rec is not None:
                    wanted[rec] = [(uuid.UUID(c.key), c) for c in cands]
            made += len(record_hits(session, wanted, records))
    return made


# ------------------------------------------------------------------ listeners


def _relevant_change(obj: FirearmRecord) -> bool:
    state = inspect(obj)
    return any(state.attrs[k].history.has_changes() for k in WATCHED)


def before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    if session.info.get("matching_disabled"):
        return
    changed = [o for o in session.new if isinstance(o, FirearmRecord)]
    changed += [
        o
        for o in session.dirty
        if isinstance(o, FirearmRecord) and session.is_modified(o) and _relevant_change(o)
    ]
    if not changed:
        return
    session.info.setdefault(_SINCE, utcnow())
    with session.no_autoflush:
        detect_hits(session, changed)


def after_commit(session: Session) -> None:
    since = session.info.pop(_SINCE, None)
    rebuild = session.info.pop(hit_scan.REBUILD, False)
    if since is None or (since > utcnow() - store.OVERLAP / 2 and not rebuild):
        return
    db = msvc.engine_of(session)
    try:
        store.note_changes(db, since)
    except Exception:  # noqa: BLE001 - the overlap window and the next rebuild still apply
        log.exception("could not note index changes")
    if rebuild:
        # A bulk write: one new generation instead of every process absorbing it record
        # by record (processes that open it skip the note above: it is older).
        try:
            store.rebuild(db)
        except Exception:  # noqa: BLE001 - the note above still brings every process up to date
            log.exception("could not rebuild the match index after a bulk write")


def after_rollback(session: Session) -> None:
    session.info.pop(_SINCE, None)
    session.info.pop(hit_scan.REBUILD, None)


# ------------------------------------------------------------------ the inbox


def hits_visible_clause(actor: Actor) -> ColumnElement[bool]:
    if actor.agency_id is None:
        return false()
    return or_(Hit.query_agency_id == actor.agency_id, Hit.matched_agency_id == actor.agency_id)


@dataclass
class Side:
    record_id: uuid.UUID | None
    reference: str
    status: str
    serial_number: str
    make: str
    model: str
    calibre: str
    agency: str
    visible: bool


@dataclass
class HitView:
    hit: Hit
    query: Side
    matched: Side
    explanation: list[str]
    decided_by: str | None
    can_decide: bool


def _side(rec: FirearmRecord, agency: str, shown: bool) -> Side:
    if not shown:
        return Side(None, "", rec.status, "", "", "", "", agency, False)
    return Side(rec.uuid, rec.reference, rec.status, rec.serial_number, rec.make, rec.model,
                rec.calibre, agency, True)  # fmt: skip


def views_of(session: Session, actor: Actor, hits: list[Hit]) -> list[HitView]:
    """``hits`` as ``actor`` may see them (records and owners resolved in one query each)."""
    if not hits:
        return []
    ids = {h.query_record_id for h in hits} | {h.matched_record_id for h in hits}
    r = FirearmRecord
    recs = {x.uuid: x for x in session.execute(select(r).where(r.uuid.in_(ids))).scalars()}
    seen = set(
        session.execute(
            visible(select(r.uuid).where(r.uuid.in_(ids)), r, actor, include_deleted=True)
        ).scalars()
    )
    codes = msvc.agency_codes(
        session, {h.query_agency_id for h in hits} | {h.matched_agency_id for h in hits}
    )
    out = []
    for h in hits:
        q, m = recs[h.query_record_id], recs[h.matched_record_id]
        stored = list(json.loads(h.explanation or "[]"))  # parts (older hits: English lines)
        if q.uuid not in seen or m.uuid not in seen:
            stored = redact(english(x) for x in stored)  # the edit would spell the hidden serial
        explanation = explanation_in_words(stored)  # said in the reader's words
        out.append(
            HitView(
                hit=h,
                query=_side(q, codes.get(h.query_agency_id, ""), q.uuid in seen),
                matched=_side(m, codes.get(h.matched_agency_id, ""), m.uuid in seen),
                explanation=explanation,
                decided_by=h.decided_by,
                can_decide=h.status == HitStatus.open.value,
            )
        )
    return out


def list_hits(
    session: Session, *, actor: Actor, status: str | None = None, limit: int = 200
) -> list[HitView]:
    if status and status not in {s.value for s in HitStatus}:
        raise Invalid(_("Unknown hit status."), [{"field": "status", "value": status}])
    stmt = select(Hit).where(hits_visible_clause(actor))
    if status:
        stmt = stmt.where(Hit.status == status)
    stmt = stmt.order_by(Hit.created_at.desc()).limit(limit)
    return views_of(session, actor, list(session.execute(stmt).scalars()))


def count_open_hits(session: Session, *, actor: Actor) -> int:
    stmt = (
        select(func.count())
        .select_from(Hit)
        .where(hits_visible_clause(actor), Hit.status == HitStatus.open.value)
    )
    return int(session.execute(stmt).scalar_one())


def _get(session: Session, actor: Actor, hit_id: uuid.UUID) -> Hit:
    hit = session.execute(
        select(Hit).where(Hit.uuid == hit_id, hits_visible_clause(actor))
    ).scalar_one_or_none()
    if hit is None:
        raise NotFound("Hit", str(hit_id))
    return hit


def get_hit(session: Session, *, actor: Actor, hit_id: uuid.UUID) -> HitView:
    return views_of(session, actor, [_get(session, actor, hit_id)])[0]


def decide_hit(
    session: Session, *, actor: Actor, hit_id: uuid.UUID, decision: str, reason: str = ""
) -> HitView:
    """Confirm or reject an open hit (either involved agency). Confirming links the
    records. Either needs a reason. The other agency is notified."""
    lock_for_writing(session)  # the status is read under the write lock: one decision wins
    hit = _get(session, actor, hit_id)
    if decision not in (HitStatus.confirmed.value, HitStatus.rejected.value):
        raise Invalid(_("Decide confirmed or rejected."), [{"field": "decision"}])
    reason = (reason or "").strip()
    if not reason:  # either way the decision is evidence: it carries its reason
        if decision == HitStatus.confirmed.value:
            raise Invalid(_("Say why it is the same firearm."), [{"field": "reason"}])
        raise Invalid(_("Say why the hit is rejected."), [{"field": "reason"}])
    if hit.status != HitStatus.open.value:
        raise Conflict(_("This hit has been decided already."), [{"status": hit.status}])
    hit.status = decision
    hit.decided_by = actor.username
    hit.decided_at = utcnow()
    hit.reason = reason
    if decision == HitStatus.confirmed.value:
        session.add(
            RecordLink(
                record_a=hit.query_record_id,
                record_b=hit.matched_record_id,
                hit_id=hit.uuid,
                created_by=actor.username,
            )
        )
    other = hit.matched_agency_id if actor.agency_id == hit.query_agency_id else hit.query_agency_id
    if other != actor.agency_id:
        # Named by the other agency's own record (the decider's may be hidden from it).
        own = hit.query_record_id if other == hit.query_agency_id else hit.matched_record_id
        mine = session.get(FirearmRecord, own)
        msvc.notify_agency(
            session,
            agency_id=other,
            kind="hit_decided",
            params={
                "reference": mine.reference if mine else "",
                "status": decision,
                "who": f"{actor.username} ({actor.agency_code})",
            },
            hit=hit,
        )
    session.flush()
    return views_of(session, actor, [hit])[0]


def hits_of_record(session: Session, *, actor: Actor, record_id: uuid.UUID) -> list[HitView]:
    """The hits on one record the actor's agency is party to, newest first (the record's
    page shows them with their decision, who made it and why)."""
    on_record = or_(Hit.query_record_id == record_id, Hit.matched_record_id == record_id)
    stmt = select(Hit).where(on_record, hits_visible_clause(actor)).order_by(Hit.created_at.desc())
    return views_of(session, actor, list(session.execute(stmt).scalars()))


def links_of(session: Session, *, record_id: uuid.UUID) -> list[RecordLink]:
    stmt = select(RecordLink).where(
        or_(RecordLink.record_a == record_id, RecordLink.record_b == record_id)
    )
    return list(session.execute(stmt).scalars())
