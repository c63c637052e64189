"""Unit tests: folding rules, weighted distance, explanations, hashing agreement."""

import numpy as np
import pytest

from kalibar.matching import Costs, EditBudget, align, explain_ops, fold, prepare_prefixes
from kalibar.matching.distance import weighted_cost_units
from kalibar.matching.hashing import (
    count_variants,
    deletion_variants,
    encode,
    hash_strings,
    variant_hashes,
)
from kalibar.reference.fold import fold_fast, to_skeleton

C = Costs().scaled


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("ab-12 34", "AB1234"),  # case + separators
        ("A/B.1_2", "AB12"),
        ("АВ123", "AB123"),  # Cyrillic upper
        ("ав123", "AB123"),  # Cyrillic lower
        ("ЕКМНОРСТХУ", "EKMHOPCTXY"),
        ("ІЈЅ", "IJS"),
        ("S/N 12345", "12345"),
        ("SN: 12345", "12345"),
        ("SN12345", "SN12345"),  # bare prefix without separator is kept
        ("No. 4711", "4711"),
        ("Nr.4711", "4711"),
        ("Br. 4711", "4711"),
        ("Бр. 4711", "4711"),
        ("SER 4711", "4711"),
        ("Serial No. 4711", "4711"),
        ("S/N", "SN"),  # nothing follows: not a prefix
    ],
)
def test_fold_rules(raw: str, folded: str) -> None:
    f = fold(raw)
    assert f.folded == folded
    assert fold_fast(raw) == folded


def test_skeleton_lookalikes() -> None:
    assert to_skeleton("OILSBZG") == "0115826"
    assert to_skeleton("QD") == "QD"  # deliberately not folded
    assert fold("o1-ls").skeleton == "0115"


def test_model_prefix_stripped_only_when_followed() -> None:
    prefixes = prepare_prefixes(["M70", "m70ab2"])
    assert fold("M70AB2 123456", prefixes).folded == "123456"
    assert fold("M70 123456", prefixes).folded == "123456"
    assert fold("M70", prefixes).folded == "M70"
    assert fold("М7О 123", prefixes).folded == "123"  # Cyrillic М, look-alike O
    assert "model prefix 'M70AB2' removed" in fold("M70AB2-1", prefixes).steps


def test_fold_steps_explain() -> None:
    steps = fold("S/N АВ-12").steps
    assert "prefix 'S/N' removed" in steps
    assert "separators ignored" in steps
    assert any("А→A" in s for s in steps)


def test_query_syntax() -> None:
    f = fold("12?4*9")
    assert f.folded == "12?4*9" and f.skeleton == "12?49" and f.has_star


def test_lookalike_cheaper_than_substitution() -> None:
    look = weighted_cost_units("12O456", "120456", C)
    other = weighted_cost_units("123456", "128456", C)
    assert 0 < look < other == 100
    assert look == 30


def test_transposition_counts_once() -> None:
    cost, ops = align("123456", "124356", Costs())
    assert cost == Costs().transposition  # one swap, not two substitutions
    assert [o.kind for o in ops if o.kind != "match"] == ["transpose"]
    assert explain_ops(ops) == ["serial: transposition 34→43"]


def test_unknown_spends_budget() -> None:
    cost, ops = align("12?456", "123456", Costs())
    assert cost == 1.0
    assert "serial: 1 unreadable character ?→3 (spends budget)" in explain_ops(ops)
    assert align("12?456", "123456", Costs(unknown=0.5))[0] == 0.5


def test_star_absorbs_run() -> None:
    cost, ops = align("12*56", "123456", Costs())
    assert cost == 1.0  # two characters at 0.5
    assert explain_ops(ops) == ["serial: unreadable run * covered '34'"]


def test_explanations() -> None:
    assert explain_ops(align("ABC", "ABC", Costs())[1]) == ["serial: exact match"]
    lines = explain_ops(align("A8O1X", "AB01", Costs())[1])
    assert "serial: 2 substitutions 8→B, O→0 (look-alike)" in lines
    assert "serial: 1 extra character in query ('X')" in lines
    lines = explain_ops(align("AB1", "AB12", Costs())[1])
    assert lines == ["serial: 1 character missing from query ('2')"]


def test_fast_cost_equals_table() -> None:
    from kalibar.matching.distance import _table

    for a, b in [("O0O0O0O0", "0O0O0O0O"), ("SB12", "5812"), ("12?4", "1234"), ("AB", "BA")]:
        assert weighted_cost_units(a, b, C) == _table(a, b, C)[-1][-1]
        assert round(align(a, b, Costs())[0] * 100) == weighted_cost_units(a, b, C)


def test_budget_by_length() -> None:
    b = EditBudget()
    assert [b.for_length(n) for n in (1, 4, 5, 7, 8, 14)] == [0, 0, 1, 1, 2, 2]


def test_vectorised_variants_match_query_hashes() -> None:
    words = ["A81234XY", "11223344", "T0620148"]
    codes = encode(words, 8)
    build = {int(h) for arr in variant_hashes(codes, 2) for h in arr}
    query = {int(h) for w in words for h in hash_strings(deletion_variants(w, 2))}
    assert build == query
    assert count_variants(8, 2) == 1 + 8 + 28
    assert len(list(variant_hashes(codes, 2))) == 37
    assert hash_strings(["AB"]).dtype == np.uint64
