"""A query made ready for probing: its readings, budgets and block, and the reference
(pure Python) scoring of one query against one record, shared by the exhaustive scan and
the block scan so both rank with the arithmetic the vectorised path reproduces.

Acceptance contract (what "index == exhaustive scan" means): a record is accepted when
some reading's skeleton is within ``min(k(len reading), k(len record))`` OSA edits of the
record's skeleton, with ``k`` the ordinary budget — or, for a record in the query's
block (it agrees on every make/model/calibre/type the query gives) and the visual
reading of the serial as written, the wide budget (other readings keep the ordinary one:
each would multiply the block search). Of
the accepted readings the candidate keeps the best by ``(-score, units, reading index)``;
``units`` include the reading's own cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from kalibar.reference.fold import Folded, ModelPrefixes, clean, fold, to_skeleton
from kalibar.reference.readings import Designations, readings_of

from .config import MatchConfig
from .distance import skeleton_distance, weighted_cost_units
from .hashing import deletion_variants
from .rank import Normaliser, attribute_agreement, combine, normalise, serial_score


@dataclass(frozen=True)
class Reading:
    """One way of reading the query: ``folded``/``skeleton`` as the record fold makes
    them, ``k``/``wide`` the ordinary and in-block budgets, ``penalty`` its cost (units),
    ``set_aside`` the designations taken off the serial for this reading."""

    name: str
    folded: str
    skeleton: str
    k: int
    wide: int
    penalty: int
    set_aside: tuple[str, ...] = ()


@dataclass
class Prepared:
    serial: str
    prefixes: ModelPrefixes
    attrs: dict[str, str | None]
    readings: list[Reading]
    widened: bool
    variants: list[set[str]] = field(default_factory=list)

    @cached_property
    def folded(self) -> Folded:
        """The serial folded with its explanation steps (read only for explanations)."""
        return fold(self.serial, self.prefixes)

    @property
    def k(self) -> int:
        return self.readings[0].k if self.readings else 0

    def ensure_variants(self) -> list[set[str]]:
        if not self.variants:
            self.variants = [deletion_variants(r.skeleton, r.k) for r in self.readings]
        return self.variants


def prepare(
    config: MatchConfig,
    prefixes: ModelPrefixes,
    designations: Designations,
    normalisers: Mapping[str, Normaliser],
    serial: str,
    values: Mapping[str, str | None],
) -> Prepared:
    """Readings of ``serial`` (visual first; then the other readings; then the same for
    the serial with a designation set aside), de-duplicated by folded text."""
    attrs = normalise(values, normalisers)
    widened = any(v is not None for v in attrs.values())
    base = clean(serial)
    alternatives = [(base, ())] + designations.split(base)
    costs = config.costs
    seen: set[str] = set()
    readings: list[Reading] = []
    for text, aside in alternatives:
        for name, folded, skel in _text_readings(text, prefixes):
            if folded in seen:
                continue
            seen.add(folded)
            k, wide = _budgets(config, len(skel), "*" in folded)
            if name != "visual" or aside:  # the wide budget: the serial as seen and written
                wide = k
            pen = (0 if name == "visual" else costs.reading_units) + (
                costs.set_aside_units if aside else 0
            )
            readings.append(Reading(name, folded, skel, k, max(k, wide), pen, aside))
    if readings and readings[0].name == "visual" and not readings[0].set_aside:
        unk, star = costs.scaled[3], costs.scaled[4]
        for folded, unknown, covered in _fills(readings[0].folded):
            if folded in seen:
                continue
            seen.add(folded)
            skel = to_skeleton(folded)
            k = config.budget.for_length(len(skel))
            pen = unknown * unk + covered * star
            readings.append(Reading("filled", folded, skel, k, k, pen))
    return Prepared(serial, prefixes, attrs, readings, widened)


#: What an unreadable character is tried as (the record fold's alphabet: digits and
#: Latin capitals; Cyrillic is transliterated and diacritics dropped on the record side).
FILL = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Serials with more unreadable marks than this are not filled (the readings multiply).
FILL_MAX = 2


@lru_cache(maxsize=1 << 12)
def _fills(folded: str) -> tuple[tuple[str, int, int], ...]:
    """Readings of a serial with unreadable marks, one mark filled at a time:
    ``(folded, typed ? filled, characters under a * filled)``.

    An unreadable ``?`` spends an edit of the budget, so "36?6" (four characters: no
    edit) or "12?45X" with one more real error is out of reach; a ``*`` hiding two
    characters of a seven-character serial needs two edits where the budget allows one.
    Each ``?`` is tried as every character of :data:`FILL` that fits between its
    neighbours (:func:`_fill_chars`; the filled reading costs
    what the ``?`` costs, :attr:`Costs.unknown`, and leaves the budget for real
    errors); a ``*`` as one character, or as one character and one ``?`` either way
    round (the filled character costs :attr:`Costs.star_char`, the ``?`` what a typed
    one costs). Each filled text is an
    ordinary reading, so the index and the exhaustive scan still agree."""
    marks = [i for i, ch in enumerate(folded) if ch in "?*"]
    if not marks or len(marks) > FILL_MAX:
        return ()
    out: list[tuple[str, int, int]] = []
    for i in marks:
        head, tail = folded[:i], folded[i + 1 :]
        chars = _fill_chars(head[-1:], tail[:1])
        if folded[i] == "?":
            out.extend((head + c + tail, 1, 0) for c in chars)
        else:
            out.extend((head + c + tail, 0, 1) for c in chars)
            out.extend((head + c + "?" + tail, 0, 1) for c in chars)
            out.extend((head + "?" + c + tail, 0, 1) for c in chars)
    return tuple(out)


#: Fill a mark inside a run of digits with digits only, inside a run of letters with
#: letters only (serials are stamped in runs: "M70 BU7363", "ПМ 1234", "L12345Z"); at
#: either end of the serial or between a letter and a digit, with every character.
FILL_BY_NEIGHBOURS = True
_DIGITS, _LETTERS = FILL[:10], FILL[10:]


def _fill_chars(left: str, right: str) -> str:
    if not FILL_BY_NEIGHBOURS or not left or not right:
        return FILL
    if left in _DIGITS and right in _DIGITS:
        return _DIGITS
    if left in _LETTERS and right in _LETTERS:
        return _LETTERS
    return FILL


@lru_cache(maxsize=1 << 16)
def _text_readings(text: str, prefixes: ModelPrefixes) -> tuple[tuple[str, str, str], ...]:
    """``(name, folded, skeleton)`` of each reading of ``text`` with a non-empty
    skeleton, model prefixes stripped (kept: one text per distinct serial written)."""
    out = []
    for name, folded in readings_of(text):
        if prefixes:
            folded = prefixes.strip(folded)[0]
        skel = to_skeleton(folded)
        if skel:
            out.append((name, folded, skel))
    return tuple(out)


def _budgets(config: MatchConfig, n: int, star: bool) -> tuple[int, int]:
    """Ordinary and wide budget of a reading whose skeleton has ``n`` characters."""
    if star:
        return config.budget.max, config.wide_budget.max
    return config.budget.for_length(n), config.wide_budget.for_length(n)


def accepts(config: MatchConfig, r: Reading, skel: str, in_block: bool) -> int | None:
    """Skeleton distance when the record (skeleton ``skel``) is accepted, else None."""
    kp = min(r.k, config.budget.for_length(len(skel)))
    if in_block and r.wide > r.k:
        kp = max(kp, min(r.wide, config.wide_budget.for_length(len(skel))))
    d = skeleton_distance(r.skeleton, skel, kp)
    return d if d <= kp else None


#: rank key, reading index, skeleton edits, weighted units (penalty included)
Scored = tuple[tuple[float, int, int], int, int, int]


def best_reading(
    config: MatchConfig,
    p: Prepared,
    folded: str,
    attrs: Mapping[str, str | None] | None,
    in_block: bool,
) -> Scored | None:
    """The best accepted reading for a record (reference arithmetic), or None."""
    skel = to_skeleton(folded)
    c = config.costs.scaled
    a = attribute_agreement(p.attrs, attrs)[0] if attrs is not None else None
    best: Scored | None = None
    for i, r in enumerate(p.readings):
        d = accepts(config, r, skel, in_block)
        if d is None:
            continue
        units = weighted_cost_units(r.folded, folded, c) + r.penalty
        s = serial_score(units, len(r.folded), len(folded))
        key = (-combine(s, a, config.serial_weight), units, i)
        if best is None or key < best[0]:
            best = (key, i, d, units)
    return best
