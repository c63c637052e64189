"""The map of seizure places for a statistic: the seizures' places, clustered.

Points come from the same filter as the figures (visible seizures only). Catalogue places
sit at the catalogue's coordinates; free places at their seizures' mean coordinates.
Clustering merges places that would overlap on the drawn map (within ``radius`` pixels),
biggest first, into one circle at their weighted centre, named after its biggest place
"and N more"; the seizures' own map (``seizures.seizure_map.map_svg``) draws them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kalibar.analysis.filters import StatsFilter
from kalibar.analysis.stats import conditions, tune
from kalibar.auth.actor import Actor
from kalibar.db.hints import unindexed
from kalibar.i18n import ngettext
from kalibar.seizures.models import Seizure
from kalibar.seizures.places import place
from kalibar.seizures.seizure_map import inside, map_svg, project

WIDTH, HEIGHT = 640, 420
#: Places closer than this on the drawn map (pixels) are one cluster.
CLUSTER_RADIUS = 22.0


@dataclass
class Point:
    name: str
    country: str
    lat: float
    lon: float
    count: int
    members: list[str] = field(default_factory=list)


def points(session: Session, *, actor: Actor, f: StatsFilter) -> list[Point]:
    """Visible, filtered seizures per place with coordinates."""
    s = Seizure
    tune(session)
    stmt = (
        select(s.place_code, s.place_name, s.place_country,
               func.avg(s.latitude), func.avg(s.longitude), func.count())
        .where(s.latitude.is_not(None), s.longitude.is_not(None), *conditions(actor, f))
        # Unindexed: a full scan beats visiting 10^5 rows in place-code order.
        .group_by(unindexed(s.place_code), unindexed(s.place_name), unindexed(s.place_country))
    )  # fmt: skip
    found: dict[str, Point] = {}
    for code, name, country, lat, lon, n in session.execute(stmt).all():
        known = place(code) if code else None
        if known is not None:
            key = known.code
            if key in found:
                found[key].count += int(n)
                continue
            found[key] = Point(known.name, known.country, known.lat, known.lon, int(n))
        else:
            key = f"{name}|{country}|{code or ''}"
            found[key] = Point(name or "", country or "", float(lat), float(lon), int(n))
    return sorted(found.values(), key=lambda p: (-p.count, p.country, p.name))


def cluster(pts: list[Point], *, radius: float = CLUSTER_RADIUS) -> list[Point]:
    """Greedy clustering on the drawn map: each place, biggest first, joins the first
    cluster whose centre is within ``radius`` pixels, or starts one."""
    out: list[tuple[Point, float, float]] = []  # cluster and its biggest place's position
    for p in sorted(pts, key=lambda p: (-p.count, p.name)):
        if not inside(p.lon, p.lat):
            continue
        x, y = project(p.lon, p.lat, WIDTH, HEIGHT)
        for c, cx, cy in out:
            if (cx - x) ** 2 + (cy - y) ** 2 <= radius**2:
                n = c.count + p.count
                c.members.append(p.name)
                c.lat = (c.lat * c.count + p.lat * p.count) / n
                c.lon = (c.lon * c.count + p.lon * p.count) / n
                c.count = n
                break
        else:
            c = Point(p.name, p.country, p.lat, p.lon, p.count, [p.name])
            out.append((c, x, y))
    clusters = [c for c, _x, _y in out]
    for c in clusters:
        if len(c.members) > 1:
            more = len(c.members) - 1
            c.name = ngettext(
                "%(place)s and %(num)d more place", "%(place)s and %(num)d more places", more
            ) % {"place": c.members[0], "num": more}
            c.country = ""
    return clusters


def seizure_places_svg(pts: list[Point], *, clustered: bool = True) -> Markup:
    return map_svg(cluster(pts) if clustered else pts, width=WIDTH, height=HEIGHT)
