"""Script handling for Serbian Cyrillic and Latin, and the universal search key.

Officers in Serbia, Montenegro and Republika Srpska write in Cyrillic, their neighbours in
Latin; keyboards, forms and old databases drop diacritics. A make written "Застава",
"Zastava" or "ZASTAVA" is one make, and "Đorđević" is also typed "Djordjevic". Everything
in Kalibar that compares names goes through :func:`search_key` so that every spelling in
any script meets the same key.

Design choices (documented because they are judgement calls):

* Latin -> Cyrillic reads the digraphs ``lj``, ``nj`` and ``dž`` as the single letters
  Љ, Њ, Џ. Real words where they are two letters ("injekcija", "nadživeti") come out
  slightly wrong in Cyrillic, but :func:`to_latin` maps both forms back to the same Latin
  text, so no information is lost for matching.
* ``dj`` is **not** read as Đ by default: in Latin text it is either an ASCII stand-in
  for đ or a real d + j ("nadjačati", "podjela"). Pass ``dj_as_dje=True`` when the source
  is known to use "dj" for đ (e.g. ASCII-only registers).
* :func:`fold_diacritics` folds đ to "dj" (the conventional ASCII spelling, "Djokovic"),
  not "d", so "Đorđe" and "Djordje" share a key.
* Upper-case digraph letters are written "LJ" when the neighbouring letters are upper case
  ("ЉУБЉАНА" -> "LJUBLJANA") and "Lj" otherwise ("Љубљана" -> "Ljubljana"). Latin ->
  Cyrillic applies the same rule in reverse, which makes
  ``to_latin(to_cyrillic(x)) == x`` hold for any Serbian Latin text (tested).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "compact_key",
    "fold_diacritics",
    "has_cyrillic",
    "search_key",
    "to_cyrillic",
    "to_latin",
]

# Serbian Cyrillic (lower case) -> Serbian Latin (Gaj's alphabet).
_SR_CYR_TO_LAT: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž",
    "з": "z", "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n",
    "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u",
    "ф": "f", "х": "h", "ц": "c", "ч": "č", "џ": "dž", "ш": "š",
}  # fmt: skip

# Letters of Russian, Ukrainian, Belarusian and Macedonian Cyrillic that Serbian lacks.
# They reach us through make names (Ижмаш, Байкал) and Russian markings; transliterated in
# the Serbian manner (я -> ja, щ -> šč) so that the result reads naturally to local users.
_OTHER_CYR_TO_LAT: dict[str, str] = {
    "й": "j", "ы": "y", "э": "e", "ю": "ju", "я": "ja", "щ": "šč", "ъ": "", "ь": "",
    "ё": "jo", "і": "i", "ї": "ji", "є": "je", "ґ": "g", "ў": "u", "ѓ": "ǵ", "ќ": "ḱ",
    "ѕ": "dz",
}  # fmt: skip

_CYR_TO_LAT: dict[str, str] = {**_SR_CYR_TO_LAT, **_OTHER_CYR_TO_LAT}
_DIGRAPH_CYR = frozenset("љњџ")

# Serbian Latin -> Cyrillic. Only the 30 letters of the Serbian alphabet are mapped;
# q, w, x, y and foreign letters are left as they are.
_LAT_TO_CYR: dict[str, str] = {lat: cyr for cyr, lat in _SR_CYR_TO_LAT.items()}
_LAT_DIGRAPHS = ("lj", "nj", "dž")

# Single-codepoint Latin digraphs (Unicode compatibility letters) -> two letters.
_LATIN_LIGATURE_DIGRAPHS: dict[str, str] = {
    "Ǆ": "DŽ", "ǅ": "Dž", "ǆ": "dž", "Ǉ": "LJ", "ǈ": "Lj", "ǉ": "lj",
    "Ǌ": "NJ", "ǋ": "Nj", "ǌ": "nj",
}  # fmt: skip

# Letters that Unicode decomposition does not reduce to ASCII.
_FOLD_EXTRA: dict[str, str] = {
    "đ": "dj", "Đ": "Dj", "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O",
    "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D",
    "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ĸ": "k", "ŋ": "n", "Ŋ": "N",
}  # fmt: skip
_FOLD_TABLE = str.maketrans(_FOLD_EXTRA)

# Montenegrin Ś and Ź are written in Cyrillic as С/З + combining acute (U+0301).
_COMBINING_ACUTE = "\u0301"

_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def has_cyrillic(text: str) -> bool:
    """True when ``text`` holds at least one Cyrillic letter (used to name a match kind)."""
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def _is_upper_context(text: str, start: int, end: int) -> bool:
    """Whether the digraph letter spanning ``text[start:end]`` sits among capitals.

    The next letter decides; at the end of a word the previous letter decides; a digraph
    standing alone is treated as title case ("Lj"). Both transliteration directions call
    this with positions in their own source, so the rule is symmetric.
    """
    if end < len(text) and text[end].isalpha():
        return text[end].isupper()
    if start > 0 and text[start - 1].isalpha():
        return text[start - 1].isupper()
    return False


def to_latin(text: str) -> str:
    """Transliterate Cyrillic to Serbian Latin; other characters pass through unchanged.

    Works on any mix of scripts (forms often mix them: "Застава M70"), and is idempotent on
    Latin text.
    """
    if not has_cyrillic(text):
        return text
    out: list[str] = []
    for i, ch in enumerate(text):
        low = ch.lower()
        lat = _CYR_TO_LAT.get(low)
        if lat is None:
            if ch == _COMBINING_ACUTE and out and out[-1] in {"s", "S", "z", "Z"}:
                out[-1] = unicodedata.normalize("NFC", out[-1] + _COMBINING_ACUTE)
                continue
            out.append(ch)
            continue
        if ch == low or not lat:
            out.append(lat)
        elif len(lat) > 1 and low in _DIGRAPH_CYR:
            out.append(lat.upper() if _is_upper_context(text, i, i + 1) else lat.capitalize())
        else:
            # Single Latin letter, or a non-Serbian multi-letter value (Я -> Ja / JA).
            if len(lat) > 1 and _is_upper_context(text, i, i + 1):
                out.append(lat.upper())
            else:
                out.append(lat.capitalize())
    return "".join(out)


def to_cyrillic(text: str, *, dj_as_dje: bool = False) -> str:
    """Transliterate Serbian Latin to Serbian Cyrillic.

    ``lj``, ``nj`` and ``dž`` become Љ, Њ, Џ (see the module notes for the case rule);
    ``dj`` becomes Ђ only with ``dj_as_dje=True``. Letters outside the Serbian alphabet
    (q, w, x, y, ä ...) and digits stay as they are, so part numbers and model codes
    survive ("M70AB2" -> "М70АБ2").
    """
    text = unicodedata.normalize("NFC", "".join(_LATIN_LIGATURE_DIGRAPHS.get(c, c) for c in text))
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        pair = text[i : i + 2]
        low_pair = pair.lower()
        if len(pair) == 2 and (low_pair in _LAT_DIGRAPHS or (dj_as_dje and low_pair == "dj")):
            first_upper, second_upper = pair[0].isupper(), pair[1].isupper()
            if not first_upper and not second_upper:
                out.append("ђ" if low_pair == "dj" else _LAT_TO_CYR[low_pair])
                i += 2
                continue
            if first_upper:
                upper_ctx = _is_upper_context(text, i, i + 2)
                # "LJ" is one letter only among capitals, "Lj" only elsewhere; any other
                # casing is kept as two letters so that to_latin() gives it back unchanged.
                if (second_upper and upper_ctx) or (not second_upper and not upper_ctx):
                    out.append("Ђ" if low_pair == "dj" else _LAT_TO_CYR[low_pair].upper())
                    i += 2
                    continue
        ch = text[i]
        single = _LAT_TO_CYR.get(ch.lower())
        if single is None:
            out.append(ch)
        else:
            out.append(single.upper() if ch.isupper() else single)
        i += 1
    return "".join(out)


def fold_diacritics(text: str) -> str:
    """Remove diacritics: č/ć -> c, š -> s, ž -> z, đ -> dj, ß -> ss, é -> e ...

    Case is preserved. Uses Unicode decomposition (NFKD) and drops combining marks, plus an
    explicit table for letters that do not decompose (đ, ß, ø, ł ...). Cyrillic letters are
    left untouched: й, ё, ї, ѓ are letters of their own, not accented ones; transliterate
    first when a Latin result is needed.
    """
    return "".join(_fold_char(ch) for ch in unicodedata.normalize("NFC", text))


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if "\u0400" <= ch <= "\u04ff":
        return ch
    decomposed = unicodedata.normalize("NFKD", ch.translate(_FOLD_TABLE))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped.translate(_FOLD_TABLE))


def _key_step(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("×", "x")
    text = to_latin(text).casefold()
    text = fold_diacritics(text)
    text = to_latin(text).casefold()
    return _NON_ALNUM.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def search_key(text: str) -> str:
    """The key used to match any spelling in any script.

    Case-folded, Cyrillic transliterated to Latin, diacritics folded, and every run of
    punctuation or whitespace collapsed to one space ("Crvena  Zastava," -> "crvena
    zastava"; "Застава" -> "zastava"; "Česká" -> "ceska"). The multiplication sign becomes
    "x" so that "9×19" and "9x19" agree. Idempotent: ``search_key(search_key(x)) ==
    search_key(x)``.
    """
    key = _key_step(text)
    # A second pass settles the rare characters whose folding exposes new foldable
    # characters (compatibility forms, decomposed Cyrillic); the loop is bounded.
    for _ in range(3):
        again = _key_step(key)
        if again == key:
            break
        key = again
    return key


def compact_key(text: str) -> str:
    """:func:`search_key` with spaces removed too: "M-70 AB2" and "M70AB2" -> "m70ab2"."""
    return search_key(text).replace(" ", "")
