"""JSON files and documents: bounded size and nesting, every failure a 4xx naming the file.

Python's parser recurses once per level of nesting, so ``[[[[…]]]]`` a hundred thousand
deep ends in ``RecursionError``; nothing Kalibar reads nests deeper than a few levels, so
a document deeper than ``KALIBAR_JSON_MAX_DEPTH`` is refused.
"""

from __future__ import annotations

import json
from typing import Any

from kalibar.errors import Invalid
from kalibar.files.limits import FileLimits, file_limits
from kalibar.files.uploads import too_large
from kalibar.i18n import _


def depth_of(data: Any) -> int:
    """Levels of nesting of a parsed document (a scalar is 0, ``[]`` is 1), without
    recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        stack.extend((child, level) for child in children)
    return deepest


def too_deep(name: str, limit: int, field: str) -> Invalid:
    return Invalid(
        _("%(name)s is nested too deeply (at most %(n)d levels).") % {"name": name, "n": limit},
        [{"field": field, "error": "too_deep", "max_depth": limit}],
    )


def load_json(
    raw: bytes | str, *, name: str, field: str = "file", limits: FileLimits | None = None
) -> Any:
    """Parse ``raw`` (named ``name`` in messages, ``field`` in error details)."""
    lim = limits or file_limits()
    if len(raw) > lim.document_bytes:
        raise too_large(name, lim.document_bytes)
    try:
        data = json.loads(raw)
    except RecursionError:
        raise too_deep(name, lim.json_depth, field) from None
    except UnicodeDecodeError as exc:
        raise Invalid(
            _("%(file)s is not UTF-8 text.") % {"file": name},
            [{"field": field, "error": "encoding", "reason": str(exc)[:200]}],
        ) from exc
    except json.JSONDecodeError as exc:
        raise Invalid(
            _("%(file)s is not valid JSON: %(msg)s") % {"file": name, "msg": exc.msg},
            [{"field": field, "error": "json", "line": exc.lineno, "column": exc.colno}],
        ) from exc
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise Invalid(
            _("%(file)s is not valid JSON: %(msg)s") % {"file": name, "msg": str(exc)[:200]},
            [{"field": field, "error": "json"}],
        ) from exc
    if depth_of(data) > lim.json_depth:
        raise too_deep(name, lim.json_depth, field)
    return data
