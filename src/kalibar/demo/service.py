"""Loading the demo world. Idempotent; refuses a database that holds real data."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.models import Agency
from kalibar.agencies.service import sync_countries
from kalibar.auth.models import User
from kalibar.auth.passwords import hash_password
from kalibar.errors import Conflict
from kalibar.i18n import _
from kalibar.sharing.models import CountryPartnership, SharingGroup, SharingGroupMember

DATA = Path(__file__).parent
PARTNERS = [("BA", "RS"), ("BA", "HR"), ("BA", "ME")]
TASK_FORCE = "Western Balkans SALW task force"
TASK_FORCE_MEMBERS = ["BA-SIPA", "RS-MUP", "HR-MUP", "ME-UP"]


def _load(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        rows: list[dict[str, Any]] = yaml.safe_load(fh)
    return rows


def demo_agencies() -> list[dict[str, Any]]:
    return _load("agencies.yaml")


def demo_users() -> list[dict[str, Any]]:
    return _load("users.yaml")


@dataclass
class DemoResult:
    agencies_added: int
    credentials: dict[str, str]  # username → password, for users created now


def _holds_real_data(session: Session) -> bool:
    demo_codes = {a["code"] for a in demo_agencies()}
    demo_names = {u["username"] for u in demo_users()}
    codes = set(session.execute(select(Agency.code)).scalars())
    names = set(session.execute(select(User.username)).scalars())
    return bool(codes - demo_codes or names - demo_names)


def load_demo(session: Session, *, force: bool = False) -> DemoResult:
    """Add what is missing of the demo world; new users get fresh random passwords."""
    if _holds_real_data(session) and not force:
        raise Conflict(
            _("This database holds data that is not demo data; use --force to add demo data.")
        )
    sync_countries(session)
    by_code = {a.code: a for a in session.execute(select(Agency)).scalars()}
    added = 0
    for row in demo_agencies():
        if row["code"] not in by_code:
            agency = Agency(
                code=row["code"], name=row["name"], country_code=row["country"], kind=row["kind"]
            )
            session.add(agency)
            by_code[row["code"]] = agency
            added += 1
    session.flush()
    existing = set(session.execute(select(User.username)).scalars())
    credentials: dict[str, str] = {}
    for row in demo_users():
        if row["username"] in existing:
            continue
        password = secrets.token_urlsafe(9)
        user = User(
            username=row["username"],
            full_name=row["full_name"],
            agency_id=by_code[row["agency"]].id,
            password_hash=hash_password(password),
        )
        user.roles = row["roles"]
        session.add(user)
        credentials[row["username"]] = password
    for a, b in PARTNERS:
        for x, y in ((a, b), (b, a)):
            have = session.execute(
                select(CountryPartnership.id).where(
                    CountryPartnership.country_code == x, CountryPartnership.partner_code == y
                )
            ).scalar()
            if not have:
                session.add(CountryPartnership(country_code=x, partner_code=y))
    if not session.execute(select(SharingGroup.id).where(SharingGroup.name == TASK_FORCE)).scalar():
        group = SharingGroup(
            name=TASK_FORCE, description="Joint investigations of arms trafficking"
        )
        session.add(group)
        session.flush()
        for code in TASK_FORCE_MEMBERS:
            session.add(SharingGroupMember(group_id=group.id, agency_id=by_code[code].id))
    session.flush()
    return DemoResult(agencies_added=added, credentials=credentials)
