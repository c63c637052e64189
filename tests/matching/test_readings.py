"""Readings of a serial (both scripts, both readings), labels, designations, widened
blocks: folding both ways and index == exhaustive scan with all of them."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from kalibar.matching import Candidate, MatchConfig, MatchEngine, Query, fold
from kalibar.matching.blocks import neighbour_codes, neighbours
from kalibar.matching.designations import catalogue_designations
from kalibar.matching.hashing import encode
from kalibar.reference.fold import clean
from kalibar.reference.readings import Designations, readings_of

#: (as stamped in Cyrillic, typed by look, typed by transliteration in its spellings)
SPELLINGS = [
    ("РС1234", "PC1234", ["RS1234"]),
    ("НВ5521", "HB5521", ["NV5521"]),
    ("ГЧ7731", "G?7731", ["GČ7731", "GCH7731", "GC7731"]),
    ("ФЖ4410", "F?4410", ["FŽ4410", "FZH4410", "FZ4410"]),
    ("ДЕ80312", "DE80312", ["DE80312"]),
    ("ЗК65120", "3K65120", ["ZK65120"]),
    ("ПМ1234", "PM1234", ["PM1234"]),
    ("ШЦ2291", "W?2291", ["ŠC2291", "SHTS2291", "SC2291"]),
    ("ЩА1180", "W?1180", ["ŠČA1180", "SHCHA1180"]),
    ("ХР9921", "XP9921", ["HR9921", "KHR9921"]),
    ("ЈА5103", "JA5103", ["JA5103"]),
    ("ЯЮ6620", "??6620", ["JAJU6620", "YAYU6620"]),
    ("ЂЏ3390", "??3390", ["ĐDŽ3390", "DJDŽ3390", "DDZ3390"]),
    ("ЉЊ4471", "??4471", ["LJNJ4471"]),
    ("ЭЬ2291", "??2291", ["E2291"]),
]


def _engine(rows: list[tuple[str, ...]], **kw: object) -> MatchEngine:
    return MatchEngine.build(rows, MatchConfig(), **kw)  # type: ignore[arg-type]


def _top(engine: MatchEngine, serial: str, **kw: str) -> Candidate:
    found = engine.query(serial, limit=5, **kw)
    assert found, serial
    return found[0]


DIGRAPHS = ("SH", "CH", "ZH", "KH", "TS", "DJ", "YA", "YU")


def _lost_digraph(recorded: str, typed: str) -> bool:
    """A record typed with digraphs (SH, ZH, TS) against a query typed without them
    (S, Z, C): the one known gap (the query cannot tell which S was an Š, which C a Ц)
    — an edit each."""
    spelled = typed.translate(str.maketrans({"Š": "SH", "Č": "CH", "Ž": "ZH", "Đ": "DJ"}))
    written = fold(recorded).folded
    return spelled.isascii() and any(d in written and d not in spelled for d in DIGRAPHS)


@pytest.mark.parametrize(("cyrillic", "visual", "latin"), SPELLINGS)
def test_every_reading_both_ways(cyrillic: str, visual: str, latin: list[str]) -> None:
    """Recorded in Cyrillic, typed in Latin (each spelling) — and the other way round,
    and Latin against Latin spelled differently: found at no more than a reading's cost."""
    spellings = [cyrillic, *latin] + ([visual] if "?" not in visual else [])
    for recorded in spellings:
        engine = _engine([("target", recorded), ("other", "QQ" + recorded[2:] + "9")])
        for typed in spellings:
            if _lost_digraph(recorded, typed):
                continue
            top = _top(engine, typed)
            assert top.key == "target", (recorded, typed)
            assert top.edits == 0 and top.cost <= 0.2 + 1e-9, (recorded, typed, top)
            if fold(typed).folded == fold(recorded).folded:
                assert top.cost == 0 and top.reading == "visual"


def test_reading_is_named() -> None:
    engine = _engine([("a", "РС1234")])
    assert _top(engine, "PC1234").reading == "visual"
    assert _top(engine, "RS1234").reading == "as_lookalike"
    engine = _engine([("a", "RS1234")])
    assert _top(engine, "PC1234").reading == "as_cyrillic"
    assert _top(engine, "РС1234").reading == "phonetic"
    engine = _engine([("a", "GCH123")])
    assert _top(engine, "ГЧ123").reading == "digraphs"


def test_visual_reading_is_the_record_fold() -> None:
    for s in ["ГЧ 123", "s.br. РС-12", "Đ12", "AB 12-34", "№ 55?1*"]:
        assert readings_of(clean(s))[0] == ("visual", fold(s).folded)


@pytest.mark.parametrize(
    "written",
    ["s.br. 193514", "S.BR.193514", "ser. br. 193514", "Serijski broj: 193514",
     "сер. бр. 193514", "бр. 193514", "br 193514", "No. 193514", "Nr.193514", "№193514",
     "№ 193514", "SN: 193514", "S/N 193514", "Ser. No. 193514", "SERIAL 193514",
     "serial number 193514", "Fab. Nr. 193514", "fab.br. 193514", "  sn   193514"],
)  # fmt: skip
def test_labels_set_aside(written: str) -> None:
    f = fold(written)
    assert f.folded == "193514"
    assert any(s.startswith("prefix") for s in f.steps)


def test_bare_word_glued_to_serial_stays() -> None:
    assert fold("SN123456").folded == "SN123456"
    assert fold("NO1234").folded == "NO1234"


DESIGNATIONS = catalogue_designations()


@pytest.mark.parametrize(
    ("written", "serial", "aside"),
    [("M70 BU7363", "BU7363", "M70"), ("M 70 BU7363", "BU7363", "M70"),
     ("M70AB2 BU7363", "BU7363", "M70AB2"), ("BU7363 M70", "BU7363", "M70"),
     ("CZ 99 747349", "747349", "CZ99"), ("TT-33 ПМ 1234", "ПМ 1234", "TT33"),
     ("Makarov 701296710", "701296710", "MAKAROV"), ("ПМ 55123", "55123", "ПМ")],
)  # fmt: skip
def test_designations_set_aside(written: str, serial: str, aside: str) -> None:
    engine = _engine([("target", serial), ("other", "ZZ999999")], designations=DESIGNATIONS)
    top = _top(engine, written)
    assert top.key == "target" and top.edits == 0
    assert top.set_aside == (aside,)


def test_serial_beginning_like_a_designation_still_matches_exactly() -> None:
    """Both readings are tried: "PM1234" finds the record "PM1234" at cost 0, ahead of
    the record "1234" that the stripped reading finds."""
    rows = [("pm", "PM1234"), ("bare", "1234"), ("m70", "M70123456"), ("short", "123456")]
    engine = _engine(rows, designations=DESIGNATIONS)
    found = engine.query("PM1234", limit=5)
    assert [c.key for c in found[:2]] == ["pm", "bare"]
    assert found[0].cost == 0 and found[0].set_aside == ()
    assert found[1].set_aside == ("PM",)
    assert _top(engine, "M70123456").key == "m70"


def test_designations_ignore_tokens_without_letters() -> None:
    d = Designations.of(["17", "M70", "X"])
    assert d.skeletons == frozenset({"M70"})
    assert d.split("17123456") == []
    assert d.split("M7O123") == [("123", ("M7O",))]  # look-alikes of a designation too


def test_widened_block_finds_two_and_three_errors() -> None:
    rows = [("z6", "736312", "zastava"), ("z10", "BU73631287", "zastava"),
            ("g6", "736399", "glock"), ("n6", "736312")]  # fmt: skip
    engine = _engine(rows)
    two = "786319"  # 736312 with two real errors
    three = "BU73X3129X"  # three real errors in ten characters
    assert "z6" not in [c.key for c in engine.query(two)]
    assert "z10" not in [c.key for c in engine.query(three)]
    assert engine.query(two, make="zastava")[0].key == "z6"
    assert engine.query(three, make="zastava")[0].key == "z10"
    # outside the block (another make, or none recorded) the ordinary budget holds
    keys = [c.key for c in engine.query(two, make="zastava", limit=10)]
    assert "n6" not in keys and "g6" not in keys
    assert engine.query(two, make="zastava", widen=False) == []


ALPHABET = "0125689OISBZGAKXPCHRSNVJDУРСНВЖЧШДГЯЮЂЏЉ?"
serials = st.text(alphabet=ALPHABET, min_size=2, max_size=11)
spacing = st.sampled_from(["", " ", "-", "s.br. ", "M70 ", "ПМ "])
makes = st.sampled_from([None, "zastava", "tula"])
records = st.lists(st.tuples(serials, makes), min_size=1, max_size=50)


def _summary(cands: list[Candidate]) -> list[tuple[str, float, float, int, str]]:
    return [(c.key, c.score, c.cost, c.edits, c.reading) for c in cands]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recs=records, picks=st.lists(st.tuples(st.integers(0, 10**6), spacing), min_size=1,
       max_size=5), seed=st.integers(0, 2**32), make=makes, scan=st.booleans())  # fmt: skip
def test_index_equals_exhaustive_with_readings_and_blocks(recs, picks, seed, make, scan) -> None:
    rows = [(f"r{i:03d}", s, m) for i, (s, m) in enumerate(recs) if s.strip("?")]
    if not rows:
        return
    engine = _engine(rows, designations=DESIGNATIONS)
    if not scan:  # blocks through the index by neighbours, not scanned
        engine.blocks.scan_max = 0
    rng = random.Random(seed)
    queries = []
    for p, prefix in picks:
        s = list(rows[p % len(rows)][1])
        for _ in range(rng.choice((0, 1, 2, 3))):
            i = rng.randrange(len(s))
            s[i] = rng.choice(ALPHABET)
        queries.append(prefix + "".join(s))
    for q in queries:
        for widen in (True, False):
            got = engine.query(q, make=make, limit=50, widen=widen)
            want = engine.exhaustive_query(q, make=make, limit=50, widen=widen)
            assert _summary(got) == _summary(want), (q, widen, rows, make, scan)
    for widen in (True, False):
        batch = engine.query_batch([Query(q, make=make) for q in queries], limit=50, widen=widen)
        want = [engine.exhaustive_query(q, make=make, limit=50, widen=widen) for q in queries]
        assert [_summary(b) for b in batch] == [_summary(w) for w in want]


@given(s=st.text(alphabet="0125ABX?", min_size=1, max_size=9))
def test_neighbour_codes_are_the_one_edit_neighbours(s: str) -> None:
    alphabet = "0129ABKX"
    codes = neighbour_codes(s, encode([alphabet], len(alphabet))[0])
    got = {"".join(map(chr, row.tolist())) for g in codes for row in g}
    assert got == neighbours(s, alphabet) - {""}
    assert all(OSA.distance(s, n) <= 1 for n in got)


def test_unreadable_marks_are_filled_and_leave_the_budget() -> None:
    """A ``?`` no longer spends the edit budget (a four-character serial has none), and a
    ``*`` hiding two characters of a seven-character serial is found; the candidate says
    it was read with the mark filled, and costs what the mark costs."""
    engine = _engine([("a", "3696"), ("b", "P15440D"), ("c", "125456"), ("d", "9999")])
    top = _top(engine, "36?6")
    assert (top.key, top.reading, top.cost) == ("a", "filled", 1.0)
    top = _top(engine, "P*440D")
    assert (top.key, top.reading) == ("b", "filled")
    top = _top(engine, "12?457")  # the ? and one real error in six characters
    assert (top.key, top.reading, top.edits) == ("c", "filled", 1)
    # where the mark as typed is enough, the typed reading is kept (same cost)
    top = _top(engine, "12?456")
    assert (top.key, top.reading, top.cost) == ("c", "visual", 1.0)


star_queries = st.tuples(st.integers(0, 10**6), st.sampled_from(["?", "*", "??", "?*"]),
                         st.integers(0, 20), st.integers(0, 2))  # fmt: skip


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recs=records, picks=st.lists(star_queries, min_size=1, max_size=4),
       seed=st.integers(0, 2**32), make=makes, scan=st.booleans())  # fmt: skip
def test_index_equals_exhaustive_with_filled_marks(recs, picks, seed, make, scan) -> None:
    rows = [(f"r{i:03d}", s, m) for i, (s, m) in enumerate(recs) if s.strip("?")]
    if not rows:
        return
    engine = _engine(rows, designations=DESIGNATIONS)
    if not scan:
        engine.blocks.scan_max = 0
    rng = random.Random(seed)
    queries = []
    for p, marks, at, cover in picks:
        s = rows[p % len(rows)][1]
        i = at % (len(s) + 1)
        q = s[:i] + marks[0] + s[i + cover :]
        if len(marks) > 1:
            j = rng.randrange(len(q) + 1)
            q = q[:j] + marks[1] + q[j + 1 :]
        queries.append(q)
    for q in queries:
        for widen in (True, False):
            got = engine.query(q, make=make, limit=50, widen=widen)
            want = engine.exhaustive_query(q, make=make, limit=50, widen=widen)
            assert _summary(got) == _summary(want), (q, widen, rows, make, scan)
    batch = engine.query_batch([Query(q, make=make) for q in queries], limit=50)
    want = [engine.exhaustive_query(q, make=make, limit=50, widen=False) for q in queries]
    assert [_summary(b) for b in batch] == [_summary(w) for w in want]
