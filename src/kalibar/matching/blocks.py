"""Widened search inside a block: the records that agree on every attribute the query
gives (make, model, calibre, type) are searched with the wide budget (two real errors in
a 5–7 character serial, three from 8 characters on).

Exact through the ordinary index, by one step of neighbours: if a record is ``e`` OSA
edits from the query, applying one edit of an optimal script gives a neighbour ``q'`` of
the query (one substitution, insertion, deletion or transposition, with characters of
the register's skeleton alphabet) that is ``e - 1`` edits from the record. The wide
budget is one more than the ordinary one for every length where it applies, so
``e - 1`` is within the record's own indexed deletions, and probing each neighbour's
deletion variants (up to ``wide - 1``) finds every record within the wide budget. The
probe returns records of every make; the block's codes filter them before the exact
check. A block that is small next to the number of variants the probe would look up is
instead scanned directly (rapidfuzz ``process.cdist`` with ``score_cutoff``), which is
exact by construction; its skeletons are kept for the next checks, ordered by length, so
that a check scans only the records whose length is within the wide budget of its own
(OSA distance is at least the difference of the lengths).
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from kalibar.reference.fold import ASCII_SKEL, to_skeleton

from .hashing import count_variants, encode, variant_hashes
from .index import BaseIndex
from .prepare import Prepared
from .vector import RecordText

#: A block is scanned directly (bit-parallel OSA, about 35 ns a record) when it has at
#: most this many records per neighbour variant the index probe would look up (hashing
#: and a bucket of the entries' directory, about 0.2 µs each; measured at 1M records),
#: and at most SCAN_MAX records (its skeletons are kept).
SCAN_PER_PROBE = 5
SCAN_MAX = 1_000_000
#: Skeletons kept for scanned blocks, over all blocks (about 60 bytes each).
SKELETONS_KEPT = 2_000_000
_KEEP = 64


def neighbours(s: str, alphabet: str) -> set[str]:
    """Every string one OSA edit from ``s`` over ``alphabet`` (plus ``s`` itself); the
    reference for :func:`neighbour_codes`."""
    out = {s}
    for i in range(len(s)):
        head, tail = s[:i], s[i + 1 :]
        out.add(head + tail)
        out.update(head + c + tail for c in alphabet)
        if i + 1 < len(s):
            out.add(head + s[i + 1] + s[i] + s[i + 2 :])
    for i in range(len(s) + 1):
        out.update(s[:i] + c + s[i:] for c in alphabet)
    return out


def neighbour_codes(s: str, alphabet: np.ndarray) -> list[np.ndarray]:
    """:func:`neighbours` as code-point arrays, one ``(count, length)`` array per length
    (with repeats; the probe de-duplicates)."""
    q = encode([s], len(s))[0]
    n, a = len(q), len(alphabet)
    groups = [q[None, :]]
    if n:
        subs = np.repeat(q[None, :], n * a, axis=0).reshape(n, a, n)
        subs[np.arange(n), :, np.arange(n)] = alphabet[None, :]
        groups.append(subs.reshape(n * a, n))
        swaps = np.repeat(q[None, :], max(n - 1, 0), axis=0)
        for i in range(n - 1):
            swaps[i, i], swaps[i, i + 1] = q[i + 1], q[i]
        groups.append(swaps)
    if n > 1:
        keep = ~np.eye(n, dtype=bool)
        groups.append(np.broadcast_to(q, (n, n))[keep].reshape(n, n - 1))
    ins = np.empty(((n + 1) * a, n + 1), dtype=q.dtype)
    for i in range(n + 1):
        rows = ins[i * a : (i + 1) * a]
        rows[:, :i] = q[:i]
        rows[:, i] = alphabet
        rows[:, i + 1 :] = q[i:]
    groups.append(ins)
    return [g for g in groups if g.size]


class BlockCache:
    """Block search over one base (keeps the register's skeleton alphabet)."""

    def __init__(self, base: BaseIndex) -> None:
        self.base = base
        self._alphabet: str | None = None
        self.scan_max = SCAN_MAX
        self._blocks: OrderedDict[tuple[tuple[str, str], ...], tuple[np.ndarray, list[str]]]
        self._blocks = OrderedDict()
        self._lengths: dict[tuple[tuple[str, str], ...], np.ndarray] = {}

    def block(self, attrs: dict[str, str | None]) -> tuple[np.ndarray, list[str]]:
        """Ordinals of the block (kept for the next checks) and its skeletons once it has
        been scanned (empty list before)."""
        given = tuple(sorted((k, v) for k, v in attrs.items() if v is not None))
        hit = self._blocks.get(given)
        if hit is None:
            ords = np.flatnonzero(self.in_block(attrs, np.arange(len(self.base))))
            hit = self._blocks[given] = (ords, [])
            if len(self._blocks) > _KEEP:
                self._lengths.pop(self._blocks.popitem(last=False)[0], None)
        self._blocks.move_to_end(given)
        return hit

    def _skeletons(self, attrs: dict[str, str | None]) -> tuple[np.ndarray, list[str], np.ndarray]:
        """The block's ordinals, skeletons and skeleton lengths, ordered by length (then
        ordinal)."""
        ords, skels = self.block(attrs)
        given = tuple(sorted((k, v) for k, v in attrs.items() if v is not None))
        if len(ords) and not skels:
            text = RecordText(self.base).skeletons(ords)
            skels = [t.decode() if isinstance(t, bytes) else t for t in text]
            lens = np.fromiter(map(len, skels), dtype=np.int64, count=len(skels))
            order = np.argsort(lens, kind="stable")
            ords = ords[order]
            skels = [skels[i] for i in order.tolist()]
            self._blocks[given] = (ords, skels)
            self._lengths[given] = lens[order]
            # Keep at most SKELETONS_KEPT skeletons over all blocks (least recent dropped).
            held = sum(len(v[1]) for v in self._blocks.values())
            for key in list(self._blocks):
                if held <= SKELETONS_KEPT or key == given:
                    continue
                held -= len(self._blocks[key][1])
                self._blocks[key] = (self._blocks[key][0], [])
                self._lengths.pop(key, None)
        return ords, skels, self._lengths.get(given, np.empty(0, np.int64))

    def alphabet(self) -> str:
        """Characters of the register's skeletons (what an edit can bring in)."""
        if self._alphabet is None:
            base = self.base
            if base.plain_ascii():
                raw = np.asarray(base.blob).tobytes().translate(ASCII_SKEL)
                chars = {chr(b) for b in np.unique(np.frombuffer(raw, dtype=np.uint8)).tolist()}
            else:
                chars = set("".join(to_skeleton(f) for f in base.all_folded()))
            self._alphabet = "".join(sorted(chars))
        return self._alphabet

    def in_block(self, attrs: dict[str, str | None], ords: np.ndarray) -> np.ndarray:
        """Mask of ``ords`` whose records agree on every given attribute."""
        base = self.base
        mask = np.ones(len(ords), dtype=bool)
        for name, value in attrs.items():
            if value is None:
                continue
            codes = base.codes.get(name)
            vocab = base.vocab.get(name, [])
            if codes is None or value not in vocab:
                return np.zeros(len(ords), dtype=bool)
            mask &= np.asarray(codes[ords]) == vocab.index(value)
        return mask

    def scan(self, p: Prepared, dead: set[int]) -> list[int]:
        """Block ordinals that may be within some reading's wide budget (a superset:
        the caller checks each exactly)."""
        if not len(self.base):
            return []
        wide = [r for r in p.readings if r.wide > r.k and r.skeleton]
        ords, _ = self.block(p.attrs)
        if not wide or not len(ords):
            return []
        n_alpha = len(self.alphabet())
        probes = sum(
            (2 * len(r.skeleton) + 1) * n_alpha * count_variants(len(r.skeleton), r.wide - 1)
            for r in wide
        )
        if len(ords) <= min(self.scan_max, SCAN_PER_PROBE * probes):
            ords, skels, lens = self._skeletons(p.attrs)
            found: set[int] = set()
            for r in wide:
                n = len(r.skeleton)
                lo = int(np.searchsorted(lens, n - r.wide, side="left"))
                hi = int(np.searchsorted(lens, n + r.wide, side="right"))
                if lo >= hi:
                    continue
                d = process.cdist([r.skeleton], skels[lo:hi], scorer=OSA.distance,
                                  score_cutoff=r.wide, dtype=np.int32)[0]  # fmt: skip
                found.update(ords[lo + np.flatnonzero(d <= r.wide)].tolist())
            return sorted(o for o in found if o not in dead)
        alphabet = encode([self.alphabet()], len(self.alphabet()))[0]
        parts: list[np.ndarray] = []
        for r in wide:
            for codes in neighbour_codes(r.skeleton, alphabet):
                k = min(r.wide - 1, codes.shape[1])
                parts.extend(variant_hashes(np.ascontiguousarray(codes), k))
        if not parts:
            return []
        hashes = np.unique(np.concatenate(parts))
        _, ords = self.base.probe_few(hashes, np.zeros(len(hashes), np.int64))
        ords = np.unique(ords)
        ords = ords[self.in_block(p.attrs, ords)]
        return [o for o in ords.tolist() if o not in dead]
