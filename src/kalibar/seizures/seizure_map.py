"""The map of seizure places as inline SVG, drawn by the server and fully offline.

No tiles and nothing fetched: a plain equirectangular view of the western Balkans, a
graticule every degree and coarse country outlines from ``data/borders.json``. Each place
is a circle whose area grows with its number of seizures, with a tooltip; the biggest
places are labelled. The CSP forbids inline styles, so colours are SVG presentation
attributes (``fill=``, ``stroke=``) and classes let the stylesheet override them. Every
piece of text is escaped (place names come from users).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from markupsafe import Markup

from kalibar.i18n import _, ngettext

#: The box shown: (west, east) longitude and (south, north) latitude, in degrees.
LON_MIN, LON_MAX = 13.0, 23.5
LAT_MIN, LAT_MAX = 41.5, 46.8
#: Circle radius (px) of the smallest and the biggest place.
R_MIN, R_MAX = 3.0, 18.0
#: How many of the biggest places get a text label.
LABELLED = 6

BORDERS = Path(__file__).parent / "data" / "borders.json"


class MapPlace(Protocol):
    """What the map needs of a place (``listing.MapPoint`` has it)."""

    @property
    def name(self) -> str: ...
    @property
    def country(self) -> str | None: ...
    @property
    def lat(self) -> float | None: ...
    @property
    def lon(self) -> float | None: ...
    @property
    def count(self) -> int: ...


@lru_cache(maxsize=1)
def _borders() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BORDERS.read_text(encoding="utf-8"))
    return data


def project(lon: float, lat: float, width: float, height: float) -> tuple[float, float]:
    """Pixel position of a point: x grows east, y grows south."""
    x = (lon - LON_MIN) / (LON_MAX - LON_MIN) * width
    y = (LAT_MAX - lat) / (LAT_MAX - LAT_MIN) * height
    return x, y


def inside(lon: float, lat: float) -> bool:
    return LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX


def radius(count: int, top: int) -> float:
    """Square-root scale, so a circle's area is proportional to its count."""
    if top <= 0 or count <= 0:
        return R_MIN
    return round(R_MIN + (R_MAX - R_MIN) * math.sqrt(count / top), 1)


def _f(value: float) -> str:
    return f"{value:.1f}"


def _graticule(width: int, height: int) -> Markup:
    line = Markup('<line x1="{}" y1="{}" x2="{}" y2="{}"></line>')
    lines = []
    for lon in range(math.ceil(LON_MIN), math.floor(LON_MAX) + 1):
        x, _y = project(lon, LAT_MAX, width, height)
        lines.append(line.format(_f(x), 0, _f(x), height))
    for lat in range(math.ceil(LAT_MIN), math.floor(LAT_MAX) + 1):
        _x, y = project(LON_MIN, lat, width, height)
        lines.append(line.format(0, _f(y), width, _f(y)))
    return (
        Markup(
            '<g class="map-graticule" stroke="#9fb3c6" stroke-width="0.6" '
            'stroke-opacity="0.45" fill="none">'
        )
        + Markup("").join(lines)
        + Markup("</g>")
    )


def _countries(width: int, height: int) -> Markup:
    data = _borders()
    focus = set(data["focus"])
    paths = []
    for code, rings in data["countries"].items():
        d = " ".join(
            "M" + " L".join(
                "{},{}".format(*map(_f, project(lon, lat, width, height))) for lon, lat in ring
            ) + " Z"
            for ring in rings
        )  # fmt: skip
        main = code in focus
        paths.append(
            Markup(
                '<path class="map-country {cls}" data-country="{code}" d="{d}" fill="{fill}" '
                'stroke="{stroke}" stroke-width="{sw}" stroke-linejoin="round"></path>'
            ).format(
                cls="map-focus" if main else "map-neighbour",
                code=code,
                d=d,
                fill="#fbf8ef" if main else "#eeece6",
                stroke="#7d8792" if main else "#b3b8bd",
                sw="1" if main else "0.6",
            )
        )
    return Markup('<g class="map-land">') + Markup("").join(paths) + Markup("</g>")


def _tooltip(p: MapPlace) -> str:
    n = ngettext("%(num)d seizure", "%(num)d seizures", p.count) % {"num": p.count}
    where = f"{p.name} ({p.country})" if p.country else p.name
    return f"{where}: {n}"


def map_svg(points: Sequence[MapPlace], *, width: int = 640, height: int = 420) -> Markup:
    """An SVG map of seizure places; points outside the box or without coordinates are left out."""
    shown = [
        p
        for p in points
        if p.lat is not None and p.lon is not None and p.count > 0 and inside(p.lon, p.lat)
    ]
    # Biggest first, so small circles are drawn on top and stay clickable/hoverable.
    shown.sort(key=lambda p: (-p.count, p.name))
    top = shown[0].count if shown else 0
    title = _("Map of seizure places")
    parts: list[Markup] = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="seizure-map" viewBox="0 0 {w} {h}" '
            'width="{w}" height="{h}" role="img" aria-label="{title}"><title>{title}</title>'
            '<rect class="map-sea" x="0" y="0" width="{w}" height="{h}" fill="#dfeaf3"></rect>'
        ).format(w=width, h=height, title=title),
        _countries(width, height),
        _graticule(width, height),
    ]
    circles, labels = [], []
    for i, p in enumerate(shown):
        assert p.lon is not None and p.lat is not None
        x, y = project(p.lon, p.lat, width, height)
        r = radius(p.count, top)
        circles.append(
            Markup(
                '<circle class="map-point" cx="{x}" cy="{y}" r="{r}" fill="#c62828" '
                'fill-opacity="0.55" stroke="#7f0000" stroke-width="0.8" '
                'data-count="{n}"><title>{tip}</title></circle>'
            ).format(x=_f(x), y=_f(y), r=r, n=p.count, tip=_tooltip(p))
        )
        if i < LABELLED:
            right = x < width - 90
            labels.append(
                Markup(
                    '<text class="map-label" x="{x}" y="{y}" text-anchor="{anchor}">{name}</text>'
                ).format(
                    x=_f(x + r + 3 if right else x - r - 3),
                    y=_f(y + 4),
                    anchor="start" if right else "end",
                    name=p.name,
                )
            )
    parts.append(Markup('<g class="map-points">') + Markup("").join(circles) + Markup("</g>"))
    parts.append(
        Markup(
            '<g class="map-labels" font-family="DejaVu Sans, Arial, sans-serif" font-size="11" '
            'fill="#1f2933" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
        )
        + Markup("").join(labels)
        + Markup("</g>")
    )
    if not shown:
        parts.append(
            Markup(
                '<text class="map-empty" x="{x}" y="{y}" text-anchor="middle" '
                'font-family="DejaVu Sans, Arial, sans-serif" font-size="14" fill="#52606d">'
                "{msg}</text>"
            ).format(x=width // 2, y=height // 2, msg=_("No seizure places to show."))
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
