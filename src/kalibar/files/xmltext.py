"""Text that XML 1.0 can hold, for every writer of XML (GraphML, XLSX cells).

XML escapes ``<`` and ``&`` but cannot hold most C0 control characters at all: the XML
writer of the standard library writes them and the file no longer parses, openpyxl refuses
them with an exception (a 500). JSON input may carry them (``\\u0001``), so writers pass
text through :func:`xml_safe`, which puts U+FFFD where such a character was.
"""

from __future__ import annotations

import re

#: Not allowed in XML 1.0: C0 controls other than tab, LF, CR; surrogates; U+FFFE/U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return _ILLEGAL.sub("\ufffd", text)
