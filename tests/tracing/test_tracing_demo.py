"""Demo data: trace requests in every status, made once."""

from __future__ import annotations

from sqlalchemy import select
from support import World

from kalibar.db.session import unit_of_work
from kalibar.demo.records.load import load_demo_records
from kalibar.demo.tracing import load_demo_traces
from kalibar.tracing.models import TraceRequest, TraceStatus


def test_demo_requests_in_every_status(world: World) -> None:
    with unit_of_work(world.engine) as s:
        load_demo_records(s, n=300, seed=3)
    with unit_of_work(world.engine) as s:
        assert load_demo_traces(s) == 10
    with unit_of_work(world.engine) as s:
        assert load_demo_traces(s) == 0
        rows = list(s.execute(select(TraceRequest)).scalars())
        assert {t.status for t in rows} == {st.value for st in TraceStatus}
        assert {t.result for t in rows} >= {"traced", "not_traced", "partly_traced"}
        assert all(t.recipient_country != "BA" for t in rows)
