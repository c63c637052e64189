"""Widened search inside a block: the records that agree on every attribute the query
gives (make, model, calibre, type) are scanned with the wide budget (two real errors in a
5–7 character serial, three from 8 characters on).

A block is found with a vectorised comparison of the attribute codes and its skeletons
are kept (a few recently used blocks), so a check scans one block with rapidfuzz's
bit-parallel OSA (``process.cdist`` with ``score_cutoff``) — exact by construction.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .index import BaseIndex
from .prepare import Prepared

_KEEP = 8


class BlockCache:
    """Ordinals and skeletons of recently used blocks of one base."""

    def __init__(self, base: BaseIndex) -> None:
        self.base = base
        self._cache: OrderedDict[tuple[tuple[str, str], ...], tuple[np.ndarray, list[str]]] = (
            OrderedDict()
        )

    def block(self, attrs: Mapping[str, str | None]) -> tuple[np.ndarray, list[str]]:
        """Base ordinals (ascending) of the records agreeing on every given attribute."""
        from .fold import to_skeleton

        given = tuple(sorted((k, v) for k, v in attrs.items() if v is not None))
        hit = self._cache.get(given)
        if hit is not None:
            self._cache.move_to_end(given)
            return hit
        base = self.base
        mask = np.ones(len(base), dtype=bool)
        for name, value in given:
            codes = base.codes.get(name)
            vocab = base.vocab.get(name, [])
            if codes is None or value not in vocab:
                mask[:] = False
                break
            mask &= np.asarray(codes) == vocab.index(value)
        ords = np.flatnonzero(mask)
        text = base.all_folded() if len(ords) > len(base) // 4 else None
        skels = [to_skeleton(text[o] if text else base.folded(o)) for o in ords.tolist()]
        self._cache[given] = (ords, skels)
        if len(self._cache) > _KEEP:
            self._cache.popitem(last=False)
        return ords, skels

    def scan(self, p: Prepared, dead: set[int]) -> list[int]:
        """Block ordinals within some reading's wide budget (superset of the accepted:
        the caller applies the per-length rule)."""
        ords, skels = self.block(p.attrs)
        if not len(ords):
            return []
        found: set[int] = set()
        for r in p.readings:
            if r.wide <= 0:
                continue
            d = process.cdist(
                [r.skeleton], skels, scorer=OSA.distance, score_cutoff=r.wide, dtype=np.int32
            )[0]
            found.update(ords[np.flatnonzero(d <= r.wide)].tolist())
        return sorted(o for o in found if o not in dead)
