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

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from kalibar.agencies.service import agency_codes
from kalibar.auth.actor import Actor
from kalibar.errors import NotFound
from kalibar.links import merges
from kalibar.links.edges import links_of
from kalibar.links.nodes import Node, Ref, Seen, classify, node_id, read_nodes

MAX_HOPS = 4
MAX_NODES = 600
MAX_PATH_DEPTH = 8
#: A path search stops after meeting this many objects (it then says so, ``truncated``):
#: two far-apart or unconnected nodes would otherwise walk a whole region of the graph.
MAX_PATH_VISITED = 6000


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
    """One request's view of the graph: each object classified once (visible or hidden,
    owner, kind, time) and the merges among the visible entities."""

    def __init__(self, session: Session, actor: Actor, filters: Filters) -> None:
        self.session = session
        self.actor = actor
        self.filters = filters
        self.seen: dict[Ref, Seen] = {}
        self.alias: dict[Ref, Ref] = {}
        self.members: dict[Ref, set[Ref]] = {}
        #: Merges are rare: when there is none at all, no step looks for them.
        self.any_merges = merges.any_active(session)

    def canonical(self, ref: Ref) -> Ref:
        return self.alias.get(ref, ref)

    def read(self, refs: Iterable[Ref]) -> None:
        """Classify the refs not met yet (and the other ends of their entities' merges)."""
        new = {r for r in refs if r not in self.seen}
        if not new:
            return
        found = classify(self.session, self.actor, new)
        self.seen.update(found)
        entity_ids = [r[1] for r, x in found.items() if r[0] == "entity" and x.visible]
        if not entity_ids or not self.any_merges:
            return
        rows = merges.active_merges(self.session, entity_ids)
        others = {("entity", i) for m in rows for i in (m.merged_id, m.survivor_id)}
        others -= set(self.seen)
        if others:
            self.seen.update(classify(self.session, self.actor, others))
        for m in rows:
            merged, survivor = ("entity", m.merged_id), ("entity", m.survivor_id)
            if self.visible(merged) and self.visible(survivor):
                self.alias[merged] = survivor
                self.members.setdefault(survivor, set()).add(merged)

    def visible(self, ref: Ref) -> bool:
        found = self.seen.get(ref)
        return found is not None and found.visible

    def hidden(self, ref: Ref) -> bool:
        found = self.seen.get(ref)
        return found is not None and not found.visible

    def admitted(self, ref: Ref) -> bool:
        found = self.seen.get(ref)
        return found is not None and found.visible and self.filters.admits(found.kind, found.time)

    def with_members(self, refs: Iterable[Ref]) -> set[Ref]:
        out = set(refs)
        for r in list(out):
            out |= self.members.get(r, set())
        return out

    def step(self, frontier: set[Ref]) -> list[tuple[Ref, Ref, str]]:
        """(near, far, label) for every stored link out of the frontier, both ends
        classified and merged entities drawn as their survivor."""
        found = links_of(self.session, self.with_members(frontier))
        self.read(r for link in found for r in (link.a, link.b))
        out = []
        for link in found:
            a, b = self.canonical(link.a), self.canonical(link.b)
            if a == b:
                continue
            if a in frontier:
                out.append((a, b, link.label))
            if b in frontier:
                out.append((b, a, link.label))
        return out

    def nodes(self, refs: Iterable[Ref]) -> dict[Ref, Node]:
        """The drawn nodes with their labels (read through the visibility rule again)."""
        drawn = read_nodes(self.session, self.actor, refs)
        for merged, survivor in sorted(self.alias.items()):
            if survivor in drawn:
                drawn[survivor].aliases.append(node_id(merged))
        return drawn


def _root(walker: Walker, ref: Ref) -> Ref:
    walker.read([ref])
    if not walker.visible(ref):
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
    chart that are still visible), drawn only where the reader may see. Hidden objects
    next to a drawn node are counted by owner, the outer ring's neighbours included."""
    walker = Walker(session, actor, filters or Filters())
    start = _root(walker, root)
    hops = max(0, min(hops, MAX_HOPS))
    drawn: set[Ref] = {start}
    kept = list(keep)
    walker.read(kept)
    drawn.update(r for r in (walker.canonical(k) for k in kept) if walker.admitted(r))
    frontier = set(drawn)
    edges: set[tuple[Ref, Ref, str]] = set()
    hidden: set[Ref] = set()
    truncated = False
    for hop in range(hops + 1):
        if not frontier:
            break
        nxt: set[Ref] = set()
        for near, far, label in walker.step(frontier):
            if walker.hidden(far):
                hidden.add(far)
                continue
            if far in drawn:
                edges.add((near, far, label) if near < far else (far, near, label))
                continue
            if hop == hops or not walker.admitted(far):
                continue  # the outer ring's neighbours: only the hidden ones are counted
            if far not in nxt and len(drawn) + len(nxt) >= max_nodes:
                truncated = True
                continue
            nxt.add(far)
            edges.add((near, far, label) if near < far else (far, near, label))
        drawn |= nxt
        frontier = nxt
    labels = walker.nodes(drawn)
    nodes = sorted(labels.values(), key=lambda n: (n.ref != start, n.id))
    return Chart(
        root=node_id(start),
        nodes=nodes,
        edges=[
            Edge(node_id(a), node_id(b), w)
            for a, b, w in sorted(edges)
            if a in labels and b in labels
        ],  # fmt: skip
        hidden=_hidden_by_agency(session, (walker.seen[r].owner for r in hidden)),
        truncated=truncated,
    )


def shortest_path(
    session: Session,
    *,
    actor: Actor,
    source: Ref,
    target: Ref,
    filters: Filters | None = None,
    max_depth: int = MAX_PATH_DEPTH,
    max_visited: int = MAX_PATH_VISITED,
) -> Chart:
    """A shortest chain of visible, admitted nodes between two nodes (bidirectional
    breadth-first search, one batch of queries per level, the smaller side first).
    An empty chart (no nodes) when none exists within ``max_depth`` links, ``truncated``
    when the search stopped at ``max_visited`` objects before it could tell."""
    walker = Walker(session, actor, filters or Filters())
    source, target = _root(walker, source), _root(walker, target)
    parents: list[dict[Ref, tuple[Ref, str] | None]] = [{source: None}, {target: None}]
    frontiers: list[set[Ref]] = [{source}, {target}]
    meet: Ref | None = source if source == target else None
    depth = 0
    truncated = False
    while meet is None and depth < max_depth and frontiers[0] and frontiers[1]:
        if len(walker.seen) >= max_visited:
            truncated = True
            break
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        nxt: set[Ref] = set()
        for near, far, label in walker.step(frontiers[side]):
            if far in parents[side] or not walker.admitted(far):
                continue
            parents[side][far] = (near, label)
            nxt.add(far)
            if far in parents[1 - side] and meet is None:
                meet = far
        frontiers[side] = nxt
        depth += 1
    if meet is None:
        return Chart(root=node_id(source), nodes=[], edges=[], truncated=truncated)
    chain = _chain(parents, meet)
    labels = walker.nodes(r for r, _label in chain)
    nodes = [labels[r] for r, _label in chain if r in labels]
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
