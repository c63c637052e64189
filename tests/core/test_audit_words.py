"""Every audited kind of object and every audit action has a name in words, so the audit
trail never shows a class name or a code to a person (new rooms included)."""

from __future__ import annotations

import ast
from pathlib import Path

import kalibar.app.models  # noqa: F401 (every slice's models, as the registry holds them)
from kalibar import labels
from kalibar.db.base import Audited

SRC = Path(__file__).resolve().parents[2] / "src" / "kalibar"


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_every_audited_class_has_a_name() -> None:
    names = {
        c.__name__
        for c in _subclasses(Audited)
        if getattr(c, "__tablename__", None) and c.__module__.startswith("kalibar.")
    }  # tests define tables of their own (e.g. the visibility tests' bulletins)
    assert names - set(labels.vocabulary("object_type")) == set()


def test_every_logged_action_has_a_name() -> None:
    """Actions passed as ``action="..."`` anywhere in the code are in the vocabulary."""
    actions: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    value = kw.value
                    if kw.arg == "action" and isinstance(value, ast.Constant):
                        actions.add(str(value.value))
    assert actions - set(labels.vocabulary("audit_action")) == set()
