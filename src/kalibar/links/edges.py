"""The edges of the link chart, read from the links the other slices already keep.

No edge is copied into a table of its own: an involvement (entity ↔ seizure, with its
role), a seized firearm (seizure ↔ record), the declaration a seizure came from, a hit
(hit ↔ its two records), a confirmed record link (record ↔ record) and a trace request
(trace ↔ its record) are read where they live, through their indexed columns, one query
per link table and frontier chunk. Whether an edge may be drawn is decided by its two
ends (both visible), never here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kalibar.links.nodes import IDS, Ref, chunks, key
from kalibar.matching.models import Hit, RecordLink
from kalibar.seizures.models import Involvement, SeizedItem, Seizure
from kalibar.tracing.models import TraceRequest


class Link(NamedTuple):
    """One edge as stored: two ends and what joins them (a role, ``item``, ``hit`` …).
    A named tuple: a walk makes tens of thousands of them."""

    a: Ref
    b: Ref
    label: str


#: (one end, the other end, what joins them), as a link table stores them.
Pairs = Select[Any, Any, Any]
Reader = Callable[[Any], Pairs]


def _involvements_of_entities(ids: Any) -> Pairs:
    i = Involvement
    return select(key(i.entity_id), key(i.seizure_id), i.role).where(i.entity_id.in_(ids))


def _involvements_of_seizures(ids: Any) -> Pairs:
    i = Involvement
    return select(key(i.entity_id), key(i.seizure_id), i.role).where(i.seizure_id.in_(ids))


def _items_of_seizures(ids: Any) -> Pairs:
    t = SeizedItem
    return select(key(t.record_id), key(t.seizure_id), t.kind).where(
        t.seizure_id.in_(ids), t.record_id.is_not(None), t.deleted_at.is_(None)
    )


def _items_of_records(ids: Any) -> Pairs:
    t = SeizedItem
    return select(key(t.record_id), key(t.seizure_id), t.kind).where(
        t.record_id.in_(ids), t.deleted_at.is_(None)
    )


def _declaration_of_seizures(ids: Any) -> Pairs:
    s = Seizure
    return select(key(s.declaration_uuid), key(s.uuid), s.context).where(
        s.uuid.in_(ids), s.declaration_uuid.is_not(None)
    )


def _seizures_of_declarations(ids: Any) -> Pairs:
    s = Seizure
    return select(key(s.declaration_uuid), key(s.uuid), s.context).where(
        s.declaration_uuid.in_(ids)
    )


def _hits_as_query(ids: Any) -> Pairs:
    return select(key(Hit.query_record_id), key(Hit.uuid), Hit.status).where(
        Hit.query_record_id.in_(ids)
    )


def _hits_as_matched(ids: Any) -> Pairs:
    h = Hit
    return select(key(h.matched_record_id), key(h.uuid), h.status).where(
        h.matched_record_id.in_(ids)
    )


def _hit_query_records(ids: Any) -> Pairs:
    return select(key(Hit.query_record_id), key(Hit.uuid), Hit.status).where(Hit.uuid.in_(ids))


def _hit_matched_records(ids: Any) -> Pairs:
    return select(key(Hit.matched_record_id), key(Hit.uuid), Hit.status).where(Hit.uuid.in_(ids))


def _links_a(ids: Any) -> Pairs:
    r = RecordLink
    return select(key(r.record_a), key(r.record_b), r.kind).where(r.record_a.in_(ids))


def _links_b(ids: Any) -> Pairs:
    r = RecordLink
    return select(key(r.record_a), key(r.record_b), r.kind).where(r.record_b.in_(ids))


def _traces_of_records(ids: Any) -> Pairs:
    t = TraceRequest
    return select(key(t.record_id), key(t.uuid), t.status).where(t.record_id.in_(ids))


def _records_of_traces(ids: Any) -> Pairs:
    t = TraceRequest
    return select(key(t.record_id), key(t.uuid), t.status).where(
        t.uuid.in_(ids), t.record_id.is_not(None)
    )


@dataclass(frozen=True)
class Source:
    """One way out of a kind of node: the query, and the tables of its two columns."""

    reader: Reader
    a: str
    b: str
    #: The edge's label: the stored column (a role) or a fixed word.
    fixed: str = ""

    @property
    def statement(self) -> Pairs:
        return _STATEMENTS.setdefault(self.reader, self.reader(IDS))


#: For each kind of node, the link tables that lead out of it.
SOURCES: dict[str, tuple[Source, ...]] = {
    "entity": (Source(_involvements_of_entities, "entity", "seizure"),),
    "seizure": (
        Source(_involvements_of_seizures, "entity", "seizure"),
        Source(_items_of_seizures, "record", "seizure", "item"),
        Source(_declaration_of_seizures, "declaration", "seizure", "declaration"),
    ),
    "declaration": (Source(_seizures_of_declarations, "declaration", "seizure", "declaration"),),
    "record": (
        Source(_items_of_records, "record", "seizure", "item"),
        Source(_hits_as_query, "record", "hit", "query"),
        Source(_hits_as_matched, "record", "hit", "matched"),
        Source(_links_a, "record", "record"),
        Source(_links_b, "record", "record"),
        Source(_traces_of_records, "record", "trace", "trace"),
    ),
    "hit": (
        Source(_hit_query_records, "record", "hit", "query"),
        Source(_hit_matched_records, "record", "hit", "matched"),
    ),
    "trace": (Source(_records_of_traces, "record", "trace", "trace"),),
}


_STATEMENTS: dict[Reader, Pairs] = {}


def links_of(session: Session, refs: Iterable[Ref]) -> list[Link]:
    """Every stored link that touches one of ``refs`` (both directions, deduplicated)."""
    by_table: dict[str, list[uuid.UUID]] = {}
    for table, ident in set(refs):
        by_table.setdefault(table, []).append(ident)
    found: set[Link] = set()
    conn = session.connection()  # Core rows: no ORM bookkeeping for plain link columns
    for table, ids in by_table.items():
        for source in SOURCES[table]:
            for part in chunks(ids):
                for x, y, word in conn.execute(source.statement, {"ids": part}):
                    if x is None or y is None:
                        continue
                    a, b = (source.a, x), (source.b, y)
                    if b < a:
                        a, b = b, a
                    found.add(Link(a, b, source.fixed or str(word or "")))
    return list(found)
