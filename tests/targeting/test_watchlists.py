from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from support import World

from kalibar.errors import Invalid
from kalibar.records.cli import cli_actor
from kalibar.targeting.names import WatchEntry, match_one, watchlist_features
from kalibar.targeting.watchlists import (
    add_entry,
    entries_for_screening,
    import_entries,
    list_entries,
    read_csv,
)

SPELLINGS = [
    "Đorđević Marko",
    "Djordjevic Marko",
    "Ђорђевић Марко",
    "Dordevic Marko",
    "MARKO DJORDJEVIĆ",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_cross_script_person(spelling: str) -> None:
    [(_, score)] = match_one("Đorđević Marko", "person", [spelling])
    assert score >= 0.95


def test_other_people_do_not_match() -> None:
    scores = dict(
        match_one("Đorđević Marko", "person", ["Petrović Marko", "Marko", "Đorđević Ana"])
    )
    assert all(s < 0.88 for s in scores.values())


@pytest.mark.parametrize(
    "spelling", ["TRGOVINA DJORDJEVIC DOO", "Трговина Ђорђевић д.о.о.", "Trgovina Djordjević"]
)
def test_company_suffixes_ignored(spelling: str) -> None:
    [(_, score)] = match_one("Trgovina Đorđević d.o.o.", "company", [spelling])
    assert score == pytest.approx(1.0)


def _decls() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "declaration_id": ["D1", "D1", "D2", "D3", "D4", "D5"],
            "consignor_name": ["Tools Ltd", "Tools Ltd", "ТРГОВИНА ЂОРЂЕВИЋ Д.О.О.", "", "", ""],
            "consignor_country": ["DE", "DE", "RS", "", "", ""],
            "consignee_name": ["Dordevic Marko", "Dordevic Marko", "Ana B", "X Y", "Z", "Q"],
            "consignee_country": ["BA", "BA", "BA", "BA", "BA", "BA"],
            "consignee_phone": ["", "", "", "00387 61 234 567", "", ""],
            "vehicle_registration": ["", "", "", "", "а12-к-345", ""],
            "consignee_address": ["", "", "", "", "", "Ulica Maršala Tita 5"],
        }
    )


def test_watchlist_features_vectorised() -> None:
    entries = [
        WatchEntry("person", "Ђорђевић Марко", "BA", "e1"),
        WatchEntry("company", "Trgovina Đorđević doo", "RS", "e2"),
        WatchEntry("phone", "+387 61 234-567"),
        WatchEntry("plate", "A12 K 345"),
        WatchEntry("address", "Ulica Marsala Tita 5"),
    ]
    out = watchlist_features(_decls(), entries)
    assert out.height == 6  # item rows kept; values per declaration
    per = {r["declaration_id"]: r for r in out.unique("declaration_id").to_dicts()}
    assert all(per[d]["watchlist_hit"] for d in ("D1", "D2", "D3", "D4", "D5"))
    assert "Dordevic Marko" in per["D1"]["watchlist_reason"]
    assert "consignor_name" in per["D2"]["watchlist_reason"]
    assert per["D1"]["watchlist_score"] == pytest.approx(1.0)


def test_country_mismatch_lowers_score() -> None:
    out = watchlist_features(_decls(), [WatchEntry("person", "Đorđević Marko", "HR")])
    row = out.filter(pl.col("declaration_id") == "D1").row(0, named=True)
    assert 0.85 < row["watchlist_score"] < 1.0


def test_no_entries_no_hits() -> None:
    out = watchlist_features(_decls(), [])
    assert not out["watchlist_hit"].any() and (out["watchlist_reason"] == "").all()


def test_visibility_agency_entries_stay_with_their_agency(world: World) -> None:
    """Decision: a screening uses the entries its agency may see; an ``agency``-level entry
    of BA-UIO is not used by BA-BHP, a ``national`` one is, and not by RS-UC."""
    with world.session() as s:
        uio = cli_actor(s, "BA-UIO")
        add_entry(s, actor=uio, kind="person", name="Đorđević Marko")
        add_entry(s, actor=uio, kind="phone", name="+387 61 234 567", distribution="national")
        s.commit()
    with world.session() as s:
        names = {e.name for e in entries_for_screening(s, actor=cli_actor(s, "BA-UIO"))}
        assert names == {"Đorđević Marko", "+387 61 234 567"}
        post = entries_for_screening(s, actor=cli_actor(s, "BA-BHP"))
        assert [e.name for e in post] == ["+387 61 234 567"]
        assert entries_for_screening(s, actor=cli_actor(s, "RS-UC")) == []
        hits = watchlist_features(_decls(), post)
        assert not hits.filter(pl.col("declaration_id") == "D1")["watchlist_hit"].any()
        assert len(list_entries(s, actor=cli_actor(s, "BA-BHP"))) == 1


def test_csv_import_is_atomic(world: World, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "kind,name,country,note\nperson,Đorđević Marko,RS,known courier\n"
        "company,Trgovina d.o.o.,BA,\nplate,A12-K-345,,\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,name,country,note\nperson,X,,\nboat,Y,,\nperson,,,\n", encoding="utf-8")
    with pytest.raises(Invalid) as exc:
        read_csv(bad)
    assert [d["row"] for d in exc.value.details] == [3, 4]
    with world.session() as s:
        actor = cli_actor(s, "BA-UIO")
        assert import_entries(s, actor=actor, rows=read_csv(good)) == 3
        s.commit()
        assert len(list_entries(s, actor=actor)) == 3
