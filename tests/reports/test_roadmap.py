# ruff: noqa: E501
"""Roadmap progress: KPIs from the YAML, figures prefilled from the data (seizures at
borders and in post, trafficking cases, traces, trainings by gender), manual values with
evidence audited, frozen periods unchanged by new data, owner-only changes, exports."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from plant import Expected, Planted, plant
from sqlalchemy import select
from support import World, actor_of

from kalibar.audit.models import AuditEntry
from kalibar.db.session import unit_of_work
from kalibar.errors import Conflict, Invalid
from kalibar.i18n import use_language
from kalibar.programme.models import Participant, Training
from kalibar.reports import roadmap, service
from kalibar.reports.periods import Period
from kalibar.seizures.models import Seizure

H1 = "2025-H1"


@pytest.fixture
def planted(world: World) -> Planted:
    return plant(world.engine)


def _training(world: World, owner: str, genders: list[str], start: date) -> None:
    officer = actor_of(world, "officer")
    with unit_of_work(world.engine, actor=officer) as s:
        t = Training(
            reference=f"TR-{start.isoformat()}-{len(genders)}", course="Detection of firearms parts",
            start_date=start, end_date=start, owner_agency_id=officer.agency_id,
            owner_country="BA", distribution="national",
        )  # fmt: skip
        s.add(t)
        s.flush()
        for n, g in enumerate(genders):
            s.add(
                Participant(
                    training_id=t.uuid, position=n, full_name=f"P{n}", agency=owner, gender=g
                )
            )


def _values(progress: roadmap.Progress) -> dict[str, str]:
    return {k: line.value for k, line in progress.lines.items()}


def test_kpi_file_has_six_languages_and_one_source_each() -> None:
    goals = roadmap.load_goals()
    kpis = [k for g in goals for k in g.kpis]
    assert len(kpis) >= 10 and any(k.manual for k in kpis) and any(k.formula for k in kpis)
    for item in kpis:
        assert set(item.titles) == {"en", "bs", "hr", "sr_Latn", "sr_Cyrl", "cnr"}
    with use_language("sr_Cyrl"):
        assert roadmap.kpi("3.1").title == "Заплене на граничним прелазима"


def test_a_bad_kpi_file_is_refused_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "roadmap.yaml"
    bad.write_text("goals:\n- id: g\n  title: {en: G, bs: G, hr: G, sr_Latn: G, sr_Cyrl: Г, cnr: G}\n"
                   "  kpis:\n  - id: '1'\n    title: {en: K}\n    formula: nope\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(roadmap.RoadmapError, match=r"goals\[1\]\.kpis\[1\]: unknown formula"):
        roadmap.load_goals(bad)


def test_figures_are_prefilled_from_the_data(world: World, planted: Planted) -> None:
    _training(world, "BA-UIO", ["female", "male", "female", "male", "male"], date(2025, 3, 1))
    _training(world, "BA-UIO", ["female"], date(2025, 8, 1))  # the other half-year
    focal, officer = actor_of(world, "focalpoint"), actor_of(world, "officer")
    half = Period(2025, 1)
    national = Expected(planted, "national", "BA")
    at_borders = [
        z for z in national.seizures()
        if z["occurred_at"] < half.end and z["context"] in ("border_check", "cargo_inspection")
    ]  # fmt: skip
    in_post = [
        z
        for z in national.seizures()
        if z["occurred_at"] < half.end and z["context"] == "postal_inspection"
    ]
    trafficking = [
        z
        for z in national.seizures()
        if z["occurred_at"] < half.end and "illicit_trafficking" in z["criminal_context"]
    ]
    with world.session() as s:
        values = _values(service.roadmap_progress(s, actor=focal, period=H1))
        mine = _values(service.roadmap_progress(s, actor=officer, period=H1))
    assert values["3.1"] == str(len(at_borders))
    assert values["3.3"] == str(len(in_post))
    assert values["3.4"] == str(len(trafficking))
    assert (values["3.5"], values["3.6"], values["3.7"]) == ("5", "2", "40")
    assert (mine["3.5"], mine["3.6"]) == ("5", "2")
    assert values["1.1"] == ""  # manual: nothing typed yet


def test_manual_values_need_evidence_are_audited_and_frozen_reports_stay(
    world: World, planted: Planted
) -> None:
    officer = actor_of(world, "officer")
    with unit_of_work(world.engine, actor=officer) as s:
        with pytest.raises(Invalid) as refused:
            service.roadmap_set_value(
                s, actor=officer, period=H1, kpi_id="1.1", value="2", evidence=" "
            )
        assert refused.value.details[0]["field"] == "evidence"
        with pytest.raises(Invalid):
            service.roadmap_set_value(
                s, actor=officer, period=H1, kpi_id="3.1", value="99", evidence="x"
            )
    with unit_of_work(world.engine, actor=officer) as s:
        service.roadmap_set_value(
            s, actor=officer, period=H1, kpi_id="1.1", value="2", evidence="Official Gazette 12/25"
        )
    with unit_of_work(world.engine, actor=officer) as s:
        service.roadmap_set_value(
            s,
            actor=officer,
            period=H1,
            kpi_id="1.1",
            value="3",
            evidence="Official Gazette 12/25, 31/25",
        )
    with world.session() as s:
        entries = (
            s.execute(
                select(AuditEntry)
                .where(AuditEntry.object_type == "RoadmapValue")
                .order_by(AuditEntry.seq)
            )
            .scalars()
            .all()
        )
        before = _values(service.roadmap_progress(s, actor=officer, period=H1))
    assert [e.action for e in entries] == ["insert", "update"]
    assert entries[-1].actor == "officer"
    assert "Official Gazette 12/25, 31/25" in entries[-1].changes
    assert json.loads(entries[-1].changes)
    with unit_of_work(world.engine, actor=officer) as s:
        frozen = service.roadmap_freeze(s, actor=officer, period=H1)
    assert frozen.frozen and _values(frozen) == before
    # new data in the period: a seizure at the border in March 2025
    with unit_of_work(world.engine, actor=officer) as s:
        s.add(Seizure(
            reference="LATE-1", owner_agency_id=officer.agency_id, owner_country="BA",
            distribution="national", occurred_at=datetime(2025, 3, 3, tzinfo=UTC),
            context="border_check",
        ))  # fmt: skip
    _training(world, "BA-UIO", ["female"] * 4, date(2025, 4, 1))
    with world.session() as s:
        after = service.roadmap_progress(s, actor=officer, period=H1)
        draft = _values(service.roadmap_progress(s, actor=officer, period="2025-H2"))
    assert _values(after) == before
    assert after.lines["1.1"].value == "3" and after.lines["3.1"].source == "formula"
    assert draft["3.5"] == "0"
    with unit_of_work(world.engine, actor=officer) as s, pytest.raises(Conflict):
        service.roadmap_set_value(
            s, actor=officer, period=H1, kpi_id="1.1", value="4", evidence="x"
        )
    # another agency reports on its own report; it never changes BA-UIO's
    border = actor_of(world, "border")
    with unit_of_work(world.engine, actor=border) as s:
        service.roadmap_set_value(s, actor=border, period=H1, kpi_id="1.1", value="1", evidence="e")
    with world.session() as s:
        assert service.roadmap_progress(s, actor=officer, period=H1).lines["1.1"].value == "3"
        assert service.roadmap_progress(s, actor=border, period=H1).lines["1.1"].value == "1"


def test_roadmap_exports(world: World) -> None:
    officer = actor_of(world, "officer")
    with unit_of_work(world.engine, actor=officer) as s:
        service.roadmap_set_value(
            s, actor=officer, period=H1, kpi_id="4.1", value="=1+1", evidence="@cmd"
        )
    with world.session() as s:
        content = service.roadmap_file(s, actor=officer, period=H1, fmt="xlsx")
        pdf = service.roadmap_file(s, actor=officer, period=H1, fmt="pdf")
        s.commit()
    ws = load_workbook(io.BytesIO(content))["roadmap"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    assert rows["4.1"][3] == "=1+1" and rows["4.1"][5] == "@cmd"  # text, never a formula
    assert ws["D5"].data_type == "s"
    assert len(rows) == len([k for g in roadmap.goals() for k in g.kpis])
    assert pdf.startswith(b"%PDF")


def test_periods_are_half_years() -> None:
    with pytest.raises(Invalid):
        roadmap.parse_period("2025", halves_only=True)
    with pytest.raises(Invalid):
        roadmap.parse_period("2025-H3")
    assert Period(2025, 2).first_day == date(2025, 7, 1)
