"""The trend of a statistic as an inline SVG column chart, drawn by the server.

Like the indicator bars (``indicators.charts``) and the seizure map: no scripts, no inline
styles (the CSP), presentation attributes only, every text escaped, numbers and month
names in the reader's language. Each column carries a tooltip and a data attribute with its
count, so a screen reader and a test read the same figure the eye does.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from kalibar.analysis.stats import Row
from kalibar.i18n import _
from kalibar.indicators.charts import number

WIDTH, HEIGHT = 640, 220
LEFT, BOTTOM, TOP = 40, 36, 12


def trend_svg(rows: Sequence[Row], *, measure: str = "seizures") -> Markup:
    """Columns per month of ``measure`` (``seizures`` or ``items``)."""
    title = _("Seizures per month") if measure == "seizures" else _("Items per month")
    values = [int(getattr(r, measure)) for r in rows]
    top = max(values, default=0)
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    step = plot_w / max(1, len(rows))
    bar_w = max(1.0, step * 0.8)
    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 {w} {h}" '
            'width="{w}" height="{h}" role="img" aria-label="{t}"><title>{t}</title>'
            '<g font-family="DejaVu Sans, Arial, sans-serif" font-size="10" fill="#52606d">'
        ).format(w=WIDTH, h=HEIGHT, t=title)
    ]
    axis_y = TOP + plot_h
    parts.append(
        Markup('<line x1="{x}" y1="{y}" x2="{x2}" y2="{y}" stroke="#9aa5b1"></line>').format(
            x=LEFT, y=axis_y, x2=WIDTH - 8
        )
    )
    for label_value in (0, top):
        y = axis_y - (plot_h if label_value else 0)
        parts.append(
            Markup('<text x="{x}" y="{y}" text-anchor="end">{n}</text>').format(
                x=LEFT - 4, y=round(y + 3, 1), n=number(label_value, 0)
            )
        )
    every = max(1, len(rows) // 12)
    for i, (row, value) in enumerate(zip(rows, values, strict=True)):
        h = plot_h * value / top if top else 0.0
        x = LEFT + i * step + (step - bar_w) / 2
        tip = f"{row.label}: {number(value, 0)}"
        parts.append(
            Markup(
                '<rect class="trend-bar" x="{x}" y="{y}" width="{w}" height="{h}" fill="#1f6f8b" '
                'data-month="{m}" data-count="{n}"><title>{tip}</title></rect>'
            ).format(
                x=round(x, 1), y=round(axis_y - h, 1), w=round(bar_w, 1), h=round(h, 1),
                m=row.key, n=value, tip=tip,
            )
        )  # fmt: skip
        if i % every == 0:
            parts.append(
                Markup('<text x="{x}" y="{y}" text-anchor="middle">{label}</text>').format(
                    x=round(x + bar_w / 2, 1), y=axis_y + 14, label=row.label
                )
            )
    if not rows:
        parts.append(
            Markup('<text x="{x}" y="{y}" text-anchor="middle" font-size="14">{m}</text>').format(
                x=WIDTH // 2, y=HEIGHT // 2, m=_("Nothing to show.")
            )
        )
    parts.append(Markup("</g></svg>"))
    return Markup("").join(parts)
