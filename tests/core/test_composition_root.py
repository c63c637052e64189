"""The composition root installs every ORM listener, once, in its documented order, and
nothing else installs one at import (each case runs in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

EXPECTED = {
    "before_flush": [
        "kalibar.matching.hits.before_flush",
        "kalibar.seizures.custody.before_flush",
        "kalibar.federation.outbox.before_flush",
        "kalibar.audit.hooks.before_flush",
    ],
    "after_flush": [
        "kalibar.targeting.freshness.after_flush",
        "kalibar.analysis.triggers.after_flush",
    ],
    "before_commit": ["kalibar.analysis.triggers.before_commit"],
    "after_commit": [
        "kalibar.matching.hits.after_commit",
        "kalibar.targeting.freshness.after_commit",
    ],
    "after_rollback": [
        "kalibar.matching.hits.after_rollback",
        "kalibar.targeting.freshness.after_rollback",
        "kalibar.analysis.triggers.after_rollback",
    ],
    "do_orm_execute": ["kalibar.seizures.custody.do_orm_execute"],
}

_REPORT = f"""
import json
from sqlalchemy.orm import Session

session = Session()
print(json.dumps({{
    name: [fn.__module__ + "." + fn.__name__ for fn in getattr(session.dispatch, name)]
    for name in {sorted(EXPECTED)!r}
}}))
"""


def _run(prelude: str) -> dict[str, list[str]]:
    code = textwrap.dedent(prelude) + _REPORT
    out = subprocess.run(  # noqa: S603 (fixed argv)
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=120
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_assembling_installs_every_listener_once_in_order() -> None:
    seen = _run(
        """
        import kalibar.app
        kalibar.app.assemble()
        kalibar.app.assemble()  # a second entry point in the same process adds nothing
        """
    )
    assert seen == EXPECTED


def test_the_app_factory_assembles() -> None:
    seen = _run(
        """
        from sqlalchemy import create_engine
        from kalibar.app.web import create_app
        create_app(create_engine("sqlite://"))
        create_app(create_engine("sqlite://"))
        """
    )
    assert seen == EXPECTED


def test_the_command_assembles() -> None:
    seen = _run(
        """
        from typer.testing import CliRunner
        from kalibar.app.cli import app
        assert CliRunner().invoke(app, ["targeting", "--help"]).exit_code == 0
        """
    )
    assert seen == EXPECTED


def test_importing_every_domain_module_installs_nothing() -> None:
    seen = _run(
        """
        import importlib, pkgutil
        import kalibar
        for mod in pkgutil.walk_packages(kalibar.__path__, "kalibar."):
            if mod.name.startswith(("kalibar.app", "kalibar.db.migrations")):
                continue
            importlib.import_module(mod.name)
        """
    )
    assert seen == {name: [] for name in EXPECTED}


def test_a_session_before_assembly_is_refused() -> None:
    code = textwrap.dedent(
        """
        from sqlalchemy import create_engine
        from kalibar.db.session import new_session
        try:
            new_session(create_engine("sqlite://"))
        except RuntimeError as exc:
            print("refused:", exc)
        """
    )
    out = subprocess.run(  # noqa: S603 (fixed argv)
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60
    )
    assert "refused: kalibar.app.assemble()" in out.stdout
