"""Property: over random worlds (owners, distribution levels, links, readers), the link chart
draws exactly what a breadth-first walk over the objects the reader may see reaches, counts
every hidden neighbour by its owner, and never names a hidden object — and a path is a
shortest chain of visible objects. The expected answers come from the slices' own rules
(``sharing.visibility``, the hit and trace rules), not from the graph code."""

from __future__ import annotations

import json
from collections import Counter, deque

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from links_support import Built, Planter
from sqlalchemy import select
from sqlalchemy.orm import Session
from support import World, actor_of

from kalibar.auth.actor import Actor
from kalibar.db.session import unit_of_work
from kalibar.errors import NotFound
from kalibar.links import graph
from kalibar.links.nodes import parse_node_id
from kalibar.links.schemas import ChartOut
from kalibar.matching.hits import hits_visible_clause
from kalibar.matching.models import Hit
from kalibar.records.models import FirearmRecord
from kalibar.seizures.models import Entity, Seizure
from kalibar.sharing.visibility import visible
from kalibar.tracing import service as tracing
from kalibar.tracing.models import TraceRequest

AGENCIES = ["BA-UIO", "BA-GP", "HR-MUP", "RS-UC"]
READERS = ["officer", "border", "hr.officer", "rs.officer"]
LEVELS = ["agency", "national", "partners"]

owned = st.tuples(st.sampled_from(AGENCIES), st.sampled_from(LEVELS))
worlds = st.fixed_dictionaries(
    {
        "entities": st.lists(owned, min_size=1, max_size=6),
        "seizures": st.lists(owned, min_size=1, max_size=4),
        "records": st.lists(owned, min_size=0, max_size=3),
        "involvements": st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), max_size=12),
        "items": st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2)), max_size=4),
        "hits": st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), max_size=2),
        "traces": st.lists(st.tuples(st.integers(0, 2), st.sampled_from(AGENCIES)), max_size=2),
        "reader": st.sampled_from(READERS),
        "root": st.integers(0, 50),
        "target": st.integers(0, 50),
        "hops": st.integers(1, 3),
    }
)


def build(world: World, w: dict) -> Built:  # type: ignore[type-arg]
    with unit_of_work(world.engine, actor=actor_of(world, "officer")) as s:
        p = Planter(s)
        for n, (owner, level) in enumerate(w["entities"]):
            p.entity(f"E{n}", owner, level, kind=["person", "company", "vehicle", "phone"][n % 4])
        for n, (owner, level) in enumerate(w["seizures"]):
            p.seizure(f"S{n}", owner, level)
        for n, (owner, level) in enumerate(w["records"]):
            p.record(f"R{n}", owner, level)
        for e, z in sorted(set(w["involvements"])):
            if e < len(w["entities"]) and z < len(w["seizures"]):
                p.involve(f"E{e}", f"S{z}")
        for z, r in sorted(set(w["items"])):
            if z < len(w["seizures"]) and r < len(w["records"]):
                p.item(f"S{z}", f"R{r}")
        for n, (a, b) in enumerate(sorted(set(w["hits"]))):
            if a != b and a < len(w["records"]) and b < len(w["records"]):
                p.hit(f"H{n}", f"R{a}", f"R{b}")
        for n, (r, requester) in enumerate(w["traces"]):
            if r < len(w["records"]):
                p.trace(f"T{n}", f"R{r}", requester, "BA-SIPA")
        return p.built


def may_see(session: Session, actor: Actor, nodes: list[str]) -> set[str]:
    """The nodes the reader may see, by each slice's own rule."""
    out: set[str] = set()
    shared = {"entity": Entity, "seizure": Seizure, "record": FirearmRecord}
    for node in nodes:
        table, ident = parse_node_id(node)
        if table in shared:
            model = shared[table]
            stmt = visible(select(model.uuid).where(model.uuid == ident), model, actor)
        elif table == "hit":
            stmt = select(Hit.uuid).where(Hit.uuid == ident, hits_visible_clause(actor))
        else:
            stmt = select(TraceRequest.uuid).where(
                TraceRequest.uuid == ident, tracing.visible_clause(actor)
            )
        if session.execute(stmt).first() is not None:
            out.add(node)
    return out


def walk(links: list[tuple[str, str]], seen: set[str], root: str, hops: int) -> dict[str, int]:
    near: dict[str, set[str]] = {}
    for a, b in links:
        near.setdefault(a, set()).add(b)
        near.setdefault(b, set()).add(a)
    depth = {root: 0}
    queue = deque([root])
    while queue:
        x = queue.popleft()
        if depth[x] == hops:
            continue
        for y in sorted(near.get(x, ())):
            if y in seen and y not in depth:
                depth[y] = depth[x] + 1
                queue.append(y)
    return depth


SLOW = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@settings(max_examples=25, deadline=None, suppress_health_check=SLOW)
@given(w=worlds)
def test_graph_never_returns_what_the_reader_may_not_see(world: World, w: dict) -> None:  # type: ignore[type-arg]
    built = build(world, w)
    reader = actor_of(world, w["reader"])
    nodes = list(built.ids.values())
    root = nodes[w["root"] % len(nodes)]
    target = nodes[w["target"] % len(nodes)]
    with world.session() as s:
        seen = may_see(s, reader, nodes)
        hidden_ids = [parse_node_id(n)[1].hex for n in nodes if n not in seen]
        if root not in seen:
            with pytest.raises(NotFound):
                graph.expand(s, actor=reader, root=parse_node_id(root), hops=w["hops"])
            return
        chart = graph.expand(s, actor=reader, root=parse_node_id(root), hops=w["hops"])
        expected = walk(built.links, seen, root, w["hops"])
        assert {n.id for n in chart.nodes} == set(expected)
        drawn = set(expected)
        for e in chart.edges:
            assert e.source in drawn and e.target in drawn
        assert {tuple(sorted((e.source, e.target))) for e in chart.edges} == {
            tuple(sorted(link)) for link in built.links if set(link) <= drawn
        }
        hidden_near = {
            other
            for a, b in built.links
            for mine, other in ((a, b), (b, a))
            if mine in drawn and other not in seen
        }
        assert chart.hidden == dict(Counter(built.owners[h] for h in hidden_near))
        text = json.dumps(ChartOut.of(s, chart).model_dump(mode="json"))
        for ident in hidden_ids:
            assert ident not in text.replace("-", "")
        if target in seen:
            path = graph.shortest_path(s, actor=reader, source=parse_node_id(root),
                                       target=parse_node_id(target))  # fmt: skip
            distance = walk(built.links, seen, root, 99).get(target)
            if distance is None:
                assert path.nodes == []
            else:
                chain = [n.id for n in path.nodes]
                assert len(chain) == distance + 1 and chain[0] == root and chain[-1] == target
                assert set(chain) <= seen
                pairs = {tuple(sorted(link)) for link in built.links}
                for a, b in zip(chain, chain[1:], strict=False):
                    assert tuple(sorted((a, b))) in pairs
