"""Derived features of goods items, as Polars expressions and, for comparison, per row.

Every feature is computed on item rows (one row per goods item); declaration totals are
window sums over ``declaration_id``. Descriptions are folded the way
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

from kalibar.reference.catalogue import active_catalogue
from kalibar.reference.script import search_key
from kalibar.targeting.fields import COLUMNS, HISTORY_COLUMNS

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
    """Typed item rows with every derived feature (``raw``: text columns of the file)."""
    missing = [c for c in HISTORY_COLUMNS if c not in raw.columns]
    df = raw.with_columns(pl.lit("").alias(c) for c in missing)
    df = df.with_columns(pl.col(c).cast(pl.Utf8).fill_null("").str.strip_chars() for c in _STRINGS)
    cat = active_catalogue()
    decoys = sorted({d.code.replace(".", "") for d in cat.decoy_codes})
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
        pl.col("hs_code").str.replace_all(r"[^0-9]", "").alias("_hs"),
        fold_expr("declared_description").alias("desc_key"),
        pl.col("lodged_at").str.slice(0, 10).str.to_date(strict=False).alias("lodged_date"),
    ).join(rates, on="currency", how="left")
    df = df.with_columns(
        (pl.col("declared_value") * pl.col("_rate").fill_null(1.0)).alias("value_eur"),
        pl.col("_hs").str.slice(0, 2).alias("hs_chapter"),
        pl.col("_hs").str.slice(0, 4).alias("hs_heading"),
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
        (pl.col("hs_chapter") == "93").alias("hs_ch93"),
        pl.col("hs_heading").is_in(decoys).alias("hs_decoy"),
    )
    groups = keyword_groups()
    kw = [
        pl.col("desc_key").str.contains_any(list(g.terms)).alias(f"kw_{g.name}")
        for g in groups.values()
    ]
    df = df.with_columns(kw)
    mismatch = [
        pl.col(f"kw_{g.name}") & ~_starts_any("_hs", g.hs) & (pl.col("_hs") != "")
        for g in groups.values()
        if g.hs
    ]
    return df.with_columns(pl.any_horizontal(mismatch).alias("hs_mismatch")).drop("_rate")


def _safe_div(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return pl.when(b > 0).then(a / b).otherwise(None)


def _starts_any(col: str, prefixes: tuple[str, ...]) -> pl.Expr:
    return pl.any_horizontal([pl.col(col).str.starts_with(p) for p in prefixes])


# ------------------------------------------------------------------ reading files


def read_frame(path: Path, *, encoding: str | None = None) -> pl.DataFrame:
    """A declarations or history file as text columns (CSV in any regional encoding, JSON)."""
    from kalibar.targeting.io_import import open_declarations

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
    return pl.read_csv(
        data, separator=src.delimiter, infer_schema=False, truncate_ragged_lines=False
    )


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


__all__ = ["COLUMNS", "FEATURES", "keyword_groups", "prepare", "read_frame", "row_features"]
