"""What an error page says to a person about each problem in an error's ``details``."""

from __future__ import annotations

from typing import Any

from kalibar import i18n


def detail_text(detail: Any) -> str:
    """One problem as a line for people (``row 3, make: not in the catalogue (Zastva)``),
    never the Python ``dict`` it travels in; empty when it holds nothing to say."""
    if not isinstance(detail, dict):
        return str(detail)
    where: list[str] = []
    if detail.get("row") is not None:
        where.append(i18n.gettext("row %(n)s") % {"n": detail["row"]})
    place = detail.get("column") or detail.get("field")
    if place:
        where.append(str(place))
    what = str(detail.get("message") or detail.get("reason") or detail.get("error") or "")
    text = ", ".join(where)
    if what:
        text = f"{text}: {what}" if text else what
    value = detail.get("value")
    if value not in (None, "") and not isinstance(value, dict | list):
        text = f"{text} ({value})" if text else str(value)
    return text
