"""Deletion variants and their 64-bit hashes (symmetric-delete keys).

Build-time generation is vectorised: all skeletons of one length form a ``(count, L)``
array of code points, and a depth-first walk over "keep / delete column j" shares the
hash state of common prefixes, so each numpy operation hashes a whole column for
millions of records at once. The query side hashes explicit variant strings with the
same step function, so both sides agree bit for bit (a test checks this).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

_SEED = np.uint64(0xCBF29CE484222325)
_PRIME = np.uint64(0x100000001B3)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def encode(strings: list[str], length: int) -> np.ndarray:
    """Equal-length strings → ``(count, length)`` uint32 code points."""
    raw = "".join(strings).encode("utf-32-le")
    return np.frombuffer(raw, dtype="<u4").reshape(len(strings), length)


def _step(h: np.ndarray, col: np.ndarray) -> np.ndarray:
    out = h ^ col
    out *= _PRIME
    return out


def _finish(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads FNV's weak high bits, which we keep."""
    x = h ^ (h >> _S30)
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


def hash_rows(codes: np.ndarray) -> np.ndarray:
    """Hash each row of a ``(count, L)`` uint32 array to uint64."""
    h = np.full(codes.shape[0], _SEED, dtype=np.uint64)
    for j in range(codes.shape[1]):
        h = _step(h, codes[:, j].astype(np.uint64))
    return _finish(h)


def hash_strings(strings: Iterable[str]) -> np.ndarray:
    """Hash arbitrary strings (grouped by length internally), preserving order."""
    items = list(strings)
    out = np.empty(len(items), dtype=np.uint64)
    groups: dict[int, list[int]] = {}
    for i, s in enumerate(items):
        groups.setdefault(len(s), []).append(i)
    for length, idx in groups.items():
        out[idx] = hash_rows(encode([items[i] for i in idx], length))
    return out


def count_variants(length: int, k: int) -> int:
    """Number of deletion variants (with repeats) of a string: sum of C(L, d), d ≤ k."""
    total, c = 0, 1
    for d in range(k + 1):
        total += c
        c = c * (length - d) // (d + 1)
    return total


def variant_hashes(codes: np.ndarray, k: int) -> Iterator[np.ndarray]:
    """Yield, per deletion pattern, the hashes of every row with those columns deleted."""
    length = codes.shape[1]
    cols = [codes[:, j].astype(np.uint64) for j in range(length)]

    def walk(j: int, h: np.ndarray, deleted: int) -> Iterator[np.ndarray]:
        if j == length:
            yield _finish(h)
            return
        yield from walk(j + 1, _step(h, cols[j]), deleted)
        if deleted < k:
            yield from walk(j + 1, h, deleted + 1)

    yield from walk(0, np.full(codes.shape[0], _SEED, dtype=np.uint64), 0)


def deletion_variants(s: str, k: int) -> set[str]:
    """All distinct strings obtained from ``s`` by deleting at most ``k`` characters."""
    out = {s}
    level = {s}
    for _ in range(min(k, len(s))):
        level = {v[:i] + v[i + 1 :] for v in level for i in range(len(v))}
        out |= level
    return out
