"""A hit's stored explanation, said in the reader's language when it is shown.

Hit explanations are evidence and are stored once, in English (``matching.hits``); each
line is one of the forms of ``matching.explain`` (or, for a restricted record, of
``matching.redaction``) with its values. Here each form is read back into its message and
values and said again through gettext: the same message ids as the check page, the
attribute named by its word and a weapon type by its label ("тип: слаже се (јуришна
пушка)", never "type: agrees (assault_rifle)"). A line of no known form is shown as stored
(old or future forms stay readable; nothing is lost).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kalibar.i18n import N_, _, ngettext
from kalibar.labels import label

#: The attribute as it appears in a stored line → its word.
_ATTRIBUTE = {
    "make": N_("make"),
    "model": N_("model"),
    "calibre": N_("calibre"),
    "type": N_("type"),
}

#: (singular, plural or None); plural forms carry ``%(n)d``. Most specific first.
_MESSAGES: tuple[tuple[Any, Any], ...] = (  # str, or N_() for messages only said here
    ("serial: exact match", None),
    (
        "serial: %(n)d substitution %(pairs)s (look-alike)",
        "serial: %(n)d substitutions %(pairs)s (look-alike)",
    ),
    ("serial: %(n)d substitution %(pairs)s", "serial: %(n)d substitutions %(pairs)s"),
    (
        "serial: %(n)d unreadable character %(pairs)s",
        "serial: %(n)d unreadable characters %(pairs)s",
    ),
    ("serial: transposition %(pairs)s", None),
    (
        "serial: %(n)d extra character in the query (%(chars)s)",
        "serial: %(n)d extra characters in the query (%(chars)s)",
    ),
    (
        "serial: %(n)d character missing from the query (%(chars)s)",
        "serial: %(n)d characters missing from the query (%(chars)s)",
    ),
    ("serial: unreadable run * covered %(chars)s", None),
    ("%(label)s: %(value)s is not in the catalogue (not compared)", None),
    ("%(label)s: not recorded", None),
    ("%(label)s: agrees (%(value)s)", None),
    ("%(label)s: differs (%(query)s vs %(record)s)", None),
    # what a restricted record's explanation keeps (matching.redaction)
    (N_("serial: %(n)d substitution (look-alike)"), N_("serial: %(n)d substitutions (look-alike)")),
    (N_("serial: %(n)d substitution"), N_("serial: %(n)d substitutions")),
    (N_("serial: %(n)d unreadable character"), N_("serial: %(n)d unreadable characters")),
    (N_("serial: transposition"), None),
    (
        N_("serial: %(n)d extra character in the query"),
        N_("serial: %(n)d extra characters in the query"),
    ),
    (
        N_("serial: %(n)d character missing from the query"),
        N_("serial: %(n)d characters missing from the query"),
    ),
    (N_("serial: unreadable run *"), None),
    (N_("%(label)s: agrees"), None),
    (N_("%(label)s: differs"), None),
    (N_("%(label)s: not compared"), None),
    (N_("details withheld: the other record is restricted"), None),
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def _pattern(message: str) -> re.Pattern[str]:
    out, last = [], 0
    for m in _PLACEHOLDER.finditer(message):
        out.append(re.escape(message[last : m.start()]))
        if m[1] == "label":
            out.append(r"(?P<label>make|model|calibre|type)")
        else:
            out.append(rf"(?P<{m[1]}>\d+)" if m[2] == "d" else rf"(?P<{m[1]}>.+?)")
        last = m.end()
    out.append(re.escape(message[last:]))
    return re.compile("".join(out))


_FORMS = tuple(
    (pattern, singular, plural)
    for singular, plural in _MESSAGES
    for pattern in (_pattern(str(singular)), *([_pattern(str(plural))] if plural else []))
)


def in_words(line: str) -> str:
    """One stored explanation line in the current language (as stored if of no known form)."""
    for pattern, singular, plural in _FORMS:
        m = pattern.fullmatch(line)
        if not m:
            continue
        values: dict[str, Any] = dict(m.groupdict())
        if "label" in values:
            attribute = values["label"]
            values["label"] = str(_ATTRIBUTE[attribute])
            if attribute == "type" and "value" in values:
                values["value"] = label(values["value"], "weapon_type")
        if "n" in values:
            values["n"] = int(values["n"])
        if plural is not None:
            return ngettext(str(singular), str(plural), values["n"]) % values
        return _(str(singular)) % values if values else _(str(singular))
    return line


def explanation_in_words(lines: Iterable[str]) -> list[str]:
    return [in_words(line) for line in lines]
