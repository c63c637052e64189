"""Words that reach users are words, not developer output (issue 16): file sizes in the
reader's language, places by any spelling."""

from __future__ import annotations

import pytest

from kalibar.files import human_size
from kalibar.i18n import use_language
from kalibar.seizures.places import resolve_place


@pytest.mark.parametrize(
    ("n", "en", "sr"),
    [
        (2310, "2.3 kB", "2,3 kB"),  # was "2.25586 KB"
        (4096, "4 kB", "4 kB"),
        (26214400, "25 MB", "25 MB"),
        (15 * 1024 * 1024 + 1, "15 MB", "15 MB"),
    ],
)
def test_human_size_is_short_and_in_the_readers_language(n: int, en: str, sr: str) -> None:
    with use_language("en"):
        assert human_size(n) == en
    with use_language("sr_Cyrl"):
        assert human_size(n) == sr


@pytest.mark.parametrize(
    "typed",
    ["BA-IZACIC", "ba-izacic", "Izačić", "izacic", "IZACIC", "Изачић", "Izačić / Изачић · BA"],
)
def test_a_crossing_is_found_by_any_spelling(typed: str) -> None:
    found = resolve_place(typed)
    assert found is not None and found.code == "BA-IZACIC"


@pytest.mark.parametrize("typed", ["", "   ", "Nowhere at all", "BA"])
def test_nothing_or_an_ambiguous_name_finds_no_place(typed: str) -> None:
    assert resolve_place(typed) is None


def test_error_page_lists_problems_as_lines_not_python_dicts() -> None:
    from kalibar.web.errors import lines_of
    from kalibar.web.templating import env

    details = [
        {"row": 3, "column": "make", "reason": "not in the catalogue", "value": "Zastva"},
        {"field": "place_code", "message": "not a place of the catalogue"},
        {"status": "confirmed"},  # nothing to say to a person: left out
    ]
    with use_language("en"):
        lines = lines_of(details)
        html = env.get_template("error.html").render(
            status=422, message="The request is not valid.", details=lines, path="/", query=""
        )
    assert lines == [
        "row 3, make: not in the catalogue (Zastva)",
        "place_code: not a place of the catalogue",
    ]
    assert "{&#39;" not in html and "{'" not in html, html
    assert "row 3, make: not in the catalogue (Zastva)" in html
