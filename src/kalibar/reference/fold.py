"""Fold a serial number to the canonical forms the matcher compares.

Serials reach us misread, typed on Cyrillic keyboards, with assorted separators and
prefixes. Two forms come out of folding:

* ``folded``  – uppercase, Cyrillic homoglyphs mapped to Latin, separators and common
  prefixes removed. Kept for the weighted distance so explanations can say "O→0".
* ``skeleton`` – ``folded`` with look-alike classes collapsed (O→0, I/L→1, S→5, B→8,
  Z→2, G→6). Used for indexing, so look-alike confusions never spend edit budget.

Q and D are deliberately *not* folded to 0: both are common, distinct stamp letters
(e.g. Zastava and Glock prefixes) and merging them would inflate candidate lists.

Query syntax: ``?`` is one unreadable character (kept in both forms; it never equals a
record character, so it spends one edit). ``*`` is an unreadable run of unknown length:
it is kept in ``folded`` (the weighted distance lets it absorb characters at a reduced
cost) and removed from ``skeleton``; the characters it hides count as insertions against
the edit budget, and a query with ``*`` is probed with the largest budget so the record's
own length decides the tolerance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .readings import PHONETIC, VISUAL, VISUAL_TABLE

UNKNOWN = "?"
STAR = "*"

#: Cyrillic letters that look like Latin ones (upper and lower case) → Latin uppercase.
CYRILLIC_HOMOGLYPHS: dict[str, str] = {
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
    "а": "A", "в": "B", "е": "E", "к": "K", "м": "M", "н": "H", "о": "O", "р": "P",
    "с": "C", "т": "T", "х": "X", "у": "Y", "і": "I", "ј": "J", "ѕ": "S",
}  # fmt: skip

#: Characters easily confused when reading stamped or worn serials → class representative.
LOOKALIKE_CLASSES: dict[str, str] = {
    "O": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2", "G": "6",
}  # fmt: skip

SEPARATORS = " \t\n\r-/._,:;#'\"()\u00a0\u2013\u2014№"

#: Labels people write before the serial itself: regional (s.br., ser. br., serijski broj,
#: сер. бр., бр., fab. br.) and international (No., Nr., №, SN, S/N, Ser. No., Serial,
#: Fab. Nr.). A label is stripped when punctuation or a space follows it; a bare word
#: glued to the serial ("SN123") stays, because it may well be part of the serial.
_LABEL = (
    r"(?:S\s*/\s*N|SERIAL(?:\s*(?:NO|NR|NUMBER))?|SERIJSKI\s*BROJ|СЕРИЈСКИ\s*БРОЈ"
    r"|SER\s*\.?\s*(?:BR|NO|NR)|СЕР\s*\.?\s*БР|S\s*\.\s*BR|SBR|С\s*\.\s*БР"
    r"|FAB\s*\.?\s*(?:NR|NO|BR)|ФАБ\s*\.?\s*БР|SER|SN|NO|NR|BR|БР|№|#)"
)
_PREFIX_RE = re.compile(r"^\s*" + _LABEL + r"(?:\s*[.:#№-]+\s*|\s+|(?<=[.№#])(?=\w))")

_FOLD_TABLE: dict[int, int | str | None] = dict(VISUAL_TABLE)
_FOLD_TABLE.update({ord(c): None for c in SEPARATORS})
_CLEAN_TABLE: dict[int, int | None] = {ord(c): None for c in SEPARATORS}
_SKELETON_TABLE = {ord(k): ord(v) for k, v in LOOKALIKE_CLASSES.items()}
_NO_STAR = {ord(STAR): None}


@dataclass(frozen=True)
class Folded:
    """A serial after folding, plus the steps applied (for explanations)."""

    original: str
    folded: str
    skeleton: str
    steps: tuple[str, ...] = ()

    @property
    def has_star(self) -> bool:
        return STAR in self.folded


_ASCII_SEPS = "".join(c for c in SEPARATORS if c.isascii()).encode()
ASCII_SKEL = bytes.maketrans(
    "".join(LOOKALIKE_CLASSES).encode(), "".join(LOOKALIKE_CLASSES.values()).encode()
)
_PREFIX_START = "SNBБ№FФС#"  # first letters of the labels


def to_skeleton(folded: str) -> str:
    """Collapse look-alike classes and drop ``*`` (the indexable form)."""
    if folded.isascii():
        return folded.encode().translate(ASCII_SKEL, b"*").decode()
    return folded.translate(_SKELETON_TABLE).translate(_NO_STAR)


def to_skeleton_keep_star(folded: str) -> str:
    """Look-alike classes collapsed, same length as ``folded`` (for alignment)."""
    return folded.translate(_SKELETON_TABLE)


def skeleton_char(c: str) -> str:
    return LOOKALIKE_CLASSES.get(c, c)


class ModelPrefixes:
    """Folded model tokens plus one regex matching any look-alike spelling of them."""

    def __init__(self, tokens: Iterable[str]) -> None:
        folded = {fold_fast(t) for t in tokens}
        self.tokens = tuple(sorted((t for t in folded if t), key=len, reverse=True))
        inverse: dict[str, set[str]] = {}
        for k, v in LOOKALIKE_CLASSES.items():
            inverse.setdefault(v, {v}).add(k)
        alts = []
        for t in self.tokens:
            parts = [re.escape(c) for c in t.translate(_SKELETON_TABLE)]
            alts.append("".join(
                "[" + "".join(sorted(inverse[c])) + "]" if c in inverse else c for c in parts
            ))  # fmt: skip
        self.regex = re.compile("(?:" + "|".join(alts) + ")(?=.)", re.S) if alts else None

    def __bool__(self) -> bool:
        return self.regex is not None

    def strip(self, folded: str) -> tuple[str, str | None]:
        m = self.regex.match(folded) if self.regex is not None else None
        if m is None:
            return folded, None
        return folded[m.end() :], m.group(0)


def prepare_prefixes(model_prefixes: Iterable[str]) -> ModelPrefixes:
    """Compile model tokens for stripping (longest alternative first, so M70AB2 beats M70)."""
    return ModelPrefixes(model_prefixes)


def _strip_prefix(upper: str) -> tuple[str, str | None]:
    m = _PREFIX_RE.match(upper)
    if m is None or m.end() >= len(upper):
        return upper, None
    return upper[m.end() :], m.group(0).strip()


def strip_labels(upper: str) -> tuple[str, tuple[str, ...]]:
    """Upper-case serial without its leading labels (at most two: "S/N No. 123")."""
    labels: list[str] = []
    for _ in range(2):
        if upper.lstrip()[:1] not in _PREFIX_START:
            break
        upper, label = _strip_prefix(upper)
        if label is None:
            break
        labels.append(label)
    return upper, tuple(labels)


def clean(serial: str) -> str:
    """Upper case, labels and separators removed, letters as written (the text every
    reading starts from)."""
    return strip_labels(serial.upper())[0].translate(_CLEAN_TABLE)


def fold_fast(serial: str, model_prefixes: ModelPrefixes | None = None) -> str:
    """Folded form only (no step log): the bulk path used when building an index."""
    upper = serial.upper()
    if upper.lstrip()[:1] in _PREFIX_START:
        upper = strip_labels(upper)[0]
    if upper.isascii():
        folded = upper.encode().translate(None, _ASCII_SEPS).decode()
    else:
        folded = upper.translate(_FOLD_TABLE)
    if model_prefixes:
        folded = model_prefixes.strip(folded)[0]
    return folded


def fold(serial: str, model_prefixes: ModelPrefixes | None = None) -> Folded:
    """Fold ``serial`` (the visual reading) and record each rule that changed it.

    ``model_prefixes`` must come from :func:`prepare_prefixes`; a token is stripped
    only when more characters follow it (a bare "M70" stays a serial).
    """
    steps: list[str] = []
    upper, labels = strip_labels(serial.upper())
    steps.extend(f"prefix {label!r} removed" for label in labels)
    cyr = sorted({c for c in upper if c in VISUAL})
    if cyr:
        pairs = ", ".join(f"{c}→{VISUAL[c]}" for c in cyr)
        steps.append(f"Cyrillic look-alike letters read as Latin ({pairs})")
    other = sorted({c for c in upper if c in PHONETIC and c not in VISUAL})
    if other:
        pairs = ", ".join(f"{c}→{PHONETIC[c]}" for c in other)
        steps.append(f"Cyrillic letters transliterated ({pairs})")
    if any(c in SEPARATORS for c in upper):
        steps.append("separators ignored")
    folded = upper.translate(_FOLD_TABLE)
    if model_prefixes:
        folded, model = model_prefixes.strip(folded)
        if model is not None:
            steps.append(f"model prefix {model!r} removed")
    return Folded(serial, folded, to_skeleton(folded), tuple(steps))
