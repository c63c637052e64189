"""Transliteration, diacritic folding and the search key."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalibar.reference.script import (
    compact_key,
    fold_diacritics,
    has_cyrillic,
    search_key,
    to_cyrillic,
    to_latin,
)

SERBIAN_LATIN_LOWER = [
    "a", "b", "c", "č", "ć", "d", "dž", "đ", "e", "f", "g", "h", "i", "j", "k", "l", "lj",
    "m", "n", "nj", "o", "p", "r", "s", "š", "t", "u", "v", "z", "ž",
]  # fmt: skip


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Љубљана", "Ljubljana"),
        ("ЉУБЉАНА", "LJUBLJANA"),
        ("Његош", "Njegoš"),
        ("ЊЕГОШ", "NJEGOŠ"),
        ("Џаковица", "Džakovica"),
        ("ЏЕП", "DŽEP"),
        ("Ђорђе Ћирић", "Đorđe Ćirić"),
        ("Чачак, Шабац, Жабаљ", "Čačak, Šabac, Žabalj"),
        ("Застава М70АБ2", "Zastava M70AB2"),
        ("Црвена Застава", "Crvena Zastava"),
        ("Љ", "Lj"),
        ("КОЊ", "KONJ"),
        ("Ижмаш", "Ižmaš"),
        ("Калашников", "Kalašnikov"),
    ],
)
def test_to_latin_known_words(cyrillic: str, latin: str) -> None:
    assert to_latin(cyrillic) == latin


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Ljubljana", "Љубљана"),
        ("LJUBLJANA", "ЉУБЉАНА"),
        ("Njegoš", "Његош"),
        ("Džakovica", "Џаковица"),
        ("Đorđe", "Ђорђе"),
        ("Zastava M70AB2", "Застава М70АБ2"),
    ],
)
def test_to_cyrillic_known_words(latin: str, cyrillic: str) -> None:
    assert to_cyrillic(latin) == cyrillic


def test_dj_is_kept_as_two_letters_unless_asked() -> None:
    assert to_cyrillic("Djordje") == "Дјордје"
    assert to_cyrillic("Djordje", dj_as_dje=True) == "Ђорђе"


def test_russian_letters_transliterate() -> None:
    assert to_latin("Байкал") == "Bajkal"
    assert to_latin("Сайга") == "Sajga"


def test_fold_diacritics() -> None:
    assert (
        fold_diacritics("Čačak Ćuprija Đakovo Šabac Žepče") == "Cacak Cuprija Djakovo Sabac Zepce"
    )
    assert fold_diacritics("Đ") == "Dj"
    assert fold_diacritics("Straße Sarsılmaz Röhm Česká") == "Strasse Sarsilmaz Rohm Ceska"


def test_search_key_examples() -> None:
    assert search_key("  Crvena   Zastava, ") == "crvena zastava"
    assert search_key("ЦРВЕНА ЗАСТАВА") == "crvena zastava"
    assert search_key("Česká zbrojovka") == "ceska zbrojovka"
    assert search_key("Đorđe") == search_key("Djordje")
    assert search_key("9×19") == search_key("9x19")
    assert compact_key("M-70 AB2") == compact_key("M70AB2") == "m70ab2"


# Hypothesis strategies -------------------------------------------------------------

# Words built from whole Serbian Latin letters (digraphs included as units), each word in
# lower, Title or UPPER case: the forms real text uses. Any such text round-trips.
_letter = st.sampled_from(SERBIAN_LATIN_LOWER)
_word = st.lists(_letter, min_size=1, max_size=8).map("".join)
_cased_word = st.tuples(_word, st.sampled_from(["lower", "title", "upper"])).map(
    lambda wc: (
        wc[0] if wc[1] == "lower" else wc[0].capitalize() if wc[1] == "title" else wc[0].upper()
    )
)
_sentence = st.lists(
    st.one_of(_cased_word, st.sampled_from(["12", "M70", "-", "7,62"])), min_size=1, max_size=6
).map(" ".join)

# Arbitrary strings over the Serbian Latin letters of both cases plus separators: a harder
# domain (mixed case inside words, "lJ", "LJb") on which the round trip also holds because
# to_cyrillic() only forms Љ/Њ/Џ where to_latin() would write the same casing back.
_any_serbian_latin = st.text(
    alphabet=st.sampled_from(
        [c for c in "".join(SERBIAN_LATIN_LOWER)]
        + [c.upper() for c in "".join(SERBIAN_LATIN_LOWER)]
        + list(" -.0123456789")
    ),
    max_size=20,
)


@given(_sentence)
def test_round_trip_latin_cyrillic_latin(text: str) -> None:
    assert to_latin(to_cyrillic(text)) == text


@given(_any_serbian_latin)
def test_round_trip_on_arbitrary_casing(text: str) -> None:
    assert to_latin(to_cyrillic(text)) == text


@given(st.text(alphabet=string.printable + "čćđšžČĆĐŠŽäöüßéèñ"))
def test_to_latin_is_identity_on_latin_text(text: str) -> None:
    assert not has_cyrillic(text)
    assert to_latin(text) == text


@given(st.text())
def test_to_latin_is_idempotent(text: str) -> None:
    once = to_latin(text)
    assert to_latin(once) == once


@given(st.text())
def test_search_key_is_idempotent(text: str) -> None:
    key = search_key(text)
    assert search_key(key) == key


@given(_sentence)
def test_search_key_ignores_script(text: str) -> None:
    assert search_key(to_cyrillic(text)) == search_key(text)
    assert search_key(to_cyrillic(text, dj_as_dje=True)) == search_key(text)


@given(_sentence)
def test_search_key_ignores_case_and_diacritics(text: str) -> None:
    assert search_key(text.upper()) == search_key(text)
    assert search_key(fold_diacritics(text)) == search_key(text)
