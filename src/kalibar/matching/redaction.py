"""Explanations of a match on a record the viewer may not see, without its characters.

A hit is shown to both owner agencies, but each side's record only to whoever the sharing
filter lets see it. The stored explanation spells the edit ("serial: 1 substitution 8→3",
"characters missing from the query (7)", "make: differs (Zastava vs Crvena Zastava)"):
with one's own serial beside it, that rebuilds the hidden serial. So a hit whose other
side is hidden is explained by the kind and number of edits only; the characters and the
other record's attribute values are dropped.

This is presentation, not matching: the engine and the stored evidence are unchanged, and
the lines are rewritten when a hit is shown. The stored lines are English (see
``matching.hits``); each known form has a pattern, and a line that fits none is replaced
by a neutral one, so a new form of explanation can never leak by default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_LABEL = r"(make|model|calibre|type)"

#: (pattern, replacement) in order; the first that matches the whole line wins.
_FORMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"serial: exact match", r"serial: exact match"),
        (r"(serial: \d+ substitutions?) .+ \(look-alike\)", r"\1 (look-alike)"),
        (r"(serial: \d+ substitutions?) .+", r"\1"),
        (r"(serial: \d+ unreadable characters?) .+", r"\1"),
        (r"(serial: transposition) .+", r"\1"),
        (r"(serial: \d+ extra characters? in the query) \(.*\)", r"\1"),
        (r"(serial: \d+ characters? missing from the query) \(.*\)", r"\1"),
        (r"serial: unreadable run \* covered .*", r"serial: unreadable run *"),
        (_LABEL + r": agrees \(.*\)", r"\1: agrees"),
        (_LABEL + r": differs \(.*\)", r"\1: differs"),
        (_LABEL + r": .* is not in the catalogue \(not compared\)", r"\1: not compared"),
        (_LABEL + r": not recorded", r"\1: not recorded"),
        (_LABEL + r": .+", r"\1: agrees"),  # an alias or spelling explanation: it agreed
    )
)
WITHHELD = "details withheld: the other record is restricted"


def redact_line(line: str) -> str:
    """One explanation line without characters or values of either record."""
    for pattern, replacement in _FORMS:
        if pattern.fullmatch(line):
            return pattern.sub(replacement, line)
    return WITHHELD


def redact(lines: Iterable[str]) -> list[str]:
    """The explanation of a match on a restricted record (duplicates folded)."""
    return list(dict.fromkeys(redact_line(line) for line in lines))
