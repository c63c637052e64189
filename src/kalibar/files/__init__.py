"""Files coming in and going out, for every slice: limits, safe names, spooled uploads,
tabular readers (CSV, XLSX, JSON), JSON documents, and the one CSV writer of exports.

A platform floor: imports no domain slice. See docs/operations.md "Limits on files".
"""

from __future__ import annotations

from kalibar.files.csvout import dict_writer, guard, unguard, writer
from kalibar.files.errorlist import ErrorList, listed_details, more_errors
from kalibar.files.jsondoc import load_json
from kalibar.files.limits import FileLimits, file_limits, human_size
from kalibar.files.tables import (
    ENCODINGS,
    Row,
    Table,
    cell_text,
    check_encoding,
    delimiter_of,
    guess_single_byte,
    open_table,
    problem,
    problem_of,
    trim_header,
)
from kalibar.files.tabular import (
    HeaderCheck,
    RowError,
    header_detail,
    header_problems,
    open_checked,
    refuse_header,
    utf8_csv_header,
)
from kalibar.files.uploads import check_size, read_limited, safe_filename, save_upload, too_large
from kalibar.files.xlsx import check_xlsx

__all__ = [
    "ENCODINGS",
    "ErrorList",
    "FileLimits",
    "HeaderCheck",
    "Row",
    "RowError",
    "Table",
    "cell_text",
    "check_encoding",
    "check_size",
    "check_xlsx",
    "delimiter_of",
    "dict_writer",
    "file_limits",
    "guard",
    "guess_single_byte",
    "header_detail",
    "header_problems",
    "human_size",
    "listed_details",
    "load_json",
    "more_errors",
    "open_checked",
    "open_table",
    "problem",
    "problem_of",
    "read_limited",
    "refuse_header",
    "safe_filename",
    "save_upload",
    "too_large",
    "trim_header",
    "unguard",
    "utf8_csv_header",
    "writer",
]
