"""The seizure report and the custody form as PDF: content, language, visibility, audit."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from pypdf import PdfReader
from seizure_support import car_at_border
from sqlalchemy import select
from support import World, actor_of

from kalibar.audit.models import AuditEntry
from kalibar.db.session import unit_of_work
from kalibar.errors import NotFound
from kalibar.i18n import use_language
from kalibar.records import service as records
from kalibar.records.service import RecordData
from kalibar.seizures import custody, entities, evidence, procedures, service
from kalibar.seizures.entities import EntityData
from kalibar.seizures.models import ProcedureStep, Seizure
from kalibar.seizures.pdf import render_custody_form, render_report
from kalibar.seizures.service import ItemData


@dataclass
class Case:
    seizure_id: uuid.UUID
    reference: str
    firearm_item: uuid.UUID
    ammo_item: uuid.UUID
    stolen_reference: str
    sha256: str
    done_step: uuid.UUID
    waived_step: uuid.UUID


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def text_of(pdf: bytes) -> str:
    """All pages' text, whitespace collapsed (table cells may wrap)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


#: The pistol seized, and reported stolen before.
PISTOL = RecordData(
    status="seized", make="Zastava", model="M70", calibre="7.62x25", serial_number="AB 102345"
)


def build(world: World) -> Case:
    officer, border, admin = (actor_of(world, u) for u in ("officer", "border", "admin"))
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    with unit_of_work(world.engine, actor=border) as s:
        stolen = records.create_record(
            s,
            actor=border,
            data=replace(PISTOL, status="stolen"),
        )
        stolen_reference = stolen.reference
    with unit_of_work(world.engine, actor=officer) as s:
        seizure = service.create_seizure(
            s,
            actor=officer,
            data=car_at_border(
                when,
                place_code="BA-IZACIC",
                origin_country="AT",
                destination_country="BA",
                vehicle_registration="A12-K-345",
                legal_basis="Zakon o oružju, član 12.",
                narrative="Two pistols found in the spare tyre during an X-ray check.",
            ),
            items=[
                ItemData(kind="firearm", firearm=PISTOL),
                ItemData(kind="ammunition", calibre="7.62x25", ammunition_type="ball", quantity=50),
            ],  # fmt: skip
        )
        s.flush()
        seizure_id, reference = seizure.uuid, seizure.reference
        firearm_item, ammo_item = (i.uuid for i in seizure.items)
        entities.involve(
            s, actor=officer, seizure_id=seizure_id, role="driver",
            data=EntityData(kind="person", given_names="Петар", family_name="Петровић",
                            nationality="RS", identity_documents=["passport:012345678:RS"]),
        )  # fmt: skip
    with unit_of_work(world.engine, actor=officer) as s:
        custody.append_event(
            s, actor=officer, item_id=ammo_item, action="sealed",
            occurred_at=when + timedelta(minutes=30), seal_number="UIO-SEAL-778899",
            location="Izačić", condition="sealed bag",
        )  # fmt: skip
        sha = evidence.store_evidence(
            s, actor=officer, seizure_id=seizure_id, content=_png(),
            filename="markings.png", kind="markings", caption="Markings on the slide",
        ).sha256  # fmt: skip
    with world.session() as s:
        steps = list(
            s.execute(
                select(ProcedureStep)
                .where(ProcedureStep.seizure_id == seizure_id)
                .order_by(ProcedureStep.procedure_position, ProcedureStep.position)
            ).scalars()
        )
        free = [st.uuid for st in steps if not st.requires]
    assert len(free) >= 2
    with unit_of_work(world.engine, actor=officer) as s:
        procedures.complete_step(s, actor=officer, step_id=free[0], note="weapons made safe")
    with unit_of_work(world.engine, actor=admin) as s:
        procedures.waive_step(s, actor=admin, step_id=free[1], reason="No dog team on duty")
    return Case(seizure_id, reference, firearm_item, ammo_item, stolen_reference, sha,
                free[0], free[1])  # fmt: skip


def report(world: World, username: str, case: Case, language: str = "en") -> str:
    actor = actor_of(world, username)
    with use_language(language), unit_of_work(world.engine, actor=actor) as s:
        return text_of(render_report(s, actor=actor, seizure_id=case.seizure_id))


def test_report_holds_the_whole_seizure(world: World) -> None:
    case = build(world)
    text = report(world, "officer", case)
    for expected in (
        case.reference,
        "BA-UIO",
        "Izačić",
        "A12-K-345",
        "AT → SI → HR → BA",
        "Zakon o oružju, član 12.",
        "AB 102345",  # the firearm's serial number
        case.stolen_reference,  # the hit on the stolen record
        "Петар Петровић",
        "012345678",
        "50 rounds",
        "UIO-SEAL-778899",
        case.sha256,
        "weapons made safe",
        "No dog team on duty",
        "Chain verified",
    ):
        assert expected in text, expected
    with world.session() as s:
        done = s.get(ProcedureStep, case.done_step)
        assert done is not None
        assert procedures.step_title(done, "en") in text
        exports = s.execute(
            select(AuditEntry).where(
                AuditEntry.action == "export", AuditEntry.object_id == str(case.seizure_id)
            )
        ).scalars().all()  # fmt: skip
        assert [e.actor for e in exports] == ["officer"]


def test_report_headings_in_the_users_language(world: World) -> None:
    case = build(world)
    text = report(world, "officer", case, language="bs")
    assert "Serijski broj" in text and "Serial number" not in text
    assert "Pravni osnov" in text
    assert "Datum, ime i potpis" in text
    with world.session() as s:
        step = s.get(ProcedureStep, case.done_step)
        assert step is not None
        bosnian = procedures.step_title(step, "bs")
        assert bosnian != procedures.step_title(step, "en")
        assert bosnian in text


def test_report_and_form_follow_the_seizures_visibility(world: World) -> None:
    case = build(world)
    for username in ("hr.officer", "rs.officer"):
        actor = actor_of(world, username)
        with world.session() as s:
            with pytest.raises(NotFound):
                render_report(s, actor=actor, seizure_id=case.seizure_id)
            with pytest.raises(NotFound):
                render_custody_form(s, actor=actor, item_id=case.ammo_item)
    officer = actor_of(world, "officer")
    with world.session() as s:
        with pytest.raises(NotFound):
            render_report(s, actor=officer, seizure_id=uuid.uuid4())
        with pytest.raises(NotFound):
            render_custody_form(s, actor=officer, item_id=uuid.uuid4())
    # Same country, national distribution: border police may read and export it.
    assert case.reference in report(world, "border", case)


def test_custody_form_lists_events_and_leaves_rows_to_sign(world: World) -> None:
    case = build(world)
    officer = actor_of(world, "officer")
    with unit_of_work(world.engine, actor=officer) as s:
        pdf = render_custody_form(s, actor=officer, item_id=case.ammo_item)
        events = custody.custody_chain(s, actor=officer, item_id=case.ammo_item)
        seizure = s.get(Seizure, case.seizure_id)
        assert seizure is not None
    text = text_of(pdf)
    assert [e.action for e in events] == ["seized", "sealed"]
    for expected in (
        "Chain of custody form",
        case.reference,
        "50 rounds",
        "UIO-SEAL-778899",
        "sealed bag",
        "officer (BA-UIO)",
        events[0].digest[:12],
        events[1].digest[:12],
        "Signature",
        "Date, name and signature",
    ):
        assert expected in text, expected
    # Blank numbered rows continue the chain on paper.
    assert " 3 " in text and " 8 " in text
    with world.session() as s:
        logged = s.execute(
            select(AuditEntry.actor).where(
                AuditEntry.action == "export", AuditEntry.object_id == str(case.ammo_item)
            )
        ).scalars().all()  # fmt: skip
    assert logged == ["officer"]

    with unit_of_work(world.engine, actor=officer) as s:
        form = text_of(render_custody_form(s, actor=officer, item_id=case.firearm_item))
    assert "AB 102345" in form and "Zastava" in form
