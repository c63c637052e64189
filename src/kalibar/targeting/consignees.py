"""Known-consignee sets for the derived features ``first_time_consignee`` and
``consignee_seen_in_seizure`` (``features.consignee_features``).

Keys are ``reference.script.search_key`` of the consignee name (case, script and
diacritics folded: Đorđević = Djordjevic = Ђорђевић). Seizures are not in Kalibar yet: the
"seen in a seizure" source is the consignees of the agency's declarations whose
inspection (or history outcome) found firearms, parts or ammunition.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kalibar.reference.script import search_key
from kalibar.targeting.inspection_models import POSITIVE_OUTCOMES, Inspection
from kalibar.targeting.models import Declaration

_POSITIVE = sorted(o.value for o in POSITIVE_OUTCOMES)


def _keys(names: list[str]) -> frozenset[str]:
    return frozenset(k for k in (search_key(n or "") for n in set(names)) if k)


def known_consignee_keys(session: Session, agency_id: int) -> frozenset[str]:
    """Consignees of the agency's stored (not deleted) declarations."""
    names = session.execute(
        select(Declaration.consignee_name)
        .where(
            Declaration.owner_agency_id == agency_id,
            Declaration.deleted_at.is_(None),
            Declaration.consignee_name != "",
        )
        .distinct()
    ).scalars()
    return _keys(list(names))


def seizure_consignee_keys(session: Session, agency_id: int) -> frozenset[str]:
    """Consignees of the agency's declarations where firearms, parts or ammunition were
    found (recorded inspection, or the outcome of an imported history)."""
    names = session.execute(
        select(Declaration.consignee_name)
        .outerjoin(Inspection, Inspection.declaration_uuid == Declaration.uuid)
        .where(
            Declaration.owner_agency_id == agency_id,
            Declaration.deleted_at.is_(None),
            Declaration.consignee_name != "",
            or_(Inspection.outcome.in_(_POSITIVE), Declaration.outcome.in_(_POSITIVE)),
        )
        .distinct()
    ).scalars()
    return _keys(list(names))
