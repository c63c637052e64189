"""Shared layout of the PDFs the server writes (fpdf2): letters, reports and forms.

The DejaVu Sans font is vendored once, in ``kalibar/fonts`` (Latin with diacritics and
Cyrillic), so names print as written in either script; nothing is fetched at run time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from kalibar.clock import moment

#: DejaVu Sans (Latin with diacritics, Cyrillic), vendored: see fonts/LICENSE-DejaVu.txt.
FONTS = Path(__file__).parent / "fonts"

FONT = "DejaVu"


def text(value: object) -> str:
    """A value as printed: an em dash for nothing, times as on the pages (the one clock)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class Document(FPDF):
    """An A4 page with the vendored font, a footer line with page numbers, and the few
    building blocks (title, heading, label/value row, paragraph, table) every PDF uses."""

    def __init__(
        self, footer_text: str = "", *, orientation: Literal["portrait", "landscape"] = "portrait"
    ) -> None:
        super().__init__(orientation=orientation, format="A4")
        self.footer_text = footer_text
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(True, margin=16)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=7)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")

    def headline(self, title: str, note: str = "") -> None:
        self.set_font(FONT, "B", 15)
        self.cell(self.epw, 9, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if note:
            self.set_font(FONT, "", 8)
            self.multi_cell(self.epw, 4, note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, title: str, *, size: float = 11) -> None:
        if self.will_page_break(20):
            self.add_page()
        self.ln(2)
        self.set_font(FONT, "B", size)
        self.cell(self.epw, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(120, 120, 120)
        self.line(self.l_margin, self.get_y(), self.l_margin + self.epw, self.get_y())
        self.ln(1)

    def subheading(self, title: str) -> None:
        if self.will_page_break(15):
            self.add_page()
        self.ln(1)
        self.set_font(FONT, "B", 9.5)
        self.multi_cell(self.epw, 6, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def row(self, label: str, value: object, *, label_width: float = 55) -> None:
        """Label on the left, value wrapped on the right; the taller of the two sets the height."""
        self.set_font(FONT, "B", 9)
        lines = self.multi_cell(label_width, 5, label, dry_run=True, output="LINES")
        label_height = 5 * (len(lines) if isinstance(lines, list) else 1)
        if self.will_page_break(label_height):
            self.add_page()
        page, top = self.page, self.get_y()
        self.multi_cell(label_width, 5, label, new_x=XPos.RIGHT, new_y=YPos.TOP)
        self.set_font(FONT, "", 9)
        self.multi_cell(self.epw - label_width, 5, text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.page == page and self.get_y() < top + label_height:
            self.set_y(top + label_height)

    def para(self, label: str, value: object) -> None:
        self.set_font(FONT, "B", 9)
        self.cell(self.epw, 5, label, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 9)
        self.multi_cell(self.epw, 5, text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def note(self, value: str, *, size: float = 8) -> None:
        self.set_font(FONT, "", size)
        self.multi_cell(self.epw, 4, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(
        self,
        headings: Sequence[str],
        rows: Iterable[Sequence[object]],
        widths: Sequence[float],
        *,
        size: float = 7.5,
        min_row_height: float | None = None,
    ) -> None:
        """A bordered table; headings repeat on every page it runs over."""
        self.set_font(FONT, "", size)
        self.set_draw_color(120, 120, 120)
        with self.table(
            col_widths=tuple(widths),
            width=self.epw,
            text_align="LEFT",
            line_height=size * 0.5,
            headings_style=FontFace(family=FONT, emphasis="BOLD", fill_color=(235, 238, 242)),
            min_row_height=min_row_height,
            padding=0.8,
        ) as table:
            table.row([str(h) for h in headings])
            for values in rows:
                table.row(["" if v is None or v == "" else text(v) for v in values])
        self.ln(1)

    def signature_lines(self, *labels: str) -> None:
        """Blank lines for handwritten date, name, signature or stamp, side by side."""
        self.ln(10)
        if self.will_page_break(12):
            self.add_page()
            self.ln(10)
        width = self.epw / len(labels)
        y = self.get_y()
        self.set_draw_color(60, 60, 60)
        for i in range(len(labels)):
            x = self.l_margin + i * width
            self.line(x + 2, y, x + width - 6, y)
        self.ln(1)
        self.set_font(FONT, "", 8)
        for label in labels:
            self.cell(width, 5, label, new_x=XPos.RIGHT, new_y=YPos.TOP)
        self.ln(6)

    def pdf_bytes(self) -> bytes:
        return bytes(self.output())
