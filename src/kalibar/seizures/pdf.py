"""A seizure as PDF: the full report (:mod:`.pdf_report`) and the printable custody form
of one item (:mod:`.pdf_custody`). Layout and font: :mod:`kalibar.pdf_layout`."""

from __future__ import annotations

from kalibar.seizures.pdf_custody import render_custody_form
from kalibar.seizures.pdf_report import render_report

__all__ = ["render_custody_form", "render_report"]
