"""Loading demo seizures (``kalibar demo --seizures N``): fast, deterministic, idempotent.

What is made: :mod:`~kalibar.demo.seizures.plan` decides the seizures (places, agencies,
items, persons and vehicles), :mod:`~kalibar.demo.seizures.life` what became of them
(hand-over, steps, custody). This module writes them.

Speed and the audit trail. Creating thousands of seizures through the services would
take minutes (one flush, one audit entry and one matching scan per row), so the rows are
inserted in bulk with SQLAlchemy Core, one block of :data:`~.plan.BLOCK` seizures at
a time, like the records import: the firearm records go through the ordinary records
import (:func:`kalibar.records.io_import.import_records`: parsing, identification,
references, its own audit entry per chunk) and are then checked against the register
(:func:`kalibar.matching.hits.scan_new_records`); the seizure rows bypass the ORM audit
hook, so each block writes one ``import`` audit entry naming every seizure and entity it
created (:func:`kalibar.audit.service.history_of` finds it for each of them). Custody
digests are chained with :func:`kalibar.seizures.custody.compute_digest`, so
:func:`~kalibar.seizures.custody.verify_custody` accepts them.

One seized firearm in :data:`WANTED_EVERY` carries the identification of a lost, stolen
or trafficked record already in the database, so the demo shows hits on seizures.

Idempotency, as for demo records: a *demo seizure* has an id of the ``5e12`` range
(:func:`.plan.demo_id`). With ``c`` of them present, loading ``n`` adds seizures
``c`` .. ``n - 1`` of the seed; entities already there are reused, not duplicated.
Everything happens in the caller's transaction.
"""

from __future__ import annotations

import csv
import tempfile
import types
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.audit.service import log_event
from kalibar.demo.records.load import DEMO_ACTOR
from kalibar.demo.seizures.life import Life, live
from kalibar.demo.seizures.plan import (
    BLOCK,
    CUSTOMS,
    PlannedEntity,
    PlannedSeizure,
    demo_id,
    id_range,
    plan_block,
    today_utc,
)
from kalibar.errors import Conflict
from kalibar.i18n import _
from kalibar.ids import uuid7
from kalibar.matching.hits import scan_new_records
from kalibar.records.fields import COLUMNS
from kalibar.records.io_import import import_records
from kalibar.records.models import WANTED, FirearmRecord
from kalibar.records.references import next_references
from kalibar.reference.normalise import normalise_calibre
from kalibar.seizures.custody import compute_digest
from kalibar.seizures.entities import name_key
from kalibar.seizures.handover import HANDED_OVER, OFFERED
from kalibar.seizures.models import (
    CustodyEvent,
    Entity,
    Handover,
    Involvement,
    ProcedureStep,
    SeizedItem,
    Seizure,
)
from kalibar.seizures.procedure_templates import Template, active_templates
from kalibar.sharing.models import ObjectReader
from kalibar.targeting.models import Declaration

#: One seized firearm in this many is a lost, stolen or trafficked one (a hit).
WANTED_EVERY = 80
#: Declaration outcomes that end in a seizure, by the seizure's planned main item kind.
SEIZED_OUTCOMES = ("firearms", "parts", "ammunition")


@dataclass
class DemoSeizuresResult:
    existing: int  # demo seizures found before loading
    added: int
    entities: int = 0
    records: int = 0
    hits: int = 0


def count_demo_seizures(session: Session) -> int:
    lo, hi = id_range("seizure")
    return int(
        session.execute(
            select(func.count()).select_from(Seizure).where(Seizure.uuid >= lo, Seizure.uuid <= hi)
        ).scalar_one()
    )


@dataclass
class _Ctx:
    session: Session
    seed: int
    now: datetime
    agencies: dict[str, tuple[int, str]]  # code → (id, country)
    templates: list[tuple[int, Template]]
    declarations: dict[int, list[tuple[UUID, datetime]]]
    result: DemoSeizuresResult
    wanted: list[dict[str, str]]


def load_demo_seizures(
    session: Session,
    *,
    n: int,
    seed: int = 1,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> DemoSeizuresResult:
    """Make sure ``n`` demo seizures exist (see the module docstring for the rule)."""
    existing = count_demo_seizures(session)
    todo = max(n - existing, 0)
    result = DemoSeizuresResult(existing=existing, added=0)
    if on_start:
        on_start(todo)
    if not todo:
        return result
    agencies = {
        code: (id_, country)
        for id_, code, country in session.execute(
            select(Agency.id, Agency.code, Agency.country_code)
        )
    }
    if any(code not in agencies for code in CUSTOMS.values()):
        raise Conflict(_("Load the demo agencies first (kalibar demo)."))
    ctx = _Ctx(session, seed, now or today_utc(), agencies, active_templates(session),
               _declarations(session, agencies), result, _wanted(session))  # fmt: skip
    for block in range(existing // BLOCK, (n + BLOCK - 1) // BLOCK):
        planned = [
            s
            for s in plan_block(seed, block, today=ctx.now)
            if existing <= s.index < n and s.agency in agencies
        ]
        _write(ctx, planned, f"demo seizures seed {seed} block {block}")
        result.added += len(planned)
        if progress:
            progress(result.added)
    return result


def _declarations(
    session: Session, agencies: dict[str, tuple[int, str]]
) -> dict[int, list[tuple[UUID, datetime]]]:
    """Inspected declarations that found arms and no seizure links yet, by owner agency."""
    linked = select(Seizure.declaration_uuid).where(Seizure.declaration_uuid.is_not(None))
    d = Declaration
    rows = session.execute(
        select(d.owner_agency_id, d.uuid, d.lodged_at)
        .where(d.outcome.in_(SEIZED_OUTCOMES), d.deleted_at.is_(None), d.uuid.not_in(linked))
        .order_by(d.lodged_at, d.uuid)
        .limit(5000)
    )
    out: dict[int, list[tuple[UUID, datetime]]] = defaultdict(list)
    for owner, uuid_, lodged in rows:
        out[owner].append((uuid_, lodged))
    return out


def _wanted(session: Session) -> list[dict[str, str]]:
    """Identification of some lost, stolen or trafficked records: a few seized guns turn
    out to be one of them, so the demo shows hits on seizures."""
    r = FirearmRecord
    rows = session.execute(
        select(r.weapon_type, r.make, r.model, r.calibre, r.serial_number)
        .where(r.status.in_(sorted(WANTED)), r.serial_number != "", r.deleted_at.is_(None),
               r.make != "", r.serial_number.not_like("%?%"))
        .order_by(r.uuid)
        .limit(500)
    )  # fmt: skip
    keys = ("weapon_type", "make", "model", "calibre", "serial_number")
    return [{k: v or "" for k, v in zip(keys, row, strict=True)} for row in rows]


def _link_declaration(ctx: _Ctx, s: PlannedSeizure) -> None:
    """A parcel or consignment seizure may come from a targeted declaration (same owner)."""
    if s.values["context"] not in ("postal_inspection", "cargo_inspection") or s.fate < 0.5:
        return
    queue = ctx.declarations.get(ctx.agencies[s.agency][0])
    while queue:
        uuid_, lodged = queue.pop()
        when = (lodged + timedelta(hours=6 + 42 * s.fate)).replace(microsecond=0)
        if when < ctx.now - timedelta(hours=1):
            s.values["declaration_uuid"] = uuid_
            s.occurred_at = when
            for item in s.items:
                if item.record:
                    item.record["event_date"] = when.date().isoformat()
            return


# ------------------------------------------------------------------ writing


def _write(ctx: _Ctx, planned: list[PlannedSeizure], label: str) -> None:
    if not planned:
        return
    session = ctx.session
    for s in planned:
        _link_declaration(ctx, s)
    lives = {s.uuid: live(s, ctx.templates, ctx.seed, ctx.now) for s in planned}
    refs = _references(ctx, [(s.agency, s.occurred_at) for s in planned])
    seizure_refs = dict(zip((s.uuid for s in planned), refs, strict=True))
    entities = _new_entities(ctx, planned)
    entity_refs = _references(ctx, [(a, t) for _e, a, t in entities], kind="EN")
    record_ids = _import_records(ctx, planned, seizure_refs, label)
    rows = _Rows()
    for s in planned:
        rows.add(ctx, s, lives[s.uuid], seizure_refs[s.uuid])
    for (entity, agency, first), ref in zip(entities, entity_refs, strict=True):
        rows.entity(ctx, entity, agency, first, ref)
    for table, batch in (
        (Entity, rows.entities), (Seizure, rows.seizures), (SeizedItem, rows.items),
        (Involvement, rows.involvements), (ProcedureStep, rows.steps),
        (CustodyEvent, rows.custody), (Handover, rows.handovers), (ObjectReader, rows.readers),
    ):  # fmt: skip
        if batch:
            _bulk_insert(session, cast(Any, table).__table__, batch)
    for receiver, ids in rows.moved.items():
        agency_id, country = ctx.agencies[receiver]
        session.execute(
            update(FirearmRecord)
            .where(FirearmRecord.uuid.in_(ids))
            .values(owner_agency_id=agency_id, owner_country=country)
        )
    log_event(
        session,
        actor=DEMO_ACTOR,
        action="import",
        object_type="Seizure",
        object_id=str(uuid7()),
        details={
            "file": label,
            "rows": len(planned),
            "seizures": [str(s.uuid) for s in planned],
            "entities": [str(e.uuid) for e, _a, _t in entities],
            "handed_over": {k: [str(i) for i in v] for k, v in rows.moved.items()},
        },
    )
    if record_ids:
        ctx.result.hits += scan_new_records(session, record_ids)
    ctx.result.entities += len(entities)
    ctx.result.records += len(record_ids)


def _references(ctx: _Ctx, owners: list[tuple[str, datetime]], kind: str = "SZ") -> list[str]:
    """Readable references numbered by date within each agency and year of occurrence.

    Uses the counters of :func:`kalibar.records.references.next_references` (same key
    format), so references made later by the services never clash with these.
    """
    wanted: dict[str, list[int]] = defaultdict(list)
    for n, (agency, when) in sorted(enumerate(owners), key=lambda x: (x[1][1], x[0])):
        wanted[f"{agency.split('-', 1)[-1]}-{kind}-{when.year}"].append(n)
    out = [""] * len(owners)
    for key in sorted(wanted):
        prefix, year = key.rsplit("-", 1)
        refs = next_references(ctx.session, prefix, len(wanted[key]), year=int(year))
        for n, ref in zip(wanted[key], refs, strict=True):
            out[n] = ref
    ctx.session.flush()
    return out


def _new_entities(
    ctx: _Ctx, planned: list[PlannedSeizure]
) -> list[tuple[PlannedEntity, str, datetime]]:
    """Entities first used by these seizures and not in the database yet, with the agency
    that recorded them (the first seizing agency) and when."""
    first: dict[UUID, tuple[PlannedEntity, str, datetime]] = {}
    for s in sorted(planned, key=lambda s: (s.occurred_at, s.index)):
        for entity, _role in s.involvements:
            first.setdefault(entity.uuid, (entity, s.agency, s.occurred_at))
    there = set(
        ctx.session.execute(select(Entity.uuid).where(Entity.uuid.in_(list(first)))).scalars()
    )
    return [v for k, v in first.items() if k not in there]


def _import_records(
    ctx: _Ctx, planned: list[PlannedSeizure], refs: dict[UUID, str], label: str
) -> list[UUID]:
    """The firearm records of these seizures, through the ordinary records import."""
    rows = []
    for s in planned:
        for item in s.items:
            if item.record:
                item.record["case_reference"] = refs[s.uuid]
                mix = zlib.crc32(UUID(item.record["record_id"]).bytes)
                if ctx.wanted and mix % WANTED_EVERY == 0:
                    item.record.update(ctx.wanted[(mix // WANTED_EVERY) % len(ctx.wanted)])
                rows.append(item.record)
    if not rows:
        return []
    with tempfile.TemporaryDirectory(prefix="kalibar-demo-") as tmp:
        path = Path(tmp) / "demo-seizure-records.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        import_records(ctx.session, actor=DEMO_ACTOR, source=path, filename=label, parallel=False)
    return [UUID(r["record_id"]) for r in rows]


def _bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """One ``executemany`` on the driver, values converted by the columns' own bind
    processors (as the records import does): SQLAlchemy's per-row statement machinery
    would cost more than the database does."""
    conn = session.connection()
    dialect = conn.dialect
    names = list(rows[0])
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "  # noqa: S608 - names from the model
        f"VALUES ({', '.join([mark] * len(names))})"
    )
    procs = [(i, table.c[n].type.dialect_impl(dialect).bind_processor(dialect))
             for i, n in enumerate(names)]  # fmt: skip
    active: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = [
        (i, p, {}) for i, p in procs if p is not None
    ]
    params = []
    for row in rows:
        values = [row[n] for n in names]
        for i, proc, memo in active:  # ids and times repeat (a seizure's 30 steps)
            value = values[i]
            if value is not None:
                done = memo.get(value)
                if done is None:
                    done = memo[value] = proc(value)
                values[i] = done
        params.append(tuple(values))
    conn.exec_driver_sql(sql, params)


@lru_cache(maxsize=256)
def _calibre_code(text: str) -> str | None:
    match = normalise_calibre(text) if text else None
    return match.value if match else None


class _Rows:
    """The insert rows of one block, table by table."""

    def __init__(self) -> None:
        self.seizures: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []
        self.involvements: list[dict[str, Any]] = []
        self.steps: list[dict[str, Any]] = []
        self.custody: list[dict[str, Any]] = []
        self.handovers: list[dict[str, Any]] = []
        self.readers: list[dict[str, Any]] = []
        self.entities: list[dict[str, Any]] = []
        self.moved: dict[str, list[UUID]] = defaultdict(list)
        self.seed = self.base = self.serial = 0

    def _id(self) -> UUID:
        """The next id of a row belonging to the current seizure (deterministic)."""
        self.serial += 1
        return demo_id("child", self.seed, self.base + self.serial)

    def add(self, ctx: _Ctx, s: PlannedSeizure, life: Life, reference: str) -> None:
        self.seed, self.base, self.serial = ctx.seed, s.index << 12, 0
        owner_id, owner_country = ctx.agencies[life.owner]
        seizing_id = ctx.agencies[s.agency][0]
        created = s.occurred_at + timedelta(hours=1)
        v = s.values
        self.seizures.append({
            "uuid": s.uuid, "owner_country": owner_country, "distribution": "national",
            "deleted_at": None, "owner_agency_id": owner_id, "created_at": created,
            "updated_at": life.updated_at or created, "reference": reference,
            "status": life.status, "occurred_at": s.occurred_at,
            "place_code": v.get("place_code"), "place_name": v.get("place_name", ""),
            "address": v.get("address", ""), "place_country": v.get("place_country"),
            "latitude": v.get("latitude"), "longitude": v.get("longitude"),
            "context": v["context"], "direction": v.get("direction", "domestic"),
            "origin_country": v.get("origin_country"),
            "transit_countries": v.get("transit_countries", ""),
            "destination_country": v.get("destination_country"),
            "detection_method": v.get("detection_method", ""),
            "concealment_method": v.get("concealment_method", ""),
            "conveyance_kind": v.get("conveyance_kind", ""),
            "vehicle_registration": v.get("vehicle_registration", ""),
            "vehicle_make": v.get("vehicle_make", ""), "bus_line": v.get("bus_line", ""),
            "parcel_number": v.get("parcel_number", ""),
            "container_number": v.get("container_number", ""),
            "legal_basis": v.get("legal_basis", ""),
            "criminal_context": v.get("criminal_context", ""),
            "narrative": v.get("narrative", ""), "declaration_uuid": v.get("declaration_uuid"),
            "seizing_agency_id": seizing_id, "recorded_by": s.recorded_by,
            "closed_at": life.closed_at, "closed_by": life.closed_by,
        })  # fmt: skip
        for position, (item, events) in enumerate(zip(s.items, life.custody, strict=True), 1):
            item_id = self._id()
            record_id = UUID(item.record["record_id"]) if item.record else None
            calibre = item.record["calibre"] if item.record else item.calibre
            self.items.append({
                "uuid": item_id, "seizure_id": s.uuid, "position": position, "kind": item.kind,
                "record_id": record_id, "part_kind": item.part_kind, "calibre": calibre,
                "calibre_code": _calibre_code(calibre), "ammunition_type": item.ammunition_type,
                "explosive_type": item.explosive_type, "description": item.description,
                "quantity": float(item.quantity), "unit": item.unit, "deleted_at": None,
                "created_at": created, "updated_at": created,
            })  # fmt: skip
            if record_id and life.owner != s.agency:
                self.moved[life.owner].append(record_id)
            self._custody(s.uuid, item_id, events)
        for entity, role in s.involvements:
            self.involvements.append({"uuid": self._id(), "seizure_id": s.uuid,
                                      "entity_id": entity.uuid, "role": role, "note": "",
                                      "created_at": created, "updated_at": created})  # fmt: skip
        for step in life.steps:
            self.steps.append({"uuid": self._id(), "seizure_id": s.uuid, **step,
                               "created_at": created,
                               "updated_at": step["completed_at"] or created})  # fmt: skip
        if life.handover:
            h = life.handover
            receiver = ctx.agencies[h["to"]][0]
            self.handovers.append({
                "uuid": self._id(), "seizure_id": s.uuid, "from_agency_id": seizing_id,
                "to_agency_id": receiver, "status": h["status"],
                "note": "Criminal investigation; items and case file sent with the offer.",
                "requested_by": s.recorded_by, "decided_by": (
                    "investigator" if h["to"] == "BA-SIPA" else "demo") if h["decided_at"] else "",
                "decided_at": h["decided_at"], "decline_reason": "",
                "created_at": h["requested_at"], "updated_at": h["decided_at"] or h["requested_at"],
            })  # fmt: skip
            accepted = h["status"] == "accepted"
            self.readers.append({"uuid": self._id(), "object_uuid": s.uuid,
                                 "agency_id": seizing_id if accepted else receiver,
                                 "reason": HANDED_OVER if accepted else OFFERED})  # fmt: skip

    def _custody(self, seizure_id: UUID, item_id: UUID, events: Iterable[dict[str, Any]]) -> None:
        previous = ""
        for sequence, ev in enumerate(events, 1):
            row = {"uuid": self._id(), "item_id": item_id, "seizure_id": seizure_id,
                   "sequence": sequence, "seal_number": "", "from_party": "", "to_party": "",
                   "location": "", "condition": "", "note": "", **ev,
                   "recorded_at": ev["occurred_at"] + timedelta(minutes=5)}  # fmt: skip
            row["digest"] = compute_digest(
                previous, cast(CustodyEvent, types.SimpleNamespace(**row))
            )
            previous = row["digest"]
            self.custody.append(row)

    def entity(
        self, ctx: _Ctx, e: PlannedEntity, agency: str, first: datetime, reference: str
    ) -> None:
        agency_id, country = ctx.agencies[agency]
        v = e.values
        key_source = v.get("vehicle_registration") if v["kind"] == "vehicle" else v["name"]
        created = first + timedelta(hours=1)
        self.entities.append({
            "uuid": e.uuid, "owner_country": country, "distribution": "national",
            "deleted_at": None, "owner_agency_id": agency_id, "created_at": created,
            "updated_at": created, "reference": reference, "kind": v["kind"],
            "name": v["name"][:300], "name_key": name_key(v["kind"], key_source or "",
                                                          country=country)[:300],
            "given_names": v.get("given_names", ""), "family_name": v.get("family_name", ""),
            "date_of_birth": v.get("date_of_birth"), "nationality": v.get("nationality"),
            "identity_documents": v.get("identity_documents", ""),
            "registration_number": v.get("registration_number", ""),
            "vehicle_registration": v.get("vehicle_registration", ""),
            "vehicle_make": v.get("vehicle_make", ""), "vehicle_kind": v.get("vehicle_kind", ""),
            "phone_number": v.get("phone_number", ""), "address": v.get("address", ""),
            "country": v.get("country"), "notes": "",
        })  # fmt: skip
