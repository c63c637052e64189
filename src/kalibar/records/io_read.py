"""Reading record files: CSV (any of the region's encodings), XLSX and JSON, as a stream.

``open_source(path)`` looks at the file once (SHA-256, encoding, header, an estimate of
the number of rows) and returns a ``Source`` whose ``rows()`` yields
``(row_number, {column: text})`` with row numbers as a person sees them in the file:
the header is row 1, the first record row 2 (a CSV cell spanning several lines still
counts as one row, as in a spreadsheet). JSON files (an array of objects, as written by
the export) number their objects the same way, the first object being row 2.

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
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from kalibar.errors import Invalid
from kalibar.i18n import _
from kalibar.records.fields import COLUMNS, REQUIRED

ENCODINGS = ("utf-8", "utf-8-sig", "cp1250", "cp1251")
_BLOCK = 1 << 20
_SAMPLE = 1 << 18
_LATIN_REGION = set("čćđšžČĆĐŠŽáéíóúýäöüÁÉÍÓÚÝÄÖÜ")
_WORD = re.compile(r"[^\W\d_]+")

Row = tuple[int, dict[str, str]]


@dataclass
class Source:
    path: Path
    kind: str  # "csv", "xlsx", "json"
    sha256: str
    header: list[str]
    estimated_rows: int
    encoding: str = ""
    delimiter: str = ","
    _json_rows: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def rows(self) -> Iterator[Row]:
        if self.kind == "xlsx":
            return _xlsx_rows(self.path)
        if self.kind == "json":
            return _json_iter(self._json_rows, self.header)
        return _csv_rows(self.path, self.encoding, self.delimiter)


def header_problems(header: list[str]) -> list[dict[str, Any]]:
    """Unknown, duplicated or missing required columns, each as an error detail."""
    problems: list[dict[str, Any]] = []
    known = set(COLUMNS)
    seen: set[str] = set()
    for name in header:
        if name not in known:
            problems.append(_detail(1, name, name, _("unknown column")))
        elif name in seen:
            problems.append(_detail(1, name, name, _("column appears twice")))
        seen.add(name)
    for name in sorted(REQUIRED - seen):
        problems.append(_detail(1, name, "", _("required column is missing")))
    return problems


def _detail(row: int, column: str, value: str, reason: str) -> dict[str, Any]:
    return {"row": row, "column": column, "value": value, "reason": reason}


def open_source(path: Path, *, filename: str = "", encoding: str | None = None) -> Source:
    """Inspect ``path`` (named ``filename`` to people) and check its header."""
    name = filename or path.name
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK\x03\x04"):
        source = _open_xlsx(path)
    elif path.suffix.lower() == ".json" or head.lstrip()[:1] == b"[":
        source = _open_json(path, name)
    else:
        source = _open_csv(path, name, encoding)
    problems = header_problems(source.header)
    if problems:
        raise Invalid(_("%(file)s: the header row is not valid.") % {"file": name}, problems)
    return source


def _open_csv(path: Path, name: str, encoding: str | None) -> Source:
    if encoding is not None and codecs.lookup(encoding).name not in {
        codecs.lookup(e).name for e in ENCODINGS
    }:
        raise Invalid(
            _("Unsupported encoding; use one of: %(values)s") % {"values": ", ".join(ENCODINGS)},
            [{"field": "encoding", "value": encoding}],
        )
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    lines = 0
    with path.open("rb") as fh:
        first = fh.read(_SAMPLE)
        block = first
        while block:
            digest.update(block)
            lines += block.count(b"\n")
            if utf8 and encoding is None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
            block = fh.read(_BLOCK)
    if encoding is None:
        if first.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif utf8:
            encoding = "utf-8"
        else:
            encoding = guess_single_byte(first)
    try:
        text = first.decode(encoding, errors="strict")
    except UnicodeDecodeError:
        text = first.decode(encoding, errors="replace")
    except LookupError as exc:  # pragma: no cover - checked above
        raise Invalid(str(exc)) from exc
    first_line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    delimiter = _delimiter(first_line)
    header = next(csv.reader([first_line], delimiter=delimiter), [])
    header = _trim_header(header)
    return Source(path, "csv", digest.hexdigest(), header, max(lines - 1, 0), encoding, delimiter)


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


def _delimiter(line: str) -> str:
    """Comma by default; semicolon or tab when the header uses them (Excel in the region)."""
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _trim_header(header: list[str]) -> list[str]:
    header = [h.strip() for h in header]
    while header and not header[-1]:
        header.pop()
    return header


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[Row]:
    with path.open(encoding=encoding, newline="", errors="strict") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        header = _trim_header(next(reader, []))
        width = len(header)
        number = 1
        try:
            for cells in reader:
                number += 1
                if not cells or not any(cells):
                    continue
                if len(cells) > width and any(c.strip() for c in cells[width:]):
                    yield number, {"": _("more cells than columns in the header")}
                    continue
                yield number, dict(zip(header, cells, strict=False))
        except UnicodeDecodeError as exc:
            raise Invalid(
                _("Row %(row)d is not in the encoding %(encoding)s; give --encoding.")
                % {"row": number + 1, "encoding": encoding},
                [_detail(number + 1, "", "", str(exc))],
            ) from exc
        except csv.Error as exc:
            raise Invalid(
                _("Row %(row)d is not valid CSV.") % {"row": number},
                [_detail(number, "", "", str(exc))],
            ) from exc


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


def _open_xlsx(path: Path) -> Source:
    from openpyxl import load_workbook

    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_BLOCK):
            digest.update(block)
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        header = _trim_header([cell_text(v) for v in first])
        total = max((ws.max_row or 1) - 1, 0)
    finally:
        wb.close()
    return Source(path, "xlsx", digest.hexdigest(), header, total)


def _xlsx_rows(path: Path) -> Iterator[Row]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = _trim_header([cell_text(v) for v in next(rows, ())])
        width = len(header)
        for number, values in enumerate(rows, start=2):
            cells = [cell_text(v) for v in values]
            if not any(cells):
                continue
            if any(c.strip() for c in cells[width:]):
                yield number, {"": _("more cells than columns in the header")}
                continue
            yield number, dict(zip(header, cells, strict=False))
    finally:
        wb.close()


# ----------------------------------------------------------------- JSON


def _open_json(path: Path, name: str) -> Source:
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Invalid(
            _("%(file)s is not valid JSON.") % {"file": name}, [{"reason": str(exc)}]
        ) from exc
    if not isinstance(data, list) or not all(isinstance(o, dict) for o in data):
        raise Invalid(_("%(file)s must hold a JSON array of objects.") % {"file": name})
    header: list[str] = []
    for obj in data:
        header.extend(k for k in obj if k not in header)
    return Source(path, "json", hashlib.sha256(raw).hexdigest(), header, len(data), _json_rows=data)


def _json_iter(objects: list[dict[str, Any]], header: list[str]) -> Iterator[Row]:
    for number, obj in enumerate(objects, start=2):
        yield number, {k: cell_text(v) for k, v in obj.items()}
