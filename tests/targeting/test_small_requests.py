"""The small-request path of screening gives the batch path's answers.

A request of a few declarations (the API's usual one) skips Polars and scikit-learn's
input checks: a dictionary index of the watchlist (``names.WatchIndex``), Python keys
(``names.py_key``), the rules row by row, the model's compiled predictor
(``predictor.Predictor``) and Python consignee flags. These tests compare each piece, and
the whole screening, with the batch path on generated declarations.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest

from kalibar.demo.targeting.synthetic import generate
from kalibar.targeting import screening
from kalibar.targeting.features import consignee_features
from kalibar.targeting.fields import DECLARATION_COLUMNS, ITEM_COLUMNS
from kalibar.targeting.model import RiskModel, declaration_features
from kalibar.targeting.names import (
    WatchIndex,
    entries_frame,
    key_expr,
    py_key,
    watchlist_per_declaration,
)
from kalibar.targeting.predictor import Predictor
from kalibar.targeting.rules import load_rules
from kalibar.targeting.schemas import DeclarationIn
from kalibar.targeting.training import train

_CYR = str.maketrans(
    "abvgdđežzijklmnoprstćufhcčšABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠ",
    "абвгдђежзијклмнопрстћуфхцчшАБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШ",
)


@pytest.fixture(scope="module")
def model() -> RiskModel:
    history = generate(30_000, seed=7, illicit_scale=40.0).drop("pattern")
    trained, _meta = train(history, rules=load_rules(None), seed=3, max_iter=30)
    return trained


@pytest.fixture(scope="module")
def requests() -> pl.DataFrame:
    return generate(600, seed=21, history=False, illicit_scale=30.0).drop("pattern")


@pytest.fixture(scope="module")
def watchlist(requests: pl.DataFrame) -> pl.DataFrame:
    """Entries from the requests' own parties (respelled: Cyrillic, no diacritics, a
    different country) plus look-alikes that must not match."""
    rows: list[tuple[str, str, str, str]] = []
    names = requests["consignee_name"].unique().sort().to_list()
    for i, name in enumerate(n for n in names if n):
        if i % 3 == 0:
            rows.append(("person", name.translate(_CYR), "", f"p{i}"))
        elif i % 3 == 1:
            rows.append(("person", name.replace("ć", "c").replace("đ", "dj"), "XK", f"q{i}"))
        else:
            rows.append(("person", name + "ovski", "", f"r{i}"))
    for i, name in enumerate(requests["consignor_name"].unique().sort().to_list()[:20]):
        rows.append(("company", f"{name} d.o.o.", "", f"c{i}"))
    for i, phone in enumerate(requests["consignee_phone"].unique().sort().to_list()[:40]):
        rows.append(("phone", f"00{phone.lstrip('+')}" if phone else "061 000 000", "", f"t{i}"))
    for i, plate in enumerate(requests["vehicle_registration"].unique().sort().to_list()[:20]):
        rows.append(("plate", plate.lower(), "", f"v{i}"))
    for i, addr in enumerate(requests["consignee_address"].unique().sort().to_list()[:10]):
        rows.append(("address", addr, "", f"a{i}"))
    return entries_frame(
        pl.DataFrame(rows, schema=["kind", "name", "country", "entry_id"], orient="row")
    )


def _declarations(frame: pl.DataFrame) -> list[DeclarationIn]:
    out: dict[str, dict[str, Any]] = {}
    for row in frame.iter_rows(named=True):
        key = str(row["declaration_id"])
        if key not in out:
            out[key] = {c: (row[c] or "") for c in DECLARATION_COLUMNS}
            out[key]["items"] = []
        item: dict[str, Any] = {c: (row[c] or "") for c in ITEM_COLUMNS}
        for c in ("quantity", "gross_weight_kg", "declared_value"):
            item[c] = float(item[c]) if item[c] != "" else None
        out[key]["items"].append(item)
    return [DeclarationIn.model_validate(d) for d in out.values()]


def test_compiled_predictor_equals_predict_proba(model: RiskModel, requests: pl.DataFrame) -> None:
    history = generate(5_000, seed=8, illicit_scale=40.0).drop("pattern")
    x = model.encoder.transform(
        declaration_features(
            pl.concat([history.select(requests.columns), requests]), signals=model.signals
        )
    )
    x[::7, -1] = np.nan  # missing category
    x[1::7, -2] = 9999.0  # unknown category code
    x[2::7, -3] = -1.0  # negative code: missing
    x[3::7, 0] = np.nan  # missing number
    fast = Predictor.build(model.estimator)
    assert fast is not None
    expected = model.estimator.predict_proba(x)[:, 1]
    np.testing.assert_allclose(fast.predict(x), expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.predict(x, n_threads=2), expected, rtol=0, atol=1e-12)
    one = np.array([fast.predict_one(row) for row in x.tolist()])
    np.testing.assert_allclose(one, expected, rtol=0, atol=1e-12)
    assert (expected > 0.1).sum() > 10  # the sample reaches the interesting branches


def test_python_keys_equal_the_vectorised_keys(requests: pl.DataFrame) -> None:
    values = [
        "Đorđević Marko", "Djordjevic d.o.o.", "ĐORĐEVIĆ, d.o.o. Sarajevo", "Ђорђевић Марко",
        "Petrovich", "Tatch Ltd. Şti.", "+387 61 123-456", "00387 61 123 456", "061/123456",
        "BG 1234 AB", "ŠĆŽ ČĐ dj", "  a.d.  d.o.o. Foo  ", "Foo GmbH & Co KG", "x_y__z",
        "９１２３４５６７８", "Ǆ ǅ ǆ", "straße", "İstanbul ı", "Ω 9×19", "Љиљана Њего Џ", "",
    ]  # fmt: skip
    for col in ("consignee_name", "consignor_name", "consignee_address", "consignee_phone"):
        values += requests[col].unique().to_list()
    values += requests["vehicle_registration"].unique().to_list()
    frame = pl.DataFrame({"v": [v or "" for v in values]})
    for group in ("name", "address", "phone", "plate"):
        expected = frame.select(key_expr(group, "v").alias("k"))["k"].to_list()
        assert [py_key(group, v) for v in frame["v"].to_list()] == expected, group


def test_watch_index_equals_the_vectorised_match(
    requests: pl.DataFrame, watchlist: pl.DataFrame
) -> None:
    expected = {k: (s, r) for k, s, r in watchlist_per_declaration(requests, watchlist).iter_rows()}
    firsts: dict[str, dict[str, str]] = {}
    for row in requests.iter_rows(named=True):
        firsts.setdefault(row["declaration_id"], {k: v or "" for k, v in row.items()})
    got = WatchIndex.of(watchlist).per_declaration(firsts)
    assert len(expected) > 50
    assert got == expected


def test_consignee_flags_equal_the_vectorised_features(requests: pl.DataFrame) -> None:
    names = requests["consignee_name"].unique().sort().to_list()
    known = frozenset(n.lower() for n in names[::4] if n)
    seized = frozenset(n.lower() for n in names[1::9] if n)
    parts = [n for n in names[2::9] if n]
    from kalibar.targeting.consignees import party_keys

    parties = frozenset(k for n in parts for k in party_keys(n))
    for chunk in range(0, 600, 30):
        ids = requests["declaration_id"].unique(maintain_order=True).to_list()[chunk : chunk + 30]
        frame = requests.filter(pl.col("declaration_id").is_in(ids))
        flags = (
            consignee_features(frame, known=known, seized=seized, parties=parties)
            .group_by("declaration_id", maintain_order=True)
            .agg(pl.col("first_time_consignee").any(), pl.col("consignee_seen_in_seizure").any())
        )
        rows: dict[str, list[dict[str, str]]] = {}
        for row in frame.iter_rows(named=True):
            rows.setdefault(row["declaration_id"], []).append({k: v or "" for k, v in row.items()})
        got = screening.Consignees(known, seized, parties).flags(rows)
        for key, first, seen in flags.iter_rows():
            assert got[key] == {"first_time_consignee": first, "consignee_seen_in_seizure": seen}


def test_small_path_gives_the_batch_answers(
    model: RiskModel, requests: pl.DataFrame, watchlist: pl.DataFrame
) -> None:
    decls = _declarations(requests)
    consignees = screening.Consignees(
        frozenset({"marko markovic"}), frozenset(), frozenset({"jovanovic petar"})
    )
    compared = flagged = with_watch = 0
    for start in range(0, len(decls), 20):
        parsed = screening.parse_declarations(decls[start : start + 20])
        kw = {"watchlist": watchlist, "model": model, "consignees": consignees}
        small = screening.screen_parsed(parsed, **kw)  # 20 <= SMALL_BATCH
        batch = screening.screen_frame(parsed.frame, **kw)
        for a, b in zip(small, batch, strict=True):
            assert (a.declaration_id, a.lane, a.reasons, a.rules, a.random) == (
                b.declaration_id,
                b.lane,
                b.reasons,
                b.rules,
                b.random,
            )
            assert a.model_score == pytest.approx(b.model_score, abs=1e-9)
            assert a.score == pytest.approx(b.score, abs=1e-6)
            assert [n for n, _v in a.top_features] == [n for n, _v in b.top_features]
            for (_n, va), (_m, vb) in zip(a.top_features, b.top_features, strict=True):
                assert va == pytest.approx(vb, abs=1e-3)
            compared += 1
            flagged += bool(a.top_features)
            with_watch += any(r.startswith("watchlist:") for r in a.reasons)
    assert compared == len(decls)
    assert flagged > 5 and with_watch > 20


def test_one_declaration_alone_equals_its_batch_lane(
    model: RiskModel, requests: pl.DataFrame
) -> None:
    decls = _declarations(requests)[:60]
    batch = screening.screen_frame(screening.parse_declarations(decls).frame, model=model)
    for decl, b in zip(decls, batch, strict=True):
        (a,) = screening.screen_parsed(screening.parse_declarations([decl]), model=model)
        assert (a.lane, a.reasons, a.model_score) == (b.lane, b.reasons, b.model_score)
