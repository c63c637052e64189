"""Engine tests: index == brute force (property), delta, persistence, explanations."""

import random
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kalibar.demo.matching import MODEL_PREFIXES, corrupt, generate_records
from kalibar.matching import Candidate, MatchConfig, MatchEngine, Query

# A small alphabet full of look-alikes makes near neighbours (and ties) common.
ALPHABET = "0125689OISBZGAKX"
serials = st.text(alphabet=ALPHABET, min_size=2, max_size=12)
makes = st.sampled_from([None, "Zastava", "Glock", "CZ"])
records = st.lists(st.tuples(serials, makes), min_size=1, max_size=60)


def _summary(cands: list[Candidate]) -> list[tuple[str, float, float, int]]:
    return [(c.key, c.score, c.cost, c.edits) for c in cands]


def _engine(recs: list[tuple[str, str | None]]) -> MatchEngine:
    rows = [(f"r{i:03d}", s, m) for i, (s, m) in enumerate(recs)]
    return MatchEngine.build(rows, MatchConfig(model_prefixes=MODEL_PREFIXES))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recs=records, picks=st.lists(st.integers(0, 10**6), min_size=1, max_size=6),
       seed=st.integers(0, 2**32), make=makes)  # fmt: skip
def test_index_equals_exhaustive(recs, picks, seed, make) -> None:
    engine = _engine(recs)
    rng = random.Random(seed)
    queries = []
    for p in picks:
        serial = recs[p % len(recs)][0]
        queries.append(corrupt(serial, rng, edits=rng.choice((0, 1, 1, 2))))
    queries.append(recs[0][0][:2] + "*" + recs[0][0][-2:])
    for q in queries:
        got = engine.query(q, make=make, limit=100)
        want = engine.exhaustive_query(q, make=make, limit=100)
        assert _summary(got) == _summary(want), q
    batch = engine.query_batch([Query(q, make=make) for q in queries], limit=100, widen=True)
    assert [_summary(b) for b in batch] == [
        _summary(engine.exhaustive_query(q, make=make, limit=100)) for q in queries
    ]
    narrow = engine.query_batch([Query(q, make=make) for q in queries], limit=100)
    assert [_summary(b) for b in narrow] == [
        _summary(engine.exhaustive_query(q, make=make, limit=100, widen=False)) for q in queries
    ]


@settings(max_examples=60, deadline=None)
@given(recs=records, changes=st.lists(st.tuples(st.integers(0, 99), serials), max_size=10),
       seed=st.integers(0, 2**32))  # fmt: skip
def test_delta_equals_exhaustive(recs, changes, seed) -> None:
    engine = _engine(recs)
    rng = random.Random(seed)
    for i, serial in changes:
        key = f"r{i:03d}"
        action = rng.choice(("add", "update", "remove"))
        if action == "remove" and key in engine:
            engine.remove(key)
        elif action == "add" and key not in engine:
            engine.add(key, serial)
        else:
            engine.update(key, serial, make="Glock")
    probes = [s for _, s in changes] + [corrupt(s, rng) for s, _ in recs[:3]]
    for q in probes:
        assert _summary(engine.query(q, limit=100)) == _summary(
            engine.exhaustive_query(q, limit=100)
        )
    before = {q: _summary(engine.query(q, limit=100)) for q in probes}
    engine.merge()
    assert len(engine.delta) == 0
    for q in probes:
        after = [(k, s, c, e) for k, s, c, e in _summary(engine.query(q, limit=100))]
        assert after == before[q]


def test_delta_add_update_remove_visible() -> None:
    engine = MatchEngine.build([("a", "AB123456", "CZ"), ("b", "XY987654", "Glock")])
    engine.add("c", "KK555555", make="CZ")
    assert [c.key for c in engine.query("KK555555")] == ["c"]
    assert engine.query("KK555555")[0].ordinal == -1
    engine.update("a", "ZZ111111")
    assert engine.query("AB123456") == []
    assert [c.key for c in engine.query("ZZ111111")] == ["a"]
    engine.remove("b")
    assert engine.query("XY987654") == []
    engine.remove("c")
    assert engine.query("KK555555") == []
    assert len(engine) == 1
    try:
        engine.add("a", "1")
    except KeyError:
        pass
    else:
        raise AssertionError("duplicate add accepted")


def test_save_open_roundtrip_mmap(tmp_path: Path) -> None:
    rows = generate_records(3000, seed=7)
    config = MatchConfig(model_prefixes=MODEL_PREFIXES)
    engine = MatchEngine.build(rows, config)
    engine.add("00000000-0000-0000-0000-000000000001", "CZ-A123456", make="CZ")
    engine.save(tmp_path / "idx")
    opened = MatchEngine.open(tmp_path / "idx")
    assert isinstance(opened.base.entries, np.memmap)
    assert opened.base.keys.kind == "uuid"
    assert len(opened) == 3001
    rng = random.Random(3)
    for key, serial, make, *_ in rows[:50]:
        q = corrupt(serial, rng)
        assert _summary(opened.query(q, make=make)) == _summary(engine.query(q, make=make))
        assert key in opened
    hit = opened.query("CZ A123456", make="CZ")[0]
    assert hit.key == "00000000-0000-0000-0000-000000000001"
    opened.update(rows[0][0], "NEW-999999")
    assert opened.query("NEW999999")[0].key == rows[0][0]
    opened.save(tmp_path / "idx")  # re-save over the files it has mapped
    assert MatchEngine.open(tmp_path / "idx").query("NEW999999")[0].key == rows[0][0]


def test_candidate_explanation_and_ranking() -> None:
    engine = MatchEngine.build(
        [
            ("r1", "S/N 1234O6", "Zastava", "M70", "7.62x39", "rifle"),
            ("r2", "123406", "Zastava", "M57", "7.62x25", "pistol"),
            ("r3", "128406", "CZ"),
        ]
    )
    top = engine.query("12З4-06", make="Zastava", calibre="7.62x25")
    assert [c.key for c in top] == ["r2", "r1", "r3"]  # З (Cyrillic Ze) is not a homoglyph
    first, second = engine.query("123406", make="Zastava", calibre="7.62x39")[:2]
    assert first.key == "r1"  # attribute agreement outweighs a look-alike
    lines = first.explanation
    assert lines[0] == "serial: 1 substitution 0→O (look-alike)"
    assert "make: agrees" in lines
    assert "calibre: agrees" in lines
    assert "calibre: differs (7.62x39 vs 7.62x25)" in second.explanation
    best = engine.query("1234O6", calibre="7.62x39")[0]
    assert best.key == "r1" and best.cost == 0 and best.score == 1.0


def test_normaliser_injected() -> None:
    norm = {"calibre": lambda s: s.lower().replace("×", "x").replace(" ", "")}
    engine = MatchEngine.build([("a", "AB12345", None, None, "9×19 mm")], normalisers=norm)
    assert "calibre: agrees" in engine.query("AB12345", calibre="9x19mm")[0].explanation
