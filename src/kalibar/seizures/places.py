"""The catalogue of places where seizures happen: the region's border crossings, airports,
ports, postal centres and cargo/express terminals, with approximate coordinates.

A seizure at a catalogue place stores the place's code, name, country and coordinates,
so the map and the filters work without the officer typing any of them. Search folds
scripts and diacritics (``kalibar.reference.script``): "Бијача", "Bijaca" and "bijača"
find the same crossing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kalibar.reference.script import search_key, to_cyrillic

PLACES_FILE = Path(__file__).parent / "data" / "places.yaml"


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    name_cyrl: str
    country: str
    kind: str
    lat: float
    lon: float


@lru_cache(maxsize=1)
def _catalogue() -> tuple[tuple[Place, ...], dict[str, Place], tuple[str, ...]]:
    with PLACES_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    rows = tuple(
        Place(
            code=str(p["code"]),
            name=str(p["name"]),
            name_cyrl=str(p.get("name_cyrl") or to_cyrillic(str(p["name"]))),
            country=str(p["country"]),
            kind=str(p["kind"]),
            lat=float(p["lat"]),
            lon=float(p["lon"]),
        )
        for p in data["places"]
    )
    keys = tuple(search_key(f"{p.name} {p.name_cyrl} {p.code.replace('-', ' ')}") for p in rows)
    return rows, {p.code: p for p in rows}, keys


def places() -> list[Place]:
    """Every catalogue place, in catalogue order (grouped by country)."""
    return list(_catalogue()[0])


def place(code: str | None) -> Place | None:
    """The place with this code, or ``None``."""
    if not code:
        return None
    return _catalogue()[1].get(code.strip().upper())


def resolve_place(text: str | None) -> Place | None:
    """The one place meant by what an officer typed: a code ("BA-IZACIC"), a name in
    either script with or without diacritics ("Izačić", "Изачић", "izacic"), or the
    label the suggestion list shows ("Izačić / Изачић · BA · border crossing").
    ``None`` when nothing or more than one place fits."""
    if not text or not text.strip():
        return None
    exact = place(text)
    if exact is not None:
        return exact
    name = text.split("·")[0].split("/")[0].strip()
    if not name:
        return None
    wanted = search_key(name)
    found = search_places(name, limit=10)
    same = [p for p in found if wanted in (search_key(p.name), search_key(p.name_cyrl))]
    if len(same) == 1:
        return same[0]
    return found[0] if len(found) == 1 else None


def search_places(q: str, *, country: str | None = None, limit: int = 50) -> list[Place]:
    """Places whose name (either script) or code contains every word of ``q``.

    Names starting with the query come first, so typing "bij" offers Bijača before
    places that merely contain those letters.
    """
    rows, _index, keys = _catalogue()
    words = search_key(q or "").split()
    found: list[tuple[int, int, Place]] = []
    for n, (p, key) in enumerate(zip(rows, keys, strict=True)):
        if country and p.country != country.upper():
            continue
        if all(w in key for w in words):
            starts = 0 if words and key.startswith(words[0]) else 1
            found.append((starts, n, p))
    found.sort(key=lambda t: (t[0], t[1]))
    return [p for _s, _n, p in found[:limit]]
