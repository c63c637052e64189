"""Watchlist matching of consignors and consignees, vectorised (Polars + RapidFuzz).

Keys. Names and addresses are folded by ``features.fold_expr`` — the vectorised form of
``reference.script.search_key`` (case, Cyrillic → Latin, diacritics, punctuation) — then:
``dj`` → ``d`` (so Đorđević, Djordjevic, Ђорђевић and Dordevic all read ``dordevic``), a
word-final ``ch``/``tch`` → ``c`` (Petrovich = Petrović), and company legal forms are
dropped (d.o.o., doo, д.о.о., a.d., GmbH, Ltd. Şti. ...). Phones keep their last 8 digits
(so +387 61 …, 00387 61 … and 061 … agree); vehicle plates keep letters and digits only.

Matching. Phones and plates: exact joins on the key (score 1). Names and addresses: every
candidate pair shares a *block* — the first 3 letters of two of its words (one word: of
that word) — found by an equi-join in Polars, so a common first name alone never makes a
candidate, and a spelling error within the first 3 letters of a word is not forgiven.
RapidFuzz scores the pairs in one vectorised call
(``process.cpdist``, ``token_sort_ratio``: word order does not matter, missing words do);
pairs below ``NAME_CUTOFF`` are dropped; survivors must also have their *unshared* words
alike (``RESIDUAL_CUTOFF``: "Marko Hodić" is not "Marko Hodvlrlić") and the same numbers.
When an entry gives a country and the party's country is known and different, the
score is multiplied by ``COUNTRY_MISMATCH``.
Only distinct values are matched, so a million declarations with repeated names cost
what their distinct names cost.

Output (:func:`watchlist_features`): per declaration ``watchlist_score`` (0..1, best
hit), ``watchlist_hit`` (bool) and ``watchlist_reason`` (every hit, ``; ``-separated).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from kalibar.i18n import _
from kalibar.reference.script import search_key
from kalibar.targeting.features import declaration_runs, fold_expr

KINDS = ("person", "company", "address", "phone", "plate")
#: Declaration columns each kind is matched against, with the country column of that party.
TARGETS: dict[str, tuple[tuple[str, str], ...]] = {
    "name": (("consignor_name", "consignor_country"), ("consignee_name", "consignee_country")),
    "address": (
        ("consignor_address", "consignor_country"),
        ("consignee_address", "consignee_country"),
    ),
    "phone": (("consignee_phone", ""),),
    "plate": (("vehicle_registration", ""),),
}
_GROUP = {"person": "name", "company": "name", "address": "address", "phone": "phone"}
_GROUP["plate"] = "plate"
NAME_CUTOFF = 88.0
RESIDUAL_CUTOFF = 85.0
COUNTRY_MISMATCH = 0.9
LEGAL_FORMS = (
    "d o o", "doo", "d d", "a d", "j p", "s z r", "szr", "sztr", "str", "sur", "obrt",
    "ooo", "zao", "oao", "gmbh", "ag", "kg", "llc", "ltd", "limited", "inc", "corp",
    "s r o", "sro", "sp z o o", "s r l", "srl", "ltd sti", "sti", "a s", "s a", "bv", "nv",
)  # fmt: skip
_LEGAL_RE = r"(?: (?:" + "|".join(f.replace(" ", " ") for f in LEGAL_FORMS) + r"))+ "
OUT_COLUMNS = ("watchlist_score", "watchlist_hit", "watchlist_reason")
_LEGAL_PY_RE = re.compile(_LEGAL_RE)
_CH_RE = re.compile(r"t?ch ")
_SPACES_RE = re.compile(r" +")


@dataclass(frozen=True)
class WatchEntry:
    """A watchlist entry as matching sees it (the table row is ``WatchlistEntry``)."""

    kind: str
    name: str
    country: str = ""
    entry_id: str = ""


def name_key_expr(col: str) -> pl.Expr:
    """Folded name or address: see the module docstring. Words keep their order."""
    padded = fold_expr(col).str.replace_all("dj", "d", literal=True)
    padded = padded.str.replace_all(r"t?ch ", "c ")
    # Legal forms are removed where they stand as whole words (twice: "d o o" may follow "a d").
    stripped = padded.str.replace_all(_LEGAL_RE, " ").str.replace_all(_LEGAL_RE, " ")
    return stripped.str.replace_all(r" +", " ").str.strip_chars()


def phone_key_expr(col: str) -> pl.Expr:
    digits = pl.col(col).cast(pl.Utf8).fill_null("").str.replace_all(r"\D", "")
    return pl.when(digits.str.len_chars() >= 6).then(digits.str.slice(-8)).otherwise(pl.lit(""))


def plate_key_expr(col: str) -> pl.Expr:
    return fold_expr(col).str.replace_all(" ", "", literal=True)


@lru_cache(maxsize=1)
def _py_safe() -> frozenset[str]:
    """Characters on which ``fold_expr`` and ``search_key`` agree (checked once, in one
    Polars query): ASCII, Latin with diacritics and Cyrillic, less a few (``×``, ``İ``
    ...) that the two fold differently."""
    chars = [chr(c) for c in (*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x400, 0x530))]
    probes = [f"a{c}b {c}" for c in chars]
    folded = pl.DataFrame({"v": probes}).select(fold_expr("v").alias("k"))["k"].to_list()
    return frozenset(
        c for c, p, f in zip(chars, probes, folded, strict=True) if f == f" {search_key(p)} "
    )


def py_key(kind_group: str, value: str) -> str:
    """:func:`key_expr` of one value, in plain Python when every character is one on which
    ``search_key`` and ``fold_expr`` agree, else through ``key_expr`` itself: the same
    key either way (a test compares them on many spellings)."""
    if kind_group != "phone" and not set(value) <= _py_safe():
        return str(
            pl.DataFrame({"v": [value]}).select(key_expr(kind_group, "v").alias("k"))["k"][0]
        )
    if kind_group == "phone":
        digits = re.sub(r"\D", "", value)
        return digits[-8:] if len(digits) >= 6 else ""
    folded = search_key(value)
    if kind_group == "plate":
        return folded.replace(" ", "")
    padded = (" " + folded + " ").replace("dj", "d")
    padded = _CH_RE.sub("c ", padded)
    stripped = _LEGAL_PY_RE.sub(" ", _LEGAL_PY_RE.sub(" ", padded))
    return _SPACES_RE.sub(" ", stripped).strip()


def key_expr(kind_group: str, col: str) -> pl.Expr:
    if kind_group == "phone":
        return phone_key_expr(col)
    if kind_group == "plate":
        return plate_key_expr(col)
    return name_key_expr(col)


def entries_frame(entries: Iterable[WatchEntry] | pl.DataFrame) -> pl.DataFrame:
    """Entries with their match key: ``entry_id, kind, name, country, group, key``."""
    if isinstance(entries, pl.DataFrame):
        df = entries.select("kind", "name", "country", "entry_id")
    else:
        rows = [(e.kind, e.name, e.country or "", e.entry_id) for e in entries]
        df = pl.DataFrame(rows, schema=["kind", "name", "country", "entry_id"], orient="row").cast(
            pl.Utf8
        )
    df = df.with_columns(
        pl.col("kind").str.to_lowercase(),
        pl.col("country").fill_null("").str.to_uppercase(),
        pl.col("entry_id").fill_null(""),
    ).with_columns(pl.col("kind").replace_strict(_GROUP, default="").alias("group"))
    parts = [
        df.filter(pl.col("group") == g).with_columns(key_expr(g, "name").alias("key"))
        for g in TARGETS
    ]
    return pl.concat(parts).filter(pl.col("key") != "")


def _blocks(keys: pl.DataFrame) -> pl.DataFrame:
    """``key`` → its blocks: for keys of two or more words, the first 3 letters of each
    pair of words (sorted, so word order does not matter); for one word, its first 3."""
    words = (
        keys.with_columns(pl.col("key").str.split(" ").alias("_w"))
        .explode("_w")
        .filter(pl.col("_w").str.len_chars() >= 1)
        .with_columns(pl.col("_w").str.slice(0, 3).alias("_p"))
        .select("key", "_p")
        .unique()
    )
    count = words.group_by("key").len()
    single = words.join(count.filter(pl.col("len") == 1), on="key").select(
        "key", (pl.lit("1:") + pl.col("_p")).alias("block")
    )
    multi = words.join(count.filter(pl.col("len") > 1), on="key").select("key", "_p")
    pairs = (
        multi.join(multi.rename({"_p": "_q"}), on="key")
        .filter(pl.col("_p") < pl.col("_q"))
        .select("key", pl.concat_str([pl.col("_p"), pl.col("_q")], separator="|"))
    )
    return pl.concat([single, pairs.rename({"_p": "block"})]).unique()


_BLOCK_CACHE: dict[tuple[int, int], pl.DataFrame] = {}


def _entry_blocks(entries: pl.DataFrame) -> pl.DataFrame:
    """``ekey, block`` of the entries' keys, kept per process for the last few entry sets
    (a screening service matches the same watchlist request after request)."""
    ekeys = entries.select(pl.col("key")).unique()
    stamp = (ekeys.height, int(ekeys["key"].hash(seed=1).sum()))
    found = _BLOCK_CACHE.get(stamp)
    if found is None:
        found = _blocks(ekeys).rename({"key": "ekey"})
        if len(_BLOCK_CACHE) >= 8:
            _BLOCK_CACHE.clear()
        _BLOCK_CACHE[stamp] = found
    return found


def _fuzzy_pairs(values: pl.DataFrame, entries: pl.DataFrame) -> pl.DataFrame:
    """Distinct value keys × entry keys sharing a block, scored; ``key, ekey, sim``."""
    pairs = _blocks(values).join(_entry_blocks(entries), on="block").select("key", "ekey").unique()
    if pairs.is_empty():
        return pairs.with_columns(pl.lit(0.0).alias("sim"))
    sims = process.cpdist(
        pairs["key"].to_list(),
        pairs["ekey"].to_list(),
        scorer=fuzz.token_sort_ratio,
        dtype=np.float32,
        workers=-1,
    )
    kept = pairs.with_columns(pl.Series("sim", sims, dtype=pl.Float64)).filter(
        pl.col("sim") >= NAME_CUTOFF
    )
    ok = [
        _residual_ok(a, b)
        for a, b in zip(kept["key"].to_list(), kept["ekey"].to_list(), strict=True)
    ]
    return kept.filter(pl.Series(ok, dtype=pl.Boolean))


def _residual_ok(a: str, b: str) -> bool:
    """Survivors only: the words the two keys do *not* share must still be alike (a shared
    common first name must not carry two different surnames), and numbers (house
    numbers) must be the same."""
    wa, wb = a.split(), b.split()
    if sorted(w for w in wa if w.isdigit()) != sorted(w for w in wb if w.isdigit()):
        return False
    common = set(wa) & set(wb)
    ra = " ".join(sorted(w for w in wa if w not in common))
    rb = " ".join(sorted(w for w in wb if w not in common))
    if not ra and not rb:
        return True
    return bool(fuzz.ratio(ra, rb) >= RESIDUAL_CUTOFF)


def _group_hits(decl: pl.DataFrame, entries: pl.DataFrame, group: str) -> pl.DataFrame | None:
    """Hits of one kind group: ``declaration_id, score, reason``."""
    ents = entries.filter(pl.col("group") == group)
    if ents.is_empty():
        return None
    vals_of: dict[str, pl.DataFrame] = {}
    for col, country_col in TARGETS[group]:
        if col not in decl.columns:
            continue
        country = pl.col(country_col) if country_col in decl.columns else pl.lit("")
        vals_of[col] = decl.select(
            "declaration_id",
            pl.col(col).cast(pl.Utf8).fill_null("").alias("value"),
            country.cast(pl.Utf8).fill_null("").str.to_uppercase().alias("party_country"),
        ).filter(pl.col("value") != "")
    if not vals_of:
        return None
    # fold and match each distinct value once, whichever party column it comes from: a
    # million declarations repeat far fewer names, addresses and phones
    keyed = (
        pl.concat([v.select("value") for v in vals_of.values()])
        .unique()
        .with_columns(key_expr(group, "value").alias("key"))
        .filter(pl.col("key") != "")
    )
    if group in ("phone", "plate"):
        found = keyed.join(ents, on="key").with_columns(pl.lit(100.0).alias("sim"))
    else:
        sims = _fuzzy_pairs(keyed.select("key").unique(), ents)
        found = keyed.join(sims, on="key").join(ents.rename({"key": "ekey"}), on="ekey")
    frames = [
        vals.filter(pl.col("value").is_in(found["value"].unique().implode()))
        .join(found, on="value")
        .with_columns(pl.lit(col).alias("field"))
        for col, vals in vals_of.items()
    ]
    if not frames:
        return None
    hits = pl.concat([f.select(_HIT_COLUMNS) for f in frames])
    mismatch = (
        (pl.col("country") != "")
        & (pl.col("party_country") != "")
        & (pl.col("country") != pl.col("party_country"))
    )
    score = pl.col("sim") / 100.0 * pl.when(mismatch).then(COUNTRY_MISMATCH).otherwise(1.0)
    return hits.with_columns(score.alias("score")).with_columns(_reason_expr().alias("reason"))


_HIT_COLUMNS = (
    "declaration_id",
    "field",
    "value",
    "party_country",
    "kind",
    "name",
    "country",
    "sim",
)


def _reason_expr() -> pl.Expr:
    """``consignee_name “Dordevic Marko” ≈ watchlist person “Đorđević Marko” (96 %)``."""
    template = _("%(field)s “%(value)s” ≈ watchlist %(kind)s “%(name)s” (%(score)s %%)")
    parts = template.replace("%%", "%").split("%(")
    exprs: list[pl.Expr] = [pl.lit(parts[0])]
    values = {
        "field": pl.col("field"),
        "value": pl.col("value"),
        "kind": pl.col("kind"),
        "name": pl.col("name"),
        "score": (pl.col("score") * 100).round(0).cast(pl.Int64).cast(pl.Utf8),
    }
    for part in parts[1:]:
        name, rest = part.split(")s", 1)
        exprs.extend([values[name], pl.lit(rest)])
    return pl.concat_str(exprs)


_MATCH_SCHEMA = {
    "declaration_id": pl.Utf8,
    "field": pl.Utf8,
    "value": pl.Utf8,
    "kind": pl.Utf8,
    "name": pl.Utf8,
    "score": pl.Float64,
    "reason": pl.Utf8,
}


def _first_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The first row of each declaration (its parties): from the runs of equal ids when a
    declaration's items are contiguous (as in files), else by a hash ``unique``."""
    if "declaration_id" not in frame.columns:
        return frame
    runs = declaration_runs(frame["declaration_id"])
    if runs is None:
        return frame.unique("declaration_id", keep="first", maintain_order=True)
    if len(runs) == 0 or int(runs[-1]) + 1 == len(runs):
        return frame
    return frame.filter(runs != runs.shift(1, fill_value=-1))


def match(frame: pl.DataFrame, entries: Iterable[WatchEntry] | pl.DataFrame) -> pl.DataFrame:
    """Every hit: ``declaration_id, field, value, kind, name, score, reason`` (best first)."""
    ents = entries if isinstance(entries, pl.DataFrame) and "key" in entries.columns else None
    ents = ents if ents is not None else entries_frame(entries)
    decl = _first_rows(frame)
    found = [h for g in TARGETS if (h := _group_hits(decl, ents, g)) is not None]
    if not found:
        return pl.DataFrame(schema=_MATCH_SCHEMA)
    hits = pl.concat(found).select(
        "declaration_id", "field", "value", "kind", "name", "score", "reason"
    )
    return hits.sort(
        ["declaration_id", "score", "reason"], descending=[False, True, False], maintain_order=True
    )


def watchlist_per_declaration(
    frame: pl.DataFrame, entries: Iterable[WatchEntry] | pl.DataFrame
) -> pl.DataFrame:
    """The declarations with a hit: ``declaration_id, watchlist_score, watchlist_reason``."""
    return (
        match(frame, entries)
        .group_by("declaration_id", maintain_order=True)
        .agg(
            pl.col("score").max().alias("watchlist_score"),
            pl.col("reason").unique(maintain_order=True).str.join("; ").alias("watchlist_reason"),
        )
    )


def watchlist_features(
    frame: pl.DataFrame, entries: Iterable[WatchEntry] | pl.DataFrame
) -> pl.DataFrame:
    """``frame`` (item or declaration rows) with ``watchlist_score``, ``watchlist_hit`` and
    ``watchlist_reason`` added per declaration (0.0 / False / "" when nothing matched)."""
    per = watchlist_per_declaration(frame, entries)
    base = frame.drop([c for c in OUT_COLUMNS if c in frame.columns])
    out = base.join(per, on="declaration_id", how="left", maintain_order="left")
    return out.with_columns(
        pl.col("watchlist_score").fill_null(0.0),
        pl.col("watchlist_reason").fill_null(""),
    ).with_columns((pl.col("watchlist_score") > 0).alias("watchlist_hit"))


def match_one(name: str, kind: str, candidates: Sequence[str]) -> list[tuple[str, float]]:
    """Score ``name`` against ``candidates`` of the same kind (for explanations and tests)."""
    group = _GROUP[kind]
    df = pl.DataFrame({"v": [name, *candidates]}).with_columns(key_expr(group, "v").alias("k"))
    keys = df["k"].to_list()
    if group in ("phone", "plate"):
        return [
            (c, 1.0 if keys[0] and k == keys[0] else 0.0)
            for c, k in zip(candidates, keys[1:], strict=True)
        ]
    sims = process.cdist([keys[0]], keys[1:], scorer=fuzz.token_sort_ratio)[0]
    return [
        (c, float(s) / 100.0 if _residual_ok(keys[0], k) else 0.0)
        for c, s, k in zip(candidates, sims, keys[1:], strict=True)
    ]


# ------------------------------------------------------------------ one declaration


def _block_set(key: str) -> set[str]:
    """``_blocks`` of one key, in Python (the same blocks)."""
    prefixes = sorted({w[:3] for w in key.split(" ") if w})
    if len(prefixes) == 1:
        return {"1:" + prefixes[0]}
    return {f"{p}|{q}" for i, p in enumerate(prefixes) for q in prefixes[i + 1 :]}


@dataclass(frozen=True)
class _Listed:
    kind: str
    name: str
    country: str


class WatchIndex:
    """The entries of one watchlist version as dictionaries, for requests of a few
    declarations: exact keys for phones and plates, blocks → entry keys for names and
    addresses, entry key → entries. Matching a declaration then costs a few dictionary
    look-ups and RapidFuzz calls on its candidates instead of a dozen Polars joins, and
    gives the same hits, scores and reasons as :func:`match` (a test compares them)."""

    def __init__(self, entries: pl.DataFrame) -> None:
        self.by_key: dict[tuple[str, str], list[_Listed]] = {}
        self.blocks: dict[str, dict[str, set[str]]] = {"name": {}, "address": {}}
        for group, key, kind, name, country in entries.select(
            "group", "key", "kind", "name", "country"
        ).iter_rows():
            self.by_key.setdefault((group, key), []).append(_Listed(kind, name, country))
        for group, key in self.by_key:
            if group in self.blocks:
                for block in _block_set(key):
                    self.blocks[group].setdefault(block, set()).add(key)
        self.groups = {g for g, _k in self.by_key}

    @classmethod
    def of(cls, entries: Iterable[WatchEntry] | pl.DataFrame) -> WatchIndex:
        """The index of ``entries``, kept per process for the last few entry frames (the
        screening service passes the same cached frame until the watchlist changes)."""
        found = _INDEX_CACHE.get(id(entries))
        if found is not None and found[0] is entries:
            return found[1]
        frame = entries if isinstance(entries, pl.DataFrame) and "key" in entries.columns else None
        index = cls(frame if frame is not None else entries_frame(entries))
        if len(_INDEX_CACHE) >= 8:
            _INDEX_CACHE.clear()
        _INDEX_CACHE[id(entries)] = (entries, index)
        return index

    def _similar(self, group: str, key: str) -> list[tuple[str, float]]:
        """Entry keys like ``key`` with their similarity (0..100), as ``_fuzzy_pairs``."""
        if group in ("phone", "plate"):
            return [(key, 100.0)] if (group, key) in self.by_key else []
        blocks = self.blocks[group]
        candidates = sorted({e for b in _block_set(key) for e in blocks.get(b, ())})
        out = []
        for ekey in candidates:
            sim = float(np.float32(fuzz.token_sort_ratio(key, ekey)))
            if sim >= NAME_CUTOFF and _residual_ok(key, ekey):
                out.append((ekey, sim))
        return out

    def match_rows(self, first_rows: dict[str, dict[str, str]]) -> pl.DataFrame:
        """Declaration id → its first item row (text columns) ⇒ :func:`match`'s frame."""
        wanted: dict[str, list[tuple[str, str, str, str]]] = {}  # group → (id, col, value, cc)
        for decl_id, row in first_rows.items():
            for group, targets in TARGETS.items():
                if group not in self.groups:
                    continue
                for col, country_col in targets:
                    value = row.get(col) or ""
                    if value:
                        cc = (row.get(country_col) or "").upper() if country_col else ""
                        wanted.setdefault(group, []).append((decl_id, col, value, cc))
        if not wanted:
            return pl.DataFrame(schema=_MATCH_SCHEMA)
        keys = {g: {v: py_key(g, v) for _i, _c, v, _cc in rows} for g, rows in wanted.items()}
        template = _("%(field)s “%(value)s” ≈ watchlist %(kind)s “%(name)s” (%(score)s %%)")
        hits: list[tuple[str, str, str, str, str, float, str]] = []
        for group, rows in wanted.items():
            similar: dict[str, list[tuple[str, float]]] = {}
            for decl_id, col, value, cc in rows:
                key = keys[group][value]
                if not key:
                    continue
                if key not in similar:
                    similar[key] = self._similar(group, key)
                for ekey, sim in similar[key]:
                    for e in self.by_key[(group, ekey)]:
                        mismatch = e.country != "" and cc != "" and e.country != cc
                        score = sim / 100.0 * (COUNTRY_MISMATCH if mismatch else 1.0)
                        reason = template % {
                            "field": col,
                            "value": value,
                            "kind": e.kind,
                            "name": e.name,
                            "score": str(int(round(score * 100))),
                        }
                        hits.append((decl_id, col, value, e.kind, e.name, score, reason))
        hits.sort(key=lambda h: (h[0], -h[5], h[6]))
        return pl.DataFrame(hits, schema=_MATCH_SCHEMA, orient="row")

    def per_declaration(
        self, first_rows: dict[str, dict[str, str]]
    ) -> dict[str, tuple[float, str]]:
        """Declaration id → (``watchlist_score``, ``watchlist_reason``) for those with a hit,
        as :func:`watchlist_per_declaration`."""
        out: dict[str, tuple[float, list[str]]] = {}
        for decl_id, _f, _v, _k, _n, score, reason in self.match_rows(first_rows).iter_rows():
            best, reasons = out.setdefault(decl_id, (score, []))
            if reason not in reasons:
                reasons.append(reason)
            out[decl_id] = (max(best, score), reasons)
        return {k: (s, "; ".join(r)) for k, (s, r) in out.items()}


_INDEX_CACHE: dict[int, tuple[object, WatchIndex]] = {}


__all__ = [
    "KINDS",
    "OUT_COLUMNS",
    "WatchEntry",
    "WatchIndex",
    "entries_frame",
    "match",
    "match_one",
    "name_key_expr",
    "watchlist_features",
    "watchlist_per_declaration",
]
