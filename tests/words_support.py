"""Finding coded values on a page (the one-language tests): what a reader sees, and which
developer words (vocabulary codes, English explanation words) are in it."""

from __future__ import annotations

import html as htmllib
import re

from kalibar.i18n import use_language
from kalibar.labels import REGISTRY
from kalibar.seizures.labels import LABELS as SEIZURE_LABELS

#: Codes that are developer words wherever they appear (snake_case: never a word of any
#: language), from every registered vocabulary.
CODES = sorted(
    {c for table in REGISTRY.values() for c in table if "_" in c}
    | {c for table in SEIZURE_LABELS.values() for c in table if "_" in c}
)
#: English explanation words that must not reach a page in another language.
ENGLISH = ("exact match", "agrees", "differs", "not recorded", "look-alike)")


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, styles, tags or attribute values."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<[^>]*>", " ", page)
    return " ".join(htmllib.unescape(page).split())


def leftovers(text: str) -> list[str]:
    found = [c for c in CODES if re.search(rf"(?<![\w.-]){re.escape(c)}(?![\w-])", text)]
    return found + [w for w in ENGLISH if w in text]


ALL_CODES = {c for table in REGISTRY.values() for c in table}
_TAG = re.compile(r'<span class="tag[^"]*"[^>]*>\s*([a-z_]+)\s*</span>')


def bare_tags(page: str, language: str) -> list[str]:
    """Tags (lanes, statuses, actions) showing a registered code where its word in
    ``language`` differs (a code whose word is not translated yet is the catalogue test's)."""
    with use_language(language):
        worded = {c for c in ALL_CODES if any(str(t.get(c, c)) != c for t in REGISTRY.values())}
    return [m[1] for m in _TAG.finditer(page) if m[1] in worded]
