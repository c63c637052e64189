"""The link chart's graph on a planted world: what is drawn, what is only counted, paths,
filters and merges (both databases)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from links_support import T0, Built, Planter
from sqlalchemy import select
from support import World, actor_of

from kalibar.audit.models import AuditEntry
from kalibar.db.session import unit_of_work
from kalibar.errors import Conflict, Forbidden, Invalid, NotFound
from kalibar.links import graph, merges, service
from kalibar.links.nodes import parse_node_id
from kalibar.links.schemas import ChartOut


def plant(world: World) -> Built:
    """S1 (BA-UIO) — P1, P2, record R1; S2 (BA-GP) — P2, vehicle V; S3 (HR-MUP, its agency
    only) — V, P4; R1 hit against R2 (BA-GP's stolen record); a trace on R1; P5 (BA-UIO)
    only reachable through the hidden S3."""
    officer = actor_of(world, "officer")
    with unit_of_work(world.engine, actor=officer) as s:
        p = Planter(s)
        p.seizure("S1", "BA-UIO")
        p.seizure("S2", "BA-GP", days=40)
        p.seizure("S3", "HR-MUP", dist="agency")
        p.entity("P1", "BA-UIO")
        p.entity("P2", "BA-UIO")
        p.entity("V", "BA-GP", kind="vehicle", vehicle_registration="A12-B-345")
        p.entity("P4", "HR-MUP", dist="agency")
        p.entity("P5", "BA-UIO")
        p.involve("P1", "S1", "driver")
        p.involve("P2", "S1", "passenger")
        p.involve("P2", "S2", "driver")
        p.involve("V", "S2", "other")
        p.involve("V", "S3", "other")
        p.involve("P4", "S3", "driver")
        p.involve("P5", "S3", "sender")
        p.record("R1", "BA-UIO")
        p.record("R2", "BA-GP", status="stolen")
        p.item("S1", "R1")
        p.hit("H", "R1", "R2")
        p.trace("T", "R1", "BA-UIO", "RS-UC")
        return p.built


def ids(chart: graph.Chart) -> set[str]:
    return {n.id for n in chart.nodes}


def test_expansion_draws_what_the_reader_may_see_and_counts_the_rest(world: World) -> None:
    b = plant(world)
    officer = actor_of(world, "officer")
    with world.session() as s:
        one = graph.expand(s, actor=officer, root=parse_node_id(b["S1"]), hops=1)
        assert ids(one) == {b["S1"], b["P1"], b["P2"], b["R1"]}
        assert one.hidden == {}
        three = graph.expand(s, actor=officer, root=parse_node_id(b["S1"]), hops=3)
        assert ids(three) == {b[k] for k in ("S1", "P1", "P2", "R1", "S2", "H", "T", "R2", "V")}
        # the vehicle's other seizure is HR-MUP's and hidden: counted, never drawn
        assert three.hidden == {"HR-MUP": 1}
        text = json.dumps(ChartOut.of(s, three).model_dump(mode="json"))
        for hidden in ("S3", "P4", "P5"):
            assert b[hidden].split(":")[1] not in text
        assert "1 object you may not see, owned by HR-MUP" in text
        edges = {(e.source, e.target, e.label) for e in three.edges}
        assert (min(b["P1"], b["S1"]), max(b["P1"], b["S1"]), "driver") in {
            (min(x, y), max(x, y), w) for x, y, w in edges
        }
        for e in three.edges:
            assert e.source in ids(three) and e.target in ids(three)


def test_other_agency_sees_its_own_side(world: World) -> None:
    b = plant(world)
    hr = actor_of(world, "hr.officer")  # HR-CU: sees nothing of BA's national objects
    with world.session() as s, pytest.raises(NotFound):
        graph.expand(s, actor=hr, root=parse_node_id(b["S1"]), hops=2)


def test_filters_by_kind_and_time(world: World) -> None:
    b = plant(world)
    officer = actor_of(world, "officer")
    with world.session() as s:
        only = graph.Filters(kinds=frozenset({"seizure", "person"}))
        chart = graph.expand(s, actor=officer, root=parse_node_id(b["S1"]), hops=3, filters=only)
        assert ids(chart) == {b["S1"], b["P1"], b["P2"], b["S2"]}
        window = graph.Filters(until=T0 + timedelta(days=10))
        chart = graph.expand(s, actor=officer, root=parse_node_id(b["P2"]), hops=2, filters=window)
        assert b["S2"] not in ids(chart) and b["S1"] in ids(chart)


def test_shortest_path_on_a_planted_graph(world: World) -> None:
    b = plant(world)
    officer = actor_of(world, "officer")
    with world.session() as s:
        path = graph.shortest_path(s, actor=officer, source=parse_node_id(b["P1"]),
                                   target=parse_node_id(b["V"]))  # fmt: skip
        assert [n.id for n in path.nodes] == [b["P1"], b["S1"], b["P2"], b["S2"], b["V"]]
        assert [e.label for e in path.edges] == ["driver", "passenger", "driver", "other"]
        path = graph.shortest_path(s, actor=officer, source=parse_node_id(b["T"]),
                                   target=parse_node_id(b["R2"]))  # fmt: skip
        assert [n.id for n in path.nodes] == [b["T"], b["R1"], b["H"], b["R2"]]
        # P5 is BA-UIO's, but only the hidden S3 joins it to the rest: no path
        none = graph.shortest_path(s, actor=officer, source=parse_node_id(b["P1"]),
                                   target=parse_node_id(b["P5"]))  # fmt: skip
        assert none.nodes == [] and none.edges == []
        same = graph.shortest_path(s, actor=officer, source=parse_node_id(b["P1"]),
                                   target=parse_node_id(b["P1"]))  # fmt: skip
        assert [n.id for n in same.nodes] == [b["P1"]]
        with pytest.raises(NotFound):
            graph.shortest_path(s, actor=officer, source=parse_node_id(b["P1"]),
                                target=parse_node_id(b["P4"]))  # fmt: skip


def test_reads_are_in_the_audit_trail(world: World) -> None:
    b = plant(world)
    officer = actor_of(world, "officer")
    with unit_of_work(world.engine, actor=officer) as s:
        service.open_chart(s, actor=officer, root=b["S1"], hops=1)
    with world.session() as s:
        entry = s.execute(
            select(AuditEntry).where(AuditEntry.object_type == "LinkChart")
        ).scalar_one()
        assert entry.action == "read" and entry.object_id == b["S1"]
        assert b["P1"] in json.loads(entry.changes)["entities"]


def _entity(node: str) -> object:
    return parse_node_id(node)[1]


def test_merge_and_split_are_audited_owner_only_and_reversible(world: World) -> None:
    officer = actor_of(world, "officer")
    with unit_of_work(world.engine, actor=officer) as s:
        p = Planter(s)
        p.seizure("A", "BA-UIO")
        p.seizure("B", "BA-UIO", days=3)
        p.entity("Marko", "BA-UIO")
        p.entity("Марко", "BA-UIO")
        p.entity("Other", "BA-GP")
        p.involve("Marko", "A")
        p.involve("Марко", "B")
        b = p.built
    survivor, merged = _entity(b["Marko"]), _entity(b["Марко"])
    with world.session() as s:
        before = graph.expand(s, actor=officer, root=parse_node_id(b["A"]), hops=2)
        assert b["B"] not in ids(before)
    with unit_of_work(world.engine, actor=officer) as s, pytest.raises(Invalid):
        merges.merge_entities(s, actor=officer, survivor_id=survivor, merged_id=merged,
                              reason="  ")  # fmt: skip
    with (
        unit_of_work(world.engine, actor=officer) as s,
        pytest.raises(Forbidden),
    ):  # BA-GP's entity: visible, not owned
        merges.merge_entities(s, actor=officer, survivor_id=survivor,
                              merged_id=_entity(b["Other"]), reason="same")  # fmt: skip
    hr = actor_of(world, "hr.officer")
    with unit_of_work(world.engine, actor=hr) as s, pytest.raises(NotFound):
        merges.merge_entities(s, actor=hr, survivor_id=survivor, merged_id=merged,
                              reason="same")  # fmt: skip
    with unit_of_work(world.engine, actor=officer) as s:
        row = merges.merge_entities(s, actor=officer, survivor_id=survivor, merged_id=merged,
                                    reason="same passport number")  # fmt: skip
        merge_id = row.uuid
    with unit_of_work(world.engine, actor=officer) as s, pytest.raises(Conflict):
        merges.merge_entities(s, actor=officer, survivor_id=survivor, merged_id=merged,
                              reason="again")  # fmt: skip
    with world.session() as s:
        after = graph.expand(s, actor=officer, root=parse_node_id(b["A"]), hops=2)
        assert b["B"] in ids(after) and b["Марко"] not in ids(after)
        drawn = next(n for n in after.nodes if n.id == b["Marko"])
        assert drawn.aliases == [b["Марко"]]
        path = graph.shortest_path(s, actor=officer, source=parse_node_id(b["A"]),
                                   target=parse_node_id(b["B"]))  # fmt: skip
        assert [n.id for n in path.nodes] == [b["A"], b["Marko"], b["B"]]
    border = actor_of(world, "border")
    with unit_of_work(world.engine, actor=border) as s, pytest.raises(Forbidden):
        merges.split_merge(s, actor=border, merge_id=merge_id, reason="not the same")
    with unit_of_work(world.engine, actor=officer) as s:
        merges.split_merge(s, actor=officer, merge_id=merge_id, reason="different fathers' names")
    with world.session() as s:
        again = graph.expand(s, actor=officer, root=parse_node_id(b["A"]), hops=2)
        assert ids(again) == ids(before)
        entries = (
            s.execute(
                select(AuditEntry)
                .where(AuditEntry.object_type == "EntityMerge")
                .order_by(AuditEntry.seq)
            )
            .scalars()
            .all()
        )
        assert [e.action for e in entries] == ["insert", "update"]
        assert "same passport number" in entries[0].changes
        assert "different fathers' names" in entries[1].changes
        assert entries[1].actor == "officer"


def test_a_merge_is_as_visible_in_the_audit_trail_as_its_entities(world: World) -> None:
    officer, hr = actor_of(world, "officer"), actor_of(world, "hr.officer")
    with unit_of_work(world.engine, actor=officer) as s:
        p = Planter(s)
        p.entity("Ivo", "BA-UIO")
        p.entity("Иво", "BA-UIO")
        b = p.built
    with unit_of_work(world.engine, actor=officer) as s:
        row = merges.merge_entities(s, actor=officer, survivor_id=_entity(b["Ivo"]),
                                    merged_id=_entity(b["Иво"]), reason="same")  # fmt: skip
        merge_id = row.uuid
    resolver = merges.audit_scopes()["EntityMerge"]
    with world.session() as s:
        assert resolver(s, officer, [merge_id]) == {merge_id}
        assert resolver(s, hr, [merge_id]) == set()
