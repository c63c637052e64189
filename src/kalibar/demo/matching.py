"""Synthetic but realistic serials (per-make formats) and query corruptions.

Used by the benchmark and the property tests; nothing in production depends on it.
Formats follow what the Western Balkan registers contain: Zastava serials behind a
model token, Glock letters+digits, CZ letter+digits, Cyrillic-keyed Makarov serials,
long Turkish blank-firing conversions, Baikal digit runs.
"""

from __future__ import annotations

import random

import numpy as np

from kalibar.reference.fold import CYRILLIC_HOMOGLYPHS

DIGITS = "0123456789"
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
CYR_LATIN = "ABEKMHOPCTXY"

#: (make, model, calibre, weapon type, prefix, template, weight). Template: D digit,
#: L letter, C letter with a Cyrillic look-alike; other characters are literal.
FORMATS: tuple[tuple[str, str, str, str, str, str, float], ...] = (
    ("Zastava", "M70AB2", "7.62x39", "rifle", "M70AB2 ", "DDDDDDD", 0.18),
    ("Zastava", "M57", "7.62x25", "pistol", "M57 ", "DDDDDD", 0.10),
    ("Zastava", "M84", "7.65 Browning", "submachine gun", "", "DDDDDD", 0.05),
    ("Glock", "17", "9x19", "pistol", "", "LLLDDD", 0.17),
    ("CZ", "75", "9x19", "pistol", "", "LDDDDDD", 0.15),
    ("Beretta", "92", "9x19", "pistol", "", "LLDDDDDL", 0.05),
    ("Makarov", "PM", "9x18", "pistol", "", "CCDDDD", 0.10),
    ("Ekol", "Firat", "9 PAK", "converted alarm pistol", "T", "DDDD-DDLDDDDD", 0.10),
    ("Baikal", "MP-153", "12 gauge", "shotgun", "", "DDDDDDDDDD", 0.10),
)

_POOLS = {"D": DIGITS, "L": LETTERS, "C": CYR_LATIN}


def _fill(template: str, count: int, rng: np.random.Generator) -> list[str]:
    cols = []
    for ch in template:
        pool = _POOLS.get(ch)
        if pool is None:
            cols.append(np.full(count, ord(ch), dtype=np.uint8))
        else:
            codes = np.frombuffer(pool.encode(), dtype=np.uint8)
            cols.append(codes[rng.integers(0, len(pool), count)])
    arr = np.ascontiguousarray(np.stack(cols, axis=1))
    return [b.decode() for b in arr.view(f"S{len(template)}").ravel()]


def generate_records(n: int, seed: int = 0) -> list[tuple[str, str, str, str, str, str]]:
    """``n`` records ``(key, serial, make, model, calibre, type)`` with UUID-style keys."""
    rng = np.random.default_rng(seed)
    weights = np.array([f[-1] for f in FORMATS])
    which = rng.choice(len(FORMATS), size=n, p=weights / weights.sum())
    key_bytes = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    hexs = [b.hex() for b in key_bytes.view("S16").ravel().tolist()]
    out: list[tuple[str, str, str, str, str, str]] = [("", "", "", "", "", "")] * n
    for f, (make, model, cal, wtype, prefix, template, _) in enumerate(FORMATS):
        idx = np.flatnonzero(which == f).tolist()
        for i, body in zip(idx, _fill(template, len(idx), rng), strict=True):
            h = hexs[i].ljust(32, "0")
            key = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
            out[i] = (key, prefix + body, make, model, cal, wtype)
    return out


MODEL_PREFIXES = ("M70AB2", "M70", "M57", "M84")
_LOOK = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8",
         "2": "Z", "Z": "2", "6": "G", "G": "6"}  # fmt: skip
_TO_CYR = {v: k for k, v in CYRILLIC_HOMOGLYPHS.items() if k.isupper()}


def corrupt(serial: str, rng: random.Random, edits: int = 1) -> str:
    """A plausible misreading: look-alikes, Cyrillic typing, separators, a prefix, plus up
    to ``edits`` real edits (transposition, deletion or ``?``)."""
    chars = list(serial)
    for i, c in enumerate(chars):
        r = rng.random()
        if c in _LOOK and r < 0.15:
            chars[i] = _LOOK[c]
        elif c in _TO_CYR and r < 0.3:
            chars[i] = _TO_CYR[c]
    start = serial.rfind(" ") + 1  # keep the model token readable
    for _ in range(edits):
        body = [i for i, c in enumerate(chars) if c not in " -" and i >= start]
        if len(body) < 3:
            break
        op = rng.choice(("transpose", "delete", "unknown"))
        i = rng.choice(body[:-1])
        if op == "transpose":
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif op == "delete":
            del chars[i]
        else:
            chars[i] = "?"
    text = "".join(chars)
    if rng.random() < 0.3:
        cut = rng.randrange(1, max(2, len(text)))
        text = text[:cut] + rng.choice(" -/.") + text[cut:]
    if rng.random() < 0.2:
        text = rng.choice(("S/N ", "Br. ", "No. ", "SN: ", "Бр. ")) + text
    return text.lower() if rng.random() < 0.1 else text
