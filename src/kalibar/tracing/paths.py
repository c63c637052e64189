"""Where the slice's package data lives."""

from __future__ import annotations

from pathlib import Path

#: DejaVu Sans (Latin with diacritics, Cyrillic), vendored: see fonts/LICENSE-DejaVu.txt.
FONTS = Path(__file__).parent / "fonts"
