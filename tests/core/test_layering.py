"""Imports run one way: the floors of docs/architecture.md ("Floors and the import rule"),
checked over the source's syntax trees (no import is run, no dependency added).

Every ``import`` counts, at module level and inside functions alike (an import hidden in
a function is still a dependency). A module may import its own floor and the floors below
it; domain slices may import each other, but never in a circle; nothing below the demo
room imports it, and only the composition root (``kalibar.app``) imports everything.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "kalibar"

#: The floors, lowest first. A package of ``kalibar`` not named here is a domain slice
#: (a new slice is held to the domain's rule without being listed).
KERNEL = frozenset({"", "errors", "i18n", "config", "ids", "clock", "dates", "bounds"})
PLATFORM = frozenset(
    {
        "db", "files", "auth", "agencies", "sharing", "audit", "web", "cli_support",
        "labels", "pdf_layout", "fonts",
    }
)  # fmt: skip
REFERENCE = frozenset({"reference"})
DEMO = frozenset({"demo"})
ROOT = frozenset({"app"})
FLOORS = ("kernel", "platform", "reference", "domain", "demo", "root")

#: Imports that break the rule today, each with the reason it is still there; the test
#: fails on any other violation, and on an entry here that no longer occurs (so the list
#: only shrinks). Keys: (importing module, imported module).
KNOWN: dict[tuple[str, str], str] = {}

#: Cycles between slices that are known, as sorted tuples of their members (same rule).
KNOWN_CYCLES: dict[tuple[str, ...], str] = {}


def floor_of(part: str) -> str:
    if part in KERNEL:
        return "kernel"
    if part in PLATFORM:
        return "platform"
    if part in REFERENCE:
        return "reference"
    if part in DEMO:
        return "demo"
    if part in ROOT:
        return "root"
    return "domain"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def unit_of(module: str) -> str:
    """The package (room) directly under ``kalibar`` a module belongs to ("" for the
    package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def sources() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def imports(path: Path, module: str = "") -> Iterator[tuple[str, int]]:
    """``(imported kalibar module, line)`` of every import in ``path`` (the module
    ``module``, by default the one at that place in the source), at any depth."""
    module = module or module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "kalibar":
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != "kalibar":
                continue
            for alias in node.names:  # ``from kalibar.x import y``: y may be a module
                sub = f"{target}.{alias.name}"
                as_path = SRC / sub.replace(".", "/")
                found = as_path.with_suffix(".py").exists() or as_path.is_dir()
                yield (sub if found else target), node.lineno


def graph() -> list[tuple[str, str, int]]:
    return [(module_name(p), target, line) for p in sources() for target, line in imports(p)]


def test_the_floors_cover_the_package() -> None:
    """Every room is on a floor; the named floors exist (a renamed room is noticed)."""
    rooms = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    rooms |= {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    named = (KERNEL | PLATFORM | REFERENCE | DEMO | ROOT) - {"", "fonts"}
    assert named <= rooms, f"floors name rooms that do not exist: {sorted(named - rooms)}"
    assert {"records", "matching", "seizures", "targeting", "tracing"} <= rooms


def test_imports_never_run_up_the_floors() -> None:
    """A module imports only its own floor and those below; nothing but the composition
    root imports the demo room; no domain slice imports the composition root."""
    found: dict[tuple[str, str], int] = {}
    for source, target, line in graph():
        here, there = floor_of(unit_of(source)), floor_of(unit_of(target))
        if FLOORS.index(there) > FLOORS.index(here):
            found.setdefault((source, target), line)
    new = {k: v for k, v in found.items() if k not in KNOWN}
    assert not new, "imports that run up the floors:\n" + "\n".join(
        f"  {s} (line {line}) imports {t}: {floor_of(unit_of(s))} -> {floor_of(unit_of(t))}"
        for (s, t), line in sorted(new.items())
    )
    gone = sorted(set(KNOWN) - set(found))
    assert not gone, f"no longer occur (remove them from KNOWN): {gone}"


def _cycles(edges: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """Strongly connected components of more than one room (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[tuple[str, ...]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    members = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        members.append(member)
                        if member == node:
                            break
                    if len(members) > 1:
                        out.append(tuple(sorted(members)))
    return out


def test_slices_do_not_import_each_other_in_circles() -> None:
    """Above the platform (whose packages are one floor and lean on each other), the rooms'
    imports form no circle: the reference room, every domain slice and the demo room."""
    edges: dict[str, set[str]] = defaultdict(set)
    witness: dict[tuple[str, str], str] = {}
    for source, target, line in graph():
        a, b = unit_of(source), unit_of(target)
        if a == b or floor_of(a) in ("kernel", "platform", "root"):
            continue
        if floor_of(b) in ("kernel", "platform"):
            continue
        edges[a].add(b)
        witness.setdefault((a, b), f"{source}:{line} -> {target}")
    cycles = [c for c in _cycles(edges) if c not in KNOWN_CYCLES]
    assert not cycles, "rooms importing each other in a circle:\n" + "\n".join(
        f"  {' <-> '.join(c)}: "
        + "; ".join(witness[(a, b)] for a in c for b in c if (a, b) in witness)
        for c in cycles
    )
    gone = sorted(set(KNOWN_CYCLES) - set(_cycles(edges)))
    assert not gone, f"no longer occur (remove them from KNOWN_CYCLES): {gone}"


def test_the_checker_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    """The rule would be empty if the walker missed imports inside functions or relative
    ones: both are found in a module written for the test."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "def f():\n    from kalibar.app import assemble\n    return assemble\n"
        "from .service import load_demo\n",
        encoding="utf-8",
    )
    found = {t for t, _line in imports(probe, "kalibar.demo.probe")}
    assert {"kalibar.app", "kalibar.demo.service"} <= found
