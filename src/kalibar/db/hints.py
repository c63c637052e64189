"""Planner hints that keep list queries on the sort index.

SQLite's planner takes an OR of equality tests on indexed columns (the visibility filter)
for a selective condition and sorts the whole result; at a million records that costs
seconds instead of milliseconds. ``unindexed(col)`` compiles to ``+col`` on SQLite — the
documented way to stop a term from driving index choice — and to plain ``col`` elsewhere.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class unindexed(FunctionElement[Any]):  # noqa: N801 (reads like a SQL function)
    inherit_cache = True
    name = "unindexed"

    def __init__(self, column: ColumnElement[Any] | QueryableAttribute[Any]) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _plain(element: unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed, "sqlite")
def _sqlite(element: unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.clauses, **kw))
