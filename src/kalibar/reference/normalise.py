"""Normalisers: map free-text make, model, calibre and type to the catalogue.

Seizure reports, customs declarations and partner records spell the same thing many ways
("Crvena Zastava", "ЗАСТАВА", "Zastva"; "7,62 M43", "7.62x39"; "M-70 AB2"). Matching,
statistics and tracing need one canonical value, and the officer needs to see *why* a value
was chosen. Each normaliser therefore returns a :class:`Match` with the canonical value,
the kind of match and a one-line explanation; unknown text returns ``None`` and the caller
keeps the text as entered and flags it for review.

Lookups are O(1): for every canonical name and alias we index two keys, the
:func:`~kalibar.reference.script.search_key` and the compact key (no spaces or punctuation).
Only when both miss do we fall back to fuzzy matching with rapidfuzz:

* similarity is :func:`rapidfuzz.fuzz.ratio` on compact keys (0-100, normalised Indel
  distance). Thresholds: makes 85 (one wrong, missing or doubled letter in a 7-letter
  name: "Zastva", "Berreta"), models 90, calibres 85, types and modifications 85;
* fuzzy matching needs at least 4 characters (5 for types): short codes ("HK", "M72")
  are too close to each other for edit distance to mean anything;
* for models and calibres the digits must agree exactly, because a different digit is a
  different gun ("M70" vs "M76") or cartridge, never a typo worth guessing;
* if the best fuzzy score is shared by two different values, no match is returned.

When one key names two catalogue entries (an alias equal to another entry's name), the
canonical name wins over an alias; if still tied, the text is ambiguous and gets ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from kalibar.reference.catalogue import active_catalogue
from kalibar.reference.script import compact_key, has_cyrillic, search_key

__all__ = [
    "FUZZY_CUTOFF",
    "Match",
    "MatchKind",
    "calibre_key",
    "normalise_calibre",
    "normalise_make",
    "normalise_model",
    "normalise_modification",
    "normalise_weapon_type",
]

MatchKind = Literal["exact", "alias", "transliteration", "fuzzy"]

FUZZY_CUTOFF: dict[str, float] = {
    "make": 85.0,
    "model": 90.0,
    "calibre": 85.0,
    "weapon_type": 85.0,
    "modification": 85.0,
}
_FUZZY_MIN_LEN = {"make": 4, "model": 4, "calibre": 4, "weapon_type": 5, "modification": 5}


@dataclass(frozen=True, slots=True)
class Match:
    """The result of normalising one piece of text.

    ``value`` is the canonical identifier (make code, model name, calibre name, type or
    modification code); ``label`` is what to show ("Zastava M70AB2"); ``explanation`` says
    how the text was matched, for the officer and the audit trail.
    """

    value: str
    label: str
    input: str
    kind: MatchKind
    explanation: str
    score: float = 100.0
    make_code: str | None = None


@dataclass(frozen=True, slots=True)
class _Entry:
    value: str
    label: str
    spelling: str
    canonical: bool
    make_code: str | None = None


@dataclass(slots=True)
class _Index:
    """Two exact-key dictionaries plus the list of keys for the fuzzy fallback."""

    keyfn: Callable[[str], str]
    compactfn: Callable[[str], str]
    by_key: dict[str, list[_Entry]] = field(default_factory=dict)
    by_compact: dict[str, list[_Entry]] = field(default_factory=dict)
    fuzzy_keys: list[str] = field(default_factory=list)
    fuzzy_entries: list[_Entry] = field(default_factory=list)

    def add(self, entry: _Entry) -> None:
        key = self.keyfn(entry.spelling)
        compact = self.compactfn(entry.spelling)
        if not compact:
            return
        for table, k in ((self.by_key, key), (self.by_compact, compact)):
            bucket = table.setdefault(k, [])
            if entry not in bucket:
                bucket.append(entry)
        self.fuzzy_keys.append(compact)
        self.fuzzy_entries.append(entry)

    def collisions(self) -> dict[str, set[str]]:
        """Compact keys claimed by more than one value (used by the data tests)."""
        return {
            k: {e.value if e.make_code is None else f"{e.make_code}:{e.value}" for e in v}
            for k, v in self.by_compact.items()
            if len({(e.make_code, e.value) for e in v}) > 1
        }

    def exact(self, text: str) -> list[_Entry]:
        return self.by_key.get(self.keyfn(text)) or self.by_compact.get(self.compactfn(text)) or []


def _pick(entries: list[_Entry]) -> _Entry | None:
    """One value from a key's bucket: canonical names beat aliases; otherwise ambiguous."""
    values = {(e.make_code, e.value) for e in entries}
    if len(values) == 1:
        return next((e for e in entries if e.canonical), entries[0])
    canon = {(e.make_code, e.value) for e in entries if e.canonical}
    if len(canon) == 1:
        return next(e for e in entries if e.canonical)
    return None


def _exact_match(text: str, entries: list[_Entry]) -> Match | None:
    entry = _pick(entries)
    if entry is None:
        return None
    same_value = [e for e in entries if (e.make_code, e.value) == (entry.make_code, entry.value)]
    folded = unicodedata.normalize("NFC", text).strip().casefold()
    literal = [e for e in same_value if e.spelling.casefold() == folded]
    kind: MatchKind
    if has_cyrillic(text) and not literal:
        kind, how = "transliteration", "transliterated from Cyrillic"
    elif literal:
        kind = "exact" if any(e.canonical for e in literal) else "alias"
        how = kind
    elif any(e.canonical for e in same_value):
        kind, how = "exact", "exact, ignoring case, spacing and accents"
    else:
        kind, how = "alias", "alias"
    return Match(
        value=entry.value,
        label=entry.label,
        input=text,
        kind=kind,
        explanation=f"{text.strip()} = {entry.label} ({how})",
        make_code=entry.make_code,
    )


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


def _fuzzy_match(
    text: str,
    index: _Index,
    what: str,
    *,
    same_digits: bool = False,
) -> Match | None:
    query = index.compactfn(text)
    if len(query) < _FUZZY_MIN_LEN[what] or not index.fuzzy_keys:
        return None
    results = process.extract(
        query, index.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF[what], limit=10
    )
    if same_digits:
        results = [r for r in results if _digits(r[0]) == _digits(query)]
    if not results:
        return None
    best_score = results[0][1]
    best = [index.fuzzy_entries[i] for _, score, i in results if score == best_score]
    if len({(e.make_code, e.value) for e in best}) > 1:
        return None
    entry = best[0]
    return Match(
        value=entry.value,
        label=entry.label,
        input=text,
        kind="fuzzy",
        explanation=(
            f"{text.strip()} ≈ {entry.label} (fuzzy: {best_score:.0f}% similar to "
            f"'{entry.spelling}'; please confirm)"
        ),
        score=float(best_score),
        make_code=entry.make_code,
    )


# --------------------------------------------------------------------------- indexes

_CALIBRE_NOISE = frozenset(
    {"mm", "kal", "cal", "kalibar", "kalibra", "kaliber", "caliber", "calibre", "calibar"}
)
_TIMES_BETWEEN_DIGITS = re.compile(r"(?<=\d)\s*[×xXхХ*]\s*(?=\d)")
_LEADING_CAL = re.compile(r"^(?:kal|cal)(?=\d)")
_MM_AFTER_DIGIT = re.compile(r"(?<=\d)mm")


def calibre_key(text: str) -> str:
    """Compact key for calibres: ignores case, spacing, decimal comma/point, ×/x, "mm", "kal."."""
    text = _TIMES_BETWEEN_DIGITS.sub("x", unicodedata.normalize("NFKC", text))
    tokens = [t for t in search_key(text).split() if t not in _CALIBRE_NOISE]
    key = _LEADING_CAL.sub("", "".join(tokens))
    return _MM_AFTER_DIGIT.sub("", key)


def _entries(
    value: str, label: str, name: str, aliases: Iterable[str], make_code: str | None = None
) -> Iterable[_Entry]:
    yield _Entry(value, label, name, True, make_code)
    for alias in aliases:
        yield _Entry(value, label, alias, False, make_code)


@lru_cache(maxsize=1)
def _make_index() -> _Index:
    index = _Index(search_key, compact_key)
    for make in active_catalogue().makes.values():
        for e in _entries(make.code, make.name, make.name, make.aliases):
            index.add(e)
    return index


@lru_cache(maxsize=1)
def _model_indexes() -> tuple[_Index, dict[str, _Index]]:
    """A global model index and one per make (keyed by make code)."""
    everywhere = _Index(search_key, compact_key)
    per_make: dict[str, _Index] = {}
    for make in active_catalogue().makes.values():
        idx = per_make[make.code] = _Index(search_key, compact_key)
        for model in make.models:
            label = f"{make.name} {model.name}"
            for e in _entries(model.name, label, model.name, model.aliases, make.code):
                idx.add(e)
                everywhere.add(e)
    return everywhere, per_make


@lru_cache(maxsize=1)
def _calibre_index() -> _Index:
    index = _Index(calibre_key, calibre_key)
    for cal in active_catalogue().calibres.values():
        for e in _entries(cal.name, cal.name, cal.name, cal.aliases):
            index.add(e)
    return index


@lru_cache(maxsize=1)
def _type_index() -> _Index:
    index = _Index(search_key, compact_key)
    for t in active_catalogue().weapon_types.values():
        for e in _entries(t.code, t.label, t.code, (t.label, *t.aliases)):
            index.add(e)
    return index


@lru_cache(maxsize=1)
def _modification_index() -> _Index:
    index = _Index(search_key, compact_key)
    for m in active_catalogue().modifications.values():
        for e in _entries(m.code, m.label, m.code, (m.label, *m.aliases)):
            index.add(e)
    return index


# --------------------------------------------------------------------------- public API


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text or None


def normalise_make(text: str | None) -> Match | None:
    """Canonical make for ``text`` ("Crvena Zastava", "Застава", "H&K", "Zastva") or None."""
    text = _clean(text)
    if text is None:
        return None
    index = _make_index()
    hits = index.exact(text)
    if hits:
        return _exact_match(text, hits)
    return _fuzzy_match(text, index, "make")


def makes_with_words(text: str | None) -> list[str]:
    """Codes of the makes one of whose names has every word of ``text`` as a word, in
    either script and without diacritics: "crvena" or "Црвена" alone finds Crvena Zastava
    (a token search; :func:`normalise_make` wants the whole name or an alias)."""
    words = search_key(text or "").split()
    if not words:
        return []
    found: dict[str, None] = {}
    for key, entries in _make_index().by_key.items():
        tokens = key.split()
        if all(w in tokens for w in words):
            found.update(dict.fromkeys(e.value for e in entries))
    return sorted(found)


def _split_make_prefix(compact: str) -> list[tuple[str, str]]:
    """(make code, remainder) for every make name/alias the compact text starts with."""
    make_index = _make_index()
    out: list[tuple[str, str]] = []
    for cut in range(len(compact) - 1, 0, -1):
        entry = _pick(make_index.by_compact.get(compact[:cut], []))
        if entry is not None:
            out.append((entry.value, compact[cut:]))
    return out


def normalise_model(make_code: str | None, text: str | None) -> Match | None:
    """Canonical model for ``text``, within ``make_code`` when it is known.

    Spacing, hyphens and case do not matter ("M70AB2" = "M70 AB2" = "M-70 ab2"); a leading
    make name is understood ("Zastava M70", "CZ75B", "Glock 17"). Without a make, a model
    designation that only one make uses is returned with its ``make_code``; a designation
    shared by several makes (e.g. "92") returns None unless the make is also in the text.
    """
    text = _clean(text)
    if text is None:
        return None
    everywhere, per_make = _model_indexes()
    compact = compact_key(text)
    if make_code is not None:
        index = per_make.get(make_code)
        if index is None:
            return None
        hits = index.exact(text)
        if hits:
            return _exact_match(text, hits)
        for code, rest in _split_make_prefix(compact):
            if code == make_code and rest in index.by_compact:
                return _exact_match(text, index.by_compact[rest])
        return _fuzzy_match(text, index, "model", same_digits=True)
    hits = everywhere.exact(text)
    if hits and _pick(hits) is not None:
        return _exact_match(text, hits)
    for code, rest in _split_make_prefix(compact):
        sub = per_make[code].by_compact.get(rest)
        if sub:
            return _exact_match(text, sub)
    return None


def normalise_calibre(text: str | None) -> Match | None:
    """Canonical calibre ("7,62 M43" -> "7.62×39mm", "kal. 12" -> "12 gauge") or None."""
    text = _clean(text)
    if text is None:
        return None
    index = _calibre_index()
    hits = index.exact(text)
    if hits:
        return _exact_match(text, hits)
    return _fuzzy_match(text, index, "calibre", same_digits=True)


def normalise_weapon_type(text: str | None) -> Match | None:
    """IAFQ weapon type code ("pištolj", "пушка", "automatska puška", "SMG") or None."""
    text = _clean(text)
    if text is None:
        return None
    index = _type_index()
    hits = index.exact(text)
    if hits:
        return _exact_match(text, hits)
    return _fuzzy_match(text, index, "weapon_type")


def normalise_modification(text: str | None) -> Match | None:
    """Modification code ("preinačen", "3D printed", "izbrisan serijski broj") or None."""
    text = _clean(text)
    if text is None:
        return None
    index = _modification_index()
    hits = index.exact(text)
    if hits:
        return _exact_match(text, hits)
    return _fuzzy_match(text, index, "modification")


def reset_indexes() -> None:
    """Forget the lookup indexes so they are rebuilt from the active catalogue."""
    for cached in (_make_index, _model_indexes, _calibre_index, _type_index,
                   _modification_index):
        cached.cache_clear()
