"""Tracing statistics against a hand-computed set of trace requests (seen by BA-UIO).

#   from    to      sent        acknowledged  answered    result         diversion   record
1   BA-UIO  RS-UC   2025-03-01  +2 days       +10 days    traced         2015-06-01  R1
2   BA-UIO  RS-UC   2025-04-01  +4 days       +20 days    partly_traced  2024-06-01  R2
3   BA-UIO  HR-CU   2025-05-01  —             —           (sent, acknowledgement overdue)
4   RS-UC   BA-UIO  2025-02-01  +1 day        —           (acknowledged, not yet due)
5   BA-UIO  RS-UC   —           (draft: never counted)
6   BA-UIO  RS-UC   2024-12-01  (before the period)
7   RS-UC   HR-CU   2025-03-01  (not BA-UIO's: invisible)
8   BA-UIO  HR-CU   2025-03-01  +1 day        +30 days    traced         2010-01-01  R1
"""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from support import World, client_for, login

from kalibar.agencies.models import Agency
from kalibar.auth import service as auth
from kalibar.auth.models import User
from kalibar.db.session import unit_of_work
from kalibar.indicators import sdg, tracing_stats
from kalibar.records.service import RecordData, create_record
from kalibar.tracing.models import TraceRequest

NOW = datetime(2025, 12, 1, tzinfo=UTC)
PERIOD = sdg.SdgQuery(date(2025, 1, 1), date(2025, 12, 31))
R1_EVENT, R2_EVENT = date(2025, 6, 1), date(2025, 9, 1)


def _at(day: str, plus: float | None = None) -> datetime | None:
    if plus is None:
        return None
    return datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(days=plus)


def build(world: World) -> dict[str, Any]:
    with unit_of_work(world.engine) as s:
        ids = {a.code: a for a in s.execute(select(Agency)).scalars()}
        user = s.execute(select(User).where(User.username == "officer")).scalar_one()
        officer = auth.actor_for(s, user)
        r1 = create_record(
            s,
            actor=officer,
            data=RecordData(status="seized", serial_number="T1", event_date=R1_EVENT),
        )
        r2 = create_record(
            s,
            actor=officer,
            data=RecordData(status="seized", serial_number="T2", event_date=R2_EVENT),
        )
        s.flush()
        rows: list[tuple[str, str, str, str | None, float | None, float | None, Any]] = [
            ("BA-UIO", "RS-UC", "answered", "2025-03-01", 2, 10, ("traced", "2015-06-01", r1)),
            (
                "BA-UIO",
                "RS-UC",
                "answered",
                "2025-04-01",
                4,
                20,
                ("partly_traced", "2024-06-01", r2),
            ),
            ("BA-UIO", "HR-CU", "sent", "2025-05-01", None, None, None),
            ("RS-UC", "BA-UIO", "acknowledged", "2025-02-01", 1, None, None),
            ("BA-UIO", "RS-UC", "draft", None, None, None, None),
            ("BA-UIO", "RS-UC", "sent", "2024-12-01", None, None, None),
            ("RS-UC", "HR-CU", "sent", "2025-03-01", None, None, None),
            ("BA-UIO", "HR-CU", "answered", "2025-03-01", 1, 30, ("traced", "2010-01-01", r1)),
        ]
        for n, (src, dst, status, sent, ack, ans, answer) in enumerate(rows, 1):
            sent_at = _at(sent, 0) if sent else None
            trace = TraceRequest(
                reference=f"TR-{n}",
                requester_agency_id=ids[src].id,
                requester_agency_code=src,
                requester_country=src[:2],
                recipient_agency_id=ids[dst].id,
                recipient_agency_code=dst,
                recipient_country=dst[:2],
                status=status,
                sent_at=sent_at,
                ack_due=sent_at + timedelta(days=14) if sent_at else None,
                answer_due=_at("2026-06-01", 0)
                if n == 4
                else (sent_at + timedelta(days=60) if sent_at else None),
                acknowledged_at=_at(sent, ack) if sent else None,
                answered_at=_at(sent, ans) if sent else None,
            )
            if answer:
                result, diversion, record = answer
                trace.result = result
                trace.diversion_date = date.fromisoformat(diversion)
                trace.record_id = record.uuid
                trace.event_date = record.event_date
            s.add(trace)
        return {"r1": r1.uuid, "r2": r2.uuid}


def test_hand_computed_statistics(world: World) -> None:
    ids = build(world)
    with unit_of_work(world.engine) as s:
        user = s.execute(select(User).where(User.username == "officer")).scalar_one()
        stats = tracing_stats.tracing_stats(s, actor=auth.actor_for(s, user), query=PERIOD, now=NOW)
    assert (stats.sent, stats.received) == (4, 1)
    assert (stats.answered_sent, stats.answered_received) == (3, 0)
    assert (stats.overdue_sent, stats.overdue_received) == (1, 0)
    assert stats.by_status == {"sent": 1, "acknowledged": 1, "answered": 3}
    assert stats.by_result == {"traced": 2, "partly_traced": 1, "not_traced": 0}
    assert [
        (c.country, c.requests, c.acknowledged, c.answered, c.median_ack_days, c.median_answer_days)
        for c in stats.by_country
    ] == [
        ("HR", 2, 1, 1, 1.0, 30.0),
        ("RS", 2, 2, 2, 3.0, 15.0),
        ("BA", 1, 1, 0, 1.0, None),
    ]
    r1_days = (R1_EVENT - date(2015, 6, 1)).days  # the latest diversion of R1 wins
    r2_days = (R2_EVENT - date(2024, 6, 1)).days
    assert [(t.record_id, t.days) for t in stats.time_to_crime] == [
        (ids["r2"], r2_days),
        (ids["r1"], r1_days),
    ]
    assert stats.median_time_to_crime_years == round(
        statistics.median([r1_days, r2_days]) / 365.25, 1
    )
    assert dict(stats.time_to_crime_bands) == {
        "lt1": 0,
        "1to3": 1,
        "3to10": 0,
        "10to20": 1,
        "ge20": 0,
    }


def test_recipient_country_filter_and_other_viewer(world: World) -> None:
    build(world)
    with unit_of_work(world.engine) as s:
        users = {u.username: u for u in s.execute(select(User)).scalars()}
        officer = auth.actor_for(s, users["officer"])
        rs_only = sdg.SdgQuery(PERIOD.date_from, PERIOD.date_to, country="RS")
        stats = tracing_stats.tracing_stats(s, actor=officer, query=rs_only, now=NOW)
        assert (stats.sent, stats.received) == (2, 0)
        serbia = tracing_stats.tracing_stats(
            s, actor=auth.actor_for(s, users["rs.officer"]), query=PERIOD, now=NOW
        )
        # RS-UC received 1, 2 (sent 6 is before the period) and sent 4 and 7.
        assert (serbia.sent, serbia.received) == (2, 2)
        # The Serbian side cannot see BA-UIO's records: event dates come from the requests.
        assert [t.record_id for t in serbia.time_to_crime] == [None, None]
        assert serbia.time_to_crime[0].reference == "TR-2"


def test_api_and_page(world: World) -> None:
    build(world)
    with unit_of_work(world.engine) as s:
        raw, _t = auth.create_token(s, username="officer")
    api = client_for(world.engine)
    api.headers["Authorization"] = f"Bearer {raw}"
    r = api.get("/api/v1/indicators/tracing", params={"from": "2025-01-01", "to": "2025-12-31"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["sent"], body["received"], body["answered_sent"]) == (4, 1, 3)
    assert body["by_recipient_country"][1]["median_answer_days"] == 15.0
    assert body["time_to_crime_bands"]["10to20"] == 1
    page = client_for(world.engine)
    login(page, "officer", world.passwords["officer"])
    html = page.get("/indicators/tracing?from=2025-01-01&to=2025-12-31")
    assert html.status_code == 200, html.text
    assert 'data-figure="sent">4<' in html.text and 'data-figure="received">1<' in html.text
    assert '<svg class="bar"' in html.text and "style=" not in html.text
