"""The region's real towns and border crossings used by the demo generator."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PLACES_FILE = Path(__file__).resolve().parent.parent / "places.yaml"


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    kind: str  # "town" or "crossing"
    weight: float = 1.0
    lat: float | None = None
    lon: float | None = None


@lru_cache(maxsize=1)
def load_places() -> tuple[Place, ...]:
    """The real towns and border crossings of ``demo/places.yaml``."""
    with PLACES_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return tuple(
        Place(
            name=str(p["name"]),
            country=str(p["country"]),
            kind=str(p["kind"]),
            weight=float(p.get("weight", 1)),
            lat=p.get("lat"),
            lon=p.get("lon"),
        )
        for p in data["places"]
    )
