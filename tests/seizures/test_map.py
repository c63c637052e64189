"""The offline SVG map of seizure places: positions, sizes, clipping, escaping, empty map."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kalibar.seizures.listing import MapPoint
from kalibar.seizures.seizure_map import LABELLED, R_MAX, R_MIN, map_svg, radius

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def circles(root: ET.Element) -> dict[str, ET.Element]:
    """Circles by their tooltip text."""
    out = {}
    for c in root.iterfind(".//svg:circle", NS):
        title = c.find("svg:title", NS)
        assert title is not None and title.text
        out[title.text] = c
    return out


def test_points_land_at_their_pixel_positions() -> None:
    points = [
        MapPoint("Centre", "BA", 44.15, 18.25, 4),  # the middle of the box
        MapPoint("North-west corner", "HR", 46.8, 13.0, 1),
        MapPoint("South-east corner", "RS", 41.5, 23.5, 1),
        MapPoint("Izačić", "BA", 44.88, 15.76, 100),
    ]
    root = parse(map_svg(points, width=640, height=420))
    assert root.get("viewBox") == "0 0 640 420"
    found = circles(root)
    assert set(found) == {
        "Centre (BA): 4 seizures",
        "North-west corner (HR): 1 seizure",
        "South-east corner (RS): 1 seizure",
        "Izačić (BA): 100 seizures",
    }
    centre = found["Centre (BA): 4 seizures"]
    assert (float(centre.get("cx", "")), float(centre.get("cy", ""))) == (320.0, 210.0)
    nw = found["North-west corner (HR): 1 seizure"]
    assert (float(nw.get("cx", "")), float(nw.get("cy", ""))) == (0.0, 0.0)
    se = found["South-east corner (RS): 1 seizure"]
    assert (float(se.get("cx", "")), float(se.get("cy", ""))) == (640.0, 420.0)
    izacic = found["Izačić (BA): 100 seizures"]
    assert float(izacic.get("cx", "")) == pytest.approx((15.76 - 13) / 10.5 * 640, abs=0.06)
    assert float(izacic.get("cy", "")) == pytest.approx((46.8 - 44.88) / 5.3 * 420, abs=0.06)
    # Area follows the count: the biggest gets R_MAX, a quarter of it half the extra radius.
    assert float(izacic.get("r", "")) == R_MAX
    assert float(centre.get("r", "")) == pytest.approx(R_MIN + (R_MAX - R_MIN) * 0.2, abs=0.06)
    # The other size: the box scales with width and height.
    small = parse(map_svg(points[:1], width=320, height=210))
    c = next(iter(circles(small).values()))
    assert (float(c.get("cx", "")), float(c.get("cy", ""))) == (160.0, 105.0)


def test_radius_is_a_square_root_scale() -> None:
    assert radius(100, 100) == R_MAX
    assert radius(25, 100) == pytest.approx(R_MIN + (R_MAX - R_MIN) / 2)
    assert radius(0, 100) == R_MIN
    assert radius(1, 1_000_000) == pytest.approx(R_MIN, abs=0.1)


def test_points_outside_the_box_are_left_out() -> None:
    points = [
        MapPoint("Sarajevo", "BA", 43.82, 18.33, 3),
        MapPoint("Vienna", "AT", 48.2, 16.37, 50),  # north of the box
        MapPoint("Milano", "IT", 45.46, 9.19, 50),  # west of it
        MapPoint("Thessaloniki", "GR", 40.64, 22.94, 50),  # south of it
    ]
    root = parse(map_svg(points))
    assert list(circles(root)) == ["Sarajevo (BA): 3 seizures"]
    labels = [t.text for t in root.iterfind(".//svg:text", NS)]
    assert "Vienna" not in labels and "Sarajevo" in labels


def test_place_names_are_escaped() -> None:
    evil = '<script>alert("x")</script> & <b onmouseover="steal()">'
    svg = map_svg([MapPoint(evil, 'BA"><script>', 44.0, 17.0, 7)])
    assert "<script" not in svg and "<b " not in svg and 'onmouseover="' not in svg
    root = parse(svg)
    # The text survives intact as text, in the tooltip and the label.
    assert list(circles(root)) == [f'{evil} (BA"><script>): 7 seizures']
    assert evil in [t.text for t in root.iterfind(".//svg:text", NS)]


def test_empty_map_says_so() -> None:
    svg = map_svg([])
    root = parse(svg)
    assert circles(root) == {}
    texts = [t.text for t in root.iterfind(".//svg:text", NS)]
    assert texts == ["No seizure places to show."]
    # The region is still drawn: the four countries of the slice, outlined.
    drawn = {p.get("data-country") for p in root.iterfind(".//svg:path", NS)}
    assert {"BA", "RS", "HR", "ME"} <= drawn


def test_no_inline_styles_and_only_the_biggest_places_labelled() -> None:
    points = [MapPoint(f"Place {n}", "BA", 43 + n / 10, 16 + n / 5, n + 1) for n in range(15)]
    svg = map_svg(points)
    assert "style=" not in svg  # the CSP forbids inline styles
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing fetched
    root = parse(svg)
    assert len(circles(root)) == 15
    labels = [t.text for t in root.iterfind(".//svg:text", NS)]
    assert labels == [f"Place {n}" for n in range(14, 14 - LABELLED, -1)]
