"""The vectorised batch path (``vector``) against the reference (pure Python) functions."""

import dataclasses
import pickle
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from kalibar.demo.matching import MODEL_PREFIXES, corrupt, generate_records
from kalibar.matching import Costs, MatchConfig, MatchEngine, Query, vector
from kalibar.matching.distance import align, align_known, weighted_cost_units
from kalibar.reference.fold import to_skeleton

C = Costs().scaled
REC_ALPHABET = "0125689OISBZGAKX"
QUERY_ALPHABET = REC_ALPHABET + "?З"  # unknown, and a non-ASCII letter (Cyrillic Ze)


@pytest.fixture
def force_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send even tiny batches down the grouped numpy paths."""
    monkeypatch.setattr(vector, "_GROUPED_MIN", 0)
    monkeypatch.setattr(vector, "_NUMPY_DP_MIN", 1)
    monkeypatch.setattr(vector, "_STRING_VARIANTS_MAX", 0)


@settings(max_examples=300, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(st.text(QUERY_ALPHABET, min_size=1, max_size=9),
                  st.text(REC_ALPHABET, min_size=1, max_size=9)),
        min_size=1, max_size=30,
    ),
    cap=st.integers(1, 5),
)  # fmt: skip
def test_unit_osa_and_weighted_dp_match_reference(pairs, cap) -> None:
    for (la, lb), group in _by_shape(pairs).items():
        qa = vector._ascii_codes([q for q, _ in group])[:, :la].T.copy()
        rb = vector._ascii_codes([r for _, r in group])[:, :lb].T.copy()
        got = vector.unit_osa(qa, rb, cap)
        want = [min(OSA.distance(q, r), cap) for q, r in group]
        assert got.tolist() == want
        qs = vector._SKEL256[qa].astype(np.uint8)
        rs = vector._SKEL256[rb].astype(np.uint8)
        units = vector.weighted_dp(qa, qs, rb, rs, C)
        assert units.tolist() == [weighted_cost_units(q, r, C) for q, r in group]


def _by_shape(pairs):
    out: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for q, r in pairs:
        out.setdefault((len(q), len(r)), []).append((q, r))
    return out


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    pairs=st.lists(
        st.tuples(st.text(QUERY_ALPHABET + "*", min_size=1, max_size=9),
                  st.text(REC_ALPHABET, min_size=1, max_size=9)),
        min_size=1, max_size=40,
    ),
    costs=st.sampled_from([Costs(), Costs(lookalike=0.5, transposition=0.8, unknown=0.9)]),
)  # fmt: skip
def test_exact_units_equals_reference(pairs, costs, monkeypatch) -> None:
    monkeypatch.setattr(vector, "_NUMPY_DP_MIN", 1)
    c = costs.scaled
    qf = [q for q, _ in pairs]
    rf = [r.encode() for _, r in pairs]
    d = np.array([OSA.distance(to_skeleton(q), to_skeleton(r)) for q, r in pairs])
    got = vector.exact_units(qf, rf, d, c, plain=True)
    assert got.tolist() == [weighted_cost_units(q, r, c) for q, r in pairs]


ALPHABET = "0125689OISBZGAKX"
serials = st.text(alphabet=ALPHABET, min_size=2, max_size=12)
makes = st.sampled_from([None, "Zastava", "Glock", "CZ"])


def _summary(cands):
    return [(c.key, c.score, c.cost, c.edits) for c in cands]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(recs=st.lists(st.tuples(serials, makes), min_size=1, max_size=80),
       changes=st.lists(st.tuples(st.integers(0, 99), serials), max_size=5),
       seed=st.integers(0, 2**32), make=makes)  # fmt: skip
def test_grouped_batch_equals_exhaustive(force_numpy, recs, changes, seed, make) -> None:
    rows = [(f"r{i:03d}", s, m) for i, (s, m) in enumerate(recs)]
    engine = MatchEngine.build(rows, MatchConfig(model_prefixes=MODEL_PREFIXES))
    rng = random.Random(seed)
    for i, serial in changes:  # delta records and tombstones take part too
        key = f"r{i:03d}"
        if key in engine and rng.random() < 0.5:
            engine.remove(key)
        else:
            engine.update(key, serial, make="Glock")
    queries = [corrupt(s, rng, edits=rng.choice((0, 1, 2))) for s, _ in recs[:8]]
    queries += [recs[0][0][:2] + "*" + recs[0][0][-2:], "З" + recs[-1][0]]
    batch = engine.query_batch([Query(q, make=make) for q in queries], limit=20)
    for q, got in zip(queries, batch, strict=True):
        want = engine.exhaustive_query(q, make=make, limit=20, widen=False)
        assert _summary(got) == _summary(want), q


def test_near_tied_scores_are_ordered_after_rounding() -> None:
    # 0.5000004 and 0.5000001 both round to 0.5: units (then ordinal) decide.
    owners = np.array([0, 0, 0])
    ords = np.array([5, 6, 7])
    x = np.array([0.5000004, 0.5000001, 0.4])
    units = np.array([300, 100, 0])
    d = np.array([1, 1, 1])
    top = vector.top_hits(owners, ords, x, units, d, limit=2)
    assert top.ordinal.tolist() == [6, 5]


def test_lazy_candidates_behave_like_candidates(tmp_path) -> None:
    rows = generate_records(2000, seed=3)
    engine = MatchEngine.build(rows, MatchConfig(model_prefixes=MODEL_PREFIXES))
    serial, make = rows[0][1], rows[0][2]
    lazy = engine.query(corrupt(serial, random.Random(1)), make=make)
    eager = engine.exhaustive_query(corrupt(serial, random.Random(1)), make=make)
    assert lazy == eager and eager == lazy
    assert [dataclasses.asdict(c) for c in lazy] == [dataclasses.asdict(c) for c in eager]
    again = pickle.loads(pickle.dumps(lazy))
    assert again == eager and type(again[0]) is type(eager[0])
    assert dataclasses.replace(lazy[0], score=0.0).score == 0.0
    assert lazy[0].explanation and lazy[0].attributes["make"] == make


def test_workers_equal_single_process() -> None:
    rows = generate_records(5000, seed=11)
    engine = MatchEngine.build(rows, MatchConfig(model_prefixes=MODEL_PREFIXES))
    engine.add("00000000-0000-0000-0000-00000000000a", rows[5][1], make="CZ")
    rng = random.Random(5)
    qs = [Query(corrupt(r[1], rng), make=r[2]) for r in rows[:1500]]
    one = engine.query_batch(qs, workers=1)
    two = engine.query_batch(qs, workers=2)
    assert [_summary(r) for r in one] == [_summary(r) for r in two]
    assert [[c.explanation for c in r] for r in one[:50]] == [
        [c.explanation for c in r] for r in two[:50]
    ]


@settings(max_examples=300, deadline=None)
@given(
    a=st.text(QUERY_ALPHABET + "*", min_size=1, max_size=9),
    b=st.text(REC_ALPHABET, min_size=1, max_size=9),
)
def test_align_known_equals_align(a, b) -> None:
    costs = Costs()
    units = weighted_cost_units(a, b, costs.scaled)
    assert align_known(a, b, costs, units) == align(a, b, costs)
    if len(a) == len(b):
        b2 = "".join(b[i] if i % 2 else a[i] for i in range(len(a)))  # often diagonal-optimal
        units = weighted_cost_units(a, b2, costs.scaled)
        assert align_known(a, b2, costs, units) == align(a, b2, costs)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 3000), seed=st.integers(0, 10_000))
def test_bucket_probe_equals_binary_search(n, seed) -> None:
    """The directory probe of a check returns exactly the pairs of the sorted search:
    hashes of real entries (every record sharing them), near misses and random ones."""
    engine = MatchEngine.build(generate_records(n, seed=seed), MatchConfig())
    base = engine.base
    rng = np.random.default_rng(seed)
    entries = np.asarray(base.entries)
    real = entries[rng.integers(0, len(entries), 500)] | base.ord_mask
    near = real + (base.ord_mask + np.uint64(1))  # the next hash value: absent or not
    noise = rng.integers(0, 2**63, 500, dtype=np.int64).astype(np.uint64) << np.uint64(1)
    hashes = np.concatenate([real, near, noise, entries[-1:] | base.ord_mask])
    owner = rng.integers(0, 7, len(hashes))
    want = base.probe_batch(hashes, owner)
    got = base.probe_few(hashes, owner)
    assert len(want[0]) > 0  # the real hashes find their records
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
