"""Normalisers: the named equivalences and invariance properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kalibar.reference.catalogue import load_catalogue
from kalibar.reference.normalise import (
    normalise_calibre,
    normalise_make,
    normalise_model,
    normalise_modification,
    normalise_weapon_type,
)
from kalibar.reference.script import fold_diacritics, to_cyrillic

CAT = load_catalogue()


@pytest.mark.parametrize(
    ("texts", "code"),
    [
        (["Zastava", "Crvena Zastava", "Застава", "ЦРВЕНА ЗАСТАВА", "Zastava Arms",
          "Zavodi Crvena Zastava", "zastava oruzje"], "zastava"),
        (["Heckler & Koch", "H&K", "HK", "Heckler und Koch", "heckler koch"], "heckler_koch"),
        (["CZ", "Česká zbrojovka", "Ceska Zbrojovka", "CZUB"], "cz"),
        (["Kalashnikov", "Izhmash", "Ижмаш", "Калашников"], "kalashnikov"),
        (["Tula", "TOZ", "Tokarev"], "tula"),
    ],
)  # fmt: skip
def test_make_equivalences(texts: list[str], code: str) -> None:
    for text in texts:
        match = normalise_make(text)
        assert match is not None and match.value == code, text


def test_make_match_kinds_and_explanations() -> None:
    alias = normalise_make("Crvena Zastava")
    assert alias is not None and alias.kind == "alias"
    assert alias.explanation == "Crvena Zastava = Zastava (alias)"
    exact = normalise_make("Zastava")
    assert exact is not None and exact.kind == "exact"
    listed = normalise_make("ЗАСТАВА")  # a listed Cyrillic alias
    assert listed is not None and listed.value == "zastava" and listed.kind == "alias"
    translit = normalise_make("Беретта")  # not listed: matched through transliteration
    assert translit is not None and translit.value == "beretta"
    assert translit.kind == "transliteration"
    assert translit.explanation == "Беретта = Beretta (transliterated from Cyrillic)"
    phonetic = normalise_make("Хеклер унд Кох")  # "Hekler und Koh": close, not equal
    assert phonetic is not None and phonetic.value == "heckler_koch"
    assert phonetic.kind == "fuzzy"
    fuzzy = normalise_make("Zastvaa")
    assert fuzzy is not None and fuzzy.value == "zastava" and fuzzy.kind == "fuzzy"
    assert "Zastava" in fuzzy.explanation and fuzzy.score < 100


@pytest.mark.parametrize("text", ["", "   ", "qwerty", "XY", "Unknown Arms Factory Ltd"])
def test_unknown_values_return_none(text: str) -> None:
    assert normalise_make(text) is None
    assert normalise_calibre(text) is None


@pytest.mark.parametrize(
    ("texts", "name"),
    [
        (["9×19mm", "9 mm Luger", "9x19", "9mm Parabellum", "9 mm NATO", "9mm Para", "9 X 19 MM"],
         "9×19mm"),
        (["7,62 M43", "7.62×39", "7.62x39mm", "7,62 x 39", "kal. 7,62x39"], "7.62×39mm"),
        ([".32 ACP", "7.65 Browning", "7,65 mm", "7.65mm"], "7.65×17mm Browning"),
        (["8 mm Mauser", "7.9×57", "8x57 IS", "7,92x57"], "7.92×57mm Mauser"),
        (["12/70", "12 gauge", "12ga", "kal. 12", "12 GA"], "12 gauge"),
        ([".380 ACP", "9 mm kratki", "9mm short", "9x17"], "9×17mm"),
        (["7.62 TT", "7,62x25", "7.62×25 Tokarev"], "7.62×25mm Tokarev"),
        (["7,62 M91", "7.62x54R", "7.62×54 R"], "7.62×54mmR"),
        ([".223 Remington", "5.56x45", "5,56 NATO"], "5.56×45mm"),
        ([".308 Win", "7.62 NATO", "7.62x51"], "7.62×51mm"),
        ([".30-06", "7.62x63"], "7.62×63mm"),
        ([".25 ACP", "6,35 Browning"], "6.35×15mm Browning"),
        (["9mm PAK", "9 mm P.A.K.", "9 PAK"], "9mm P.A.K."),
        (["кал. 7,62х39", "9 мм Лугер"], None),
    ],
)  # fmt: skip
def test_calibre_equivalences(texts: list[str], name: str | None) -> None:
    for text in texts:
        match = normalise_calibre(text)
        expected = name or ("7.62×39mm" if "39" in text else "9×19mm")
        assert match is not None and match.value == expected, text


def test_calibre_explanation() -> None:
    match = normalise_calibre("7,62 M43")
    assert match is not None
    assert match.explanation == "7,62 M43 = 7.62×39mm (alias)"
    assert normalise_calibre("7.62") is None  # deliberately ambiguous


@pytest.mark.parametrize(
    ("make", "texts", "name"),
    [
        ("zastava", ["M70AB2", "M70 AB2", "M-70AB2", "M-70 AB2", "m70ab2", "М70АБ2"], "M70AB2"),
        ("zastava", ["Zastava M70AB2", "Crvena Zastava M70 AB2"], "M70AB2"),
        ("cz", ["CZ 75 B", "CZ75B", "75B"], "75 B"),
        ("glock", ["G17", "Glock 17", "17"], "17"),
        ("tula", ["TT", "Tokarev", "ТТ-33"], "TT-33"),
    ],
)  # fmt: skip
def test_model_equivalences(make: str, texts: list[str], name: str) -> None:
    for text in texts:
        match = normalise_model(make, text)
        assert match is not None and match.value == name and match.make_code == make, text


def test_model_without_make() -> None:
    m70 = normalise_model(None, "M70AB2")
    assert m70 is not None and m70.make_code == "zastava"
    cz = normalise_model(None, "CZ99")
    assert cz is not None and (cz.make_code, cz.value) == ("zastava", "CZ99")
    beretta = normalise_model(None, "Beretta 92")
    assert beretta is not None and beretta.make_code == "beretta"
    assert normalise_model(None, "92") is None  # Beretta, Bruni ...: ambiguous
    assert normalise_model("no_such_make", "M70") is None


def test_model_fuzzy_keeps_digits() -> None:
    assert normalise_model("zastava", "M70AB7") is None
    fuzzy = normalise_model("zastava", "PAP M7O")  # letter O for zero is not a typo we guess
    assert fuzzy is None or fuzzy.kind == "fuzzy"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("pištolj", "pistol"), ("пиштољ", "pistol"), ("puška", "rifle"), ("пушка", "rifle"),
        ("automatska puška", "assault_rifle"), ("revolver", "revolver"),
        ("револвер", "revolver"), ("sačmarica", "shotgun"), ("сачмарица", "shotgun"),
        ("automat", "sub_machine_gun"), ("mitraljez", "machine_gun"),
        ("митраљез", "machine_gun"), ("Sub-machine gun", "sub_machine_gun"),
        ("assault rifle", "assault_rifle"), ("carbine", "carbine"),
    ],
)  # fmt: skip
def test_weapon_types(text: str, code: str) -> None:
    match = normalise_weapon_type(text)
    assert match is not None and match.value == code


def test_modifications() -> None:
    for text, code in [
        ("preinačen gasni pištolj", "converted_alarm"),
        ("3D printed", "printed_3d"),
        ("izbrisan serijski broj", "obliterated_serial"),
        ("reaktiviran", "reactivated"),
        ("kućna izrada", "home_made"),
    ]:
        match = normalise_modification(text)
        assert match is not None and match.value == code, text


# Properties --------------------------------------------------------------------------

_CALIBRE_SPELLINGS = sorted({s for c in CAT.calibres.values() for s in (c.name, *c.aliases)})
_MAKE_SPELLINGS = sorted({s for m in CAT.makes.values() for s in (m.name, *m.aliases)})


def _vary_calibre(text: str, comma: bool, times: str, spaced: bool, case: str) -> str:
    if comma:
        text = re.sub(r"(?<=\d)\.(?=\d)", ",", text)
    if spaced:
        text = re.sub(r"(?<=\d)\s*([×xX])\s*(?=\d)", r" \1 ", text)
        text = re.sub(r"(?<=\d)mm\b", " mm", text)
    text = re.sub(r"(?<=\d)(\s*)[×xX](\s*)(?=\d)", rf"\g<1>{times}\g<2>", text)
    return {"upper": text.upper(), "lower": text.lower(), "same": text}[case]


@given(
    st.sampled_from(_CALIBRE_SPELLINGS),
    st.booleans(),
    st.sampled_from(["×", "x", "X"]),
    st.booleans(),
    st.sampled_from(["upper", "lower", "same"]),
)
@settings(max_examples=300)
def test_calibre_invariance(text: str, comma: bool, times: str, spaced: bool, case: str) -> None:
    base = normalise_calibre(text)
    assert base is not None
    varied = normalise_calibre(_vary_calibre(text, comma, times, spaced, case))
    assert varied is not None and varied.value == base.value


@given(
    st.sampled_from(_MAKE_SPELLINGS),
    st.sampled_from(["upper", "lower", "same"]),
    st.booleans(),
    st.booleans(),
)
@settings(max_examples=300)
def test_make_invariance(text: str, case: str, cyrillic: bool, folded: bool) -> None:
    base = normalise_make(text)
    assert base is not None and base.kind in {"exact", "alias", "transliteration"}
    varied = {"upper": text.upper(), "lower": text.lower(), "same": text}[case]
    if folded:
        varied = fold_diacritics(varied)
    if cyrillic:
        varied = to_cyrillic(varied)
    match = normalise_make(varied)
    assert match is not None and match.value == base.value
