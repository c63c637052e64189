"""Deadlines, reminders and overdue lists on a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from support import World
from tracing_support import api, draft, seized_record

from kalibar.auth import service as auth
from kalibar.tracing import deadlines, queues

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, days: float) -> None:
        self.now += timedelta(days=days)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    c = Clock()
    monkeypatch.setattr(deadlines, "clock", c)
    yield c


def _actor(world: World, username: str):  # type: ignore[no-untyped-def]
    with world.session() as s:
        from sqlalchemy import select

        from kalibar.auth.models import User

        user = s.execute(select(User).where(User.username == username)).scalar_one()
        return auth.actor_for(s, user)


def test_deadlines_by_priority_and_overdue_lists(world: World, clock: Clock) -> None:
    officer, rs = api(world, "officer"), api(world, "rs.officer")
    rec = seized_record(officer)
    urgent = draft(officer, rec["record_id"], ["RS-UC"], priority="urgent",
                   urgency_justification="Detention ends soon")  # fmt: skip
    routine = draft(officer, rec["record_id"], ["HR-CU"])
    for t in (urgent, routine):
        assert officer.post(f"/api/v1/traces/{t['trace_id']}/send").status_code == 200
    u = officer.get(f"/api/v1/traces/{urgent['trace_id']}").json()
    r = officer.get(f"/api/v1/traces/{routine['trace_id']}").json()
    assert datetime.fromisoformat(u["sent_at"]) == T0
    assert datetime.fromisoformat(u["ack_due"]) == T0 + timedelta(days=10)
    assert datetime.fromisoformat(u["answer_due"]) == T0 + timedelta(days=30)
    assert datetime.fromisoformat(r["answer_due"]) == T0 + timedelta(days=90)
    assert u["deadline_state"] is None

    clock.advance(4)  # within 7 days of the acknowledgement deadline
    assert officer.get(f"/api/v1/traces/{urgent['trace_id']}").json()["deadline_state"] == (
        "ack_due_soon"
    )
    clock.advance(7)  # day 11: acknowledgement overdue on both
    overdue = officer.get("/api/v1/traces", params={"overdue": True}).json()
    assert overdue["total"] == 2
    assert {i["deadline_state"] for i in overdue["items"]} == {"ack_overdue"}
    # the recipient acknowledges the urgent one: no longer overdue
    assert rs.post(f"/api/v1/traces/{urgent['trace_id']}/acknowledge").status_code == 200
    assert officer.get("/api/v1/traces", params={"overdue": True}).json()["total"] == 1

    clock.advance(15)  # day 26: urgent answer due within 7 days
    got = rs.get(f"/api/v1/traces/{urgent['trace_id']}").json()
    assert got["deadline_state"] == "answer_due_soon" and got["overdue"] is False
    clock.advance(5)  # day 31: urgent answer overdue
    rem = queues.reminders(world.session(), actor=_actor(world, "rs.officer"))
    assert [t.uuid for t in rem.incoming] and rem.overdue == 1
    rem_out = queues.reminders(world.session(), actor=_actor(world, "officer"))
    assert len(rem_out.outgoing) == 2 and rem_out.overdue == 2
    assert rem_out.outgoing[0].recipient_agency_code == "HR-CU"  # ack was due first

    # answering ends the deadlines
    rs.post(f"/api/v1/traces/{urgent['trace_id']}/answer",
            json={"result": "not_traced", "not_traced_reason": "no_records"})  # fmt: skip
    rem = queues.reminders(world.session(), actor=_actor(world, "rs.officer"))
    assert rem.incoming == []


def test_dashboard_shows_overdue_traces(world: World, clock: Clock) -> None:
    from support import client_for, login

    officer = api(world, "officer")
    rec = seized_record(officer)
    t = draft(officer, rec["record_id"], ["RS-UC"])
    officer.post(f"/api/v1/traces/{t['trace_id']}/send")
    clock.advance(100)
    browser = client_for(world.engine)
    login(browser, "rs.officer", world.passwords["rs.officer"])
    home = browser.get("/")
    assert "trace-reminders" in home.text and t["reference"] in home.text
