"""The composition root: the only package that knows every slice.

It assembles the web app (:mod:`kalibar.app.web`), the ``kalibar`` command
(:mod:`kalibar.app.cli`), the model registry (:mod:`kalibar.app.models`), the reference
seeding (:mod:`kalibar.app.seed`) and the dashboard (:mod:`kalibar.app.dashboard`). Nothing
is installed when it is imported; every entry point calls :func:`assemble` (the app
factory and the command do it themselves).
"""

from __future__ import annotations


def assemble() -> None:
    """Install the ORM listeners, the audit trail's need-to-know rules and the slices'
    words in the label registry and what a slice reads from one above it (idempotent)."""
    from kalibar.app import audit_scopes, listeners, ports, vocabularies
    from kalibar.db.session import mark_assembled

    listeners.install()
    audit_scopes.install()
    vocabularies.install()
    ports.install()
    mark_assembled()
