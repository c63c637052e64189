"""Rule conditions: a small tree with two evaluators that must agree.

``expr()`` gives a Polars expression over the item frame of ``features.prepare`` (the
vectorised path); ``test(row)`` evaluates one item row of ``features.row_features`` in
plain Python (the baseline the bench compares against, and a cross-check in tests).
A leaf on a missing value is false in both, so ``not`` means the same in both.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


class Cond:
    def expr(self) -> pl.Expr:
        raise NotImplementedError

    def test(self, row: dict[str, Any]) -> bool:
        raise NotImplementedError


@dataclass
class All(Cond):
    parts: list[Cond]

    def expr(self) -> pl.Expr:
        return pl.all_horizontal([p.expr() for p in self.parts]) if self.parts else pl.lit(True)

    def test(self, row: dict[str, Any]) -> bool:
        return all(p.test(row) for p in self.parts)


@dataclass
class AnyOf(Cond):
    parts: list[Cond]

    def expr(self) -> pl.Expr:
        return pl.any_horizontal([p.expr() for p in self.parts]) if self.parts else pl.lit(False)

    def test(self, row: dict[str, Any]) -> bool:
        return any(p.test(row) for p in self.parts)


@dataclass
class Not(Cond):
    part: Cond

    def expr(self) -> pl.Expr:
        return ~self.part.expr()

    def test(self, row: dict[str, Any]) -> bool:
        return not self.part.test(row)


@dataclass
class Compare(Cond):
    field: str
    op: str
    value: Any

    def expr(self) -> pl.Expr:
        col = pl.col(self.field)
        exprs = {
            "eq": col == self.value,
            "ne": col != self.value,
            "gt": col > self.value,
            "ge": col >= self.value,
            "lt": col < self.value,
            "le": col <= self.value,
        }
        return exprs[self.op].fill_null(False)

    def test(self, row: dict[str, Any]) -> bool:
        value = row.get(self.field)
        return value is not None and bool(_OPS[self.op](value, self.value))


@dataclass
class InSet(Cond):
    field: str
    values: tuple[Any, ...]

    def expr(self) -> pl.Expr:
        return pl.col(self.field).is_in(list(self.values)).fill_null(False)

    def test(self, row: dict[str, Any]) -> bool:
        return row.get(self.field) in self.values


@dataclass
class StartsWith(Cond):
    field: str
    prefixes: tuple[str, ...]

    def expr(self) -> pl.Expr:
        col = pl.col(self.field)
        return pl.any_horizontal([col.str.starts_with(p) for p in self.prefixes]).fill_null(False)

    def test(self, row: dict[str, Any]) -> bool:
        value = row.get(self.field)
        return isinstance(value, str) and value.startswith(self.prefixes)


@dataclass
class Flag(Cond):
    field: str
    value: bool

    def expr(self) -> pl.Expr:
        col = pl.col(self.field).fill_null(False)
        return col if self.value else ~col

    def test(self, row: dict[str, Any]) -> bool:
        return bool(row.get(self.field)) is self.value


@dataclass
class Terms(Cond):
    """The folded description contains one of the (folded, padded) terms."""

    terms: tuple[str, ...]

    def expr(self) -> pl.Expr:
        return pl.col("desc_key").str.contains_any(list(self.terms)).fill_null(False)

    def test(self, row: dict[str, Any]) -> bool:
        key = row.get("desc_key") or ""
        return any(t in key for t in self.terms)


def route(patterns: list[tuple[str, ...]], fields: tuple[str, ...]) -> Cond:
    """Country routes such as ``TR>BG>*`` over ``fields``: one of the patterns matches."""
    options: list[Cond] = []
    for pattern in patterns:
        parts: list[Cond] = [
            Compare(f, "eq", code) for f, code in zip(fields, pattern, strict=False) if code != "*"
        ]
        options.append(All(parts))
    return AnyOf(options)
