"""From what was written to what the catalogue knows: make, model, calibre, type, serial.

Unknown values are kept as written and the record is flagged for review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kalibar.reference import normalise as ref
from kalibar.reference.catalogue import active_catalogue
from kalibar.reference.fold import fold_fast
from kalibar.reference.script import search_key
from kalibar.reference.service import on_catalogue_change

_REFERENCE_RE = re.compile(r"^[A-Z0-9]{2,10}-\d{4}-\d{6}$")


@dataclass(frozen=True)
class Identification:
    make_code: str | None = None
    model_code: str | None = None
    calibre_code: str | None = None
    weapon_type_code: str | None = None
    country: str | None = None
    serial_normalised: str = ""
    needs_review: bool = False
    search_text: str = ""
    explanations: tuple[str, ...] = field(default_factory=tuple)


@lru_cache(maxsize=65536)
def _make(text: str) -> tuple[str | None, str | None, str]:
    """(make code, country of manufacture, explanation)."""
    found = ref.normalise_make(text) if text else None
    if found is None:
        return None, None, ""
    make = active_catalogue().make(found.value)
    return found.value, make.country if make else None, found.explanation


@lru_cache(maxsize=65536)
def _model(make_code: str | None, text: str) -> tuple[str | None, str | None, str | None, str]:
    """(model name, weapon type, make code the model belongs to, explanation)."""
    found = ref.normalise_model(make_code, text) if text else None
    if found is None:
        return None, None, None, ""
    owner = found.make_code or make_code
    model = active_catalogue().model(owner, found.value) if owner else None
    return found.value, model.type if model else None, owner, found.explanation


@lru_cache(maxsize=4096)
def _calibre(text: str) -> tuple[str | None, str]:
    found = ref.normalise_calibre(text) if text else None
    return (found.value, found.explanation) if found else (None, "")


@lru_cache(maxsize=1024)
def _weapon_type(text: str) -> tuple[str | None, str]:
    found = ref.normalise_weapon_type(text) if text else None
    return (found.value, found.explanation) if found else (None, "")


def identify(
    *,
    make: str = "",
    model: str = "",
    calibre: str = "",
    weapon_type: str = "",
    serial: str = "",
) -> Identification:
    """Normalise a weapon's description; cached so imports of millions stay fast."""
    make_code, country, make_why = _make(make.strip())
    model_code, model_type, _owner, model_why = _model(make_code, model.strip())
    calibre_code, calibre_why = _calibre(calibre.strip())
    type_code, type_why = _weapon_type(weapon_type.strip())
    type_code = type_code or (model_type if not weapon_type.strip() else None)
    unknown = any(
        given.strip() and code is None
        for given, code in (
            (make, make_code),
            (model, model_code),
            (calibre, calibre_code),
            (weapon_type, type_code),
        )
    )
    folded = fold_fast(serial) if serial.strip() else ""
    text = " ".join(
        p for p in (make_code or search_key(make), model_code or search_key(model), folded) if p
    )
    return Identification(
        make_code=make_code,
        model_code=model_code,
        calibre_code=calibre_code,
        weapon_type_code=type_code,
        country=country,
        serial_normalised=folded,
        needs_review=unknown,
        search_text=text[:400],
        explanations=tuple(w for w in (make_why, model_why, calibre_why, type_why) if w),
    )


@dataclass(frozen=True)
class SearchTerms:
    serial: str
    make_code: str | None
    model_code: str | None
    reference: str | None
    #: makes with the query's words among their name's words ("crvena" → Crvena Zastava)
    make_codes: tuple[str, ...] = ()


def search_terms(q: str) -> SearchTerms:
    """What a free-text query may mean: a serial prefix, a make, a model, a reference."""
    text = q.strip()
    make_code = _make(text)[0]
    model_code = _model(None, text)[0]
    reference = text.upper() if _REFERENCE_RE.match(text.upper()) else None
    make_codes = tuple(c for c in ref.makes_with_words(text) if c != make_code)
    return SearchTerms(
        serial=fold_fast(text),
        make_code=make_code,
        model_code=model_code,
        reference=reference,
        make_codes=make_codes,
    )


def clear_caches() -> None:
    """Called when the catalogue changes, so new makes and aliases are recognised."""
    for cached in (_make, _model, _calibre, _weapon_type):
        cached.cache_clear()


on_catalogue_change(clear_caches)
