# ruff: noqa: E501
"""The IAFQ: every table recomputed in Python from planted rows (``plant.Expected``) and
equal to the SQL, for a focal point's national total and for one agency's own figures;
the drill-downs list only visible rows and count the rest; the two workbooks' cells."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from plant import YEAR, Expected, Planted, plant
from support import World, actor_of

from kalibar.reports import drill, export, iafq, service
from kalibar.reports.scope import scope_for

SCOPES = [("focalpoint", "national", "BA"), ("officer", "agency", "BA-UIO")]


@pytest.fixture
def planted(world: World) -> Planted:
    return plant(world.engine)


@pytest.mark.parametrize(("user", "kind", "who"), SCOPES)
def test_every_table_equals_the_rows(
    world: World, planted: Planted, user: str, kind: str, who: str
) -> None:
    actor = actor_of(world, user)
    assert scope_for(actor).kind == kind
    expected = Expected(planted, kind, who)
    with world.session() as s:
        report = service.iafq_report(s, actor=actor, year=YEAR)
    assert report.arms_total.total == len(expected.arms()) > 0
    for dimension in iafq.DIMENSIONS:
        got = {r.key: {k: v for k, v in r.counts.items() if v} for r in report.arms[dimension]}
        assert got == expected.arms_table(dimension), dimension
    for kind_, rows in (("part", report.parts), ("ammunition", report.ammunition)):
        got_q = {(r.key, r.unit): (r.lines, r.quantity) for r in rows}
        assert got_q == expected.quantities(kind_), kind_
    assert {r.key: (r.seizures, r.firearms) for r in report.routes} == expected.routes()
    assert {f.seizure_id for f in report.significant} == expected.significant()
    for direction, rows_t in (("sent", report.traces_sent), ("received", report.traces_received)):
        got_t = {r.country: {k: v for k, v in r.counts.items() if v} for r in rows_t}
        assert got_t == expected.traces(direction), direction
    assert report.sdg is not None
    assert (
        report.sdg.denominator,
        report.sdg.numerator,
        report.sdg.excluded_antiques,
    ) == expected.sdg()


def test_national_total_counts_what_the_focal_point_may_not_see(
    world: World, planted: Planted
) -> None:
    """BA-UIO keeps some records to itself: the focal point's figure counts them, its
    drill-down leaves them out and says how many."""
    focal = actor_of(world, "focalpoint")
    expected = Expected(planted, "national", "BA")
    private = [r for r in expected.arms() if r["distribution"] == "agency"]
    assert private, "the plant must hold rows the focal point may not see"
    with world.session() as s:
        found = service.iafq_drill(
            s, actor=focal, year=YEAR, cell=drill.Cell("arms", dimension="type")
        )
        s.commit()
    assert found.total == len(expected.arms())
    assert found.hidden == len(private)
    listed = {r.reference for r in found.rows}
    assert listed == {r["reference"] for r in expected.arms() if r["distribution"] != "agency"}
    assert not listed & {r["reference"] for r in private}


@pytest.mark.parametrize(("user", "kind", "who"), SCOPES)
def test_each_cell_drills_down_to_its_rows(
    world: World, planted: Planted, user: str, kind: str, who: str
) -> None:
    actor = actor_of(world, user)
    expected = Expected(planted, kind, who)
    with world.session() as s:
        report = service.iafq_report(s, actor=actor, year=YEAR)
        for dimension in iafq.DIMENSIONS:
            for row in report.arms[dimension]:
                for status in iafq.STATUSES:
                    cell = drill.Cell("arms", row.key, dimension, status)
                    d = service.iafq_drill(s, actor=actor, year=YEAR, cell=cell)
                    assert d.total == row.counts[status], (dimension, row.key, status)
                    want = {r["reference"] for r in expected.arms()
                            if expected.key(dimension, r) == row.key and r["status"] == status
                            and (r["distribution"] == "national" or r["owner"] == actor.agency_code)}  # fmt: skip
                    assert {r.reference for r in d.rows} == want
                    assert d.hidden == d.total - len(want)
        for r in report.parts:
            d = service.iafq_drill(
                s, actor=actor, year=YEAR, cell=drill.Cell("parts", r.key, unit=r.unit)
            )
            assert d.total == r.lines
        for r in report.ammunition:
            d = service.iafq_drill(
                s, actor=actor, year=YEAR, cell=drill.Cell("ammunition", r.key, unit=r.unit)
            )
            assert d.total == r.lines
        for route in report.routes:
            d = service.iafq_drill(s, actor=actor, year=YEAR, cell=drill.Cell("routes", route.key))
            assert d.total == route.seizures
        d = service.iafq_drill(s, actor=actor, year=YEAR, cell=drill.Cell("significant"))
        assert d.total == len(report.significant)
        for t in report.traces_sent:
            for result in iafq.RESULTS:
                cell = drill.Cell("traces_sent", t.country, result=result)
                d = service.iafq_drill(s, actor=actor, year=YEAR, cell=cell)
                assert d.total == t.counts[result]
                # a trace is seen by its two agencies only
                assert all(
                    actor.agency_id in (x.requester_agency_id, x.recipient_agency_id)
                    for x in d.rows
                )


def test_statistical_workbook_cells(world: World, planted: Planted) -> None:
    focal = actor_of(world, "focalpoint")
    expected = Expected(planted, "national", "BA")
    with world.session() as s:
        content = service.iafq_statistical_xlsx(s, actor=focal, year=YEAR)
        s.commit()
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == [*export.ARMS_SHEETS.values(), *export.SHEETS.values()]
    for dimension, code in export.ARMS_SHEETS.items():
        ws = wb[code]
        assert [c.value for c in ws[export.HEAD_ROW]] == [
            "Code",
            "Label",
            "Seized",
            "Found",
            "Surrendered",
            "Total",
        ]
        table = expected.arms_table(dimension)
        got: dict[str, dict[str, int]] = {}
        total_row = None
        for row in ws.iter_rows(min_row=export.HEAD_ROW + 1, values_only=True):
            if row[0] == "Total":
                total_row = row
                continue
            got[str(row[0])] = {s: n for s, n in zip(iafq.STATUSES, row[2:5], strict=True) if n}
            assert row[5] == sum(row[2:5])
        assert got == table
        assert total_row is not None and total_row[5] == len(expected.arms())
    parts = {
        (r[0], r[2]): (r[3], r[4])
        for r in wb["T2_parts"].iter_rows(min_row=5, values_only=True)
        if r[0] != "Total"
    }
    assert parts == expected.quantities("part")
    ammo = {
        (r[0], r[1]): (r[2], r[3])
        for r in wb["T3_ammunition"].iter_rows(min_row=5, values_only=True)
        if r[0] != "Total"
    }
    assert ammo == expected.quantities("ammunition")
    sdg = {r[0]: r[1] for r in wb["T6_sdg_16_4_2"].iter_rows(min_row=5, values_only=True)}
    den, num, old = expected.sdg()
    assert sdg["Seized, found or surrendered (denominator)"] == den
    assert sdg["Origin established (numerator)"] == num
    assert sdg["Antiques left out"] == old
    sent = {
        r[0]: r[5]
        for r in wb["T5_1_traces_sent"].iter_rows(min_row=5, values_only=True)
        if r[0] != "Total"
    }
    assert sent == {k: sum(v.values()) for k, v in expected.traces("sent").items()}


def test_significant_workbook_lists_only_visible_seizures(world: World, planted: Planted) -> None:
    focal = actor_of(world, "focalpoint")
    expected = Expected(planted, "national", "BA")
    by_id = {z["uuid"]: z for z in planted.seizures}
    significant = expected.significant()
    visible = {by_id[i]["reference"] for i in significant if by_id[i]["distribution"] == "national"}
    with world.session() as s:
        content = service.iafq_significant_xlsx(s, actor=focal, year=YEAR)
        s.commit()
    ws = load_workbook(io.BytesIO(content))[export.SIGNIFICANT_SHEET]
    refs = {
        r[0]
        for r in ws.iter_rows(min_row=export.HEAD_ROW + 1, values_only=True)
        if r[0] and str(r[0]).startswith("PL-SZ")
    }
    assert refs == visible
    notes = [
        r[0]
        for r in ws.iter_rows(min_row=export.HEAD_ROW + 1, values_only=True)
        if r[0] and "not listed" in str(r[0])
    ]
    assert notes == [
        f"{len(significant) - len(visible)} significant seizures are counted but not listed: you may not see them."
    ]
    for row in ws.iter_rows(min_row=export.HEAD_ROW + 1, values_only=True):
        if row[0] in visible:
            assert row[12] >= 5 or row[13] >= 1000 or row[14] >= 10
