"""The place catalogue and the seizure vocabulary (no database needed)."""

from __future__ import annotations

import pytest

from kalibar.errors import Invalid
from kalibar.seizures.labels import LABELS, TEMPLATE_GLOBALS, label
from kalibar.seizures.places import place, places, search_places
from kalibar.seizures.vocabulary import VOCAB, check, problem

SPEC_LISTS = {
    "context": {"border_check", "cargo_inspection", "postal_inspection", "vehicle_search",
                "premises_search", "street", "surrendered", "found"},
    "direction": {"entry", "exit", "transit", "domestic"},
    "item_kind": {"firearm", "part", "ammunition", "explosive", "accessory"},
    "unit": {"pieces", "rounds", "g", "kg"},
    "custody_action": {"seized", "sealed", "transferred", "received", "examined", "stored",
                       "released", "destroyed"},
    "evidence_kind": {"photo", "markings", "xray", "scan", "document"},
}  # fmt: skip


def test_catalogue_covers_the_region_with_coordinates() -> None:
    rows = places()
    assert len(rows) >= 60
    assert len({p.code for p in rows}) == len(rows)
    assert {p.country for p in rows} == {"BA", "RS", "HR", "ME"}
    for p in rows:
        assert p.kind in VOCAB["place_kind"], p
        assert 41.5 < p.lat < 46.6 and 13.5 < p.lon < 23.1, p
        assert p.code.startswith(p.country + "-") and p.name and p.name_cyrl
    kinds_by_country = {(p.country, p.kind) for p in rows}
    for country in ("BA", "RS", "HR", "ME"):
        for kind in ("road_crossing", "airport", "postal_centre"):
            assert (country, kind) in kinds_by_country


def test_place_lookup_and_search_in_any_script() -> None:
    bijaca = place("ba-bijaca")
    assert bijaca is not None and bijaca.name == "Bijača" and bijaca.name_cyrl == "Бијача"
    assert place("nowhere") is None and place(None) is None
    for query in ("Bijača", "bijaca", "БИЈАЧА", "bij"):
        assert search_places(query)[0].code == "BA-BIJACA", query
    assert [p.code for p in search_places("aerodrom", country="me")] == [
        "ME-AIRPORT-TGD", "ME-AIRPORT-TIV"
    ]  # fmt: skip
    assert search_places("Šid")[0].code == "RS-SID-RAIL"
    assert len(search_places("")) == min(50, len(places()))


def test_vocabulary_has_the_spec_lists_and_labels_match() -> None:
    for name, codes in SPEC_LISTS.items():
        assert set(VOCAB[name]) == codes, name
    for name in (
        "detection_method",
        "concealment_method",
        "conveyance_kind",
        "part_kind",
        "ammunition_type",
        "explosive_type",
        "criminal_context",
        "entity_role",
    ):
        assert VOCAB[name], name  # fmt: skip
    # labels.py writes every label as a literal for extraction: same lists, same English
    for name, labels in VOCAB.items():
        assert {c: str(v) for c, v in LABELS[name].items()} == labels, name
    assert TEMPLATE_GLOBALS["seizure_labels"] is LABELS
    assert label("concealment_method", "on_person") == "on the person"
    assert label("context", "unknown-code") == "unknown-code"


def test_check_names_the_field_and_the_allowed_codes() -> None:
    check("context", "street", "context")
    with pytest.raises(Invalid) as err:
        check("context", "picnic", "context")
    (detail,) = err.value.details
    assert detail["field"] == "context" and "border_check" in detail["allowed"]
    assert problem("unit", "kg", "unit") is None


def test_quantities_agree_with_their_number() -> None:
    from kalibar.i18n import use_language
    from kalibar.seizures.labels import quantity_text

    assert quantity_text(1, "pieces") == "1 piece"
    assert quantity_text(50.0, "rounds") == "50 rounds"
    assert quantity_text(1.5, "kg") == "1.5 kg"
    with use_language("bs"):
        assert [quantity_text(n, "rounds") for n in (1, 3, 50, 21)] == [
            "1 metak",
            "3 metka",
            "50 metaka",
            "21 metak",
        ]
