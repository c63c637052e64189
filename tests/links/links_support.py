"""A small world of linked objects, inserted directly (no procedures, no matching), for the
link chart tests: seizures, entities, records, hits, record links and trace requests owned
by chosen agencies at chosen distribution levels."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.matching.models import Hit, RecordLink
from kalibar.records.models import FirearmRecord
from kalibar.seizures.models import Entity, Involvement, SeizedItem, Seizure
from kalibar.tracing.models import TraceRequest

T0 = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


@dataclass
class Built:
    """What a test planted: node ids by name, and every link as (node id, node id)."""

    ids: dict[str, str] = field(default_factory=dict)
    links: list[tuple[str, str]] = field(default_factory=list)
    owners: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return self.ids[name]


class Planter:
    """Inserts objects for a test (each owned by an agency code, at a distribution)."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.agencies = {a.code: a for a in session.execute(select(Agency)).scalars()}
        self.built = Built()
        self.n = 0

    def _owner(self, code: str, distribution: str) -> dict[str, object]:
        a = self.agencies[code]
        return {"owner_agency_id": a.id, "owner_country": a.country_code,
                "distribution": distribution}  # fmt: skip

    def _ref(self, prefix: str) -> str:
        self.n += 1
        return f"T-{prefix}-{uuid.uuid4().hex[:8]}-{self.n}"

    def _name(self, name: str, node: str, owner: str) -> str:
        self.built.ids[name] = node
        self.built.owners[node] = owner
        return node

    def entity(self, name: str, owner: str, dist: str = "national", kind: str = "person",
               **fields: object) -> str:  # fmt: skip
        e = Entity(reference=self._ref("EN"), kind=kind, name=fields.pop("label", name),
                   name_key=name.lower(), **fields, **self._owner(owner, dist))  # fmt: skip
        self.s.add(e)
        self.s.flush()
        return self._name(name, f"entity:{e.uuid}", owner)

    def seizure(self, name: str, owner: str, dist: str = "national", days: int = 0,
                declaration: uuid.UUID | None = None) -> str:  # fmt: skip
        s = Seizure(reference=self._ref("SZ"), occurred_at=T0 + timedelta(days=days),
                    context="border_check", place_name="Bijača", declaration_uuid=declaration,
                    **self._owner(owner, dist))  # fmt: skip
        self.s.add(s)
        self.s.flush()
        return self._name(name, f"seizure:{s.uuid}", owner)

    def record(self, name: str, owner: str, dist: str = "national", status: str = "seized") -> str:
        r = FirearmRecord(reference=self._ref("REC"), status=status, make="Zastava",
                          model="M70", serial_number=f"S{self.n}",
                          **self._owner(owner, dist))  # fmt: skip
        self.s.add(r)
        self.s.flush()
        return self._name(name, f"record:{r.uuid}", owner)

    def involve(self, entity: str, seizure: str, role: str = "suspect") -> None:
        self.s.add(Involvement(entity_id=_id(self.built[entity]),
                               seizure_id=_id(self.built[seizure]), role=role))  # fmt: skip
        self.s.flush()
        self.built.links.append((self.built[entity], self.built[seizure]))

    def item(self, seizure: str, record: str) -> None:
        sid = _id(self.built[seizure])
        position = len(self.s.execute(select(SeizedItem).where(SeizedItem.seizure_id == sid))
                       .scalars().all()) + 1  # fmt: skip
        self.s.add(SeizedItem(seizure_id=sid, position=position, kind="firearm",
                              record_id=_id(self.built[record])))  # fmt: skip
        self.s.flush()
        self.built.links.append((self.built[seizure], self.built[record]))

    def hit(self, name: str, query: str, matched: str) -> str:
        q, m = _id(self.built[query]), _id(self.built[matched])
        qa = self.s.get(FirearmRecord, q)
        ma = self.s.get(FirearmRecord, m)
        assert qa is not None and ma is not None
        h = Hit(query_record_id=q, matched_record_id=m, query_agency_id=qa.owner_agency_id,
                matched_agency_id=ma.owner_agency_id, score=0.93)  # fmt: skip
        self.s.add(h)
        self.s.flush()
        owner = next(c for c, a in self.agencies.items() if a.id == qa.owner_agency_id)
        node = self._name(name, f"hit:{h.uuid}", owner)
        self.built.links += [(node, self.built[query]), (node, self.built[matched])]
        return node

    def same_firearm(self, a: str, b: str) -> None:
        self.s.add(RecordLink(record_a=_id(self.built[a]), record_b=_id(self.built[b])))
        self.s.flush()
        self.built.links.append((self.built[a], self.built[b]))

    def trace(self, name: str, record: str, requester: str, recipient: str,
              status: str = "sent") -> str:  # fmt: skip
        ra, rb = self.agencies[requester], self.agencies[recipient]
        t = TraceRequest(reference=self._ref("TR"), record_id=_id(self.built[record]),
                         requester_agency_id=ra.id, requester_agency_code=ra.code,
                         requester_country=ra.country_code, recipient_agency_id=rb.id,
                         recipient_agency_code=rb.code, recipient_country=rb.country_code,
                         status=status)  # fmt: skip
        self.s.add(t)
        self.s.flush()
        node = self._name(name, f"trace:{t.uuid}", requester)
        self.built.links.append((node, self.built[record]))
        return node


def _id(node: str) -> uuid.UUID:
    return uuid.UUID(node.split(":", 1)[1])
