"""Windows and thresholds of the early-warning detectors, as data.

The package's ``data/early_warning.yaml`` holds the defaults; ``KALIBAR_EARLY_WARNING_FILE``
names another file (an instance's own thresholds) — read once per process, and validated
so that a mistyped threshold stops the run instead of silencing every alert.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kalibar.errors import Invalid
from kalibar.i18n import _

DEFAULT_FILE = Path(__file__).parent / "data" / "early_warning.yaml"
ENV = "KALIBAR_EARLY_WARNING_FILE"


@dataclass(frozen=True)
class SharedIdentifier:
    window_days: int = 365
    min_agencies: int = 2


@dataclass(frozen=True)
class RoutePattern:
    window_days: int = 90
    min_seizures: int = 3
    min_agencies: int = 2
    alpha: float = 0.01


@dataclass(frozen=True)
class Rising:
    window_days: int = 30
    baseline_windows: int = 6
    alpha: float = 0.01
    min_count: int = 5


@dataclass(frozen=True)
class RedConsignee:
    window_days: int = 365


@dataclass(frozen=True)
class WarningSettings:
    shared_identifier: SharedIdentifier = field(default_factory=SharedIdentifier)
    route_pattern: RoutePattern = field(default_factory=RoutePattern)
    rising: Rising = field(default_factory=Rising)
    red_consignee: RedConsignee = field(default_factory=RedConsignee)


_SECTIONS: dict[str, type[Any]] = {
    "shared_identifier": SharedIdentifier,
    "route_pattern": RoutePattern,
    "rising": Rising,
    "red_consignee": RedConsignee,
}


def _bad(where: str) -> Invalid:
    return Invalid(_("The early-warning settings are not valid."), [{"field": where}])


def parse(data: dict[str, Any]) -> WarningSettings:
    """Settings from a mapping (a YAML file's content); unknown keys are errors."""
    if not isinstance(data, dict):
        raise _bad("file")
    made: dict[str, Any] = {}
    for name, raw in data.items():
        cls = _SECTIONS.get(name)
        if cls is None or not isinstance(raw, dict):
            raise _bad(str(name))
        known = {f.name: f.type for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in known or isinstance(value, bool):
                raise _bad(f"{name}.{key}")
            number = float(value) if key == "alpha" else int(value)
            if number <= 0 or (key == "alpha" and number >= 1):
                raise _bad(f"{name}.{key}")
            values[key] = number
        made[name] = cls(**values)
    return WarningSettings(**made)


def load(path: Path | None = None) -> WarningSettings:
    target = path or Path(os.environ.get(ENV) or DEFAULT_FILE)
    with target.open(encoding="utf-8") as fh:
        return parse(yaml.safe_load(fh) or {})


@lru_cache(maxsize=1)
def settings() -> WarningSettings:
    """The settings in force (read once per process)."""
    return load()
