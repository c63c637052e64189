"""A hit's explanation, stored in English, is said in the reader's language when shown:
every stored form (and every redacted form) read back into its message and values."""

from __future__ import annotations

from kalibar.i18n import use_language
from kalibar.matching.explain_words import in_words
from kalibar.matching.redaction import redact

STORED = [
    "serial: exact match",
    "type: agrees (assault_rifle)",
    "make: agrees (Zastava)",
    "serial: 2 substitutions 8→3, 0→O (look-alike)",
    "calibre: differs (9x19 vs 7.62x39)",
    "model: not recorded",
    "serial: 1 character missing from the query (7)",
]


def test_stored_lines_are_said_in_serbian_cyrillic() -> None:
    with use_language("sr_Cyrl"):
        said = [in_words(line) for line in STORED]
    assert said[0] == "серијски број: потпуно подударање"
    assert said[1] == "врста: подудара се (аутоматска пушка)"  # the type by its label
    assert "Zastava" in said[2] and said[2].startswith("произвођач: ")
    assert said[3].startswith("серијски број: 2 ") and "8→3, 0→O" in said[3]
    for line in said:
        assert "serial" not in line and "assault_rifle" not in line
        assert not any(w in line for w in ("agrees", "differs", "recorded", "missing"))


def test_english_and_unknown_lines_are_kept() -> None:
    with use_language("en"):
        assert in_words("type: agrees (assault_rifle)") == "type: agrees (assault rifle)"
        assert in_words("serial: exact match") == "serial: exact match"
        # a form of no known shape (an older or newer engine) is shown as stored
        assert in_words("serial: read sideways") == "serial: read sideways"
        # redacted forms keep their shape and number
        redacted = redact(STORED)
        assert [in_words(line) for line in redacted] == redacted


def test_redacted_lines_use_the_attribute_word() -> None:
    with use_language("sr_Cyrl"):
        said = [in_words(line) for line in redact(STORED)]
    assert all(not line.startswith(("type:", "make:", "serial:", "calibre:")) for line in said[:2])
