"""Two or three instances in one process (each its own database and key), for tests and
the benchmark: switch instance with :func:`Instance.active`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from kalibar.agencies.models import Agency
from kalibar.db.session import unit_of_work
from kalibar.federation import feed, keys, service
from kalibar.federation.apply import Result, apply_envelopes
from kalibar.records.models import FirearmRecord


@dataclass
class Instance:
    engine: Engine
    country: str
    key_hex: str

    @contextmanager
    def active(self) -> Iterator[None]:
        old = os.environ.get(keys.ENV)
        os.environ[keys.ENV] = self.key_hex
        try:
            yield
        finally:
            if old is None:
                os.environ.pop(keys.ENV, None)
            else:
                os.environ[keys.ENV] = old

    @property
    def public(self) -> str:
        return keys.parse_private(self.key_hex, "test").public_hex


def make_instance(engine: Engine, country: str) -> Instance:
    inst = Instance(engine, country, keys.new_private_text())
    with inst.active(), unit_of_work(engine) as s:
        service.ensure_identity(s, country=country, name=f"Kalibar {country}")
    return inst


def link(
    a: Instance,
    b: Instance,
    *,
    kinds: str = "record,hit,hit_decision,seizure,watchlist",
    levels: str = "partners,group",
    nominal: bool = False,
    url: str = "",
) -> None:
    """``a`` registers ``b`` (both directions of the agreement the same terms)."""
    terms = service.Terms.parse(kinds, levels, nominal)
    with a.active(), unit_of_work(a.engine) as s:
        service.add_peer(
            s,
            actor=None,
            code=b.country,
            country=b.country,
            url=url,
            public_key=b.public,
            outbound=terms,
            inbound=terms,
        )


def agency(engine: Engine, code: str, country: str) -> int:
    with unit_of_work(engine) as s:
        found = s.query(Agency).filter_by(code=code).one_or_none()
        if found is None:
            found = Agency(code=code, name=code, country_code=country, kind="customs")
            s.add(found)
            s.flush()
        return found.id


def add_record(
    engine: Engine,
    agency_id: int,
    country: str,
    serial: str,
    *,
    status: str = "stolen",
    distribution: str = "partners",
    **extra: Any,
) -> Any:
    with unit_of_work(engine) as s:
        rec = FirearmRecord(
            owner_agency_id=agency_id,
            owner_country=country,
            distribution=distribution,
            reference=f"T-{serial}",
            status=status,
            make="Zastava",
            make_code="zastava",
            model="M70",
            serial_number=serial,
            serial_normalised=serial,
            **extra,
        )
        s.add(rec)
        s.flush()
        return rec.uuid


def page(sender: Instance, receiver_code: str, after: int = 0, limit: int = 500) -> dict[str, Any]:
    with sender.active(), unit_of_work(sender.engine) as s:
        peer = service.get_peer(s, code=receiver_code)
        return feed.build_page(s, peer=peer, after=after, limit=limit)


def deliver(receiver: Instance, sender_code: str, pg: dict[str, Any]) -> Result:
    with receiver.active(), unit_of_work(receiver.engine) as s:
        peer = service.get_peer(s, code=sender_code)
        return apply_envelopes(
            s, peer=peer, items=pg["envelopes"], next_cursor=pg["next"], source="test"
        )


def exchange(sender: Instance, receiver: Instance) -> Result:
    """One page from ``sender`` to ``receiver`` from the receiver's cursor."""
    with receiver.active(), unit_of_work(receiver.engine) as s:
        cursor = service.get_peer(s, code=sender.country).cursor
    return deliver(receiver, sender.country, page(sender, receiver.country, cursor))
