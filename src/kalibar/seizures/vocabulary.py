"""Coded values of seizures (context, detection, concealment, item kinds ...).

The codes live in ``data/vocabulary.yaml`` so the lists read as data and the web form,
the API, the CLI import and the PDF all accept and show the same values. Codes are what
is stored; English labels are translated through :mod:`kalibar.seizures.labels`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kalibar.errors import Invalid
from kalibar.i18n import _

VOCABULARY_FILE = Path(__file__).parent / "data" / "vocabulary.yaml"


def _load() -> dict[str, dict[str, str]]:
    with VOCABULARY_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return {
        str(name): {str(c): str(label) for c, label in codes.items()}
        for name, codes in data.items()
    }


#: list name → code → English label, in form order.
VOCAB: dict[str, dict[str, str]] = _load()


def codes(list_name: str) -> list[str]:
    """The codes of one list, in form order."""
    return list(VOCAB[list_name])


def is_code(list_name: str, code: str) -> bool:
    return code in VOCAB[list_name]


def problem(list_name: str, code: str, field: str) -> dict[str, Any] | None:
    """The error detail for a bad code (``None`` when the code is known).

    Services collect these so one answer lists every bad field at once.
    """
    if code in VOCAB[list_name]:
        return None
    return {
        "field": field,
        "value": code,
        "message": _("unknown value; use one of: %(values)s")
        % {"values": ", ".join(VOCAB[list_name])},
        "allowed": list(VOCAB[list_name]),
    }


def check(list_name: str, code: str, field: str) -> None:
    """Raise :class:`Invalid` naming ``field`` and the allowed codes unless ``code`` is known."""
    found = problem(list_name, code, field)
    if found is not None:
        raise Invalid(_("Unknown value for %(field)s.") % {"field": field}, [found])
