"""The composition root's part of the audit trail's need-to-know: each slice's rule for
the parts it keeps, installed once by :func:`kalibar.app.assemble` (``audit.scope``)."""

from __future__ import annotations

from kalibar.analysis.audit_scope import audit_scopes as analysis_scopes
from kalibar.audit import scope
from kalibar.federation.audit_scope import audit_scopes as federation_scopes
from kalibar.links.merges import audit_scopes as links_scopes
from kalibar.matching.audit_scope import audit_scopes as matching_scopes
from kalibar.operations.access import audit_scopes as operation_scopes
from kalibar.programme.service import audit_scopes as programme_scopes
from kalibar.seizures.access import audit_scopes as seizure_scopes
from kalibar.sharing.manage import audit_scopes as sharing_scopes
from kalibar.tracing.service import audit_scopes as tracing_scopes


def install() -> None:
    """Register every slice's rule (idempotent)."""
    for scopes in (seizure_scopes(), tracing_scopes(), matching_scopes(), operation_scopes(),
                   links_scopes(), analysis_scopes(), programme_scopes(),
                   sharing_scopes(), federation_scopes()):  # fmt: skip
        for object_type, resolver in scopes.items():
            scope.register(object_type, resolver)
