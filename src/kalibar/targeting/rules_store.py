"""Rule sets edited by an agency's administrators: save (validated), back-test, activate.

Each save stores a new version of the agency's YAML rules, checked with
``rules.parse_rules`` first: a text with errors is refused with every error (rule id, line
and column) and nothing is stored. A version may be back-tested on a history file
(``engine.backtest``: hits and hit rate per rule) and activated; an agency has at most one
active set, and screening for the agency uses it, or the starter rules when it has none.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kalibar.agencies.service import require_admin
from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.db.session import lock_for_writing
from kalibar.errors import Forbidden, Invalid, NotFound
from kalibar.files import save_upload
from kalibar.i18n import _
from kalibar.targeting import hygiene
from kalibar.targeting.consignees import seizure_consignee_keys
from kalibar.targeting.engine import Backtest, backtest
from kalibar.targeting.features import consignee_features, read_frame
from kalibar.targeting.rule_models import RuleSet
from kalibar.targeting.rules import Rule, load_rules, parse_rules

STARTER = Path(__file__).parent / "data" / "rules.yaml"
#: Largest rule text accepted (characters).
MAX_TEXT = 500_000


def starter_text() -> str:
    return STARTER.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _starter() -> tuple[Rule, ...]:
    """The starter rules, parsed once per process."""
    return tuple(load_rules())


@lru_cache(maxsize=64)
def _parsed(text: str) -> tuple[Rule, ...]:
    return tuple(parse_rules(text, source="rules"))


def check(text: str) -> list[Rule]:
    """The rules of ``text``; ``Invalid`` (422) lists each error with rule, line, column."""
    if len(text) > MAX_TEXT:
        raise Invalid(_("The rules are too long (at most %(n)d characters).") % {"n": MAX_TEXT})
    if not text.strip():
        raise Invalid(_("The rules are empty."))
    return list(_parsed(text))


def _agency(actor: Actor) -> int:
    require_admin(actor)
    if actor.agency_id is None:
        raise Forbidden(_("Only members of an agency may keep rules."))
    return actor.agency_id


def active_set(session: Session, agency_id: int) -> RuleSet | None:
    return session.execute(
        select(RuleSet).where(RuleSet.agency_id == agency_id, RuleSet.active.is_(True))
    ).scalar_one_or_none()


def latest_set(session: Session, agency_id: int) -> RuleSet | None:
    return (
        session.execute(
            select(RuleSet).where(RuleSet.agency_id == agency_id).order_by(RuleSet.version.desc())
        )
        .scalars()
        .first()
    )


def versions(session: Session, *, actor: Actor) -> list[RuleSet]:
    agency_id = _agency(actor)
    return list(
        session.execute(
            select(RuleSet).where(RuleSet.agency_id == agency_id).order_by(RuleSet.version.desc())
        ).scalars()
    )


def rules_for_agency(session: Session, agency_id: int | None) -> list[Rule]:
    """The rules screening uses for ``agency_id``: its active set, else the starter rules."""
    found = active_set(session, agency_id) if agency_id is not None else None
    if found is None:
        return list(_starter())
    return list(_parsed(found.yaml_text))


def editor_text(session: Session, *, actor: Actor) -> str:
    """What the editor opens with: the latest saved version, else the starter rules."""
    found = latest_set(session, _agency(actor))
    return found.yaml_text if found is not None else starter_text()


def save(session: Session, *, actor: Actor, text: str) -> RuleSet:
    """Validate ``text`` and store it as the agency's next version (not active)."""
    agency_id = _agency(actor)
    rules = check(text)
    lock_for_writing(session)  # the next version is read under the write lock
    top = session.execute(
        select(func.max(RuleSet.version)).where(RuleSet.agency_id == agency_id)
    ).scalar_one()
    row = RuleSet(
        agency_id=agency_id,
        version=int(top or 0) + 1,
        yaml_text=text,
        rule_count=len(rules),
        validated=True,
        active=False,
        saved_by=actor.username,
    )
    session.add(row)
    session.flush()
    return row


def get_version(session: Session, *, actor: Actor, version: int) -> RuleSet:
    agency_id = _agency(actor)
    row = session.execute(
        select(RuleSet).where(RuleSet.agency_id == agency_id, RuleSet.version == version)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("rule set", str(version))
    return row


def activate(session: Session, *, actor: Actor, version: int) -> RuleSet:
    """Make ``version`` the agency's only active set (it must still validate)."""
    lock_for_writing(session)  # two activations at once: the later one wins, alone
    row = get_version(session, actor=actor, version=version)
    if not row.validated:
        raise Invalid(_("Only a validated rule set can be activated."))
    check(row.yaml_text)  # keyword groups or features may have changed since it was saved
    # through the ORM, one object at a time, so the audit hook records the set switched off
    # as well as the one switched on (a bulk UPDATE would pass the hook by)
    others = select(RuleSet).where(
        RuleSet.agency_id == row.agency_id, RuleSet.uuid != row.uuid, RuleSet.active
    )
    for previous in session.execute(others).scalars():
        previous.active = False
    row.active = True
    row.activated_by = actor.username
    row.activated_at = utcnow()
    session.flush()
    return row


def backtest_upload(
    session: Session, *, actor: Actor, text: str, upload: Any, encoding: str | None = None
) -> Backtest:
    """Back-test the rules of ``text`` on an uploaded history file (nothing is stored).

    ``first_time_consignee`` is computed within the file (earlier declarations of the
    history, none from the database: those would include the history itself);
    ``consignee_seen_in_seizure`` from the agency's stored positive inspections.
    """
    agency_id = _agency(actor)
    rules = check(text)
    with tempfile.TemporaryDirectory(prefix="kalibar-history-") as tmp:
        path = save_upload(upload, Path(tmp), default="history.csv")
        history = read_frame(path, encoding=encoding)
    seized = seizure_consignee_keys(session, agency_id)
    return backtest(consignee_features(history, known=frozenset(), seized=seized), rules)


def hygiene_for(session: Session, *, actor: Actor, result: Backtest) -> hygiene.Hygiene:
    """``hygiene.check`` of a back-test, against the agency's recorded random-sample hit
    rate when the history file has no random sample."""
    from kalibar.targeting.worklist import hit_rates

    _agency(actor)
    recorded = hit_rates(session, actor=actor).totals.get("random", {}).get("random")
    return hygiene.check(result, agency_rate=recorded.hit_rate if recorded else None)


def backtest_dict(result: Backtest, checked: hygiene.Hygiene | None = None) -> dict[str, Any]:
    flags = checked.flags if checked else {}
    return {
        "declarations": result.declarations,
        "inspected": result.inspected,
        "positive": result.positive,
        "base_rate": result.base_rate,
        "random_rate": result.random_rate,
        "hygiene": checked.as_dict() if checked else None,
        "rules": [
            {
                **r.as_dict(),
                "share": r.hits / result.declarations if result.declarations else None,
                "flags": flags.get(r.rule, []),
            }
            for r in result.rules
        ],
    }
