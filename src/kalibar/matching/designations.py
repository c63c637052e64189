"""Make names and model designations that people write into the serial field.

"M70 BU7363", "CZ99 7473-49", "Makarov 701296710", "ТТ-33 ПМ 1234": the matcher sets
these aside on the query side (and also tries the serial as written, see
``kalibar.reference.readings``). The tokens come from the catalogue: every make's name
and aliases, every model's name and aliases, and short make names glued to a model
("CZ" + "83", "Zastava" + "M70"); the matcher keeps those with a letter and at most 16
characters after folding. Kept with the matcher, their only reader; the reference room
(a floor below) keeps the catalogue they come from.
"""

from __future__ import annotations

from collections.abc import Iterator

from kalibar.reference.catalogue import Catalogue, active_catalogue
from kalibar.reference.readings import Designations

_SHORT_MAKE = 8  # make names glued to a model name up to this length

_cache: dict[int, tuple[Catalogue, Designations]] = {}


def designation_tokens(catalogue: Catalogue) -> Iterator[str]:
    for make in catalogue.makes.values():
        names = [make.name, *make.aliases]
        yield from names
        short = [n for n in names if len(n.replace(" ", "")) <= _SHORT_MAKE]
        for model in make.models:
            designations = [model.name, *model.aliases]
            yield from designations
            for m in short:
                for d in designations:
                    yield m + d


def catalogue_designations(catalogue: Catalogue | None = None) -> Designations:
    """Designations of the (active) catalogue, computed once per catalogue."""
    cat = catalogue or active_catalogue()
    hit = _cache.get(id(cat))
    if hit is None or hit[0] is not cat:
        hit = _cache[id(cat)] = (cat, Designations.of(designation_tokens(cat)))
    return hit[1]
