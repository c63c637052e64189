"""Indicators from the ledger: gender figures recomputed from the rows written, the
before/after windows (same length, shortened alike by today), steps on time, and who sees
which figures (a focal point national totals, an agency its own)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from programme_support import OTHER_PLACE, PLACE, days_from, insert_seizures, insert_step
from support import World, actor_of

from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.db.session import unit_of_work
from kalibar.programme import indicators, service
from kalibar.programme.indicators import Period, windows
from kalibar.programme.schemas import (
    EquipmentEventIn,
    EquipmentIn,
    ParticipantIn,
    ProcedureIn,
    TrainingIn,
)

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
AGENCIES = ["BA-UIO", "BA-GP", "BA-SIPA"]
REGIONS = ["Bihać", "Sarajevo", "Mostar"]


def add_training(
    world: World, actor: Actor, people: list[tuple[str, str, str, str]], **extra: object
) -> str:
    """people: (agency, unit, region, gender)."""
    data = TrainingIn.model_validate(
        {
            "course": "Course",
            "start_date": extra.pop("start_date", "2026-03-02"),
            "participants": [
                {"full_name": f"P{n}", "agency": a, "unit": u, "region": r, "gender": g}
                for n, (a, u, r, g) in enumerate(people)
            ],
            **extra,
        }
    )
    with unit_of_work(world.engine, actor=actor) as s:
        return str(service.create_training(s, actor=actor, data=data).uuid)


def test_gender_figures_recomputed_from_the_rows(world: World) -> None:
    rng = random.Random(7)
    officer, focal = actor_of(world, "officer"), actor_of(world, "focalpoint")
    written: list[tuple[str, str, str, str, bool]] = []
    for n in range(12):
        people = [
            (rng.choice(AGENCIES), rng.choice(["A", "B"]), rng.choice(REGIONS),
             rng.choice(["female", "male", "male", "male", "unspecified"]))
            for _ in range(rng.randint(0, 9))
        ]  # fmt: skip
        tot = n % 4 == 0
        add_training(world, officer, people, trainers_training=tot,
                     kind="gender_workshop" if n % 5 == 0 else "course")  # fmt: skip
        written += [(*p, tot) for p in people]
    with world.session() as s:
        got = indicators.trained(s, actor=focal, period=YEAR)
    assert got.sessions == 12 and got.workshops == 3 and got.trainer_sessions == 3
    assert got.total.total == len(written)
    women = sum(1 for p in written if p[3] == "female")
    assert got.total.women == women
    assert got.total.share_women == women / len(written)
    assert got.trainers.total == sum(1 for p in written if p[4])
    assert got.trainers.women == sum(1 for p in written if p[4] and p[3] == "female")
    for cell in got.by_agency:
        rows = [p for p in written if p[0] == cell.key]
        assert (cell.total, cell.women, cell.men, cell.unspecified) == (
            len(rows),
            sum(p[3] == "female" for p in rows),
            sum(p[3] == "male" for p in rows),
            sum(p[3] == "unspecified" for p in rows),
        )
    assert sorted(c.key for c in got.by_region) == sorted({p[2] for p in written})
    unit = {c.key: c.total for c in got.by_unit}
    assert unit == {
        f"{a} · {u}": sum(1 for p in written if p[0] == a and p[1] == u)
        for a, u in {(p[0], p[1]) for p in written}
    }


def test_out_of_period_and_deleted_trainings_do_not_count(world: World) -> None:
    officer = actor_of(world, "officer")
    add_training(world, officer, [("BA-UIO", "", "", "female")], start_date="2025-12-31")
    gone = add_training(world, officer, [("BA-UIO", "", "", "female")])
    with unit_of_work(world.engine, actor=officer) as s:
        service.delete_training(s, actor=officer, training_id=__import__("uuid").UUID(gone))
    with world.session() as s:
        assert indicators.trained(s, actor=officer, period=YEAR).total.total == 0


def test_windows_have_the_same_length_and_today_shortens_both() -> None:
    before, after, complete = windows(date(2026, 3, 1), date(2026, 3, 4), 30, date(2026, 12, 1))
    assert before is not None and after is not None and complete
    assert before.days == after.days == 30
    assert before.end == date(2026, 2, 28) and after.start == date(2026, 3, 4)
    before, after, complete = windows(date(2026, 3, 1), date(2026, 3, 4), 30, date(2026, 3, 13))
    assert before is not None and after is not None and not complete
    assert before.days == after.days == 10 and after.end == date(2026, 3, 13)
    assert windows(date(2026, 3, 1), date(2026, 3, 4), 30, date(2026, 3, 3)) == (None, None, False)


def test_detections_before_and_after_a_training_and_equipment(world: World) -> None:
    officer = actor_of(world, "officer")
    start = date(2026, 3, 10)
    tid = add_training(
        world, officer, [("BA-UIO", "", "", "male")], start_date=start.isoformat(),
        end_date="2026-03-12", place_code=PLACE,
    )  # fmt: skip
    # Before window: 20.02–09.03 (18 days); after: 13.03–30.03.
    insert_seizures(world, officer, days_from(start, [-18, -5, -1]), method="xray")
    insert_seizures(world, officer, days_from(start, [-19, 0, 1, 2]))  # outside both windows
    insert_seizures(world, officer, days_from(start, [3, 4, 20]), method="dog")
    insert_seizures(world, officer, days_from(start, [3, 21]), method="xray")  # 21: outside
    insert_seizures(world, officer, days_from(start, [5]), place=OTHER_PLACE)
    with world.session() as s:
        t = service.get_training(s, actor=officer, training_id=__import__("uuid").UUID(tid))
        one = indicators.training_before_after(s, actor=officer, training=t, days=18)
        table = indicators.before_after_table(s, actor=officer, period=YEAR, days=18)
    assert one.before and one.after and one.before.days == one.after.days == 18
    assert (one.before_total, one.after_total) == (3, 4)
    assert dict((m, (b, a)) for m, b, a in one.by_method) == {"xray": (3, 1), "dog": (0, 3)}
    row = next(r for r in table if r.subject_id == tid)
    assert (row.before_total, row.after_total) == (3, 4)
    # Equipment issued on the 13th, 5-day windows: 08.–12.03 and 13.–17.03.
    with unit_of_work(world.engine, actor=officer) as s:
        eq = service.create_equipment(
            s, actor=officer,
            data=EquipmentIn(kind="videoscope", serial="V1", place_code=PLACE,
                             issued_on=date(2026, 3, 13)),
        )  # fmt: skip
        eid = eq.uuid
    with world.session() as s:
        eq = service.get_equipment(s, actor=officer, equipment_id=eid)
        got = indicators.equipment_before_after(s, actor=officer, equipment=eq, days=5)
        assert got is not None and (got.before_total, got.after_total) == (4, 3)
        table = indicators.before_after_table(s, actor=officer, period=YEAR, days=5)
        assert next(r for r in table if r.subject_id == str(eid)).after_total == 3


def test_equipment_per_crossing_and_in_service(world: World) -> None:
    officer = actor_of(world, "officer")
    with unit_of_work(world.engine, actor=officer) as s:
        for serial, kind in (("A", "videoscope"), ("B", "videoscope"), ("C", "detector")):
            service.create_equipment(
                s, actor=officer,
                data=EquipmentIn(kind=kind, serial=serial, place_code=PLACE,
                                 issued_on=date(2026, 1, 5)),
            )  # fmt: skip
        back = service.create_equipment(
            s, actor=officer, data=EquipmentIn(kind="xray", serial="D", place_code=OTHER_PLACE)
        )
        back.uuid = back.uuid
    with unit_of_work(world.engine, actor=officer) as s:
        service.add_equipment_event(
            s, actor=officer, equipment_id=back.uuid,
            data=EquipmentEventIn(kind="issued", on=date(2026, 1, 1)),
        )  # fmt: skip
        service.add_equipment_event(
            s, actor=officer, equipment_id=back.uuid,
            data=EquipmentEventIn(kind="returned", on=date(2026, 2, 1)),
        )  # fmt: skip
    with world.session() as s:
        rows = {r.place_code: r for r in indicators.equipment_per_place(s, actor=officer)}
    assert rows[PLACE].by_kind == {"videoscope": 2, "detector": 1} and rows[PLACE].in_service == 3
    assert rows[OTHER_PLACE].total == 1 and rows[OTHER_PLACE].in_service == 0


def test_steps_on_time(world: World) -> None:
    officer = actor_of(world, "officer")
    [sid] = insert_seizures(world, officer, [date(2026, 2, 1)])
    due = datetime(2026, 2, 2, tzinfo=UTC)
    insert_step(world, officer, sid, code="a", due=due, status="done",
                completed=due - timedelta(hours=1))  # fmt: skip
    insert_step(world, officer, sid, code="b", due=due, status="done",
                completed=due + timedelta(hours=1))  # fmt: skip
    insert_step(world, officer, sid, code="c", due=due)
    insert_step(world, officer, sid, code="d", due=utcnow() + timedelta(days=30))
    insert_step(world, officer, sid, code="e", due=due, status="waived")
    with unit_of_work(world.engine, actor=officer) as s:
        service.create_procedure(
            s, actor=officer,
            data=ProcedureIn(name="SOP", version="2", adopted_on=date(2026, 1, 1),
                             procedure_code="sop"),
        )  # fmt: skip
    with world.session() as s:
        [row] = indicators.steps_on_time(s, actor=officer, period=YEAR)
    assert (row.on_time, row.late, row.overdue, row.pending, row.waived) == (1, 1, 1, 1, 1)
    assert row.share_on_time == 1 / 3
    assert row.adopted is not None and row.adopted.version == "2"


def test_a_focal_point_sees_national_totals_an_agency_its_own(world: World) -> None:
    officer, border = actor_of(world, "officer"), actor_of(world, "border")
    focal, croatia = actor_of(world, "focalpoint"), actor_of(world, "hr.officer")
    add_training(world, officer, [("BA-UIO", "", "", "female")] * 3, place_code=PLACE)
    add_training(world, border, [("BA-GP", "", "", "male")] * 2, place_code=PLACE)
    add_training(world, border, [("BA-GP", "", "", "female")], distribution="agency")
    insert_seizures(world, officer, [date(2026, 2, 20)])
    insert_seizures(world, border, [date(2026, 2, 21)])
    with world.session() as s:
        def total(actor: Actor) -> tuple[int, int]:
            got = indicators.trained(s, actor=actor, period=YEAR)
            return got.total.total, got.total.women

        assert total(officer) == (3, 3)
        assert total(border) == (3, 1)  # its own, the agency-only one included
        assert total(focal) == (5, 3)  # national: not BA-GP's agency-only training
        assert total(croatia) == (0, 0)
        seen = {a.username: sum(r[2] for r in indicators.detections_by_office(
            s, actor=a, period=YEAR)) for a in (officer, focal, croatia)}  # fmt: skip
        assert seen == {"officer": 1, "focalpoint": 2, "hr.officer": 0}
        # Participant lists are read through the training: hidden → not found.
        page = service.list_trainings(s, actor=croatia)
        assert page.rows == []


def test_participants_added_later_count(world: World) -> None:
    officer = actor_of(world, "officer")
    tid = add_training(world, officer, [])
    with unit_of_work(world.engine, actor=officer) as s:
        service.add_participants(
            s, actor=officer, training_id=__import__("uuid").UUID(tid),
            people=[ParticipantIn(full_name="X", agency="ba-uio", gender="ž")],
        )  # fmt: skip
    with world.session() as s:
        got = indicators.trained(s, actor=officer, period=YEAR)
    assert (got.total.total, got.total.women, got.by_agency[0].key) == (1, 1, "BA-UIO")


def test_the_drilldown_lists_the_trainings_behind_a_figure(world: World) -> None:
    officer, border = actor_of(world, "officer"), actor_of(world, "border")
    focal = actor_of(world, "focalpoint")
    add_training(world, officer, [("BA-UIO", "", "", "female"), ("BA-GP", "", "", "male")])
    add_training(world, border, [("BA-UIO", "", "", "female")] * 2)
    add_training(world, border, [("BA-UIO", "", "", "male")], distribution="agency")
    with world.session() as s:
        for actor in (officer, focal):
            figure = next(c for c in indicators.trained(s, actor=actor, period=YEAR).by_agency
                          if c.key == "BA-UIO")  # fmt: skip
            rows = indicators.trained_drilldown(s, actor=actor, period=YEAR, agency="BA-UIO")
            assert (sum(r.total for r in rows), sum(r.women for r in rows)) == (
                figure.total, figure.women)  # fmt: skip
        assert len(indicators.trained_drilldown(s, actor=focal, period=YEAR)) == 2
