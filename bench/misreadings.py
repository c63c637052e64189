"""Registers and misread serials by family, written for the benchmark (independent of
``kalibar.demo.matching`` and the demo generator).

Serial formats are those of the guns of the region as stamped (illustrative, built from
what the arms look like, not from the catalogue's templates): Zastava M70 rifles with a
letter pair and digits ("BU7363") or plain six digits, Zastava M57 and Tula TT-33
pistols with a two-letter Cyrillic series ("ПМ 1234"), Makarov pistols with a Cyrillic
series or a long digit run, CZ 75 ("A123456"), Zastava CZ99 ("7473-49"), Glock
("ABC123"), Beretta ("L12345Z"), Baikal/IZh shotguns (long digit runs), Mauser M48
(four or five digits), Turkish blank-firing conversions (long mixed), Walther
("123456A").

A misreading family says how the officer wrote what they saw; :func:`misread` applies
one family to a recorded serial. The ``label``/``designation`` families keep every
character right; the error families apply 1, 2 or 3 real errors (substitution,
deletion, insertion, transposition, ``?``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

DIGITS = "0123456789"
LATIN = "ABCDEFGHJKLMNPRSTUVWXYZ"
#: Letters of Soviet/Yugoslav series (no Ё Й Ъ Ы Ь; О and З avoided as on real stamps).
CYR_SERIES = "АБВГДЕЖИКЛМНПРСТУФХЦЧШЭЮЯ"

#: Cyrillic → (typed by look, typed by transliteration [Serbian, Russian/English]).
LOOK = {"А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "У": "Y", "Х": "X"}  # fmt: skip
TRANSLIT = {
    "А": ("A",), "Б": ("B",), "В": ("V",), "Г": ("G",), "Д": ("D",), "Е": ("E",),
    "Ж": ("Ž", "ZH", "Z"), "И": ("I",), "К": ("K",), "Л": ("L",), "М": ("M",),
    "Н": ("N",), "П": ("P",), "Р": ("R",), "С": ("S",), "Т": ("T",), "У": ("U",),
    "Ф": ("F",), "Х": ("H", "KH", "X"), "Ц": ("C", "TS"), "Ч": ("Č", "CH", "C"),
    "Ш": ("Š", "SH", "S"), "Э": ("E",), "Ю": ("JU", "YU"), "Я": ("JA", "YA"),
}  # fmt: skip
#: Latin typed on a Cyrillic (Serbian) keyboard: look-alike key if any, else the letter.
CYR_KEYBOARD = {"A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О",
                "P": "Р", "C": "С", "T": "Т", "X": "Х", "Y": "У", "D": "Д", "G": "Г",
                "L": "Л", "N": "Н", "R": "Р", "S": "С", "U": "У", "V": "В", "Z": "З",
                "F": "Ф", "J": "Ј", "I": "И"}  # fmt: skip
LOOKALIKE = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B",
             "B": "8", "2": "Z", "Z": "2", "6": "G", "G": "6"}  # fmt: skip
LABELS = ["s.br. ", "S.BR.", "ser. br. ", "serijski broj ", "сер. бр. ", "бр. ", "br. ",
          "No. ", "Nr. ", "№ ", "№", "SN: ", "S/N ", "Ser. No. ", "Serial ",
          "Fab. Nr. "]  # fmt: skip


@dataclass(frozen=True)
class Format:
    make: str
    model: str
    calibre: str
    kind: str
    designations: tuple[str, ...]
    make_serial: Callable[[random.Random], str]
    weight: float


def _d(r: random.Random, n: int) -> str:
    return "".join(r.choice(DIGITS) for _ in range(n))


def _l(r: random.Random, n: int) -> str:
    return "".join(r.choice(LATIN) for _ in range(n))


def _c(r: random.Random, n: int) -> str:
    return "".join(r.choice(CYR_SERIES) for _ in range(n))


FORMATS = [
    Format("Zastava", "M70AB2", "7.62×39mm", "assault_rifle", ("M70", "M 70", "M70AB2"),
           lambda r: _l(r, 2) + _d(r, 4) if r.random() < 0.5 else _d(r, 6), 0.16),
    Format("Zastava", "M57", "7.62×25mm Tokarev", "pistol", ("M57", "M-57"),
           lambda r: _c(r, 2) + " " + _d(r, 4) if r.random() < 0.5 else _d(r, 6), 0.08),
    Format("Tula Arms Plant", "TT-33", "7.62×25mm Tokarev", "pistol", ("TT-33", "TT"),
           lambda r: _c(r, 2) + " " + _d(r, 4) if r.random() < 0.7 else _c(r, 1) + _d(r, 4),
           0.08),
    Format("Baikal", "Makarov", "9×18mm Makarov", "pistol", ("Makarov", "PM", "ПМ"),
           lambda r: _c(r, 2) + " " + _d(r, 4) if r.random() < 0.6 else _d(r, 9), 0.08),
    Format("CZ", "75", "9×19mm", "pistol", ("CZ 75", "CZ75"),
           lambda r: _l(r, 1) + _d(r, 6), 0.10),
    Format("Zastava", "CZ999", "9×19mm", "pistol", ("CZ99", "CZ 99"),
           lambda r: _d(r, 4) + "-" + _d(r, 2), 0.06),
    Format("Glock", "17", "9×19mm", "pistol", ("Glock 17", "G17"),
           lambda r: _l(r, 3) + _d(r, 3), 0.14),
    Format("Beretta", "92", "9×19mm", "pistol", ("Beretta 92",),
           lambda r: _l(r, 1) + _d(r, 5) + _l(r, 1), 0.06),
    Format("Baikal", "IZh-27", "12/70", "shotgun", ("IZh-27", "ИЖ-27"),
           lambda r: _d(r, r.choice((8, 10, 11))), 0.08),
    Format("Zastava", "M48", "7.92×57mm Mauser", "rifle", ("M48",),
           lambda r: _d(r, r.choice((4, 5))), 0.06),
    Format("Ekol", "Firat", "9mm P.A.K.", "pistol", ("Firat",),
           lambda r: "T" + _d(r, 4) + _l(r, 2) + _d(r, 5), 0.05),
    Format("Walther", "PPK", "7.65×17mm Browning", "pistol", ("PPK",),
           lambda r: _d(r, 6) + _l(r, 1), 0.05),
]  # fmt: skip


def register(n: int, seed: int) -> list[tuple[str, str, str, str, str, str]]:
    """``n`` records ``(key, serial, make, model, calibre, type)``, serials distinct."""
    r = random.Random(seed)
    weights = [f.weight for f in FORMATS]
    seen: set[str] = set()
    out = []
    while len(out) < n:
        f = r.choices(FORMATS, weights)[0]
        s = f.make_serial(r)
        if s in seen:
            continue
        seen.add(s)
        out.append((f"{seed:02d}-{len(out):09d}", s, f.make, f.model, f.calibre, f.kind))
    return out


def format_of(make: str, model: str) -> Format:
    return next(f for f in FORMATS if f.make == make and f.model == model)


# ------------------------------------------------------------------ single misreadings


def _errors(s: str, n: int, r: random.Random) -> str:
    """``n`` real errors at distinct places (never a look-alike swap)."""
    chars = list(s)
    done = 0
    touched: set[int] = set()
    while done < n and len(chars) > 2:
        i = r.randrange(len(chars))
        if i in touched or not chars[i].isalnum():
            continue
        kind = r.choice(("sub", "sub", "del", "ins", "swap", "unknown"))
        pool = DIGITS if chars[i].isdigit() else LATIN
        if kind == "sub":
            new = r.choice([c for c in pool if c != chars[i] and LOOKALIKE.get(c) != chars[i]])
            chars[i] = new
        elif kind == "del":
            del chars[i]
        elif kind == "ins":
            chars.insert(i, r.choice(pool))
        elif kind == "swap" and i + 1 < len(chars) and chars[i] != chars[i + 1]:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
            touched.add(i + 1)
        elif kind == "unknown":
            chars[i] = "?"
        else:
            continue
        touched.add(i)
        done += 1
    return "".join(chars)


def _presentation(s: str, r: random.Random) -> str:
    core = s.replace(" ", "").replace("-", "")
    cut = r.randrange(1, len(core)) if len(core) > 1 else 1
    sep = r.choice(("", " ", "-", "/", "."))
    out = core[:cut] + sep + core[cut:]
    return out.lower() if r.random() < 0.3 else out


def _visual(s: str, r: random.Random) -> str:
    return "".join(LOOK.get(c) or (TRANSLIT[c][0] if c in TRANSLIT else c) for c in s)


def _phonetic(s: str, r: random.Random) -> str:
    style = r.randrange(3)  # 0 Serbian (Ž, Č), 1 Russian/English (ZH, CH), 2 no diacritics
    out = []
    for c in s:
        t = TRANSLIT.get(c)
        out.append(t[min(style, len(t) - 1)] if t else c)
    return "".join(out)


def _keyboard(s: str, r: random.Random) -> str:
    return "".join(CYR_KEYBOARD.get(c, c) for c in s)


def _lookalike(s: str, r: random.Random) -> str:
    idx = [i for i, c in enumerate(s) if c in LOOKALIKE]
    if not idx:
        return s
    chars = list(s)
    for i in r.sample(idx, min(len(idx), r.choice((1, 2)))):
        chars[i] = LOOKALIKE[chars[i]]
    return "".join(chars)


def _obliterated(s: str, r: random.Random) -> str:
    core = s.replace(" ", "")
    if len(core) >= 7 and r.random() < 0.5:
        i = r.randrange(1, len(core) - 3)
        return core[:i] + "*" + core[i + 2 :]
    i = r.randrange(len(core))
    return core[:i] + "?" + core[i + 1 :]


#: family → (misreading, whether the query carries the make)
FAMILIES: dict[str, tuple[Callable[[str, random.Random], str], bool]] = {
    "presentation": (_presentation, False),
    "script_visual": (_visual, False),
    "script_phonetic": (_phonetic, False),
    "cyrillic_keyboard": (_keyboard, False),
    "lookalike": (_lookalike, False),
    "label": (lambda s, r: r.choice(LABELS) + s, False),
    "designation_before": (lambda s, r: "\0" + " " + s, False),
    "designation_after": (lambda s, r: s + " " + "\0", False),
    "one_error": (lambda s, r: _errors(s, 1, r), False),
    "one_error_make": (lambda s, r: _errors(s, 1, r), True),
    "two_errors_make": (lambda s, r: _errors(s, 2, r), True),
    "three_errors_long_make": (lambda s, r: _errors(s, 3, r), True),
    "two_errors_no_make": (lambda s, r: _errors(s, 2, r), False),
    "obliteration": (_obliterated, False),
}
#: Families that only apply to some serials.
_APPLIES: dict[str, Callable[[str], bool]] = {
    "script_visual": lambda s: any(c in TRANSLIT for c in s),
    "script_phonetic": lambda s: any(c in TRANSLIT for c in s),
    "cyrillic_keyboard": lambda s: any(c in CYR_KEYBOARD for c in s),
    "lookalike": lambda s: any(c in LOOKALIKE for c in s),
    "two_errors_make": lambda s: len(s.replace(" ", "").replace("-", "")) >= 5,
    "two_errors_no_make": lambda s: len(s.replace(" ", "").replace("-", "")) >= 5,
    "three_errors_long_make": lambda s: len(s.replace(" ", "").replace("-", "")) >= 8,
}


def applies(family: str, serial: str) -> bool:
    test = _APPLIES.get(family)
    return test is None or test(serial)


def misread(
    family: str, record: tuple[str, str, str, str, str, str], r: random.Random
) -> tuple[str, str | None]:
    """``(typed serial, make given or None)`` for one record and family."""
    fn, with_make = FAMILIES[family]
    typed = fn(record[1], r)
    if "\0" in typed:
        typed = typed.replace("\0", r.choice(format_of(record[2], record[3]).designations))
    return typed, (record[2] if with_make else None)
