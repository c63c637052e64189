"""Reference slice: the catalogue (types, calibres, makes, models, HS codes) and normalisers.

Pure code, no database and no web: other slices call these functions to turn free text into
canonical values and to read the catalogue. The public surface is re-exported here.
"""

from __future__ import annotations

from kalibar.reference.catalogue import (
    Calibre,
    Catalogue,
    CatalogueError,
    DecoyCode,
    HsCode,
    Make,
    Model,
    Modification,
    WeaponType,
    load_catalogue,
)
from kalibar.reference.normalise import (
    Match,
    MatchKind,
    normalise_calibre,
    normalise_make,
    normalise_model,
    normalise_modification,
    normalise_weapon_type,
)
from kalibar.reference.script import (
    compact_key,
    fold_diacritics,
    search_key,
    to_cyrillic,
    to_latin,
)

__all__ = [
    "Calibre",
    "Catalogue",
    "CatalogueError",
    "DecoyCode",
    "HsCode",
    "Make",
    "Match",
    "MatchKind",
    "Model",
    "Modification",
    "WeaponType",
    "compact_key",
    "fold_diacritics",
    "load_catalogue",
    "normalise_calibre",
    "normalise_make",
    "normalise_model",
    "normalise_modification",
    "normalise_weapon_type",
    "search_key",
    "to_cyrillic",
    "to_latin",
]
