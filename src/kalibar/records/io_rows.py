"""From file rows to insert-ready rows: validation, owner, identification — in one process
or, for large files, in a second process while the first one writes to the database.

Each row is parsed by ``records.fields.parse_row`` (the one place for field rules) and
identified by ``records.identify.identify`` (cached). A good row becomes the tuple of
values the database driver receives (the column types' bind processors applied here, as
SQLAlchemy would), all but its readable reference, which the writer reserves per chunk.

The worker is a forked child: it only reads the file and computes, never touches the
database; chunks travel through a bounded queue, so the worker is never far ahead, and it
exits by itself if its parent dies (a killed import leaves no process behind).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import Dialect

from kalibar.db.base import Distribution
from kalibar.errors import Invalid, KalibarError
from kalibar.files import RowError, problem_of
from kalibar.i18n import _
from kalibar.ids import uuid7
from kalibar.records import service
from kalibar.records.fields import parse_row
from kalibar.records.identify import identify
from kalibar.records.io_read import Source
from kalibar.records.models import FirearmRecord

CHUNK = 10_000
PARALLEL_MIN_ROWS = 50_000
_TABLE = FirearmRecord.__table__
_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}

#: A good row: (row number, record UUID as text, owner agency code, driver values without
#: the reference, the raw row when it names a record_id — it may update a record — or None).
Good = tuple[int, str, str, tuple[Any, ...], dict[str, str] | None]


@dataclass
class Chunk:
    rows_read: int
    good: list[Good] = field(default_factory=list)
    bad: list[tuple[int, dict[str, str], list[RowError]]] = field(default_factory=list)


@dataclass(frozen=True)
class Owner:
    id: int
    code: str
    country: str


class _Identified:
    """What ``service.apply_identification`` sets, without an ORM object per row."""

    __slots__ = (
        "make_code",
        "model_code",
        "calibre_code",
        "weapon_type",
        "serial_normalised",
        "needs_review",
        "search_text",
        "country_of_manufacture",
    )

    def __init__(self, weapon_type: str, country: str | None) -> None:
        self.weapon_type = weapon_type
        self.country_of_manufacture = country


class InsertPlan:
    """The INSERT statement for a dialect and how a row becomes its parameters."""

    def __init__(self, dialect: Dialect, now: Any) -> None:
        names = [c.name for c in _TABLE.c if c.name != "reference"]
        self.names = [*names, "reference"]
        mark = _MARKS[dialect.paramstyle]
        self.sql = (
            f"INSERT INTO {FirearmRecord.__tablename__} ({', '.join(self.names)}) "  # noqa: S608 - names from the model
            f"VALUES ({', '.join([mark] * len(self.names))})"
        )
        procs = {n: _TABLE.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names}
        constants = {
            "modifications": "",
            "serial_obliterated": False,
            "serial_restored": False,
            "distribution": Distribution.national.value,
            "deleted_at": None,
            "origin_established": False,
            "origin_source": None,
            "origin_established_at": None,
            "origin_note": "",
            "created_at": now,
            "updated_at": now,
        }
        self.constants = {n: (proc(v) if (proc := procs[n]) else v) for n, v in constants.items()}
        self.getter = itemgetter(*names)
        self.varying = [
            (i, p) for i, n in enumerate(names) if (p := procs[n]) and n not in constants
        ]

    def params(self, row: dict[str, Any]) -> tuple[Any, ...]:
        values = list(self.getter(row))
        for i, proc in self.varying:
            values[i] = proc(values[i])
        return tuple(values)


class Validator:
    def __init__(self, *, agencies: dict[str, Owner], fixed_owner: Owner | None, plan: InsertPlan):
        self.agencies = agencies
        self.fixed_owner = fixed_owner
        self.plan = plan
        self.seen_ids: dict[int, int] = {}

    def check(self, number: int, raw: dict[str, str]) -> Good | list[RowError]:
        if (bad := problem_of(raw)) is not None:
            return [RowError(number, bad[0], "", bad[1])]
        parsed = parse_row(raw)
        errors = [RowError(number, e.field, _short(e.value), e.message) for e in parsed.errors]
        v = parsed.values
        code = v.get("reporting_agency") or ""
        reporting = self.agencies.get(code) if code else None
        if code and reporting is None:
            errors.append(RowError(number, "reporting_agency", code, _("unknown agency code")))
        owner = self.fixed_owner or reporting
        if owner is None and not code:
            reason = _("no owner agency: give --agency or a reporting_agency for this row")
            errors.append(RowError(number, "reporting_agency", "", reason))
        record_id: uuid.UUID | None = v.get("record_id")
        if record_id is not None:
            first = self.seen_ids.setdefault(record_id.int, number)
            if first != number:
                reason = _("record_id appears again (first in row %(row)d)") % {"row": first}
                errors.append(RowError(number, "record_id", str(record_id), reason))
        if errors or owner is None:
            return errors
        ident = identify(
            make=v["make"],
            model=v["model"],
            calibre=v["calibre"],
            weapon_type=v["weapon_type"],
            serial=v["serial_number"],
        )
        row = _Identified(v["weapon_type"], v["country_of_manufacture"])
        service.apply_identification(row, ident)  # type: ignore[arg-type]
        rid = record_id or uuid7()
        v.update(self.plan.constants)
        v["uuid"] = rid
        v["owner_agency_id"] = owner.id
        v["owner_country"] = owner.country
        v["reporting_agency_id"] = (reporting or owner).id
        for name in _Identified.__slots__:
            v[name] = getattr(row, name)
        return number, str(rid), owner.code, self.plan.params(v), raw if record_id else None


def _short(value: str) -> str:
    return value if len(value) <= 100 else value[:99] + "…"


def produce(src: Source, validator: Validator) -> Iterator[Chunk]:
    """Validated rows of ``src`` in chunks, in this process."""
    chunk = Chunk(0)
    read = 0
    for number, raw in src.rows():
        read += 1
        checked = validator.check(number, raw)
        if isinstance(checked, list):
            chunk.bad.append((number, raw, checked))
        else:
            chunk.good.append(checked)
        if len(chunk.good) + len(chunk.bad) >= CHUNK:
            chunk.rows_read = read
            yield chunk
            chunk = Chunk(read)
    chunk.rows_read = read
    yield chunk


def chunks(src: Source, validator: Validator, *, parallel: bool | None) -> Iterator[Chunk]:
    """``produce`` here, or in a forked worker for large files on a multi-core machine."""
    if parallel is None:
        parallel = (
            src.estimated_rows >= PARALLEL_MIN_ROWS
            and (os.cpu_count() or 1) > 1
            and "fork" in multiprocessing.get_all_start_methods()
        )
    if not parallel:
        yield from produce(src, validator)
        return
    ctx = multiprocessing.get_context("fork")
    q: Any = ctx.Queue(maxsize=4)
    proc = ctx.Process(target=_work, args=(q, src, validator, os.getpid()), daemon=True)
    proc.start()
    try:
        while True:
            try:
                item = q.get(timeout=1)
            except queue.Empty:
                if not proc.is_alive():
                    raise RuntimeError("the import worker stopped unexpectedly") from None
                continue
            if item is None:
                return
            if isinstance(item, tuple):
                kind, message, details = item
                raise (Invalid if kind == "invalid" else KalibarError)(message, details)
            yield item
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join()
        q.close()


def _work(q: Any, src: Source, validator: Validator, parent: int) -> None:
    def put(item: Any) -> None:
        while True:
            try:
                q.put(item, timeout=1)
                return
            except queue.Full:
                if os.getppid() != parent:
                    os._exit(0)

    try:
        for chunk in produce(src, validator):
            put(chunk)
    except KalibarError as exc:
        put(("invalid" if isinstance(exc, Invalid) else "error", exc.message, exc.details))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises
        put(("error", repr(exc), []))
    put(None)
    q.close()
    q.join_thread()
