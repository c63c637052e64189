"""Checking an XLSX file before any XML parser sees it.

An XLSX is a ZIP of XML parts. Before openpyxl opens it:

- every member's declared size is added up and compared with
  ``KALIBAR_XLSX_MAX_UNPACKED_BYTES``; a member larger than 1 MB whose compression ratio
  passes ``KALIBAR_XLSX_MAX_RATIO`` is refused (text compresses about 10:1; a bomb 1000:1);
  the shared strings (held in memory while reading) are held to
  ``KALIBAR_XLSX_MAX_STRINGS_BYTES``;
- every member is then unpacked as a stream, counting the bytes it actually gives (a
  header that lies about the size is caught) and looking at its XML: a document type
  declaration (``<!DOCTYPE``, ``<!ENTITY`` — entity expansion, "billion laughs", external
  entities) or an XML part not in UTF-8 (which would hide one from this scan) refuses the
  file, as ``defusedxml`` would.

Refusals name the file and the part: ``TooLarge`` (413) for sizes, ``Invalid`` (422)
otherwise.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from kalibar.errors import Invalid, TooLarge
from kalibar.files.limits import FileLimits, file_limits, human_size
from kalibar.i18n import _

_BLOCK = 1 << 20
_RATIO_FROM = 1 << 20  # small members (styles, relations) may compress very well
_MAX_MEMBERS = 10_000
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
_TAIL = 16
_UTF16 = (b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00")


def _invalid(name: str, member: str, error: str, message: str) -> Invalid:
    return Invalid(message, [{"field": "file", "error": error, "filename": name, "part": member}])


def _too_large(name: str, member: str, error: str, message: str, limit: int) -> TooLarge:
    return TooLarge(
        message,
        [{"field": "file", "error": error, "filename": name, "part": member, "limit": limit}],
    )


def check_xlsx(path: Path, *, name: str, limits: FileLimits | None = None) -> None:
    """Refuse ``path`` (named ``name`` to people) unless it is a sane XLSX archive."""
    lim = limits or file_limits()
    try:
        with zipfile.ZipFile(path) as zf:
            _check_declared(zf, name, lim)
            for info in zf.infolist():
                _check_member(zf, info, name, lim)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _invalid(
            name, "", "not_xlsx", _("%(file)s is not a valid XLSX file.") % {"file": name}
        ) from exc


def _check_declared(zf: zipfile.ZipFile, name: str, lim: FileLimits) -> None:
    infos = zf.infolist()
    if len(infos) > _MAX_MEMBERS:
        raise _too_large(
            name, "", "too_many_parts",
            _("%(file)s has too many parts (at most %(n)d).") % {"file": name, "n": _MAX_MEMBERS},
            _MAX_MEMBERS,
        )  # fmt: skip
    declared = sum(i.file_size for i in infos)
    if declared > lim.xlsx_unpacked_bytes:
        raise _too_large(
            name, "", "unpacked_too_large",
            _("%(file)s unpacks to %(size)s; the limit is %(limit)s.")
            % {"file": name, "size": human_size(declared),
               "limit": human_size(lim.xlsx_unpacked_bytes)},
            lim.xlsx_unpacked_bytes,
        )  # fmt: skip
    for info in infos:
        if info.file_size > _RATIO_FROM and info.file_size > lim.xlsx_ratio * max(
            info.compress_size, 1
        ):
            raise _too_large(
                name, info.filename, "compression_ratio",
                _("%(file)s: the part %(part)s is compressed %(ratio)d:1 (at most %(max)d:1).")
                % {"file": name, "part": info.filename,
                   "ratio": info.file_size // max(info.compress_size, 1), "max": lim.xlsx_ratio},
                lim.xlsx_ratio,
            )  # fmt: skip
        if info.filename.lower().endswith("sharedstrings.xml") and (
            info.file_size > lim.xlsx_strings_bytes
        ):
            raise _strings_too_large(name, info.filename, lim)


def _strings_too_large(name: str, member: str, lim: FileLimits) -> TooLarge:
    return _too_large(
        name, member, "strings_too_large",
        _("%(file)s: the shared strings are larger than %(limit)s.")
        % {"file": name, "limit": human_size(lim.xlsx_strings_bytes)},
        lim.xlsx_strings_bytes,
    )  # fmt: skip


def _check_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, lim: FileLimits) -> None:
    """Unpack one member as a stream: its real size, and no DTD in what looks like XML."""
    member = info.filename
    limit = lim.xlsx_unpacked_bytes
    strings = member.lower().endswith("sharedstrings.xml")
    total = 0
    tail = b""
    xml: bool | None = None
    try:
        with zf.open(info) as fh:
            while block := fh.read(_BLOCK):
                total += len(block)
                if total > limit or (strings and total > lim.xlsx_strings_bytes):
                    if strings:
                        raise _strings_too_large(name, member, lim)
                    raise _too_large(
                        name, member, "unpacked_too_large",
                        _("%(file)s unpacks to more than %(limit)s.")
                        % {"file": name, "limit": human_size(limit)},
                        limit,
                    )  # fmt: skip
                if xml is None:
                    head = block[:4]
                    if head.startswith(_UTF16):
                        raise _invalid(
                            name, member, "xml_encoding",
                            _("%(file)s: the part %(part)s is not UTF-8 XML.")
                            % {"file": name, "part": member},
                        )  # fmt: skip
                    xml = block.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
                if xml and any(m in tail + block for m in _FORBIDDEN):
                    raise _invalid(
                        name, member, "xml_doctype",
                        _("%(file)s: the part %(part)s declares a document type or entities, "
                          "which Kalibar does not accept.") % {"file": name, "part": member},
                    )  # fmt: skip
                tail = block[-_TAIL:]
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
            ValueError) as exc:  # fmt: skip
        # a bad CRC, a member that lies about its size, an unknown compression method
        raise _invalid(
            name, member, "not_xlsx",
            _("%(file)s: the part %(part)s cannot be unpacked (%(reason)s).")
            % {"file": name, "part": member, "reason": str(exc)[:200]},
        ) from exc  # fmt: skip
