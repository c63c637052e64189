"""Bar charts drawn as inline SVG by the server (no scripts, no inline styles: the CSP).

A chart is a list of :class:`Bar`; ``indicators/_charts.html`` draws it. Widths are in the
SVG's own units (``viewBox="0 0 100 10"``), so the bar scales with its cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from babel.numbers import format_decimal, format_percent

from kalibar import i18n
from kalibar.indicators.sdg import Cell


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    #: Width of the whole bar (0–100).
    total: float
    #: Width of the highlighted part (0–100), or None for a plain bar.
    part: float | None
    text: str
    href: str = ""


def percent(value: float | None) -> str:
    """A ratio as a localised percentage; an em dash when there is none."""
    if value is None:
        return "—"
    return str(format_percent(value, format="#,##0.0%", locale=i18n.format_locale()))


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return str(format_decimal(value, format=pattern, locale=i18n.format_locale()))


def _width(value: float, top: float) -> float:
    return round(100 * value / top, 2) if top > 0 else 0.0


def share_bars(
    cells: Sequence[Cell],
    label: Callable[[str], str],
    href: Callable[[str], str] | None = None,
) -> list[Bar]:
    """Denominator as the bar, numerator as its highlighted part (one scale for all)."""
    top = max((c.denominator for c in cells), default=0)
    return [
        Bar(
            key=c.key,
            label=label(c.key),
            total=_width(c.denominator, top),
            part=_width(c.numerator, top),
            text=f"{c.numerator} / {c.denominator} · {percent(c.ratio)}",
            href=href(c.key) if href else "",
        )
        for c in cells
    ]


def value_bars(
    items: Iterable[tuple[str, str, float | None]], *, unit: str = "", digits: int = 0
) -> list[Bar]:
    """Plain bars for (key, label, value); a missing value draws an empty bar."""
    rows = list(items)
    top = max((v for _k, _l, v in rows if v is not None), default=0.0)
    return [
        Bar(
            key=key,
            label=label,
            total=_width(value, top) if value is not None else 0.0,
            part=None,
            text=(number(value, digits) + (f" {unit}" if unit else ""))
            if value is not None
            else "—",
        )
        for key, label, value in rows
    ]
