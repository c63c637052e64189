"""Serial numbers from the catalogue's templates, as stamped and as officers write them."""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from functools import lru_cache

from kalibar.reference.catalogue import Make, Model, load_catalogue

# ----------------------------------------------------------------------------- serials

_LATIN = string.ascii_uppercase
_CYRILLIC = "АБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ"
_ALNUM = string.ascii_uppercase + string.digits
_POOLS = {"L": _LATIN, "Y": _CYRILLIC, "A": _ALNUM}
DEFAULT_SERIALS = ("DDDDDD", "DDDDDDD", "LDDDDD")

MODEL_PREFIX = re.compile(r"^M\d")

Part = Callable[[random.Random], str]


def _digit_run(n: int) -> Part:
    top = 10**n
    fmt = f"0{n}d"
    return lambda rng: format(rng.randrange(top), fmt)


def _pool_run(pool: str, n: int) -> Part:
    return lambda rng: "".join(rng.choices(pool, k=n))


def _literal(text: str) -> Part:
    return lambda _rng: text


@lru_cache(maxsize=512)
def compile_template(template: str) -> tuple[Part, ...]:
    """A serial template as a list of parts, consecutive same-class characters merged."""
    parts: list[Part] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if ch == "[":
            end = template.index("]", i)
            parts.append(_literal(template[i + 1 : end]))
            i = end + 1
            continue
        j = i
        while j < len(template) and template[j] == ch:
            j += 1
        n = j - i
        if ch == "D":
            parts.append(_digit_run(n))
        elif ch in _POOLS:
            parts.append(_pool_run(_POOLS[ch], n))
        else:
            parts.append(_literal(ch * n))
        i = j
    return tuple(parts)


def _fill(template: str, rng: random.Random) -> str:
    return "".join(part(rng) for part in compile_template(template))


def generate_serial(make: str | Make, model: str | Model, rng: random.Random) -> str:
    """A serial as stamped on a gun of ``make``/``model`` (codes, names or catalogue objects).

    Uses one of the model's ``serial_formats`` (the make's default when the model has
    none); six or seven digits, or a letter and five digits, for makes without templates.
    """
    found = _model_obj(make, model)
    formats = found.serial_formats if found and found.serial_formats else DEFAULT_SERIALS
    return _fill(formats[int(rng.random() * len(formats))], rng)


def write_serial(serial: str, model: str, rng: random.Random) -> str:
    """``serial`` as an officer may write it: mostly (85 %) as is, sometimes with a model
    prefix ("M70AB2 123456", "M57-123456"; Zastava-style "M" models only) or with a
    separator in the middle ("123-456", "ABC 123")."""
    r = rng.random()
    if r < 0.85 or len(serial) < 5:
        return serial
    return written(serial, model if MODEL_PREFIX.match(model) else "", r)


def written(serial: str, model: str, r: float) -> str:
    """The variant for ``r`` in [0.85, 1): prefix below 0.92 (if a model), else separator."""
    if r < 0.92 and model:
        sep = " " if r < 0.89 else "-"
        return f"{model.split()[0]}{sep}{serial}"
    cut = len(serial) // 2
    sep = "-" if r < 0.97 else " "
    return f"{serial[:cut]}{sep}{serial[cut:]}"


def _model_obj(make: str | Make, model: str | Model) -> Model | None:
    if isinstance(model, Model):
        return model
    make_code = make.code if isinstance(make, Make) else make
    return load_catalogue().model(make_code, model)
