"""Reading tabular files — CSV (any of the region's encodings), XLSX and JSON — as a stream,
within the limits of :mod:`kalibar.files.limits`.

``open_table(path)`` looks at the file once (SHA-256, encoding, header, an estimate of the
number of rows) and returns a ``Table`` whose ``rows()`` yields ``(row_number, {column:
text})`` with row numbers as a person sees them in the file: the header is row 1, the first
data row 2 (a CSV cell spanning several lines still counts as one row, as in a
spreadsheet). JSON files (an array of objects) number their objects the same way.

A row the reader cannot take apart — a quote that is never closed, text after a closing
quote, more cells than the header has columns, a cell longer than the limit — is yielded
as a *problem row*: :func:`problem_of` gives its column and reason, so the importer reports
it like any other bad row (row, column, reason) instead of storing the rest of the line in
one field. More rows than ``KALIBAR_IMPORT_MAX_ROWS`` or a header wider than
``KALIBAR_IMPORT_MAX_COLUMNS`` refuse the file (413). CSV cells are passed through
:func:`kalibar.files.csvout.unguard`, so a file exported by Kalibar reads back as written.

Encoding of CSV files, unless given:

1. a UTF-8 byte-order mark → ``utf-8-sig``;
2. the whole file decodes as UTF-8 → ``utf-8`` (checked while hashing, no extra pass);
3. otherwise Windows-1250 (Latin: č ć đ š ž) or Windows-1251 (Cyrillic). The same bytes
   0xC0–0xFF are accented Latin letters in one and Cyrillic letters in the other, so a
   sample is decoded both ways and every word holding a non-ASCII letter is scored:
   under cp1251 a word counts if all its letters are Cyrillic (Cyrillic text is written
   in Cyrillic only); under cp1250 a word counts if it mixes ASCII letters with at most
   as many non-ASCII ones, all from the letters of the region's Latin alphabets (Latin
   words carry a few diacritics among plain letters). Cyrillic read as cp1250 gives words
   made only of accented letters ("Çŕńňŕâŕ"), Latin read as cp1251 gives words mixing
   Latin and Cyrillic ("Иaиak"); neither scores. The higher score wins; a tie, or a
   sample that does not decode one way, goes to the other; cp1250 when nothing decides.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from kalibar.errors import Invalid, KalibarError, TooLarge
from kalibar.files.csvout import unguard
from kalibar.files.jsondoc import load_json
from kalibar.files.limits import FileLimits, file_limits
from kalibar.files.uploads import too_large
from kalibar.files.xlsx import check_xlsx
from kalibar.i18n import _

ENCODINGS = ("utf-8", "utf-8-sig", "cp1250", "cp1251")
BLOCK = 1 << 20
SAMPLE = 1 << 18
_LATIN_REGION = set("čćđšžČĆĐŠŽáéíóúýäöüÁÉÍÓÚÝÄÖÜ")
_WORD = re.compile(r"[^\W\d_]+")
#: Keys of a problem row (see :func:`problem_of`); no header cell can be either.
PROBLEM = ""
PROBLEM_COLUMN = "\x00column"

Row = tuple[int, dict[str, str]]


@dataclass
class Table:
    path: Path
    name: str
    kind: str  # "csv", "xlsx", "json"
    sha256: str
    header: list[str]
    estimated_rows: int
    encoding: str = ""
    delimiter: str = ","
    limits: FileLimits = field(default_factory=file_limits, repr=False)
    _json_rows: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def rows(self) -> Iterator[Row]:
        if self.kind == "xlsx":
            rows = _xlsx_rows(self)
        elif self.kind == "json":
            rows = _json_iter(self._json_rows)
        else:
            return _csv_rows(self)  # counts its rows itself (the hot path)
        return _counted(rows, self)


def problem(reason: str, column: str = "") -> dict[str, str]:
    return {PROBLEM: reason, PROBLEM_COLUMN: column}


def problem_of(raw: dict[str, str]) -> tuple[str, str] | None:
    """``(column, reason)`` of a row the reader could not take apart, else ``None``."""
    if PROBLEM not in raw:
        return None
    return raw.get(PROBLEM_COLUMN, ""), raw[PROBLEM]


def _too_many_rows(table: Table, number: int) -> TooLarge:
    limit = table.limits.rows
    return TooLarge(
        _("%(file)s has more than %(n)d rows.") % {"file": table.name, "n": limit},
        [{"field": "file", "error": "too_many_rows", "row": number, "max_rows": limit}],
    )


def _counted(rows: Iterator[Row], table: Table) -> Iterator[Row]:
    last = table.limits.rows + 1  # the header is row 1
    for number, raw in rows:
        if number > last:
            raise _too_many_rows(table, number)
        yield number, raw


def open_table(
    path: Path, *, name: str = "", encoding: str | None = None, limits: FileLimits | None = None
) -> Table:
    """Inspect ``path`` (named ``name`` to people): CSV, XLSX or JSON by its content."""
    name = name or path.name
    lim = limits or file_limits()
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK\x03\x04"):
        table = open_xlsx(path, name=name, limits=lim)
    elif path.suffix.lower() == ".json" or head.lstrip()[:1] == b"[":
        table = open_json(path, name=name, limits=lim)
    else:
        table = open_csv(path, name=name, encoding=encoding, limits=lim)
    if len(table.header) > lim.columns:
        raise TooLarge(
            _("%(file)s has more than %(n)d columns.") % {"file": name, "n": lim.columns},
            [{"field": "file", "error": "too_many_columns", "row": 1, "max_columns": lim.columns}],
        )
    return table


def check_encoding(encoding: str | None) -> str | None:
    """``None`` (detect), or one of :data:`ENCODINGS` by any of its names; else 422."""
    if encoding is None:
        return None
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, ValueError):
        name = ""
    if name not in {codecs.lookup(e).name for e in ENCODINGS}:
        raise Invalid(
            _("Unsupported encoding; use one of: %(values)s") % {"values": ", ".join(ENCODINGS)},
            [{"field": "encoding", "value": encoding[:100]}],
        )
    return encoding


# ----------------------------------------------------------------- CSV


def open_csv(
    path: Path, *, name: str, encoding: str | None = None, limits: FileLimits | None = None
) -> Table:
    encoding = check_encoding(encoding)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    lines = 0
    with path.open("rb") as fh:
        first = fh.read(SAMPLE)
        block = first
        while block:
            digest.update(block)
            lines += block.count(b"\n")
            if utf8 and encoding is None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
            block = fh.read(BLOCK)
    if encoding is None:
        if first.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif utf8:
            encoding = "utf-8"
        else:
            encoding = guess_single_byte(first)
    text = first.decode(encoding, errors="replace")
    first_line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    delimiter = delimiter_of(first_line)
    header = trim_header(next(csv.reader([first_line], delimiter=delimiter), []))
    return Table(
        path, name, "csv", digest.hexdigest(), header, max(lines - 1, 0), encoding, delimiter,
        limits or file_limits(),
    )  # fmt: skip


def guess_single_byte(sample: bytes) -> str:
    """cp1250 or cp1251 for bytes that are not UTF-8 (see the module docstring)."""
    scores: dict[str, int] = {}
    for enc in ("cp1250", "cp1251"):
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            scores[enc] = -1
            continue
        scores[enc] = sum(_word_score(enc, w) for w in _WORD.findall(text) if not w.isascii())
    return "cp1251" if scores["cp1251"] > scores["cp1250"] else "cp1250"


def _word_score(enc: str, word: str) -> int:
    if enc == "cp1251":
        return int(all("\u0400" <= c <= "\u04ff" for c in word))
    wide = [c for c in word if not c.isascii()]
    return int(len(wide) * 2 <= len(word) and all(c in _LATIN_REGION for c in wide))


def delimiter_of(line: str) -> str:
    """Comma by default; semicolon or tab when the header uses them (Excel in the region)."""
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def trim_header(header: list[str]) -> list[str]:
    header = [h.strip() for h in header]
    while header and not header[-1]:
        header.pop()
    return header


def _csv_rows(table: Table) -> Iterator[Row]:
    max_chars = table.limits.cell_chars
    last = table.limits.rows + 1
    with table.path.open(encoding=table.encoding, newline="", errors="strict") as fh:
        physical: list[str] = []

        def lines() -> Iterator[str]:
            for line in fh:
                physical.append(line)
                yield line

        reader = csv.reader(lines(), delimiter=table.delimiter, strict=True)
        number = 1
        try:
            header = trim_header(next(reader, []))
            width = len(header)
            while True:
                physical.clear()
                number += 1
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield number, _quote_problem("".join(physical), table.delimiter, header, exc)
                    continue
                if number > last:
                    raise _too_many_rows(table, number)
                if not cells or not any(cells):
                    continue
                if len(cells) > width and any(c.strip() for c in cells[width:]):
                    yield number, problem(_("more cells than columns in the header"))
                    continue
                if len(physical) == 1 and len(physical[0]) <= max_chars and "'" not in physical[0]:
                    yield number, dict(zip(header, cells, strict=False))  # the common case
                    continue
                if (long := _long_cell(header, cells, max_chars)) is not None:
                    yield number, long
                    continue
                yield number, {h: unguard(c) for h, c in zip(header, cells, strict=False)}
        except UnicodeDecodeError as exc:
            number = _undecodable_line(table.path, table.encoding) or number
            raise Invalid(
                _("Row %(row)d is not in the encoding %(encoding)s; give --encoding.")
                % {"row": number, "encoding": table.encoding},
                [{"row": number, "column": "", "value": "", "field": "encoding",
                  "reason": str(exc)[:200]}],
            ) from exc  # fmt: skip


def _undecodable_line(path: Path, encoding: str) -> int | None:
    """The first line of ``path`` that does not decode (the text reader decodes blocks
    ahead of the row it returns, so its position does not say which row failed)."""
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                line.decode(encoding)
            except UnicodeDecodeError:
                return number
    return None


def _long_cell(header: list[str], cells: list[str], max_chars: int) -> dict[str, str] | None:
    for column, value in zip(header, cells, strict=False):
        if len(value) > max_chars:
            return problem(_("longer than %(n)d characters") % {"n": max_chars}, column)
    return None


def _quote_problem(text: str, delimiter: str, header: list[str], exc: csv.Error) -> dict[str, str]:
    """The problem row for a line the CSV reader refused (usually a stray quote)."""
    index = _bad_field(text, delimiter)
    column = header[index] if index < len(header) else f"#{index + 1}"
    message = str(exc)
    if "field larger" in message:
        return problem(_("the cell is too long"), column)
    if "end of data" in message or "expected after" in message:
        return problem(_("a quoted value is not closed, or text follows its closing quote"), column)
    return problem(_("not valid CSV: %(reason)s") % {"reason": message[:200]}, column)


def _bad_field(text: str, delimiter: str) -> int:
    """Index of the field where quoting goes wrong in ``text`` (the lines of one row)."""
    i, n, index = 0, len(text), 0
    while i < n:
        if text[i] == '"':
            i += 1
            closed = False
            while i < n:
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        i += 2
                        continue
                    closed, i = True, i + 1
                    break
                i += 1
            if not closed or (i < n and text[i] not in (delimiter, "\r", "\n")):
                return index
        else:
            while i < n and text[i] not in (delimiter, "\r", "\n"):
                i += 1
        if i < n and text[i] == delimiter:
            index, i = index + 1, i + 1
            continue
        break
    return index


# ----------------------------------------------------------------- XLSX


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person would type (dates in ISO 8601)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _not_xlsx(name: str, exc: Exception) -> Invalid:
    return Invalid(
        _("%(file)s is not a valid XLSX file.") % {"file": name},
        [{"field": "file", "error": "not_xlsx", "filename": name, "reason": str(exc)[:200]}],
    )


_LOADING = threading.Lock()
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+:[A-Z]+(\d+)\"")


def _skip_size(self: Any) -> None:
    """Stands in for ``ReadOnlyWorksheet._get_size`` while a workbook is loaded."""


def _workbook(path: Path, name: str) -> Any:
    """The workbook, read only. openpyxl looks for a sheet's ``<dimension>`` by parsing the
    whole sheet when it has none (16 s for a million rows, twice per import); rows are
    read without dimensions anyway (``reset_dimensions``), so that scan is skipped."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        with _LOADING:
            original = ReadOnlyWorksheet._get_size
            ReadOnlyWorksheet._get_size = _skip_size
            try:
                wb = load_workbook(path, read_only=True, data_only=True)
            finally:
                ReadOnlyWorksheet._get_size = original
        if not wb.worksheets:
            raise ValueError("no worksheet")
    except KalibarError:
        raise
    except Exception as exc:  # noqa: BLE001 - a third-party parser on untrusted bytes
        raise _not_xlsx(name, exc) from exc
    return wb


def _declared_rows(wb: Any) -> int:
    """Data rows the first sheet declares (its ``<dimension>``, near the start), else 0."""
    ws = wb.worksheets[0]
    with ws._get_source() as src:
        head = src.read(1 << 16)
    found = _DIMENSION.search(head)
    return max(int(found.group(1)) - 1, 0) if found else 0


def open_xlsx(path: Path, *, name: str, limits: FileLimits | None = None) -> Table:
    lim = limits or file_limits()
    check_xlsx(path, name=name, limits=lim)
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(BLOCK):
            digest.update(block)
    wb = _workbook(path, name)
    try:
        total = _declared_rows(wb)
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # rows as wide as their cells, not as the sheet claims
        first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        header = trim_header([cell_text(v) for v in first[: lim.columns + 1]])
    except Exception as exc:  # noqa: BLE001
        raise _not_xlsx(name, exc) from exc
    finally:
        wb.close()
    return Table(path, name, "xlsx", digest.hexdigest(), header, total, limits=lim)


def _xlsx_rows(table: Table) -> Iterator[Row]:
    wb = _workbook(table.path, table.name)
    max_chars = table.limits.cell_chars
    number = 1
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()
        rows = ws.iter_rows(values_only=True)
        header = trim_header([cell_text(v) for v in next(rows, ())])
        width = len(header)
        for number, values in enumerate(rows, start=2):
            cells = [cell_text(v) for v in values]
            if not any(cells):
                continue
            if any(c.strip() for c in cells[width:]):
                yield number, problem(_("more cells than columns in the header"))
                continue
            if (long := _long_cell(header, cells, max_chars)) is not None:
                yield number, long
                continue
            yield number, dict(zip(header, cells, strict=False))
    except KalibarError:
        raise
    except Exception as exc:  # noqa: BLE001 - a third-party parser on untrusted bytes
        raise Invalid(
            _("%(file)s: row %(row)d cannot be read.") % {"file": table.name, "row": number + 1},
            [{"field": "file", "row": number + 1, "error": "not_xlsx", "reason": str(exc)[:200]}],
        ) from exc
    finally:
        wb.close()


# ----------------------------------------------------------------- JSON


def open_json(path: Path, *, name: str, limits: FileLimits | None = None) -> Table:
    lim = limits or file_limits()
    if path.stat().st_size > lim.document_bytes:
        raise too_large(name, lim.document_bytes)
    raw = path.read_bytes()
    data = load_json(raw, name=name, limits=lim)
    if not isinstance(data, list) or not all(isinstance(o, dict) for o in data):
        raise Invalid(
            _("%(file)s must hold a JSON array of objects.") % {"file": name},
            [{"field": "file", "error": "not_array"}],
        )
    header: list[str] = []
    seen: set[str] = set()
    for obj in data:
        for k in obj:
            if k not in seen:
                seen.add(k)
                header.append(k)
                if len(header) > lim.columns:
                    break
    return Table(
        path, name, "json", hashlib.sha256(raw).hexdigest(), header, len(data), limits=lim,
        _json_rows=data,
    )  # fmt: skip


def _json_iter(objects: list[dict[str, Any]]) -> Iterator[Row]:
    for number, obj in enumerate(objects, start=2):
        yield number, {k: cell_text(v) for k, v in obj.items()}
