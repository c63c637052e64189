"""The immutable base index: symmetric-delete keys in one sorted, memory-mapped array.

Every record's skeleton contributes the hashes of all its variants with up to k
deletions (k from :class:`EditBudget` by length). Each entry is one uint64: the high
bits are the variant hash, the low ``ord_bits`` bits the record ordinal, so a single
sorted array serves as both hash table and posting lists (8 bytes per entry, no
pointer structures) and ``np.load(mmap_mode="r")`` lets worker processes share it.
A truncated hash only admits a few false candidates; verification removes them.

Per record we also keep the folded serial (one UTF-8 blob + offsets), the key
(:class:`KeyStore`) and attribute codes per field (vocabulary + small-int array).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

from kalibar.reference.fold import ASCII_SKEL, to_skeleton

from .config import MatchConfig
from .hashing import count_variants, encode, variant_hashes
from .keys import KeyStore

FORMAT = 1
_CHUNK = 1 << 20


def _code_dtype(n: int) -> type[np.unsignedinteger]:
    return np.uint8 if n < 256 else (np.uint16 if n < 65536 else np.uint32)


def _groups_from_blob(
    skel: np.ndarray, offsets: np.ndarray, lengths: np.ndarray
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    starts = offsets[:-1].astype(np.int64)
    for n in np.unique(lengths).tolist():
        if n == 0:
            continue
        ords = np.flatnonzero(lengths == n)
        for c in range(0, len(ords), _CHUNK):
            part = ords[c : c + _CHUNK]
            yield part, skel[starts[part][:, None] + np.arange(n)].astype(np.uint32)


def _groups_from_strings(skeletons: Iterable[str]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    by_len: dict[int, list[int]] = {}
    items = list(skeletons)
    for i, s in enumerate(items):
        by_len.setdefault(len(s), []).append(i)
    for n, ix in sorted(by_len.items()):
        for c in range(0, len(ix), _CHUNK):
            part = ix[c : c + _CHUNK]
            if n:
                yield np.array(part, dtype=np.int64), encode([items[i] for i in part], n)


class BaseIndex:
    """Read-only index over ``n`` records with ordinals ``0..n-1`` (in key order)."""

    def __init__(
        self,
        config: MatchConfig,
        entries: np.ndarray,
        blob: np.ndarray,
        offsets: np.ndarray,
        keys: KeyStore,
        vocab: dict[str, list[str | None]],
        codes: dict[str, np.ndarray],
    ) -> None:
        self.config = config
        self.entries = entries
        self.blob = blob
        self.offsets = offsets
        self.keys = keys
        self.vocab = vocab
        self.codes = codes
        self.ord_bits = max(1, (len(keys) - 1).bit_length())
        self.ord_mask = np.uint64((1 << self.ord_bits) - 1)
        self._plain: bool | None = None
        self._view: memoryview | None = None
        self._directory: tuple[int, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.keys)

    # -- build -------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        config: MatchConfig,
        keys: list[str],
        folded: list[str],
        attrs: Mapping[str, Sequence[str | None]],
    ) -> BaseIndex:
        """Index already-folded serials (callers fold; merges reuse stored folds)."""
        store, order = KeyStore.sort(keys)
        folded = [folded[i] for i in order]
        vocab: dict[str, list[str | None]] = {}
        codes: dict[str, np.ndarray] = {}
        for name, values in attrs.items():
            words = sorted({v for v in values if v is not None})
            table: dict[str | None, int] = {None: 0} | {w: i + 1 for i, w in enumerate(words)}
            raw = np.fromiter(map(table.__getitem__, values), dtype=np.int64, count=len(values))
            vocab[name] = [None, *words]
            codes[name] = raw[order].astype(_code_dtype(len(table)))
        joined = "".join(folded)
        if joined.isascii():
            lengths = np.fromiter(map(len, folded), dtype=np.int64, count=len(folded))
            blob = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
        else:
            enc = [s.encode() for s in folded]
            lengths = np.fromiter(map(len, enc), dtype=np.int64, count=len(enc))
            blob = np.frombuffer(b"".join(enc), dtype=np.uint8)
        offsets = np.zeros(len(folded) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        offsets = offsets.astype(np.uint32 if offsets[-1] < 2**32 else np.uint64)
        index = cls(config, np.empty(0, np.uint64), blob, offsets, store, vocab, codes)
        index._plain = joined.isascii() and "*" not in joined
        if joined.isascii() and "*" not in joined:
            # Skeletons have the same length as the folded serials: gather them straight
            # from one translated blob, no per-record Python.
            skel = np.frombuffer(joined.encode().translate(ASCII_SKEL), dtype=np.uint8)
            index.entries = index._build_entries(_groups_from_blob(skel, offsets, lengths))
        else:
            index.entries = index._build_entries(_groups_from_strings(map(to_skeleton, folded)))
        return index

    def _build_entries(self, groups: Iterator[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """``groups`` yields (ordinals, (count, L) code array) per length chunk."""
        budget = self.config.budget
        shift = np.uint64(self.ord_bits)
        parts = []
        for ords, codes in groups:
            n = codes.shape[1]
            k = budget.for_length(n)
            out = np.empty((count_variants(n, k), len(ords)), dtype=np.uint64)
            u_ords = ords.astype(np.uint64)
            for row, h in zip(out, variant_hashes(codes, k), strict=True):
                np.bitwise_or((h >> shift) << shift, u_ords, out=row)
            parts.append(out.ravel())
        out = np.concatenate(parts) if parts else np.empty(0, np.uint64)
        out.sort()
        if len(out) > 1:
            keep = np.empty(len(out), dtype=bool)
            keep[0] = True
            np.not_equal(out[1:], out[:-1], out=keep[1:])
            out = out[keep]
        return out

    # -- access ------------------------------------------------------------------------
    def folded(self, ordinal: int) -> str:
        a, b = int(self.offsets[ordinal]), int(self.offsets[ordinal + 1])
        return bytes(self.blob[a:b]).decode()

    def all_folded(self) -> list[str]:
        data = bytes(self.blob).decode()
        if len(data) == len(self.blob):
            off = self.offsets.tolist()
            return [data[a:b] for a, b in zip(off[:-1], off[1:], strict=True)]
        return [self.folded(i) for i in range(len(self))]

    def plain_ascii(self) -> bool:
        """True when every folded serial is ASCII without ``*`` (skeleton = translated
        folded bytes, same offsets): the fast verification path."""
        if self._plain is None:
            b = self.blob
            self._plain = not len(b) or bool(b.max() < 128 and not (b == ord("*")).any())
        return self._plain

    def blob_view(self) -> memoryview:
        """The serial blob as a memoryview (slicing it is ~10x cheaper than slicing a
        memmap array; no copy, so forked workers still share the pages)."""
        if self._view is None:
            self._view = memoryview(np.ascontiguousarray(self.blob)).cast("B")  # type: ignore[arg-type]
        return self._view

    def attributes(self, ordinal: int) -> dict[str, str | None]:
        return {name: self.vocab[name][int(c[ordinal])] for name, c in self.codes.items()}

    def probe(self, hashes: np.ndarray) -> np.ndarray:
        """Ordinals whose entries share a (truncated) hash with any of ``hashes``."""
        if not len(self.entries) or not len(hashes):
            return np.empty(0, dtype=np.int64)
        shift = np.uint64(self.ord_bits)
        lo = np.sort((hashes >> shift) << shift)
        left = np.searchsorted(self.entries, lo, side="left")
        right = np.searchsorted(self.entries, lo | self.ord_mask, side="right")
        return self._gather(left, right)

    def _gather(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        counts = right - left
        total = int(counts.sum())
        if total == 0:
            return np.empty(0, dtype=np.int64)
        starts = np.repeat(left - np.cumsum(counts) + counts, counts)
        idx = starts + np.arange(total)
        return np.unique((self.entries[idx] & self.ord_mask).astype(np.int64))

    def probe_batch(self, hashes: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Batch probe: returns (owner, ordinal) pairs, sorted and de-duplicated."""
        if not len(self.entries) or not len(hashes):
            return np.empty(0, np.int64), np.empty(0, np.int64)
        shift = np.uint64(self.ord_bits)
        lo = (hashes >> shift) << shift
        perm = np.argsort(lo)
        lo, owner = lo[perm], owner[perm]
        left = np.searchsorted(self.entries, lo, side="left")
        right = np.searchsorted(self.entries, lo | self.ord_mask, side="right")
        counts = right - left
        total = int(counts.sum())
        if total == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        idx = np.repeat(left - np.cumsum(counts) + counts, counts) + np.arange(total)
        ords = (self.entries[idx] & self.ord_mask).astype(np.int64)
        pair = np.repeat(owner.astype(np.int64), counts) << 32 | ords
        pair.sort()
        if len(pair) > 1:
            keep = np.empty(len(pair), dtype=bool)
            keep[0] = True
            np.not_equal(pair[1:], pair[:-1], out=keep[1:])
            pair = pair[keep]
        return pair >> 32, pair & 0xFFFFFFFF

    def _buckets(self) -> tuple[int, np.ndarray]:
        """``(bits, starts)``: entries whose top ``bits`` bits are ``b`` are
        ``entries[starts[b]:starts[b + 1]]`` (about 16 to 32 entries a bucket; built on
        first use, 2–4 bytes per record)."""
        if self._directory is None:
            n = len(self.entries)
            bits = max(1, min(n.bit_length() - 3, 64 - self.ord_bits, 24))
            bounds = np.arange(1 << bits, dtype=np.uint64) << np.uint64(64 - bits)
            starts = np.empty((1 << bits) + 1, dtype=np.uint32 if n < 1 << 32 else np.int64)
            starts[:-1] = np.searchsorted(self.entries, bounds, side="left")
            starts[-1] = n
            self._directory = (bits, starts)
        return self._directory

    def probe_few(self, hashes: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`probe_batch` for a few thousand hashes (a block probe): each hash reads
        its bucket of the directory instead of binary-searching all entries. Same result
        (the pairs of every entry whose hash bits equal the hash's)."""
        if not len(self.entries) or not len(hashes):
            return np.empty(0, np.int64), np.empty(0, np.int64)
        bits, starts = self._buckets()
        shift = np.uint64(self.ord_bits)
        hi = hashes >> shift
        b = (hashes >> np.uint64(64 - bits)).astype(np.int64)
        left = starts[b].astype(np.int64)
        counts = starts[b + 1].astype(np.int64) - left
        total = int(counts.sum())
        if total == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        idx = np.repeat(left - np.cumsum(counts) + counts, counts) + np.arange(total)
        found = np.asarray(self.entries[idx])
        hit = (found >> shift) == np.repeat(hi, counts)
        ords = (found[hit] & self.ord_mask).astype(np.int64)
        pair = np.unique(np.repeat(owner.astype(np.int64), counts)[hit] << 32 | ords)
        return pair >> 32, pair & 0xFFFFFFFF

    # -- persistence -------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write atomically per file (replace, never truncate: readers may mmap the old)."""
        path.mkdir(parents=True, exist_ok=True)
        arrays = {
            "entries": self.entries,
            "serial_blob": self.blob,
            "serial_offsets": self.offsets,
            "keys": self.keys.data,
        }
        arrays.update({f"attr_{name}": c for name, c in self.codes.items()})
        for name, arr in arrays.items():
            tmp = path / f".{name}.npy.tmp"
            with tmp.open("wb") as fh:
                np.save(fh, arr)
            os.replace(tmp, path / f"{name}.npy")
        meta = {
            "format": FORMAT,
            "records": len(self),
            "key_kind": self.keys.kind,
            "config": self.config.to_json(),
            "vocab": self.vocab,
            "plain": self.plain_ascii(),
        }
        tmp = path / ".meta.json.tmp"
        tmp.write_text(json.dumps(meta, ensure_ascii=False))
        os.replace(tmp, path / "meta.json")

    @classmethod
    def open(cls, path: Path) -> BaseIndex:
        meta = json.loads((path / "meta.json").read_text())
        if meta["format"] != FORMAT:
            raise ValueError(f"unsupported index format {meta['format']}")

        def load(name: str) -> np.ndarray:
            return np.load(path / name, mmap_mode="r")

        keys = KeyStore(meta["key_kind"], load("keys.npy"))
        vocab = meta["vocab"]
        codes = {name: load(f"attr_{name}.npy") for name in vocab}
        index = cls(
            MatchConfig.from_json(meta["config"]),
            load("entries.npy"),
            load("serial_blob.npy"),
            load("serial_offsets.npy"),
            keys,
            vocab,
            codes,
        )
        index._plain = meta.get("plain")  # absent in older saves: computed on first use
        return index

    def nbytes(self) -> dict[str, int]:
        parts = {"entries": self.entries.nbytes, "serials": self.blob.nbytes}
        parts["serials"] += self.offsets.nbytes
        parts["keys"] = self.keys.data.nbytes
        parts["attributes"] = sum(c.nbytes for c in self.codes.values())
        return parts
