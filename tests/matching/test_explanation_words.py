"""A hit's explanation, stored in English, is said in the reader's language when shown:
every stored form (and every redacted form) read back into its message and values."""

from __future__ import annotations

from kalibar.i18n import use_language
from kalibar.matching.explain_words import as_parts, english, explanation_in_words, in_words, say
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


def test_lines_are_stored_as_parts_and_said_again() -> None:
    parts = as_parts([*STORED, "serial: read sideways"])
    assert parts[0] == {"code": "serial: exact match", "params": {}}
    assert parts[1] == {
        "code": "%(label)s: agrees (%(value)s)",
        "params": {"label": "type", "value": "assault_rifle"},
    }
    assert parts[3] == {
        "code": "serial: %(n)d substitution %(pairs)s (look-alike)",
        "params": {"n": 2, "pairs": "8→3, 0→O"},
    }
    assert parts[-1] == "serial: read sideways"  # no known form: kept as written
    # the English line comes back whole (redaction reads it), and each part is said as
    # the old English line would be
    assert [english(p) for p in parts] == [*STORED, "serial: read sideways"]
    for language in ("en", "sr_Cyrl", "hr"):
        with use_language(language):
            assert explanation_in_words(parts) == [in_words(line) for line in parts_lines()]
    # a damaged part is shown as what it can still say, never an error
    with use_language("sr_Cyrl"):
        assert say({"code": "serial: %(n)d substitution %(pairs)s", "params": {}}) == (
            "serial: %(n)d substitution %(pairs)s"
        )


def parts_lines() -> list[str]:
    return [*STORED, "serial: read sideways"]
