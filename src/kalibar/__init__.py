"""Kalibar: detect, record, identify, match and trace illicit small arms."""

__version__ = "0.1.0"
