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
