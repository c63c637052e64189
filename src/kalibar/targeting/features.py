"""Derived features of goods items, as Polars expressions and, for comparison, per row.

Every feature is computed on item rows (one row per goods item); declaration totals are
sums over the items with the same ``declaration_id``. ``prepare`` is the fast path (see
its docstring and ``docs/performance.md``); ``prepare_direct`` the plain one it is tested
against. Descriptions are folded the way
``reference.script.search_key`` folds them (case, Cyrillic to Latin, diacritics,
punctuation to one space), vectorised with a character table derived from ``search_key``
itself, and padded with spaces so a keyword matches at the start of a word.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from kalibar import files
from kalibar.errors import Invalid, TooLarge
from kalibar.i18n import _
from kalibar.reference.catalogue import active_catalogue
from kalibar.reference.script import search_key
from kalibar.targeting.fields import COLUMNS, HISTORY_COLUMNS
from kalibar.targeting.io_import import header_problems, open_declarations

DATA = Path(__file__).parent / "data"

#: Approximate EUR per unit, to compare declared values across currencies.
EUR_RATES = {
    "EUR": 1.0,
    "BAM": 0.5113,
    "RSD": 0.00854,
    "HRK": 0.1327,
    "USD": 0.92,
    "GBP": 1.17,
    "CHF": 1.04,
    "TRY": 0.028,
    "CNY": 0.127,
    "MKD": 0.0162,
    "HUF": 0.0025,
    "BGN": 0.5113,
    "RON": 0.201,
    "ALL": 0.0098,
    "PLN": 0.233,
}

#: Feature → kind, for rule validation ("str", "num", "bool", "date").
FEATURES: dict[str, str] = {
    "flow": "str",
    "office": "str",
    "hs_code": "str",
    "hs_chapter": "str",
    "hs_heading": "str",
    "currency": "str",
    "origin_country": "str",
    "dispatch_country": "str",
    "consignor_country": "str",
    "consignee_country": "str",
    "consignee_city": "str",
    "transport_mode": "str",
    "vehicle_registration": "str",
    "item_category": "str",
    "consignor_name": "str",
    "consignee_name": "str",
    "quantity": "num",
    "gross_weight_kg": "num",
    "declared_value": "num",
    "value_eur": "num",
    "unit_value": "num",
    "weight_per_item": "num",
    "value_per_kg": "num",
    "n_items": "num",
    "total_value_eur": "num",
    "total_weight_kg": "num",
    "hs_ch93": "bool",
    "hs_decoy": "bool",
    "hs_mismatch": "bool",
    "has_vehicle": "bool",
    "lodged_date": "date",
    # added by ``consignee_features`` (known-consignee sets loaded from the database)
    "first_time_consignee": "bool",
    "consignee_seen_in_seizure": "bool",
    # added by ``names.watchlist_features`` when screening with watchlist entries
    "watchlist_hit": "bool",
    "watchlist_score": "num",
}
_STRINGS = [
    c for c in HISTORY_COLUMNS if c not in ("quantity", "gross_weight_kg", "declared_value")
]


@dataclass(frozen=True)
class KeywordGroup:
    name: str
    terms: tuple[str, ...]  # folded, padded: " pistol", " pin "
    hs: tuple[str, ...]


def fold_term(term: str) -> str:
    """A keyword as matched: folded, with a leading space (and a trailing one if given)."""
    return " " + search_key(term) + (" " if term.endswith(" ") else "")


@lru_cache(maxsize=1)
def keyword_groups() -> dict[str, KeywordGroup]:
    data = yaml.safe_load((DATA / "keywords.yaml").read_text(encoding="utf-8"))
    out = {}
    for name, spec in data["groups"].items():
        terms = tuple(dict.fromkeys(fold_term(str(t)) for t in spec["terms"]))
        out[name] = KeywordGroup(name, terms, tuple(str(h) for h in spec.get("hs") or ()))
    return out


@lru_cache(maxsize=1)
def _fold_table() -> tuple[list[str], list[str]]:
    """Characters whose ``search_key`` differs from their lower case, and what they become."""
    src: list[str] = []
    dst: list[str] = []
    for cp in list(range(0xC0, 0x250)) + list(range(0x400, 0x530)) + [0x1E9E]:
        ch = chr(cp)
        key = search_key(ch)
        if ch.isalpha() and key != ch.lower() and key:
            src.append(ch)
            dst.append(key)
    return src, dst


def fold_expr(col: str) -> pl.Expr:
    """``" " + search_key(text) + " "`` for a whole column (see the module docstring)."""
    src, dst = _fold_table()
    folded = (
        pl.col(col)
        .str.to_lowercase()
        .str.replace_many(src, dst)
        .str.replace_all(r"[\W_]+", " ")
        .str.strip_chars()
    )
    return pl.concat_str([pl.lit(" "), folded, pl.lit(" ")])


def _number(col: str, default: float) -> pl.Expr:
    text = pl.col(col).str.strip_chars().str.replace_all(" ", "")
    text = (
        pl.when(text.str.contains(",") & ~text.str.contains(r"\.", literal=False))
        .then(text.str.replace(",", ".", literal=True))
        .otherwise(text)
    )
    return text.cast(pl.Float64, strict=False).fill_null(default)


def prepare(raw: pl.DataFrame) -> pl.DataFrame:
    """Typed item rows with every derived feature (``raw``: text columns of the file).

    Equal to :func:`prepare_direct` (tested), but faster on large frames: features of the
    description and HS code are computed once per distinct (description, HS code) pair
    and gathered back by the pair's index; numbers and dates take a fast parse first and the
    general one only when some value needs it; declaration totals are reduced over runs
    of equal ``declaration_id`` (files list a declaration's items together) and skipped
    when every declaration has one item.
    """
    df = _typed(raw)
    key = (
        pl.col("declared_description").cast(pl.Categorical).to_physical().cast(pl.UInt64)
        * (1 << 32)
        + pl.col("hs_code").cast(pl.Categorical).to_physical().cast(pl.UInt64)
    ).alias("_key")
    keys = df.select(key).to_series()
    totals, runs = _totals(df["declaration_id"])
    pairs = (
        _text_features(
            df.select(*_PER_PAIR)
            .with_columns(keys)
            .unique("_key")
            .lazy()
            .with_columns(pl.col(_PER_PAIR).str.strip_chars())
        )
        .collect()
        .with_row_index("_pair")
    )
    index = keys.replace_strict(pairs["_key"], pairs["_pair"])
    per_item = pairs.drop("_key", "_pair").select(pl.all().gather(index))
    df = df.drop(_PER_PAIR).hstack(per_item.get_columns())
    if runs is not None:
        df = df.with_columns(runs.alias("_run"))
    value_eur = (pl.col("declared_value") * pl.col("_rate")).alias("value_eur")
    div = _safe_div
    lf = (
        df.lazy()
        .with_columns(value_eur, (pl.col("vehicle_registration") != "").alias("has_vehicle"))
        .with_columns(
            div(pl.col("value_eur"), pl.col("quantity")).alias("unit_value"),
            div(pl.col("gross_weight_kg"), pl.col("quantity")).alias("weight_per_item"),
            div(pl.col("value_eur"), pl.col("gross_weight_kg")).alias("value_per_kg"),
            *totals,
        )
    )
    return lf.select(_order(raw.columns)).collect()


def prepare_direct(raw: pl.DataFrame) -> pl.DataFrame:
    """The straightforward computation of :func:`prepare`, row for row (the reference)."""
    missing = [c for c in HISTORY_COLUMNS if c not in raw.columns]
    df = raw.with_columns(pl.lit("").alias(c) for c in missing)
    df = df.with_columns(pl.col(c).cast(pl.Utf8).fill_null("").str.strip_chars() for c in _STRINGS)
    rates = pl.DataFrame({"currency": list(EUR_RATES), "_rate": list(EUR_RATES.values())})
    df = df.with_columns(
        _number("quantity", 1.0).alias("quantity"),
        _number("gross_weight_kg", 0.0).alias("gross_weight_kg"),
        _number("declared_value", 0.0).alias("declared_value"),
        pl.col("currency").str.to_uppercase().replace("", "EUR").alias("currency"),
        pl.col(["flow", "item_category", "transport_mode"]).str.to_lowercase(),
        pl.col(
            ["origin_country", "dispatch_country", "consignor_country", "consignee_country"]
        ).str.to_uppercase(),
        pl.col("lodged_at").str.slice(0, 10).str.to_date(strict=False).alias("lodged_date"),
    ).join(rates, on="currency", how="left", maintain_order="left")
    df = _text_features(df.lazy()).collect()
    df = df.with_columns(
        (pl.col("declared_value") * pl.col("_rate").fill_null(1.0)).alias("value_eur"),
        (pl.col("vehicle_registration") != "").alias("has_vehicle"),
    )
    div = _safe_div
    df = df.with_columns(
        div(pl.col("value_eur"), pl.col("quantity")).alias("unit_value"),
        div(pl.col("gross_weight_kg"), pl.col("quantity")).alias("weight_per_item"),
        div(pl.col("value_eur"), pl.col("gross_weight_kg")).alias("value_per_kg"),
        pl.len().over("declaration_id").cast(pl.Float64).alias("n_items"),
        pl.col("value_eur").sum().over("declaration_id").alias("total_value_eur"),
        pl.col("gross_weight_kg").sum().over("declaration_id").alias("total_weight_kg"),
    )
    return df.select(_order(raw.columns))


def _order(columns: list[str]) -> list[str]:
    """Output columns of ``prepare``: the input's, missing file columns, then features."""
    head = list(dict.fromkeys([*columns, *HISTORY_COLUMNS]))
    derived = [
        "_hs",
        "desc_key",
        "lodged_date",
        "value_eur",
        "hs_chapter",
        "hs_heading",
        "has_vehicle",
        "unit_value",
        "weight_per_item",
        "value_per_kg",
        "n_items",
        "total_value_eur",
        "total_weight_kg",
        "hs_ch93",
        "hs_decoy",
        *(f"kw_{g}" for g in keyword_groups()),
        "hs_mismatch",
    ]
    return [c for c in head if c not in derived] + derived


#: Stripped with the other features of the pair, once per distinct pair.
_PER_PAIR = ("declared_description", "hs_code")


def _typed(raw: pl.DataFrame) -> pl.DataFrame:
    """Stripped text (but ``_PER_PAIR``), numbers, codes in their case, ``lodged_date``
    and the EUR ``_rate`` of the currency."""
    missing = [c for c in HISTORY_COLUMNS if c not in raw.columns]
    text = [pl.col(c).cast(pl.Utf8).fill_null("") for c in _STRINGS if c in raw.columns]
    strings = [t if t.meta.output_name() in _PER_PAIR else t.str.strip_chars() for t in text]
    numbers = {"quantity": 1.0, "gross_weight_kg": 0.0, "declared_value": 0.0}
    lodged = pl.col("lodged_at").str.slice(0, 10)
    df = (
        raw.lazy()
        .with_columns(pl.lit("").alias(c) for c in missing)
        .with_columns(strings)
        .with_columns(
            *(pl.col(c).cast(pl.Float64, strict=False).alias(f"_f_{c}") for c in numbers),
            pl.col("currency").str.to_uppercase().replace("", "EUR").alias("currency"),
            pl.col(["flow", "item_category", "transport_mode"]).str.to_lowercase(),
            pl.col(
                ["origin_country", "dispatch_country", "consignor_country", "consignee_country"]
            ).str.to_uppercase(),
            lodged.str.to_date("%Y-%m-%d", strict=False).alias("lodged_date"),
        )
        .with_columns(
            pl.col("currency")
            .replace_strict(EUR_RATES, default=1.0, return_dtype=pl.Float64)
            .alias("_rate")
        )
        .collect()
    )
    # A plain float parse covers well-formed files; a column with a value it cannot read
    # ("1 234,5", " 7 ") takes the general parse of ``_number``.
    check = df.select(
        *(
            (pl.col(f"_f_{c}").is_null() & (pl.col(c).cast(pl.Utf8).fill_null("") != ""))
            .any()
            .alias(c)
            for c in numbers
        ),
        (pl.col("lodged_date").is_null() & (lodged != "")).any().alias("lodged_at"),
    ).row(0, named=True)
    fixes = [
        _number(c, default).alias(c) if check[c] else pl.col(f"_f_{c}").fill_null(default).alias(c)
        for c, default in numbers.items()
    ]
    if check["lodged_at"]:  # not all ISO: let Polars infer the format, as prepare_direct
        fixes.append(lodged.str.to_date(strict=False).alias("lodged_date"))
    return df.with_columns(fixes).drop(*(f"_f_{c}" for c in numbers))


def _text_features(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Features of (``declared_description``, ``hs_code``): folded key, keyword groups,
    HS chapter/heading, chapter 93, decoy heading, HS code vs description mismatch."""
    decoys = sorted({d.code.replace(".", "") for d in active_catalogue().decoy_codes})
    groups = keyword_groups()
    lf = lf.with_columns(
        pl.col("hs_code").str.replace_all(r"[^0-9]", "").alias("_hs"),
        fold_expr("declared_description").alias("desc_key"),
    ).with_columns(
        pl.col("_hs").str.slice(0, 2).alias("hs_chapter"),
        pl.col("_hs").str.slice(0, 4).alias("hs_heading"),
    )
    lf = lf.with_columns(
        (pl.col("hs_chapter") == "93").alias("hs_ch93"),
        pl.col("hs_heading").is_in(decoys).alias("hs_decoy"),
        *(
            pl.col("desc_key").str.contains_any(list(g.terms)).alias(f"kw_{g.name}")
            for g in groups.values()
        ),
    )
    mismatch = [
        pl.col(f"kw_{g.name}") & ~_starts_any("_hs", g.hs) & (pl.col("_hs") != "")
        for g in groups.values()
        if g.hs
    ]
    return lf.with_columns(
        (pl.any_horizontal(mismatch) if mismatch else pl.lit(False)).alias("hs_mismatch")
    )


def declaration_runs(ids: pl.Series) -> pl.Series | None:
    """A run number per row when each declaration's items are contiguous, else ``None``.

    Runs of equal ids are cheap to find; they are the declarations when the ids are sorted
    or when there are as many distinct ids as runs.
    """
    runs = ids.rle_id()
    count = int(runs[-1]) + 1 if len(runs) else 0
    if ids.is_sorted() or count == ids.n_unique():
        return runs
    return None


def _totals(ids: pl.Series) -> tuple[list[pl.Expr], pl.Series | None]:
    """Expressions of the declaration totals, and the ``_run`` column they need if any."""
    names = ("n_items", "total_value_eur", "total_weight_kg")
    runs = declaration_runs(ids)
    if runs is not None and (len(runs) == 0 or int(runs[-1]) + 1 == len(runs)):
        # one item per declaration: the totals are the item's own values
        exprs = [
            pl.lit(1.0).alias(names[0]),
            pl.col("value_eur").alias(names[1]),
            pl.col("gross_weight_kg").alias(names[2]),
        ]
        return exprs, None
    key = "declaration_id" if runs is None else "_run"
    exprs = [
        pl.len().over(key).cast(pl.Float64).alias(names[0]),
        pl.col("value_eur").sum().over(key).alias(names[1]),
        pl.col("gross_weight_kg").sum().over(key).alias(names[2]),
    ]
    return exprs, runs


def _safe_div(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return pl.when(b > 0).then(a / b).otherwise(None)


def _starts_any(col: str, prefixes: tuple[str, ...]) -> pl.Expr:
    return pl.any_horizontal([pl.col(col).str.starts_with(p) for p in prefixes])


# ------------------------------------------------------------------ reading files


def read_frame(path: Path, *, encoding: str | None = None) -> pl.DataFrame:
    """A declarations or history file as text columns (CSV in any regional encoding, JSON)."""
    fast = _read_utf8_csv(path, encoding)
    if fast is not None:
        return _within_limits(fast, path.name)
    src = open_declarations(path, encoding=encoding)
    if src.kind == "json":
        rows = [{k: v for k, v in r.items()} for _n, r in src.rows()]
        return pl.DataFrame(rows, schema={c: pl.Utf8 for c in src.header})
    if src.kind == "xlsx":
        rows = [r for _n, r in src.rows()]
        return pl.DataFrame(rows, schema={c: pl.Utf8 for c in src.header})
    data: Any = path
    if src.encoding not in ("utf-8", "utf-8-sig"):
        data = io.BytesIO(path.read_bytes().decode(src.encoding).encode("utf-8"))
    return _within_limits(
        pl.read_csv(data, separator=src.delimiter, infer_schema=False, truncate_ragged_lines=False),
        path.name,
    )


def _read_utf8_csv(path: Path, encoding: str | None) -> pl.DataFrame | None:
    """A UTF-8 CSV straight through Polars' reader, or ``None`` to take the general path.

    ``open_declarations`` reads the whole file in Python to detect its encoding; here only
    the header block is looked at (delimiter and header checked the same way) and Polars
    validates the UTF-8 as it reads. A file that is not UTF-8 fails that and is read again
    by the general path (which picks cp1250/cp1251), as is anything not plainly CSV.
    """
    found = files.utf8_csv_header(path, encoding)
    if found is None:
        return None
    delimiter, header = found
    files.refuse_header(path.name, header_problems(header), files.file_limits())
    try:
        frame = pl.read_csv(
            path, separator=delimiter, infer_schema=False, truncate_ragged_lines=False
        )
    except pl.exceptions.ComputeError:
        return None
    return frame


def _within_limits(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """``frame`` if it holds to the file limits, else the 4xx the table reader would give.

    Polars reads CSV whole, so rows, columns and cell lengths are checked on what it read
    (the table reader checks them row by row for imports).
    """
    lim = files.file_limits()  # looked up when called (tests narrow the limits)
    if frame.height > lim.rows:
        raise TooLarge(
            _("%(file)s has more than %(n)d rows.") % {"file": name, "n": lim.rows},
            [{"field": "file", "error": "too_many_rows", "max_rows": lim.rows}],
        )
    if frame.width > lim.columns:
        raise TooLarge(
            _("%(file)s has more than %(n)d columns.") % {"file": name, "n": lim.columns},
            [{"field": "file", "error": "too_many_columns", "row": 1, "max_columns": lim.columns}],
        )
    if frame.height == 0 or frame.width == 0:
        return frame
    cells = pl.all().fill_null("")
    bad = cells.str.len_chars() > lim.cell_chars
    flagged = frame.select(pl.any_horizontal(bad).alias("bad")).to_series()
    if not flagged.any():
        return frame
    index = int(flagged.arg_true()[0])
    column = next(c for c in frame.columns if _bad_cell(frame[c][index], lim.cell_chars))
    row = index + 2  # the header is row 1
    raise Invalid(
        _("%(file)s: row %(row)d cannot be read.") % {"file": name, "row": row},
        [{"row": row, "column": column, "error": "too_long", "max_chars": lim.cell_chars}],
    )


def _bad_cell(value: str | None, cell_chars: int) -> bool:
    return len(value or "") > cell_chars


# ------------------------------------------------------------------ row by row


def row_features(items: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The same features for one declaration's items, in plain Python (the baseline)."""
    cat = active_catalogue()
    decoys = {d.code.replace(".", "") for d in cat.decoy_codes}
    groups = keyword_groups()
    out = []
    for raw in items:
        r: dict[str, Any] = {c: (raw.get(c) or "").strip() for c in _STRINGS}
        for c in ("flow", "item_category", "transport_mode"):
            r[c] = r[c].lower()
        for c in ("origin_country", "dispatch_country", "consignor_country", "consignee_country"):
            r[c] = r[c].upper()
        r["currency"] = r["currency"].upper() or "EUR"
        r["quantity"] = _py_number(raw.get("quantity"), 1.0)
        r["gross_weight_kg"] = _py_number(raw.get("gross_weight_kg"), 0.0)
        r["declared_value"] = _py_number(raw.get("declared_value"), 0.0)
        r["value_eur"] = r["declared_value"] * EUR_RATES.get(r["currency"], 1.0)
        hs = "".join(ch for ch in r["hs_code"] if ch.isdigit())
        r["hs_chapter"], r["hs_heading"] = hs[:2], hs[:4]
        r["has_vehicle"] = r["vehicle_registration"] != ""
        r["unit_value"] = r["value_eur"] / r["quantity"] if r["quantity"] > 0 else None
        r["weight_per_item"] = r["gross_weight_kg"] / r["quantity"] if r["quantity"] > 0 else None
        r["value_per_kg"] = (
            r["value_eur"] / r["gross_weight_kg"] if r["gross_weight_kg"] > 0 else None
        )
        r["hs_ch93"] = r["hs_chapter"] == "93"
        r["hs_decoy"] = r["hs_heading"] in decoys
        key = " " + search_key(r["declared_description"]) + " "
        r["desc_key"] = key
        mismatch = False
        for g in groups.values():
            hit = any(t in key for t in g.terms)
            r[f"kw_{g.name}"] = hit
            if hit and g.hs and hs and not any(hs.startswith(p) for p in g.hs):
                mismatch = True
        r["hs_mismatch"] = mismatch
        try:
            from datetime import date

            r["lodged_date"] = date.fromisoformat(r["lodged_at"][:10])
        except ValueError:
            r["lodged_date"] = None
        out.append(r)
    n = float(len(out))
    total_v = sum(r["value_eur"] for r in out)
    total_w = sum(r["gross_weight_kg"] for r in out)
    for r in out:
        r["n_items"], r["total_value_eur"], r["total_weight_kg"] = n, total_v, total_w
    return out


def _py_number(text: str | None, default: float) -> float:
    value = (text or "").strip().replace(" ", "")
    if "," in value and "." not in value:
        value = value.replace(",", ".")
    try:
        return float(value)
    except ValueError:
        return default


# ------------------------------------------------------------------ consignee history


#: Columns ``consignee_features`` adds, and their value when it was not called.
CONSIGNEE_DEFAULTS: dict[str, bool] = {
    "first_time_consignee": False,
    "consignee_seen_in_seizure": False,
}


def consignee_key_expr(col: str = "consignee_name") -> pl.Expr:
    """``search_key`` of a name column, vectorised (no padding): the key of the sets."""
    return fold_expr(col).str.strip_chars()


def consignee_features(
    df: pl.DataFrame,
    *,
    known: set[str] | frozenset[str],
    seized: set[str] | frozenset[str],
    parties: set[str] | frozenset[str] = frozenset(),
) -> pl.DataFrame:
    """``df`` (raw or prepared item rows) with ``first_time_consignee`` and
    ``consignee_seen_in_seizure``, computed in one vectorised pass.

    ``known``: ``search_key`` of the consignees of the agency's earlier stored declarations;
    ``seized``: of consignees of declarations linked to a seizure or whose inspection found
    firearms, parts or ammunition; ``parties``: entity keys of seizure recipients and
    senders (``consignees.party_keys`` of a name is compared with them). A consignee is
    first-time when its key is not in ``known`` and no earlier declaration of ``df`` (by
    ``lodged_at``, then file order) has it; an empty name is neither. ``prepare`` keeps
    extra input columns, so this may run before or after it.
    """
    has_name = "consignee_name" in df.columns
    key = consignee_key_expr().fill_null("") if has_name else pl.lit("")
    seen = (pl.col("_ckey") != "") & pl.col("_ckey").is_in(list(seized))
    if parties and has_name:
        from kalibar.targeting.consignees import party_keys

        names = df["consignee_name"].cast(pl.Utf8).drop_nulls().unique().to_list()
        hit = [n for n in names if n and party_keys(n) & parties]
        seen = seen | pl.col("consignee_name").cast(pl.Utf8).is_in(hit)
    lodged = (
        pl.col("lodged_at").cast(pl.Utf8).fill_null("") if "lodged_at" in df.columns else pl.lit("")
    )
    first_decl = pl.col("declaration_id").sort_by([lodged, pl.col("_row")]).first().over("_ckey")
    out = (
        df.lazy()
        .with_row_index("_row")
        .with_columns(key.alias("_ckey"))
        .with_columns(
            (
                (pl.col("_ckey") != "")
                & ~pl.col("_ckey").is_in(list(known))
                & (pl.col("declaration_id") == first_decl)
            ).alias("first_time_consignee"),
            seen.alias("consignee_seen_in_seizure"),
        )
        .drop("_row", "_ckey")
        .collect()
    )
    return out


def with_consignee_defaults(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with the consignee columns (false) where ``consignee_features`` was not run."""
    missing = [c for c in CONSIGNEE_DEFAULTS if c not in df.columns]
    return df.with_columns(pl.lit(CONSIGNEE_DEFAULTS[c]).alias(c) for c in missing)


__all__ = ["COLUMNS", "FEATURES", "keyword_groups", "prepare", "read_frame", "row_features"]
