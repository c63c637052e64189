"""What a node of the link chart is, per kind of object, and how it is read.

A node is named ``table:uuid`` (``entity:…``, ``seizure:…``, ``declaration:…``,
``record:…``, ``hit:…``, ``trace:…``). Every read of a node goes through the rule its
slice uses for everything else: the one visibility filter (``sharing.visibility``) for
owned objects, ``matching.hits.hits_visible_clause`` for hits and
``tracing.service.visible_clause`` for trace requests. What the rule refuses is only
counted by owner agency (``read_nodes`` returns the owners of hidden ids, nothing else).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Dialect,
    Select,
    TypeDecorator,
    Uuid,
    bindparam,
    case,
    literal,
    null,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.db.base import SharedObject
from kalibar.i18n import N_
from kalibar.matching.hits import hits_visible_clause
from kalibar.matching.models import Hit
from kalibar.records.models import FirearmRecord
from kalibar.seizures.models import Entity, Seizure
from kalibar.sharing.visibility import visible_clause
from kalibar.targeting.models import Declaration
from kalibar.tracing import service as tracing
from kalibar.tracing.models import TraceRequest

TABLES = ("entity", "seizure", "declaration", "record", "hit", "trace")
ENTITY_KINDS = ("person", "company", "vehicle", "phone", "address")
#: Every kind a node can have (entities by what they are), in the order filters show them.
KINDS = (*ENTITY_KINDS, "seizure", "declaration", "record", "hit", "trace")
KIND_LABELS = {
    "person": N_("person"),
    "company": N_("company"),
    "vehicle": N_("vehicle"),
    "phone": N_("phone"),
    "address": N_("address"),
    "seizure": N_("seizure"),
    "declaration": N_("declaration"),
    "record": N_("firearm record"),
    "hit": N_("hit"),
    "trace": N_("trace request"),
}
#: IN lists are sent in chunks of this size (PostgreSQL and SQLite bind limits).
CHUNK = 2000

Ref = tuple[str, uuid.UUID]


def node_id(ref: Ref) -> str:
    return f"{ref[0]}:{ref[1]}"


def parse_node_id(text: str) -> Ref:
    """``seizure:0190…`` → ("seizure", UUID); ValueError for anything else."""
    table, _sep, ident = text.partition(":")
    if table not in TABLES:
        raise ValueError(text)
    return table, uuid.UUID(ident)


@dataclass
class Node:
    """What is drawn for one visible object (never built for a hidden one)."""

    ref: Ref
    kind: str
    label: str
    reference: str
    time: datetime | None
    owner_agency_id: int
    detail: str = ""
    #: Entities merged into this one (drawn as this node).
    aliases: list[str] = field(default_factory=list)
    #: Entity fields the FollowTheMoney export needs (persons, companies, vehicles …).
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return node_id(self.ref)


def _aware(value: datetime | date | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _entity(e: Entity) -> Node:
    facts = {
        "given_names": e.given_names,
        "family_name": e.family_name,
        "date_of_birth": e.date_of_birth.isoformat() if e.date_of_birth else "",
        "nationality": e.nationality or "",
        "identity_documents": e.identity_documents,
        "registration_number": e.registration_number,
        "vehicle_registration": e.vehicle_registration,
        "vehicle_make": e.vehicle_make,
        "vehicle_kind": e.vehicle_kind,
        "phone_number": e.phone_number,
        "address": e.address,
        "country": e.country or "",
    }
    return Node(("entity", e.uuid), e.kind, e.name, e.reference, None, e.owner_agency_id,
                facts=facts)  # fmt: skip


def _seizure(s: Seizure) -> Node:
    return Node(("seizure", s.uuid), "seizure", s.reference, s.reference, _aware(s.occurred_at),
                s.owner_agency_id, s.place_name,
                facts={"place": s.place_name, "country": s.place_country or ""})  # fmt: skip


def _declaration(d: Declaration) -> Node:
    return Node(("declaration", d.uuid), "declaration", d.declaration_id, d.declaration_id,
                _aware(d.lodged_at), d.owner_agency_id, d.office)  # fmt: skip


def _record(r: FirearmRecord) -> Node:
    words = " ".join(x for x in (r.make, r.model, r.serial_number) if x)
    return Node(("record", r.uuid), "record", r.reference, r.reference,
                _aware(r.event_date), r.owner_agency_id, words)  # fmt: skip


def _hit(h: Hit) -> Node:
    return Node(("hit", h.uuid), "hit", f"{h.score:.2f}", "", _aware(h.created_at),
                h.query_agency_id, h.status)  # fmt: skip


def _trace(t: TraceRequest) -> Node:
    return Node(("trace", t.uuid), "trace", t.reference, t.reference, _aware(t.created_at),
                t.requester_agency_id or 0, t.status)  # fmt: skip


@dataclass(frozen=True)
class Table:
    """How one kind of object is read: its model, its visibility rule, its owner column."""

    model: Any
    clause: Callable[[Actor], ColumnElement[bool]]
    owner: Any
    build: Callable[[Any], Node]
    tombstoned: bool
    #: The column a node's kind is read from (entities), else the table's one kind.
    kind: Any
    #: When the object happened (the time filter), if it has such a time.
    time: Any


def _shared(model: type[SharedObject]) -> Callable[[Actor], ColumnElement[bool]]:
    return lambda actor: visible_clause(model, actor)


TABLE_SPECS: dict[str, Table] = {
    "entity": Table(
        Entity, _shared(Entity), Entity.owner_agency_id, _entity, True, Entity.kind, None
    ),
    "seizure": Table(
        Seizure,
        _shared(Seizure),
        Seizure.owner_agency_id,
        _seizure,
        True,
        "seizure",
        Seizure.occurred_at,
    ),
    "declaration": Table(
        Declaration,
        _shared(Declaration),
        Declaration.owner_agency_id,
        _declaration,
        True,
        "declaration",
        Declaration.lodged_at,
    ),
    "record": Table(
        FirearmRecord,
        _shared(FirearmRecord),
        FirearmRecord.owner_agency_id,
        _record,
        True,
        "record",
        FirearmRecord.event_date,
    ),
    "hit": Table(Hit, hits_visible_clause, Hit.query_agency_id, _hit, False, "hit", Hit.created_at),
    "trace": Table(
        TraceRequest,
        tracing.visible_clause,
        TraceRequest.requester_agency_id,
        _trace,
        False,
        "trace",
        TraceRequest.created_at,
    ),
}


def chunks(ids: Sequence[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _by_table(refs: Iterable[Ref]) -> dict[str, list[uuid.UUID]]:
    by_table: dict[str, list[uuid.UUID]] = {}
    for table, ident in set(refs):
        by_table.setdefault(table, []).append(ident)
    return by_table


def _fast_uuid(text: str, new: Any = object.__new__, put: Any = object.__setattr__) -> uuid.UUID:
    """A stored 32-hex id as a UUID without ``uuid.UUID.__init__``'s parsing (a walk
    converts tens of thousands; this is ~2.7 times faster, the same value and hash)."""
    if len(text) != 32:
        return uuid.UUID(text)
    made: uuid.UUID = new(uuid.UUID)
    put(made, "int", int(text, 16))
    put(made, "is_safe", uuid.SafeUUID.unknown)
    return made


class Key(TypeDecorator[uuid.UUID]):
    """The type the walk reads ids with: ``Uuid``, but on SQLite (ids stored as 32 hex
    characters) made by :func:`_fast_uuid`. Bound values are ``Uuid``'s."""

    impl = Uuid
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        if dialect.name == "sqlite":

            def process(value: str | None) -> uuid.UUID | None:
                return None if value is None else _fast_uuid(value)

            return process
        return super().result_processor(dialect, coltype)


KEY = Key()


def key(column: Any) -> Any:
    """``column`` read as a :class:`Key`."""
    return type_coerce(column, KEY)


#: One expanding parameter for a batch of ids: each statement is compiled once and cached
#: (an IN list of literal binds would be compiled again for every batch).
IDS: BindParameter[Any] = bindparam("ids", expanding=True)


class Seen(NamedTuple):
    """What the walk needs of one object: may the reader see it, who owns it (for the
    count of hidden ones), and its kind and time (for the filters)."""

    visible: bool
    owner: int
    kind: str
    time: datetime | None


@lru_cache(maxsize=512)
def _classify_statement(table: str, actor: Actor) -> Select[Any, Any, Any, Any, Any]:
    """Built once per kind and reader (the visibility clause is costly to build)."""
    spec = TABLE_SPECS[table]
    pk = spec.model.uuid
    kind = spec.kind if not isinstance(spec.kind, str) else literal(spec.kind)
    when = spec.time if spec.time is not None else null()
    stmt = select(key(pk), spec.owner, kind, when, case((spec.clause(actor), 1), else_=0))
    stmt = stmt.where(pk.in_(IDS))
    if spec.tombstoned:
        stmt = stmt.where(spec.model.deleted_at.is_(None))
    return stmt


def classify(session: Session, actor: Actor, refs: Iterable[Ref]) -> dict[Ref, Seen]:
    """One light query per kind of object and chunk: the visibility rule evaluated as a
    column, so hidden and visible objects are told apart in the same read. Tombstoned
    objects are left out (gone for everybody)."""
    out: dict[Ref, Seen] = {}
    for table, ids in _by_table(refs).items():
        stmt = _classify_statement(table, actor)
        for part in chunks(ids):
            rows = session.connection().execute(stmt, {"ids": part})
            for ident, owner, what, at, shown in rows:
                out[(table, ident)] = Seen(bool(shown), int(owner or 0), str(what), _aware(at))
    return out


@lru_cache(maxsize=512)
def _read_statement(table: str, actor: Actor) -> Select[Any]:
    spec = TABLE_SPECS[table]
    # plain rows (attribute access by column name), not ORM objects: what is drawn is
    # only read, and building mapped objects cost more than the query here
    stmt = select(*spec.model.__table__.c).where(spec.model.uuid.in_(IDS), spec.clause(actor))
    if spec.tombstoned:
        stmt = stmt.where(spec.model.deleted_at.is_(None))
    return stmt


def read_nodes(session: Session, actor: Actor, refs: Iterable[Ref]) -> dict[Ref, Node]:
    """Labels and facts of the visible ones among ``refs`` (what is drawn)."""
    shown: dict[Ref, Node] = {}
    for table, ids in _by_table(refs).items():
        spec = TABLE_SPECS[table]
        stmt = _read_statement(table, actor)
        for part in chunks(ids):
            for obj in session.connection().execute(stmt, {"ids": part}):
                node = spec.build(obj)
                shown[node.ref] = node
    return shown
