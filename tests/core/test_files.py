"""kalibar.files on its own: names, spooling, XLSX checks, JSON, tables, bounded errors."""

from __future__ import annotations

import io
import struct
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "records"))
from upload_support import CONTENT_TYPES, header_row, xlsx  # noqa: E402

from kalibar.errors import Invalid, TooLarge  # noqa: E402
from kalibar.files import (  # noqa: E402
    ErrorList,
    check_xlsx,
    file_limits,
    listed_details,
    load_json,
    open_table,
    problem_of,
    read_limited,
    safe_filename,
    save_upload,
)


def limits(**changes: int):  # type: ignore[no-untyped-def]
    return replace(file_limits(), **changes)


# ------------------------------------------------------------------ names and spooling


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("..", "upload.csv"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\records.csv", "records.csv"),
        ("x\x00.html", "x.html"),
        ("a\r\nb.csv", "ab.csv"),
        ("\u202egnp.exe", "gnp.exe"),
        (".bashrc", "bashrc"),
        ("", "upload.csv"),
        ("é" * 300 + ".csv", "é" * 196 + ".csv"),
    ],
)
def test_safe_filename(given: str, expected: str) -> None:
    assert safe_filename(given, default="upload.csv") == expected


def test_safe_filename_takes_the_extension_of_the_content() -> None:
    assert safe_filename("x\x00.html", default="evidence", suffix=".jpg") == "x.jpg"
    assert safe_filename("..", default="evidence", suffix=".png") == "evidence.png"
    assert (
        safe_filename("report.final.pdf.exe", default="e", suffix=".pdf") == "report.final.pdf.pdf"
    )


class _Upload:
    def __init__(self, name: str, data: bytes) -> None:
        self.filename = name
        self.file = io.BytesIO(data)


def test_save_upload_stops_at_the_limit(tmp_path: Path) -> None:
    path = save_upload(_Upload("../a.csv", b"x" * 100), tmp_path, default="u.csv", max_bytes=100)
    assert path == tmp_path / "a.csv" and path.read_bytes() == b"x" * 100
    with pytest.raises(TooLarge) as info:
        save_upload(_Upload("b.csv", b"x" * 101), tmp_path, default="u.csv", max_bytes=100)
    assert info.value.status == 413 and info.value.details[0]["max_bytes"] == 100
    with pytest.raises(TooLarge):
        read_limited(io.BytesIO(b"y" * 11), name="doc.json", max_bytes=10)
    assert read_limited(io.BytesIO(b"y" * 10), name="doc.json", max_bytes=10) == b"y" * 10


# ------------------------------------------------------------------ XLSX before openpyxl


def test_compression_ratio_and_declared_sizes(tmp_path: Path) -> None:
    zeros = xlsx(tmp_path / "z.xlsx", [header_row(), b"<!--", b" " * (8 << 20), b"-->"])
    with pytest.raises(TooLarge) as info:
        check_xlsx(zeros, name="z.xlsx", limits=limits(xlsx_ratio=100))
    assert info.value.details[0]["error"] == "compression_ratio"
    assert info.value.details[0]["part"] == "xl/worksheets/sheet1.xml"
    check_xlsx(zeros, name="z.xlsx", limits=limits(xlsx_ratio=10_000))
    with pytest.raises(TooLarge) as info:
        check_xlsx(zeros, name="z.xlsx", limits=limits(xlsx_unpacked_bytes=1 << 20))
    assert info.value.details[0]["error"] == "unpacked_too_large"


def test_a_member_that_lies_about_its_size_is_refused(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "lie.xlsx", [header_row(), b"<!--", b" " * 50_000, b"-->"])
    data = bytearray(path.read_bytes())
    # the central directory says the sheet unpacks to 100 bytes
    at = data.index(b"PK\x01\x02")
    while b"sheet1" not in data[at + 46 : at + 46 + struct.unpack_from("<H", data, at + 28)[0]]:
        at = data.index(b"PK\x01\x02", at + 4)
    struct.pack_into("<I", data, at + 24, 100)
    path.write_bytes(bytes(data))
    assert [i.file_size for i in zipfile.ZipFile(path).infolist() if "sheet1" in i.filename] == [
        100
    ]
    with pytest.raises(Invalid) as info:
        check_xlsx(path, name="lie.xlsx")
    assert info.value.details[0]["error"] == "not_xlsx"


def test_shared_strings_and_utf16_parts_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>a</t></si>" * 10_000 + b"</sst>")
    with pytest.raises(TooLarge) as info:
        check_xlsx(path, name="s.xlsx", limits=limits(xlsx_strings_bytes=1000))
    assert info.value.details[0]["error"] == "strings_too_large"
    utf16 = tmp_path / "u.xlsx"
    with zipfile.ZipFile(utf16, "w") as zf:
        zf.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x>'
                    .encode("utf-16"))  # fmt: skip
    with pytest.raises(Invalid) as info:
        check_xlsx(utf16, name="u.xlsx")
    assert info.value.details[0]["error"] == "xml_encoding"


# ------------------------------------------------------------------ JSON


def test_json_depth_and_size() -> None:
    assert load_json(b'{"a": [1, {"b": 2}]}', name="d") == {"a": [1, {"b": 2}]}
    with pytest.raises(Invalid) as info:
        load_json("[" * 50 + "]" * 50, name="d.json", limits=limits(json_depth=10))
    assert info.value.details[0] == {"field": "file", "error": "too_deep", "max_depth": 10}
    with pytest.raises(Invalid):
        load_json(b"[" * 200_000, name="d.json")  # RecursionError inside the parser
    with pytest.raises(TooLarge):
        load_json(b"[" + b" " * 100 + b"]", name="d.json", limits=limits(document_bytes=50))
    with pytest.raises(Invalid) as info:
        load_json(b"1" * 5000, name="d.json")  # past Python's digit limit for int()
    assert info.value.details[0]["error"] == "json"
    with pytest.raises(Invalid):
        load_json(b"\xff\xfe\x00", name="d.json")


# ------------------------------------------------------------------ tables


def _csv(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_columns_and_cells_are_limited(tmp_path: Path) -> None:
    many = _csv(tmp_path, "a,b\n" + "1,2\n" * 30)
    assert len(list(open_table(many, limits=limits(rows=30)).rows())) == 30
    table = open_table(many, limits=limits(rows=10))
    with pytest.raises(TooLarge) as info:
        list(table.rows())
    assert info.value.details[0]["error"] == "too_many_rows"
    wide = _csv(tmp_path, ",".join(f"c{i}" for i in range(300)) + "\n")
    with pytest.raises(TooLarge) as info:
        open_table(wide)
    assert info.value.details[0]["error"] == "too_many_columns"
    long = _csv(tmp_path, "a,b\n1," + "x" * 50 + "\n3,4\n")
    rows = list(open_table(long, limits=limits(cell_chars=20)).rows())
    assert problem_of(rows[0][1]) == ("b", "longer than 20 characters")
    assert rows[1] == (3, {"a": "3", "b": "4"})


def test_stray_quotes_are_problem_rows_and_reading_goes_on(tmp_path: Path) -> None:
    path = _csv(tmp_path, 'a,b,c\n1,"x"y,3\n4,5,6\n7,8,"open\n')
    rows = list(open_table(path).rows())
    assert [(n, problem_of(r)) for n, r in rows] == [
        (2, ("b", "a quoted value is not closed, or text follows its closing quote")),
        (3, None),
        (4, ("c", "a quoted value is not closed, or text follows its closing quote")),
    ]
    assert rows[1][1] == {"a": "4", "b": "5", "c": "6"}


def test_csv_cells_lose_the_export_guard(tmp_path: Path) -> None:
    path = _csv(tmp_path, "a,b\n'=1+2,'abc\n'-3,''@x\n")
    assert [r for _n, r in open_table(path).rows()] == [
        {"a": "=1+2", "b": "'abc"},
        {"a": "'-3", "b": "'@x"},
    ]


# ------------------------------------------------------------------ bounded error lists


def test_error_list_keeps_the_first_and_counts_the_rest() -> None:
    errors: ErrorList[dict[str, int]] = ErrorList(3)
    errors.extend({"row": i} for i in range(10))
    assert len(errors) == 10 and list(errors) == [{"row": 0}, {"row": 1}, {"row": 2}]
    details = listed_details(errors, errors.omitted)
    assert details[-1]["omitted"] == 7 and details[-1]["reason"] == "and 7 more errors"
