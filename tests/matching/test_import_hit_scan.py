"""Imports into a populated register: the batch hit scan makes exactly the hits of the
per-record path, and the index is rebuilt once after the commit."""

from __future__ import annotations

import csv
import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from support import World

from kalibar.auth.actor import Actor
from kalibar.config import get_settings
from kalibar.db.base import utcnow
from kalibar.db.session import unit_of_work
from kalibar.ids import uuid7
from kalibar.matching import MatchEngine, index_store
from kalibar.matching.hit_scan import REBUILD
from kalibar.matching.hits import scan_created_since, scan_new_records
from kalibar.matching.models import Hit
from kalibar.records.fields import COLUMNS
from kalibar.records.io_import import import_records

ADMIN = Actor(None, "test", None, "", "", frozenset({"admin"}))
STATUSES = ["seized", "found", "surrendered", "stolen", "lost", "trafficked", "destroyed"]
MODELS = [("Zastava", "M70AB2", "7.62x39"), ("Zastava", "M57", "7.62x25"), ("Glock", "17", "9x19")]


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KALIBAR_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    index_store.forget()


def _variant(rnd: random.Random, serial: str) -> str:
    """The serial as someone else wrote it: look-alike, one substitution, or unchanged."""
    i = rnd.randrange(2, len(serial))
    kind = rnd.random()
    if kind < 0.3:
        return serial
    if kind < 0.6:
        swap = {"0": "O", "1": "I", "5": "S", "8": "B"}
        return serial[:i] + swap.get(serial[i], serial[i]) + serial[i + 1 :]
    return serial[:i] + rnd.choice("0123456789") + serial[i + 1 :]


def _rows(rnd: random.Random, n: int, pool: list[str]) -> list[dict[str, str]]:
    rows = []
    for _ in range(n):
        make, model, calibre = rnd.choice(MODELS)
        if pool and rnd.random() < 0.6:
            serial = _variant(rnd, rnd.choice(pool))
        else:  # a new gun: its serial joins the pool others may write differently
            serial = f"{rnd.choice('ABKT')}{rnd.choice('BNR')}{rnd.randrange(10**5, 10**6)}"
            pool.append(serial)
        rows.append(
            {
                "record_id": str(uuid7()),
                "status": rnd.choice(STATUSES),
                "make": make,
                "model": model if rnd.random() < 0.8 else "",
                "calibre": calibre if rnd.random() < 0.5 else "",
                "serial_number": serial,
                "reporting_agency": rnd.choice(["BA-UIO", "BA-GP"]),
            }
        )
    return rows


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for row in rows:
            w.writerow(row)
    return path


def _hits(s: Session) -> set[tuple[uuid.UUID, uuid.UUID, float]]:
    s.flush()
    rows = s.execute(select(Hit.query_record_id, Hit.matched_record_id, Hit.score))
    return {(q, m, float(score)) for q, m, score in rows}


def test_batch_scan_makes_exactly_the_hits_of_the_per_record_path(
    world: World, tmp_path: Path
) -> None:
    rnd = random.Random(7)
    pool: list[str] = []
    register = _write(tmp_path / "register.csv", _rows(rnd, 400, pool))
    with unit_of_work(world.engine, actor=ADMIN) as s:
        since = utcnow()
        import_records(s, actor=ADMIN, source=register, filename="register.csv")
        old_hits = scan_created_since(s, since)
    assert old_hits > 0  # the register itself holds pairs
    new_rows = _rows(rnd, 400, pool)
    incoming = _write(tmp_path / "incoming.csv", new_rows)
    ids = [uuid.UUID(r["record_id"]) for r in new_rows]

    with world.session() as s:
        before = _hits(s)
        s.info["actor"] = ADMIN
        since = utcnow()
        import_records(s, actor=ADMIN, source=incoming, filename="incoming.csv")
        made = scan_created_since(s, since)
        batch = _hits(s) - before
        assert s.info[REBUILD] is True
        s.rollback()
    with world.session() as s:
        s.info["actor"] = ADMIN
        import_records(s, actor=ADMIN, source=incoming, filename="incoming.csv")
        assert scan_new_records(s, ids) == len(_hits(s) - before)
        per_record = _hits(s) - before
        s.rollback()
    assert made == len(batch) > 50
    assert batch == per_record


def test_an_import_into_a_populated_register_raises_its_hits_and_rebuilds_the_index_once(
    world: World, tmp_path: Path
) -> None:
    rnd = random.Random(11)
    pool: list[str] = []
    register = _write(tmp_path / "register.csv", _rows(rnd, 200, pool))
    with unit_of_work(world.engine, actor=ADMIN) as s:
        since = utcnow()
        import_records(s, actor=ADMIN, source=register, filename="register.csv")
        scan_created_since(s, since)
    root = index_store.index_dir(world.engine)
    first = (root / "CURRENT").read_text()
    stolen = {
        "record_id": str(uuid7()),
        "status": "stolen",
        "make": "Zastava",
        "model": "M70AB2",
        "serial_number": pool[0],
        "reporting_agency": "BA-UIO",
    }
    seized = stolen | {"record_id": str(uuid7()), "status": "seized", "reporting_agency": "BA-GP"}
    incoming = _write(tmp_path / "incoming.csv", [stolen, seized])
    with unit_of_work(world.engine, actor=ADMIN) as s:
        since = utcnow()
        import_records(s, actor=ADMIN, source=incoming, filename="incoming.csv")
        assert scan_created_since(s, since) >= 1
    # the index was rebuilt after the commit and holds the new records (no delta needed)
    second = (root / "CURRENT").read_text()
    assert second != first
    generation = MatchEngine.open(root / second)
    assert stolen["record_id"] in generation and seized["record_id"] in generation
    assert len(generation) == 202
    with world.session() as s:
        pair = s.execute(
            select(Hit.query_record_id, Hit.matched_record_id).where(
                Hit.query_record_id == uuid.UUID(seized["record_id"])
            )
        ).all()
    assert (uuid.UUID(seized["record_id"]), uuid.UUID(stolen["record_id"])) in pair


def test_a_rolled_back_import_leaves_the_index_alone(world: World, tmp_path: Path) -> None:
    rnd = random.Random(3)
    rows = _rows(rnd, 30, [])
    path = _write(tmp_path / "in.csv", rows)
    with unit_of_work(world.engine, actor=ADMIN) as s:
        since = utcnow()
        import_records(s, actor=ADMIN, source=path, filename="in.csv")
        scan_created_since(s, since)
    root = index_store.index_dir(world.engine)
    before = (root / "CURRENT").read_text()
    more = _write(tmp_path / "more.csv", _rows(rnd, 30, []))
    with world.session() as s:
        s.info["actor"] = ADMIN
        since = utcnow()
        import_records(s, actor=ADMIN, source=more, filename="more.csv")
        scan_created_since(s, since)
        s.rollback()
        assert REBUILD not in s.info
    assert (root / "CURRENT").read_text() == before
