"""A hit's stored explanation, said in the reader's language when it is shown.

Hit explanations are evidence and are stored once (``matching.hits``) as parts — the
form (its English message id) and its values, ``{"code": ..., "params": {...}}``
(:func:`as_parts`); older hits keep English lines, each one of the forms of
``matching.explain`` (or, for a restricted record, of ``matching.redaction``), read back
here into the same parts. Each part is said through gettext at display time: the same
message ids as the check page, the attribute named by its word and a weapon type by its
label ("тип: слаже се (јуришна пушка)", never "type: agrees (assault_rifle)"). A line of
no known form is shown as stored (old or future forms stay readable; nothing is lost).
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
    (pattern, code)
    for code, (singular, plural) in enumerate(_MESSAGES)
    for pattern in (_pattern(str(singular)), *([_pattern(str(plural))] if plural else []))
)
#: A stored part: ``{"code": form, "params": {name: value}}`` (values as in the English
#: line: the attribute and the weapon type by their codes, ``n`` a number).
Part = dict[str, Any]
#: The code of a form: its singular English message (the message id, stable as long as
#: the catalogues are).
_BY_CODE = {str(singular): (singular, plural) for singular, plural in _MESSAGES}


def parse(line: str) -> Part | None:
    """An English explanation line as its form and values; None for a line of no known form."""
    for pattern, index in _FORMS:
        m = pattern.fullmatch(line)
        if m:
            params: dict[str, Any] = dict(m.groupdict())
            if "n" in params:
                params["n"] = int(params["n"])
            return {"code": str(_MESSAGES[index][0]), "params": params}
    return None


def as_parts(lines: Iterable[str]) -> list[Part | str]:
    """What a hit stores: each line as a part, a line of no known form as written."""
    return [parse(line) or line for line in lines]


def _form(part: Part) -> tuple[Any, Any, dict[str, Any]]:
    singular, plural = _BY_CODE[str(part["code"])]
    params = dict(part.get("params") or {})
    if plural is not None:
        params["n"] = int(params["n"])
    return singular, plural, params


def english(item: Part | str) -> str:
    """A stored line or part as the English line (what redaction reads)."""
    if isinstance(item, str):
        return item
    try:
        singular, plural, params = _form(item)
        message = plural if plural is not None and params["n"] != 1 else singular
        return str(message) % params if params else str(message)
    except (KeyError, TypeError, ValueError):
        return str(item.get("code", ""))


def say(item: Part | str) -> str:
    """A stored part (or an old English line) in the current language; a line of no known
    form as stored."""
    if isinstance(item, str):
        part = parse(item)
        if part is None:
            return item
        item = part
    try:
        singular, plural, values = _form(item)
        if "label" in values:
            attribute = values["label"]
            values["label"] = str(_ATTRIBUTE[attribute])
            if attribute == "type" and "value" in values:
                values["value"] = label(values["value"], "weapon_type")
        if plural is not None:
            return ngettext(str(singular), str(plural), values["n"]) % values
        return _(str(singular)) % values if values else _(str(singular))
    except (KeyError, TypeError, ValueError):
        return english(item)


def in_words(line: str) -> str:
    """One stored English explanation line in the current language."""
    return say(line)


def explanation_in_words(items: Iterable[Part | str]) -> list[str]:
    return [say(item) for item in items]
