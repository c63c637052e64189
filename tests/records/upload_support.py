"""Hostile files for the upload tests: XLSX bombs, million-row sheets, DOCTYPE parts."""

from __future__ import annotations

import zipfile
from pathlib import Path

_OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OOXML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OOXML}.worksheet+xml"/>'
    "</Types>"
).encode()
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
).encode()
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{_REL}">'
    '<sheets><sheet name="records" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
).encode()
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def header_row() -> bytes:
    return b'<row r="1">' + _cell("A1", "status") + _cell("B1", "make") + b"</row>"


def xlsx(path: Path, sheet_parts: list[bytes] | bytes, *, prolog: bytes = b"") -> Path:
    """A minimal XLSX whose first sheet is ``sheet_parts`` written as a stream."""
    parts = [sheet_parts] if isinstance(sheet_parts, bytes) else sheet_parts
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(prolog + SHEET_HEAD)
            for part in parts:
                fh.write(part)
            fh.write(SHEET_TAIL)
    return path


def zip_bomb(path: Path, unpacked: int = 1 << 30) -> Path:
    """About 1 MB that unpacks to ``unpacked`` bytes: one row padded with a huge comment."""
    block = b" " * (1 << 20)

    def parts() -> list[bytes]:
        return [header_row(), b"<!--", *([block] * (unpacked >> 20)), b"-->"]

    return xlsx(path, parts())


def bad_rows(path: Path, n: int = 1_000_000) -> Path:
    """A sheet of ``n`` rows whose status is not a status (5 MB, 80 MB unpacked)."""
    row = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>misplaced</t></is></c></row>'
    batches = [
        b"".join(row % (i, i) for i in range(start, min(start + 10_000, n + 2)))
        for start in range(2, n + 2, 10_000)
    ]
    return xlsx(path, [header_row(), *batches])


def with_doctype(path: Path) -> Path:
    """A billion-laughs style XLSX: the sheet declares entities that expand."""
    dtd = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    sheet = header_row() + b'<row r="2">' + _cell("A2", "&b;") + b"</row>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", dtd + SHEET_HEAD[38:] + sheet + SHEET_TAIL)
    return path


def strings_bomb(path: Path, n: int = 3_500_000) -> Path:
    """9 MB whose shared strings are 3.5 million short strings (80 MB unpacked): each is a
    Python object once openpyxl reads them (+600 MB and minutes of CPU when allowed)."""
    strings = "sharedStrings"
    types = CONTENT_TYPES.replace(
        b"</Types>",
        f'<Override PartName="/xl/{strings}.xml" ContentType="{_OOXML}.{strings}+xml"/>'
        "</Types>".encode(),
    )
    rels = WORKBOOK_RELS.replace(
        b"</Relationships>",
        f'<Relationship Id="rId2" Type="{_REL}/{strings}" Target="{strings}.xml"/>'
        "</Relationships>".encode(),
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        zf.writestr("xl/worksheets/sheet1.xml", SHEET_HEAD + header_row() + SHEET_TAIL)
        with zf.open(f"xl/{strings}.xml", "w") as fh:
            fh.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for start in range(0, n, 100_000):
                fh.write(b"".join(b"<si><t>%d</t></si>" % j for j in range(start, start + 100_000)))
            fh.write(b"</sst>")
    return path
