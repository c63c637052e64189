"""What became of a planned demo seizure by ``now``: hand-over, procedure steps, custody.

Timelines follow the procedures' rules so the demo data could have been entered through
the services: a step is completed only once its requirements hold (sealed before
``seal_items``, hand-over requested before ``request_handover`` …) and by a member of
the agency owning the seizure at that moment; custody events follow the order rules
(seized → sealed → transferred → received → stored → destroyed), never in the future.
Old seizures are mostly closed; recent ones are open, some with overdue steps. Cases
with firearms, explosives or large quantities go to the investigating agency (SIPA, the
police); for minor ones (a few rounds, spare parts) an administrator waives the
hand-over as misdemeanour proceedings.

Evidence files are not generated: steps that require photos say the photographs are in
the paper case file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kalibar.demo.seizures.plan import INVESTIGATORS, USERS, PlannedSeizure
from kalibar.seizures.procedure_templates import Template

MISDEMEANOUR = "Misdemeanour proceedings by the seizing agency; no criminal case (demo data)."
PHOTOS_ON_PAPER = "Photographs are in the paper case file."
DESTRUCTION = {
    "BA": "Technical Overhaul Institute Hadžići",
    "RS": "Technical Overhaul Institute Kragujevac",
    "HR": "Ministry of the Interior, Logistics Centre Zagreb",
    "ME": "Police Directorate, Central Storage Podgorica",
}
SERIOUS_PARTS = {"frame_receiver", "printed_3d_part", "conversion_kit", "suppressor"}


@dataclass
class Life:
    owner: str  # final owner agency code
    status: str = "open"
    closed_at: datetime | None = None
    closed_by: str = ""
    handover: dict[str, Any] | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)
    custody: list[list[dict[str, Any]]] = field(default_factory=list)  # per item
    updated_at: datetime | None = None


def _h(rng: random.Random, lo: float, hi: float) -> timedelta:
    return timedelta(minutes=round(rng.uniform(lo, hi) * 60))


def _append(
    events: list[dict[str, Any]],
    now: datetime,
    action: str,
    when: datetime,
    signer: str,
    agency: str,
    **kw: str,
) -> bool:
    """Add one custody event unless it would be in the future or out of order."""
    if when > now or (events and when < events[-1]["occurred_at"]):
        return False
    events.append(
        {"action": action, "occurred_at": when, "signed_by": signer, "signed_agency": agency, **kw}
    )
    return True


def needs_case(s: PlannedSeizure) -> bool:
    """Whether the seizure goes to the investigating agency (a criminal case)."""
    rounds = sum(it.quantity for it in s.items if it.kind == "ammunition")
    return (
        any(it.kind in ("firearm", "explosive") for it in s.items)
        or any(it.part_kind in SERIOUS_PARTS for it in s.items)
        or rounds >= 200
    )


def live(
    s: PlannedSeizure, templates: list[tuple[int, Template]], seed: int, now: datetime
) -> Life:
    rng = random.Random(f"kalibar-seizure-life:{seed}:{s.index}")  # noqa: S311 - demo data
    at = s.occurred_at
    age = now - at
    country = s.agency.split("-")[0]
    life = Life(owner=s.agency)
    want_closed = (age > timedelta(days=120) and s.fate < 0.92) or (
        age > timedelta(days=45) and s.fate < 0.5
    )
    # --- hand-over
    receiver = INVESTIGATORS.get(country)
    accepted_at: datetime | None = None
    requested_at: datetime | None = None
    if needs_case(s) and receiver and receiver != s.agency:
        requested_at = at + _h(rng, 1, 20)
        decided = requested_at + (_h(rng, 4, 72) if rng.random() < 0.6 else _h(rng, 72, 240))
        stuck = not want_closed and rng.random() < 0.04
        if requested_at <= now:
            status = "accepted" if decided <= now and not stuck else "pending"
            accepted_at = decided if status == "accepted" else None
            life.handover = {"to": receiver, "status": status, "requested_at": requested_at,
                             "decided_at": accepted_at}  # fmt: skip
            if accepted_at:
                life.owner = receiver
        else:
            requested_at = None

    def owner_at(t: datetime) -> str:
        return life.owner if accepted_at and t >= accepted_at else s.agency

    def user_at(t: datetime) -> str:
        return USERS.get(owner_at(t), "demo")

    # --- custody, per item
    short = s.agency.split("-", 1)[-1]
    place = s.values.get("place_name") or s.values.get("address") or ""
    if s.values.get("place_country") and s.values["place_country"] not in place:
        place = f"{place} ({s.values['place_country']})"
    seal_base = rng.randrange(10**5, 10**6)
    destroy = want_closed and age > timedelta(days=400) and rng.random() < 0.35
    internal = _h(rng, 24, 96)
    for n, _item in enumerate(s.items):
        events: list[dict[str, Any]] = []

        def add(action: str, when: datetime, signer: str, agency: str, **kw: str) -> bool:
            return _append(events, now, action, when, signer, agency, **kw)  # noqa: B023

        ok = add("seized", at, s.recorded_by, s.agency, to_party=s.agency, location=place[:200])
        t = at + _h(rng, 0.25, 1.5)
        ok = ok and add("sealed", t, s.recorded_by, s.agency, seal_number=(
            f"{short}-{at.year}-{seal_base + n:06d}"), location=place[:200],
            condition="Sealed in an evidence bag")  # fmt: skip
        if accepted_at and requested_at:
            # Sent with the offer, received by the investigators before they accept.
            span = accepted_at - requested_at
            t, to = requested_at + span * rng.uniform(0.1, 0.5), life.owner
            received = t + (accepted_at - t) * rng.uniform(0.1, 0.9)
        else:
            t, to = at + internal, s.agency
            received = t + _h(rng, 1, 6)
        storage = f"{to} evidence storage"
        t = t.replace(microsecond=0)
        ok = ok and add(
            "transferred",
            t,
            s.recorded_by,
            s.agency,
            from_party=s.agency,
            to_party=storage if to == s.agency else to,
            location=place[:200],
        )
        t = received.replace(microsecond=0)
        ok = ok and add("received", t, USERS.get(to, "demo"), to, from_party=s.agency,
                        to_party=to, location=storage, condition="Seal intact")  # fmt: skip
        t = max(t, accepted_at or t) + _h(rng, 0.5, 4)
        ok = ok and add("stored", t, USERS.get(to, "demo"), to, location=storage)
        if ok and destroy:
            t = t + timedelta(days=rng.uniform(200, max(age.days - 20, 201)))
            add(
                "destroyed",
                min(t, now - timedelta(days=10)),
                USERS.get(to, "demo"),
                to,
                location=DESTRUCTION.get(country, ""),
                note="Destroyed on the order of the court",
            )
        life.custody.append(events)

    # --- steps
    def first(action: str) -> datetime | None:
        """When every item has had ``action`` (None if some item has not)."""
        times = []
        for events in life.custody:
            found = [e["occurred_at"] for e in events if e["action"] == action]
            if not found:
                return None
            times.append(found[0])
        return max(times) if times else at

    ready = {
        "custody:sealed": first("sealed"),
        "custody:transferred": first("transferred"),
        "custody:stored": first("stored"),
        "custody:destroyed": first("destroyed"),
        "custody:released": None,
        "handover:requested": requested_at,
        "handover:accepted": accepted_at,
    }
    kinds = {it.kind for it in s.items}
    people = any(e.values["kind"] == "person" for e, _r in s.involvements)
    minor = not needs_case(s)
    closed = want_closed
    for position, template in templates:
        if not template.applies(s.values["context"], kinds):
            continue
        for index, step in enumerate(template.steps, start=1):
            due = at + timedelta(hours=step.due_hours) if step.due_hours is not None else None
            row = {
                "procedure_code": template.code,
                "procedure_position": position,
                "step_code": step.code,
                "position": index,
                "title": step.title_in("en")[:300],
                "role": step.role,
                "required": step.required,
                "requires": ",".join(step.requires)[:300],
                "due_at": due,
                "status": "open",
                "completed_at": None,
                "completed_by": "",
                "note": "",
                "waived_reason": "",
            }
            life.steps.append(row)
            if minor and step.code in ("request_handover", "accept_case"):
                t = at + _h(rng, 24, 96)
                if t <= now:
                    row.update(status="waived", completed_at=t, waived_reason=MISDEMEANOUR,
                               completed_by="admin" if country == "BA" else "demo")  # fmt: skip
                continue
            possible: datetime | None = at
            for entry in step.requires:
                options = [ready.get(a, at) for a in entry.split("|")]
                times = [o for o in options if o is not None]
                possible = max(possible, min(times)) if times and possible else None
            if not step.required:
                skip = {
                    "identify_persons": not people,
                    "call_bomb_disposal": "explosive" not in kinds,
                    "dispose": ready["custody:destroyed"] is None,
                    "accept_case": accepted_at is None,
                }.get(step.code, rng.random() < 0.4)
                if skip:
                    continue
            if possible is None:
                closed = closed and not step.required
                continue
            hours = step.due_hours or 24
            late = rng.random() < 0.12
            t = at + timedelta(
                hours=hours * (rng.uniform(1.1, 2.0) if late else rng.uniform(0.2, 1))
            )
            if step.code == "accept_case" and accepted_at:
                t = accepted_at
            t = max(t, possible + timedelta(minutes=10)).replace(microsecond=0)
            lag = not closed and step.required and rng.random() < 0.06
            if t > now or lag:
                closed = closed and not step.required
                continue
            note = PHOTOS_ON_PAPER if any(r.startswith("evidence:") for r in step.requires) else ""
            row.update(status="done", completed_at=t, completed_by=user_at(t), note=note)
    done = [r["completed_at"] for r in life.steps if r["completed_at"]]
    last = max(done, default=at)
    if closed:
        end = last + timedelta(days=rng.uniform(1, 20))
        if end <= now - timedelta(hours=1):
            life.status, life.closed_at, life.closed_by = "closed", end, user_at(end)
    times = [last, *(e[-1]["occurred_at"] for e in life.custody if e)]
    life.updated_at = max([*times, life.closed_at or at])
    return life
