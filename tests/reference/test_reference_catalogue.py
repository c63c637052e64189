"""The catalogue data is complete enough for the region and internally consistent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pycountry
import pytest

from kalibar.reference.catalogue import DATA_DIR, CatalogueError, load_catalogue
from kalibar.reference.normalise import (
    _calibre_index,
    _make_index,
    _model_indexes,
    _modification_index,
    _type_index,
    normalise_make,
    normalise_model,
)

CAT = load_catalogue()


def test_sizes() -> None:
    assert len(CAT.makes) >= 60
    assert sum(1 for _ in CAT.models()) >= 300
    assert len(CAT.calibres) >= 40


def test_types_and_modifications() -> None:
    assert set(CAT.weapon_types) >= {
        "pistol", "revolver", "rifle", "assault_rifle", "carbine", "shotgun",
        "sub_machine_gun", "machine_gun", "other_salw",
    }  # fmt: skip
    assert set(CAT.modifications) >= {
        "converted_alarm", "reactivated", "home_made", "printed_3d", "obliterated_serial",
    }  # fmt: skip
    assert CAT.weapon_types["assault_rifle"].parent == "rifle"


def test_every_model_references_known_data() -> None:
    for model in CAT.models():
        assert model.type in CAT.weapon_types, model
        assert model.calibres and all(c in CAT.calibres for c in model.calibres), model
        assert all(m in CAT.modifications for m in model.modifications), model


def test_countries_are_real_iso_codes() -> None:
    for make in CAT.makes.values():
        for country in {make.country, *(m.country for m in make.models)} - {None}:
            assert pycountry.countries.get(alpha_2=country) is not None, (make.code, country)


def test_alarm_models_fire_blanks() -> None:
    for model in CAT.models():
        if model.alarm:
            assert all(CAT.calibres[c].is_blank for c in model.calibres), model


@pytest.mark.parametrize(
    ("make", "model"),
    [
        ("zastava", "M70"), ("zastava", "M70AB2"), ("zastava", "M57"), ("zastava", "M88"),
        ("zastava", "M92"), ("zastava", "M84"), ("zastava", "M76"), ("zastava", "M48"),
        ("zastava", "CZ99"), ("zastava", "PAP M70"), ("zastava", "M59/66"),
        ("tula", "TT-33"), ("baikal", "PM"), ("cz", "vz. 58"), ("cz", "75"),
        ("cz", "vz. 61 Škorpion"), ("glock", "17"), ("beretta", "92FS"),
        ("heckler_koch", "MP5"), ("kalashnikov", "AKM"), ("radom", "PM-63 RAK"),
        ("hs_produkt", "VHS-2"), ("hr_wartime", "Agram 2000"), ("printed_3d", "FGC-9"),
    ],
)  # fmt: skip
def test_regional_families_present(make: str, model: str) -> None:
    assert CAT.model(make, model) is not None


@pytest.mark.parametrize("code", ["ekol", "zoraki", "blow", "kuzey", "retay", "bruni", "umarex"])
def test_alarm_pistol_makers_present(code: str) -> None:
    make = CAT.makes[code]
    assert any(m.alarm for m in make.models)


def test_regional_makes_by_name() -> None:
    for text, code in [
        ("Zastava", "zastava"),
        ("Ekol", "ekol"),
        ("Zoraki", "zoraki"),
        ("Blow", "blow"),
        ("Kuzey", "kuzey"),
        ("Retay", "retay"),
        ("Norinco", "norinco"),
        ("FEG", "feg"),
        ("Arsenal", "arsenal_bg"),
        ("Baikal", "baikal"),
        ("Grand Power", "grand_power"),
        ("HS Produkt", "hs_produkt"),
        ("Home-made", "home_made"),
    ]:
        m = normalise_make(text)
        assert m is not None and m.value == code, text


def test_no_alias_names_two_makes() -> None:
    # Every make name and alias, after key folding, names exactly one make.
    assert _make_index().collisions() == {}


def test_no_alias_names_two_models_of_one_make() -> None:
    _, per_make = _model_indexes()
    clashes = {code: idx.collisions() for code, idx in per_make.items() if idx.collisions()}
    assert clashes == {}


def test_no_alias_names_two_calibres_types_or_modifications() -> None:
    assert _calibre_index().collisions() == {}
    assert _type_index().collisions() == {}
    assert _modification_index().collisions() == {}


def test_every_model_name_resolves_to_itself() -> None:
    for model in CAT.models():
        got = normalise_model(model.make_code, model.name)
        assert got is not None and got.value == model.name, model
        for alias in model.aliases:
            got = normalise_model(model.make_code, alias)
            assert got is not None and got.value == model.name, (model, alias)


def test_hs_codes() -> None:
    for code in [
        "9301",
        "9302",
        "9303",
        "9303.10",
        "9303.20",
        "9303.30",
        "9303.90",
        "9304",
        "9305",
        "9305.10",
        "9305.20",
        "9305.91",
        "9305.99",
        "9306",
        "9306.21",
        "9306.29",
        "9306.30",
        "9306.90",
        "9307",
    ]:
        assert CAT.hs(code) is not None, code
    decoys = {d.code for d in CAT.decoy_codes}
    assert decoys >= {"8205", "8207", "8708", "7318", "8466", "8487", "9503", "9506"}
    assert CAT.is_decoy("8708.92.35")
    assert not CAT.is_decoy("9302.00")


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_unknown_calibre_is_a_clear_error(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    makes = data / "makes.yaml"
    text = makes.read_text(encoding="utf-8")
    makes.write_text(
        text.replace(
            'name: M70A, type: assault_rifle, calibres: ["7.62×39mm"]',
            'name: M70A, type: assault_rifle, calibres: ["7.62x39"]',
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as err:
        load_catalogue(data)
    message = str(err.value)
    assert "makes.yaml" in message and "zastava" in message and "M70A" in message
    assert "7.62x39" in message


def test_unknown_type_is_a_clear_error(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    makes = data / "makes.yaml"
    text = makes.read_text(encoding="utf-8")
    makes.write_text(
        text.replace("name: M72, type: machine_gun", "name: M72, type: mg", 1), encoding="utf-8"
    )
    with pytest.raises(CatalogueError, match=r"makes\.yaml: make 'zastava' model 'M72'.*'mg'"):
        load_catalogue(data)
