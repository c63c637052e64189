"""A bounded list of errors: the first N are kept, the rest only counted.

A file with a million bad rows must not give a million-entry report: the report lists
``limit`` errors and then one line saying how many more there were.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar

from kalibar.i18n import ngettext

T = TypeVar("T")


class ErrorList(Generic[T]):
    def __init__(self, limit: int) -> None:
        self.limit = max(limit, 0)
        self.listed: list[T] = []
        self.omitted = 0

    def append(self, item: T) -> None:
        if len(self.listed) < self.limit:
            self.listed.append(item)
        else:
            self.omitted += 1

    def extend(self, items: Iterable[T]) -> None:
        for item in items:
            self.append(item)

    def __len__(self) -> int:
        return len(self.listed) + self.omitted

    def __bool__(self) -> bool:
        return bool(self.listed) or self.omitted > 0

    def __iter__(self) -> Iterator[T]:
        return iter(self.listed)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ErrorList):
            return (self.listed, self.omitted) == (other.listed, other.omitted)
        if isinstance(other, list):
            return self.omitted == 0 and self.listed == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ErrorList({self.listed!r}, omitted={self.omitted})"


def more_errors(omitted: int) -> dict[str, Any]:
    """The detail that closes a shortened list: ``and N more errors``."""
    return {
        "error": "more_errors",
        "omitted": omitted,
        "reason": ngettext("and %(n)d more error", "and %(n)d more errors", omitted)
        % {"n": omitted},
    }


def listed_details(items: Iterable[dict[str, Any]], omitted: int) -> list[dict[str, Any]]:
    """Error details as listed, with the closing ``and N more`` when some were left off."""
    out = list(items)
    if omitted:
        out.append(more_errors(omitted))
    return out
