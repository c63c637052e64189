"""The link chart's graph: N-hop expansion and the shortest path, per request.

Nodes are read through their slices' visibility rules (``nodes``), edges from the link
tables where they live (``edges``); nothing is precomputed, so a chart is as fresh as the
data. The walk never passes through a node the reader may not see: a hidden neighbour is
counted by its owner agency ("3 objects you may not see, owned by HR-MUP") and goes no
further, so neither its id nor its label, nor anything only it connects, reaches the
answer. Filters (kinds, a time window) also stop the walk at the nodes they leave out.
Merged entities are drawn as their survivor when the reader may see both.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from kalibar.agencies.service import agency_codes
from kalibar.auth.actor import Actor
from kalibar.errors import NotFound
from kalibar.links import merges
from kalibar.links.edges import links_of
from kalibar.links.nodes import Node, Ref, hidden_owners, node_id, read_nodes, visible_refs

MAX_HOPS = 4
MAX_NODES = 600
MAX_PATH_DEPTH = 8


@dataclass(frozen=True)
class Filters:
    """What the reader asked to see: some kinds (all when empty) within a time window.
    Nodes without a time of their own (entities) are never left out by the window."""

    kinds: frozenset[str] = frozenset()
    since: datetime | None = None
    until: datetime | None = None

    def admits(self, kind: str, when: datetime | None) -> bool:
        if self.kinds and kind not in self.kinds:
            return False
        if when is None:
            return True
        if self.since is not None and when < self.since:
            return False
        return not (self.until is not None and when > self.until)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


@dataclass
class Chart:
    """What one answer draws: visible nodes and edges, and the hidden neighbours counted."""

    root: str
    nodes: list[Node]
    edges: list[Edge]
    #: Owner agency code → how many objects next to the drawn ones the reader may not see.
    hidden: dict[str, int] = field(default_factory=dict)
    truncated: bool = False


class Walker:
    """One request's view of the graph: visibility and merges read once per node."""

    def __init__(self, session: Session, actor: Actor, filters: Filters) -> None:
        self.session = session
        self.actor = actor
        self.filters = filters
        self.nodes: dict[Ref, Node] = {}
        self.hidden: dict[Ref, int] = {}
        self.alias: dict[uuid.UUID, uuid.UUID] = {}
        self.members: dict[uuid.UUID, set[uuid.UUID]] = {}

    def canonical(self, ref: Ref) -> Ref:
        if ref[0] == "entity" and ref[1] in self.alias:
            return ("entity", self.alias[ref[1]])
        return ref

    def read(self, refs: Iterable[Ref]) -> None:
        """Read the refs not read yet (and the other ends of their merges)."""
        new = {r for r in refs if r not in self.nodes and r not in self.hidden}
        if not new:
            return
        shown, hidden = read_nodes(self.session, self.actor, new)
        self.nodes.update(shown)
        self.hidden.update(hidden)
        entity_ids = [r[1] for r in shown if r[0] == "entity"]
        rows = merges.active_merges(self.session, entity_ids)
        others = {("entity", i) for m in rows for i in (m.merged_id, m.survivor_id)}
        others -= set(self.nodes) | set(self.hidden)
        if others:
            shown, hidden = read_nodes(self.session, self.actor, others)
            self.nodes.update(shown)
            self.hidden.update(hidden)
        for m in rows:
            if ("entity", m.merged_id) in self.nodes and ("entity", m.survivor_id) in self.nodes:
                self.alias[m.merged_id] = m.survivor_id
                self.members.setdefault(m.survivor_id, set()).add(m.merged_id)
                survivor = self.nodes[("entity", m.survivor_id)]
                merged_id = node_id(("entity", m.merged_id))
                if merged_id not in survivor.aliases:
                    survivor.aliases.append(merged_id)

    def admitted(self, ref: Ref) -> bool:
        node = self.nodes.get(ref)
        return node is not None and self.filters.admits(node.kind, node.time)

    def with_members(self, refs: Iterable[Ref]) -> set[Ref]:
        out = set(refs)
        for r in list(out):
            if r[0] == "entity":
                out.update(("entity", m) for m in self.members.get(r[1], ()))
        return out


def _root(walker: Walker, ref: Ref) -> Ref:
    walker.read([ref])
    if ref not in walker.nodes:
        raise NotFound(ref[0], str(ref[1]))
    return walker.canonical(ref)


def _hidden_by_agency(session: Session, owners: Iterable[int]) -> dict[str, int]:
    codes = agency_codes(session)
    counts: dict[str, int] = {}
    for owner in owners:
        code = codes.get(owner, "")
        counts[code] = counts.get(code, 0) + 1
    return dict(sorted(counts.items()))


def expand(
    session: Session,
    *,
    actor: Actor,
    root: Ref,
    hops: int = 2,
    filters: Filters | None = None,
    keep: Iterable[Ref] = (),
    max_nodes: int = MAX_NODES,
) -> Chart:
    """What is connected to ``root`` within ``hops`` (plus the ``keep`` nodes of a saved
    chart that are still visible), drawn only where the reader may see."""
    walker = Walker(session, actor, filters or Filters())
    start = _root(walker, root)
    hops = max(0, min(hops, MAX_HOPS))
    drawn: set[Ref] = {start}
    kept = [walker.canonical(r) for r in keep]
    walker.read(kept)
    drawn.update(r for r in (walker.canonical(r) for r in kept) if walker.admitted(r))
    frontier = set(drawn)
    edges: set[tuple[Ref, Ref, str]] = set()
    hidden_next: set[Ref] = set()
    truncated = False
    for _hop in range(hops):
        if not frontier:
            break
        found = links_of(session, walker.with_members(frontier))
        walker.read(r for link in found for r in (link.a, link.b))
        nxt: set[Ref] = set()
        for link in found:
            a, b = walker.canonical(link.a), walker.canonical(link.b)
            for near, far in ((a, b), (b, a)):
                if near not in drawn:
                    continue
                if far in walker.hidden:
                    hidden_next.add(far)
                elif walker.admitted(far) and far not in drawn:
                    if len(drawn) + len(nxt) >= max_nodes and far not in nxt:
                        truncated = True
                        continue
                    nxt.add(far)
        drawn |= nxt
        frontier = nxt
    # every stored link between two drawn nodes (also those a later hop reached), and
    # the hidden neighbours of the outer ring (read lightly: only their owners are kept)
    last = links_of(session, walker.with_members(drawn))
    outer = {r for link in last for r in (link.a, link.b)}
    outer -= set(walker.nodes) | set(walker.hidden)
    walker.hidden.update(hidden_owners(session, actor, outer))
    for link in last:
        a, b = walker.canonical(link.a), walker.canonical(link.b)
        if a in drawn and b in drawn and a != b:
            edges.add((a, b, link.label) if a < b else (b, a, link.label))
        for near, far in ((a, b), (b, a)):
            if near in drawn and far in walker.hidden:
                hidden_next.add(far)
    hidden = _hidden_by_agency(session, (walker.hidden[r] for r in hidden_next))
    nodes = sorted((walker.nodes[r] for r in drawn), key=lambda n: (n.ref != start, n.id))
    return Chart(
        root=node_id(start),
        nodes=nodes,
        edges=[Edge(node_id(a), node_id(b), w) for a, b, w in sorted(edges)],
        hidden=hidden,
        truncated=truncated,
    )


def _neighbours(
    session: Session, actor: Actor, filters: Filters, frontier: set[Ref],
    known: dict[Ref, bool], alias: dict[Ref, Ref], members: dict[Ref, set[Ref]],
) -> list[tuple[Ref, Ref, str]]:  # fmt: skip
    """(from, to, label) for each admitted, visible neighbour of the frontier."""
    asked = set(frontier)
    for r in frontier:
        asked |= members.get(r, set())
    found = links_of(session, asked)
    unknown = {r for link in found for r in (link.a, link.b) if r not in known}
    if unknown:
        seen = visible_refs(session, actor, unknown)
        for r in unknown:
            known[r] = r in seen and filters.admits(*seen[r])
        _merge_aliases(session, actor, seen, known, alias, members)
    out: list[tuple[Ref, Ref, str]] = []
    for link in found:
        a, b = alias.get(link.a, link.a), alias.get(link.b, link.b)
        for near, far in ((a, b), (b, a)):
            if near in frontier and far != near and known.get(far):
                out.append((near, far, link.label))
    return out


def _merge_aliases(
    session: Session, actor: Actor, seen: dict[Ref, tuple[str, datetime | None]],
    known: dict[Ref, bool], alias: dict[Ref, Ref], members: dict[Ref, set[Ref]],
) -> None:  # fmt: skip
    entity_ids = [r[1] for r in seen if r[0] == "entity"]
    if not entity_ids:
        return
    for m in merges.active_merges(session, entity_ids):
        merged, survivor = ("entity", m.merged_id), ("entity", m.survivor_id)
        for r in (merged, survivor):
            if r not in known:
                known[r] = r in visible_refs(session, actor, [r])
        if known.get(merged) and known.get(survivor):
            alias[merged] = survivor
            members.setdefault(survivor, set()).add(merged)


def shortest_path(
    session: Session,
    *,
    actor: Actor,
    source: Ref,
    target: Ref,
    filters: Filters | None = None,
    max_depth: int = MAX_PATH_DEPTH,
) -> Chart:
    """A shortest chain of visible, admitted nodes between two nodes (bidirectional
    breadth-first search, one batch of queries per level, the smaller side first).
    An empty chart (no nodes) when none exists within ``max_depth`` links."""
    filters = filters or Filters()
    ends = visible_refs(session, actor, [source, target])
    if source not in ends:
        raise NotFound(source[0], str(source[1]))
    if target not in ends:
        raise NotFound(target[0], str(target[1]))
    known: dict[Ref, bool] = {r: True for r in ends}
    alias: dict[Ref, Ref] = {}
    members: dict[Ref, set[Ref]] = {}
    _merge_aliases(session, actor, ends, known, alias, members)
    source, target = alias.get(source, source), alias.get(target, target)
    parents: list[dict[Ref, tuple[Ref, str] | None]] = [{source: None}, {target: None}]
    frontiers: list[set[Ref]] = [{source}, {target}]
    meet: Ref | None = source if source == target else None
    depth = 0
    while meet is None and depth < max_depth and frontiers[0] and frontiers[1]:
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        nxt: set[Ref] = set()
        for near, far, label in _neighbours(
            session, actor, filters, frontiers[side], known, alias, members
        ):
            if far in parents[side]:
                continue
            parents[side][far] = (near, label)
            nxt.add(far)
            if far in parents[1 - side] and meet is None:
                meet = far
        frontiers[side] = nxt
        depth += 1
    if meet is None:
        return Chart(root=node_id(source), nodes=[], edges=[])
    chain = _chain(parents, meet)
    walker = Walker(session, actor, filters)
    walker.read(r for r, _label in chain)
    nodes = [walker.nodes[r] for r, _label in chain if r in walker.nodes]
    edges = [
        Edge(node_id(chain[i][0]), node_id(chain[i + 1][0]), chain[i + 1][1])
        for i in range(len(chain) - 1)
    ]
    return Chart(root=node_id(source), nodes=nodes, edges=edges)


def _chain(parents: list[dict[Ref, tuple[Ref, str] | None]], meet: Ref) -> list[tuple[Ref, str]]:
    """The path source → meet → target as (node, label of the link that reached it)."""
    back: list[tuple[Ref, str]] = []
    ref: Ref | None = meet
    label = ""
    while ref is not None:
        back.append((ref, label))
        step = parents[0][ref]
        ref, label = (step[0], step[1]) if step else (None, "")
    # back is meet..source with each node's label being the link to its child; fix order
    forward = list(reversed(back))
    nodes = [r for r, _ in forward]
    labels = [""] + [lbl for _, lbl in forward[:-1]]
    head = list(zip(nodes, labels, strict=True))
    step2 = parents[1][meet]
    while step2 is not None:
        nxt, lbl = step2
        head.append((nxt, lbl))
        step2 = parents[1][nxt]
    return head
