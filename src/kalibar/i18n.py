"""Translations: one current locale per request or command, gettext everywhere.

Catalogues are ``.po`` files shipped in ``web/locale``; they are compiled in memory on first
use so no build step is needed on a closed network.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "web" / "locale"

#: Supported UI languages: code → name in that language (shown in the switcher).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "bs": "Bosanski",
    "hr": "Hrvatski",
    "sr_Latn": "Srpski (latinica)",
    "sr_Cyrl": "Српски (ћирилица)",
    "cnr": "Crnogorski",
}
DEFAULT_LANGUAGE = "en"

#: Babel locale used for dates and numbers (Montenegrin has no CLDR data of its own).
_FORMAT_LOCALE = {"cnr": "sr_Latn_ME"}

_current: ContextVar[str] = ContextVar("kalibar_locale", default=DEFAULT_LANGUAGE)


@lru_cache(maxsize=16)
def translations(code: str) -> NullTranslations:
    po = LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
    if code == DEFAULT_LANGUAGE or not po.exists():
        return NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=_FORMAT_LOCALE.get(code, code))
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf)


def current_language() -> str:
    return _current.get()


def format_locale() -> Locale:
    code = current_language()
    return Locale.parse(_FORMAT_LOCALE.get(code, code))


@contextmanager
def use_language(code: str | None) -> Iterator[str]:
    lang = code if code in LANGUAGES else DEFAULT_LANGUAGE
    token = _current.set(lang)
    try:
        yield lang
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


def lazy_gettext(message: str) -> LazyProxy:
    """For module-level labels: translated when rendered, in the caller's language."""
    return LazyProxy(gettext, message, enable_cache=False)


_ = gettext
N_ = lazy_gettext


def negotiate(accept_language: str | None) -> str:
    """Pick a supported language from an ``Accept-Language`` header."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    preferred = []
    for part in accept_language.split(","):
        tag, _sep, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        preferred.append((weight, tag.strip().replace("-", "_")))
    for _weight, tag in sorted(preferred, key=lambda p: -p[0]):
        low = tag.lower()
        if low in ("sr_cyrl", "sr_cyrl_rs", "sr_cyrl_ba", "sr"):
            return "sr_Cyrl"
        if low.startswith("sr_latn") or low.startswith("sr_"):
            return "sr_Latn"
        if low.startswith("cnr") or low == "sr_me":
            return "cnr"
        for code in LANGUAGES:
            if low == code.lower() or low.split("_")[0] == code.lower():
                return code
    return DEFAULT_LANGUAGE
