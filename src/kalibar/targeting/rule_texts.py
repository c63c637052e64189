"""A rule's rationale and instructions in the reader's language.

Starter rules (``data/rules.yaml``) are written in English; their texts are message ids
of the catalogues (extracted by :func:`babel_extract`, see ``babel.cfg``), translated at
display time. An agency's rule may give its own text per language
(``instructions: {en: ..., sr_Cyrl: ...}``, ``rules.Rule.texts``): the reader's language
is shown when given (Serbian Cyrillic is also read from a Serbian Latin text), else the
rule's own text — through gettext, so an agency's copy of a starter text is translated too.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import IO, Any

from kalibar.i18n import current_language, gettext
from kalibar.reference.script import to_cyrillic
from kalibar.targeting.rules import Rule, parse_rules

#: The texts of a rule an officer reads.
KEYS = ("rationale", "instructions")


def rule_text(rule: Rule, key: str) -> str:
    """``rule.rationale`` or ``rule.instructions`` as the current reader reads it."""
    given = rule.texts.get(key, {})
    language = current_language()
    if language in given:
        return given[language]
    if language == "sr_Cyrl" and "sr_Latn" in given:
        return to_cyrillic(given["sr_Latn"])
    own: str = getattr(rule, key)
    return gettext(own) if own else own


def babel_extract(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: dict[str, Any],
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel extractor for a rule file: each rule's own rationale and instructions."""
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    for rule in parse_rules(text, source=getattr(fileobj, "name", "rules.yaml")):
        for key in KEYS:
            own = getattr(rule, key)
            if own.strip():
                yield rule.line, None, own, [f"{key} of the starter rule {rule.id}"]
