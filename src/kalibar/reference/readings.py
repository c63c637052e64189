"""Readings of a serial: the ways one stamped serial reaches the register in writing.

A serial stamped in Cyrillic ("РС 1234", "ГЧ 123") is typed in the region either by
look (Р → P, С → C, Н → H, В → B, Х → X, У → Y) or by transliteration (Р → R, С → S,
Н → N, В → V, Х → H/KH, Ж → Ž/ZH, Ч → Č/CH, Ш → Š/SH, Щ → ŠČ/SHCH, Ц → C/TS, Й → J/Y,
Я → JA/YA, Ю → JU/YU, Ђ → Đ/DJ, Џ → DŽ; Ь/Ъ dropped), in the Serbian (diacritics) or the
Russian/English (digraph) manner, with or without diacritics. Records are folded once,
to the *visual* reading (:func:`kalibar.reference.fold.fold_fast`: look-alike Cyrillic
letters by look, every other Cyrillic letter transliterated, diacritics dropped, so the
stored form is plain Latin). A query is read every way it could have been written and
each distinct reading is probed; because the record side holds the visual reading, the
query side carries the inverse readings too:

``visual``       the record fold itself (no cost);
``phonetic``     Cyrillic transliterated, Latin digraphs folded to one letter (ZH → Z,
                 CH → C, SH → S, SHCH → SC, KH → H, TS → C, DJ → D, YA → JA): "GČ", "GCH"
                 and "ГЧ" all read "GC";
``digraphs``     Cyrillic and diacritics written the Russian/English way (Ж → ZH,
                 Č → CH, Х → KH, Я → YA): finds records typed with digraphs;
``as_cyrillic``  Latin look-alike letters taken as Cyrillic, then transliterated
                 ("PC" → "RS"): finds records typed by transliteration from a query
                 typed by look;
``as_lookalike`` transliterated letters turned back into the Latin look-alike of their
                 Cyrillic letter ("RS" → "PC", "NV" → "HB"; with and without H → X): finds
                 Cyrillic (or visually typed) records from a transliterated query.

Labels ("s.br.", "SN:", "№", "Fab. Nr.") are removed on both sides by the fold. Make
names and model designations ("M70", "CZ 99", "TT-33", "Makarov") are set aside only on
the query side and only as an *extra* reading: the unstripped reading is always probed
too, so a real serial that begins like a designation still matches exactly.

Every reading but the plain visual one costs :attr:`Costs.reading` (less than a
look-alike), setting a designation aside costs :attr:`Costs.set_aside`; the candidate
keeps the cheapest reading and names it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

#: Cyrillic letters with a Latin look-alike (the visual reading) → Latin.
VISUAL: dict[str, str] = {
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ё": "E",
    "Є": "E", "Ї": "I",
}  # fmt: skip

#: Every Cyrillic capital → Latin transliteration without diacritics (Serbian, with the
#: Russian/Ukrainian/Bulgarian letters Serbian lacks).
PHONETIC: dict[str, str] = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Ђ": "D", "Е": "E", "Ж": "Z",
    "З": "Z", "И": "I", "Ј": "J", "К": "K", "Л": "L", "Љ": "LJ", "М": "M", "Н": "N",
    "Њ": "NJ", "О": "O", "П": "P", "Р": "R", "С": "S", "Т": "T", "Ћ": "C", "У": "U",
    "Ф": "F", "Х": "H", "Ц": "C", "Ч": "C", "Џ": "DZ", "Ш": "S", "Щ": "SC", "Й": "J",
    "Ы": "Y", "Э": "E", "Ю": "JU", "Я": "JA", "Ь": "", "Ъ": "", "Ё": "JO", "І": "I",
    "Ї": "JI", "Є": "JE", "Ґ": "G", "Ў": "U", "Ѕ": "DZ", "Ѓ": "G", "Ќ": "K",
}  # fmt: skip

#: Letters transliterated with digraphs (Russian/English manner), Cyrillic and Latin.
DIGRAPHS: dict[str, str] = {
    "Ж": "ZH", "Ч": "CH", "Ш": "SH", "Щ": "SHCH", "Ц": "TS", "Х": "KH", "Й": "Y",
    "Ю": "YU", "Я": "YA", "Ђ": "DJ", "Ћ": "CH", "Џ": "DZ", "Ё": "YO", "Є": "YE",
    "Ї": "YI", "Ž": "ZH", "Č": "CH", "Š": "SH", "Đ": "DJ", "Ć": "CH",
}  # fmt: skip

#: Latin digraphs (and Y) folded to one letter by the phonetic reading, longest first.
_COLLAPSE = (("SHCH", "SC"), ("ZH", "Z"), ("CH", "C"), ("SH", "S"), ("KH", "H"),
             ("TS", "C"), ("DJ", "D"), ("YA", "JA"), ("YU", "JU"), ("YO", "JO"),
             ("YE", "JE"))  # fmt: skip
_COLLAPSE_RE = re.compile("|".join(a for a, _ in _COLLAPSE))
_COLLAPSE_MAP = dict(_COLLAPSE)

#: Latin look-alikes of Cyrillic letters, read as those letters and transliterated.
AS_CYRILLIC = {"P": "R", "C": "S", "H": "N", "B": "V", "X": "H", "Y": "U"}
#: Transliterations of those Cyrillic letters → their Latin look-alike.
AS_LOOKALIKE = {"R": "P", "S": "C", "N": "H", "V": "B", "U": "Y", "H": "X"}


def _latin_base() -> dict[str, str]:
    """Latin letters with diacritics (Latin-1 Supplement, Extended-A/B) → base letter."""
    out: dict[str, str] = {"Đ": "D", "Ø": "O", "Ł": "L", "Ħ": "H", "Ŧ": "T", "Ŋ": "N"}
    for cp in range(0xC0, 0x250):
        c = chr(cp)
        base = unicodedata.normalize("NFD", c)[:1]
        if c != base and base.isascii() and base.isalpha() and c.upper() == c:
            out[c] = base
    return out


LATIN_BASE = _latin_base()

#: The record fold's letter table (applied to upper-case text): visual Cyrillic, then the
#: rest of Cyrillic transliterated, Latin diacritics dropped.
VISUAL_TABLE: dict[int, str] = {ord(k): v for k, v in {**LATIN_BASE, **PHONETIC, **VISUAL}.items()}
_PHONETIC_TABLE = {ord(k): v for k, v in {**LATIN_BASE, **PHONETIC}.items()}
_DIGRAPH_TABLE = {ord(k): v for k, v in {**LATIN_BASE, **PHONETIC, **DIGRAPHS}.items()}
_AS_CYR_TABLE = str.maketrans(AS_CYRILLIC)
_AS_LOOK_TABLE = str.maketrans(AS_LOOKALIKE)
_AS_LOOK_KEEP_H = str.maketrans({k: v for k, v in AS_LOOKALIKE.items() if k != "H"})

#: Reading names in probing (and tie-breaking) order; "visual" is free.
READINGS = ("visual", "phonetic", "digraphs", "as_cyrillic", "as_lookalike")


#: Cyrillic letters read as digits by look (З → 3, Б → 6): only in a letter prefix.
_PREFIX_DIGIT = {"Z": "3", "B": "6"}
_PREFIX_LETTER = {"3": "Z", "6": "B"}


def _prefix(s: str, table: dict[str, str]) -> str:
    """Swap digit look-alikes in the first two characters when they hold a letter (the
    letter series of Soviet and Yugoslav serials: "ЗК 65120" typed "3K65120")."""
    head = s[:2]
    if not any(c.isalpha() for c in head):
        return s
    return "".join(table.get(c, c) for c in head) + s[2:]


def phonetic(clean: str) -> str:
    s = clean.translate(_PHONETIC_TABLE)
    return _COLLAPSE_RE.sub(lambda m: _COLLAPSE_MAP[m.group(0)], s)


@lru_cache(maxsize=1 << 16)
def readings_of(clean: str) -> tuple[tuple[str, str], ...]:
    """Distinct ``(name, folded)`` readings of an upper-case serial without separators
    (Cyrillic and diacritics kept), visual first (kept for the next queries: a hit
    scan reads the same texts again and again)."""
    visual = clean.translate(VISUAL_TABLE)
    ph = phonetic(clean)
    digraphs = clean.replace("DŽ", "Џ").translate(_DIGRAPH_TABLE)
    out = [("visual", visual), ("phonetic", ph), ("digraphs", digraphs)]
    out.append(("as_cyrillic", phonetic(_prefix(visual.translate(_AS_CYR_TABLE), _PREFIX_LETTER))))
    out.append(("as_lookalike", _prefix(ph.translate(_AS_LOOK_TABLE), _PREFIX_DIGIT)))
    out.append(("as_lookalike", ph.translate(_AS_LOOK_KEEP_H)))
    seen: set[str] = set()
    distinct = []
    for name, f in out:
        if f not in seen:
            seen.add(f)
            distinct.append((name, f))
    return tuple(distinct)


@dataclass(frozen=True)
class Designations:
    """Make names and model designations (visual readings, look-alike skeletons) that
    people write into the serial field, for setting aside on the query side."""

    skeletons: frozenset[str]
    longest: int

    @classmethod
    def of(cls, tokens: Iterable[str]) -> Designations:
        keep = set()
        for t in tokens:
            f = _fold.fold_fast(t)
            if 2 <= len(f) <= 16 and any(c.isalpha() for c in f):
                keep.add(_fold.to_skeleton(f))
        return cls(frozenset(keep), max(map(len, keep), default=0))

    def split(self, clean: str, min_rest: int = 3) -> list[tuple[str, tuple[str, ...]]]:
        """``(rest, set_aside)`` for each designation at the start (longest first), at the
        end, and the longest at both ends of ``clean`` (rest at least ``min_rest``
        characters)."""
        if not self.skeletons:
            return []
        skeletons, top = self.skeletons, min(self.longest, len(clean) - min_rest)
        if clean.isascii() and "*" not in clean:
            # Plain Latin: the visual reading is the text itself and the skeleton keeps
            # every position, so the skeleton of a part is that part of the skeleton.
            sk = _fold.to_skeleton(clean)
            hs = [i for i in range(top, 1, -1) if sk[:i] in skeletons]
            ts = [i for i in range(top, 1, -1) if sk[-i:] in skeletons]
        else:
            vs = _visual_skel
            hs = [i for i in range(top, 1, -1) if vs(clean[:i]) in skeletons]
            ts = [i for i in range(top, 1, -1) if vs(clean[-i:]) in skeletons]
        out: list[tuple[str, tuple[str, ...]]] = []
        hs, ts = hs[:_MAX_SPLITS], ts[:_MAX_SPLITS]
        out.extend((clean[h:], (clean[:h],)) for h in hs)
        out.extend((clean[:-t], (clean[-t:],)) for t in ts)
        out.extend(
            (clean[h:-t], (clean[:h], clean[-t:]))
            for h in hs[:1]
            for t in ts[:1]
            if len(clean) - h - t >= min_rest
        )
        return out


#: At most this many designations tried at each end (longest first: "CZ999", "CZ99").
_MAX_SPLITS = 3

NO_DESIGNATIONS = Designations(frozenset(), 0)


def _visual_skel(part: str) -> str:
    return _fold.to_skeleton(part.translate(VISUAL_TABLE))


# At the end: ``fold`` imports this module's tables (either may be imported first).
from . import fold as _fold  # noqa: E402
