"""Procedures: templates as data, steps applied by context and items, completion proven by
data, waivers by administrators, overdue steps per visibility."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from seizure_support import fresh_data_dir, record_seizure
from sqlalchemy import select
from support import World, actor_of

from kalibar.audit.service import history_of
from kalibar.db.session import unit_of_work
from kalibar.errors import Conflict, Forbidden, Invalid, NotFound
from kalibar.i18n import LANGUAGES
from kalibar.records.service import RecordData
from kalibar.seizures import custody, procedures
from kalibar.seizures import procedure_templates as pt
from kalibar.seizures import service as svc
from kalibar.seizures.models import (
    EvidenceFile,
    ProcedureStep,
    ProcedureTemplate,
    Seizure,
    StepStatus,
)
from kalibar.seizures.service import ItemData, SeizureData

CYRILLIC = re.compile("[\u0400-\u04ff]")


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from fresh_data_dir(tmp_path, monkeypatch)


PISTOL = RecordData(status="seized", weapon_type="pistol", make="Zastava", model="CZ 99",
                    calibre="9x19", serial_number="P77001")  # fmt: skip
ROUNDS = ItemData(kind="ammunition", calibre="9x19", quantity=50)


def _seizure(
    world: World,
    *,
    ago: timedelta = timedelta(hours=3),
    items: tuple[ItemData, ...] | list[ItemData] = (),
    **extra: Any,
) -> str:
    data = SeizureData(
        occurred_at=datetime.now(UTC).replace(microsecond=0) - ago,
        context=extra.pop("context", "border_check"),
        place_code="BA-BIJACA",
        detection_method="xray",
        concealment_method="spare_tyre",
        **extra,
    )
    return str(record_seizure(world, actor_of(world, "officer"), data, items))


def _steps(world: World, seizure_id: str) -> dict[str, ProcedureStep]:
    with world.session() as s:
        rows = s.execute(
            select(ProcedureStep).where(ProcedureStep.seizure_id == _uuid(seizure_id))
        ).scalars()
        return {f"{r.procedure_code}/{r.step_code}": r for r in rows}


def _uuid(text: str) -> UUID:
    return UUID(text)


# ------------------------------------------------------------------ templates


def test_package_has_eight_procedures_in_every_language() -> None:
    templates = pt.package_templates()
    assert list(templates) == [
        "detection_first_response", "safe_handling", "identification_documentation",
        "records_check_hits", "evidence_custody", "notification_handover",
        "tracing_initiation", "storage_disposal",
    ]  # fmt: skip
    for template in templates.values():
        texts = [template.name, *[s.title for s in template.steps]]
        for text in texts:
            assert set(text) == set(LANGUAGES), (template.code, text)
            assert CYRILLIC.search(text["sr_Cyrl"]), text
            assert not CYRILLIC.search(text["sr_Latn"] + text["bs"] + text["hr"] + text["cnr"])
    markings = templates["identification_documentation"].step("photograph_markings")
    assert markings is not None and markings.requires == ("evidence:markings|evidence:photo",)
    assert templates["tracing_initiation"].item_kinds == ("firearm",)
    assert templates["storage_disposal"].item_kinds == ()


def test_templates_are_seeded_once_and_customised_ones_kept(world: World) -> None:
    admin = actor_of(world, "admin")
    with unit_of_work(world.engine) as s:
        assert [t.code for t in pt.list_templates(s)] == list(pt.package_templates())
        assert pt.seed_templates(s) == 0  # already there: nothing to do
        body = s.get(ProcedureTemplate, "storage_disposal").body
        edited = body.replace("due_hours: 72", "due_hours: 48")
        pt.save_template(s, actor=admin, code="storage_disposal", body=edited)
    with unit_of_work(world.engine) as s:
        assert pt.seed_templates(s) == 0
        row = s.get(ProcedureTemplate, "storage_disposal")
        assert row.customised and row.body == edited and row.updated_by == "admin"
        pt.reset_template(s, actor=admin, code="storage_disposal")
    with world.session() as s:
        row = s.get(ProcedureTemplate, "storage_disposal")
        assert not row.customised and row.body == body


def test_only_admins_save_and_the_text_is_checked(world: World) -> None:
    with unit_of_work(world.engine) as s:
        body = s.get(ProcedureTemplate, "safe_handling").body
        with pytest.raises(Forbidden):
            pt.save_template(s, actor=actor_of(world, "officer"), code="safe_handling", body=body)
        with pytest.raises(Invalid) as exc:
            pt.save_template(s, actor=actor_of(world, "admin"), code="other_code", body=body)
        assert exc.value.details[0]["field"] == "code"


def test_parse_errors_name_field_and_line() -> None:
    with pytest.raises(Invalid) as exc:
        pt.parse_template("code: x\nname: [unclosed\n")
    assert exc.value.details[0]["line"] >= 2
    text = """code: checks
name:
  en: Checks
  xx: hmm
applies_to:
  contexts: [moon_landing]
steps:
  - code: one
    title: {bs: samo bosanski}
    role: janitor
    required: maybe
    requires: ["custody:teleported", "field:no_such_field", "evidence:photo|smell:bad"]
    due_hours: soon
  - code: one
    title: Again
"""
    with pytest.raises(Invalid) as exc:
        pt.parse_template(text)
    problems = {(d["field"], d["line"]) for d in exc.value.details}
    assert ("name.xx", 4) in problems
    assert ("applies_to.contexts[0]", 6) in problems
    assert ("steps[0].title.en", 9) in problems
    assert ("steps[0].role", 10) in problems
    assert ("steps[0].required", 11) in problems
    assert ("steps[0].requires[0]", 12) in problems
    assert ("steps[0].requires[1]", 12) in problems
    assert ("steps[0].requires[2]", 12) in problems
    assert ("steps[0].due_hours", 13) in problems
    assert ("steps[1].code", 14) in problems
    template = pt.parse_template(
        "code: ok\nname: OK\nsteps:\n  - code: a\n    title: A\n    due_hours: 1.5\n"
    )
    assert template.steps[0].due_hours == 1.5 and template.steps[0].required


# ------------------------------------------------------------------ applying


def test_steps_follow_context_and_item_kinds(world: World) -> None:
    sid = _seizure(world)
    codes = {k.split("/")[0] for k in _steps(world, sid)}
    assert "storage_disposal" in codes and "detection_first_response" in codes
    assert not codes & {"tracing_initiation", "records_check_hits", "safe_handling"}
    officer = actor_of(world, "officer")
    with unit_of_work(world.engine) as s:
        svc.add_item(s, actor=officer, seizure_id=_uuid(sid), data=ItemData(kind="firearm",
                     firearm=PISTOL))  # fmt: skip
    steps = _steps(world, sid)
    codes = {k.split("/")[0] for k in steps}
    assert {"tracing_initiation", "records_check_hits", "safe_handling"} <= codes
    with world.session() as s:
        seizure = s.get(Seizure, _uuid(sid))
        occurred = seizure.occurred_at
        assert procedures.apply_procedures(s, seizure=seizure) == []  # idempotent
    step = steps["storage_disposal/store_items"]
    assert step.due_at == occurred + timedelta(hours=72)
    assert step.title == "Store the items in the designated secure store"
    cyrillic = "Сместити предмете у одређено безбедно складиште"
    assert procedures.step_title(step, "sr_Cyrl") == cyrillic
    assert procedures.step_title(step, "hr").startswith("Pohraniti")
    assert procedures.procedure_name("evidence_custody", "hr") == "Dokazi i lanac nadzora"
    assert procedures.procedure_name("unknown_code", "bs") == "unknown_code"


def test_context_limits_a_customised_procedure(world: World) -> None:
    body = """code: postal_extra
name: Postal extra
applies_to:
  contexts: [postal_inspection]
steps:
  - code: inform_post
    title: Inform the postal operator
"""
    with unit_of_work(world.engine) as s:
        pt.save_template(s, actor=actor_of(world, "admin"), code="postal_extra", body=body)
    border = _seizure(world)
    postal = _seizure(world, context="postal_inspection")
    assert "postal_extra/inform_post" not in _steps(world, border)
    assert "postal_extra/inform_post" in _steps(world, postal)


# ------------------------------------------------------------------ completing


def test_complete_needs_requirements_owner_and_open_seizure(world: World) -> None:
    sid = _seizure(world, items=[ItemData(kind="firearm", firearm=PISTOL), ROUNDS])
    steps = _steps(world, sid)
    officer, border = actor_of(world, "officer"), actor_of(world, "border")
    legal = steps["identification_documentation/record_legal_basis"].uuid
    with unit_of_work(world.engine) as s:
        with pytest.raises(Conflict) as exc:
            procedures.complete_step(s, actor=officer, step_id=legal)
        assert exc.value.details[0]["requirement"] == "field:legal_basis"
        assert "Legal basis" in exc.value.message and "legal_basis" not in exc.value.message
        with pytest.raises(Forbidden):  # sees it (national), does not own it
            procedures.complete_step(s, actor=border, step_id=legal)
        with pytest.raises(NotFound):
            procedures.complete_step(s, actor=actor_of(world, "hr.officer"), step_id=legal)
    with unit_of_work(world.engine) as s:
        svc.update_seizure(s, actor=officer, seizure_id=_uuid(sid),
                           changes={"legal_basis": "Customs Act, art. 56"})  # fmt: skip
        step = procedures.complete_step(s, actor=officer, step_id=legal, note="done at the post")
        assert step.status == StepStatus.done and step.completed_by == "officer"
        assert step.completed_at is not None and step.note == "done at the post"
        with pytest.raises(Conflict):  # not open any more
            procedures.complete_step(s, actor=officer, step_id=legal)
        # the firearm has its record, checked against the records
        check = steps["records_check_hits/check_records"].uuid
        assert procedures.complete_step(s, actor=officer, step_id=check).status == "done"
    with unit_of_work(world.engine) as s:
        s.get(Seizure, _uuid(sid)).status = "closed"
    scene = steps["detection_first_response/secure_scene"].uuid
    with unit_of_work(world.engine) as s, pytest.raises(Conflict) as exc:
        procedures.complete_step(s, actor=officer, step_id=scene)
    assert exc.value.details[0]["field"] == "status"


def test_custody_evidence_and_handover_requirements(world: World) -> None:
    sid = _seizure(world, items=[ItemData(kind="firearm", firearm=PISTOL), ROUNDS])
    steps = _steps(world, sid)
    officer = actor_of(world, "officer")
    seal = steps["evidence_custody/seal_items"].uuid
    markings = steps["identification_documentation/photograph_markings"].uuid
    handover = steps["notification_handover/request_handover"].uuid
    with unit_of_work(world.engine) as s:
        seizure = s.get(Seizure, _uuid(sid))
        items = [i.uuid for i in seizure.items]
        custody.append_event(s, actor=officer, item_id=items[0], action="sealed",
                             seal_number="UIO-0001")  # fmt: skip
        with pytest.raises(Conflict) as exc:  # the rounds are not sealed yet
            procedures.complete_step(s, actor=officer, step_id=seal)
        assert exc.value.details[0]["requirement"] == "custody:sealed"
        for kind in ("markings", "handover"):
            step_id = markings if kind == "markings" else handover
            with pytest.raises(Conflict):
                procedures.complete_step(s, actor=officer, step_id=step_id)
    with unit_of_work(world.engine) as s:
        custody.append_event(s, actor=officer, item_id=items[1], action="sealed",
                             seal_number="UIO-0002")  # fmt: skip
        assert procedures.complete_step(s, actor=officer, step_id=seal).status == "done"
        s.add(EvidenceFile(seizure_id=_uuid(sid), sha256="0" * 64, size=1,
                           media_type="image/jpeg", kind="photo"))  # fmt: skip
        s.flush()
        assert procedures.complete_step(s, actor=officer, step_id=markings).status == "done"
        svc.request_handover(s, actor=officer, seizure_id=_uuid(sid), to_agency="BA-SIPA")
        assert procedures.complete_step(s, actor=officer, step_id=handover).status == "done"


def test_waive_is_for_admins_with_a_reason_and_audited(world: World) -> None:
    sid = _seizure(world)
    step_id = _steps(world, sid)["evidence_custody/seal_items"].uuid
    with unit_of_work(world.engine) as s:
        with pytest.raises(Forbidden):
            procedures.waive_step(s, actor=actor_of(world, "officer"), step_id=step_id,
                                  reason="no time")  # fmt: skip
        with pytest.raises(Invalid) as exc:
            procedures.waive_step(s, actor=actor_of(world, "admin"), step_id=step_id, reason=" ")
        assert exc.value.details == [{"field": "reason"}]
    with unit_of_work(world.engine) as s:
        s.info["actor"] = actor_of(world, "admin")
        step = procedures.waive_step(s, actor=actor_of(world, "admin"), step_id=step_id,
                                     reason="Nothing physical was seized.")  # fmt: skip
        assert step.status == StepStatus.waived and step.completed_by == "admin"
    with world.session() as s:
        entries = history_of(s, object_id=str(step_id))
        assert any("Nothing physical was seized." in str(e.changes) for e in entries)
        seizure = s.get(Seizure, _uuid(sid))
        open_codes = {st.step_code for st in procedures.open_required_steps(seizure)}
        assert "seal_items" not in open_codes and "store_items" in open_codes
        ordered = procedures.open_required_steps(seizure)
        keys = [(st.procedure_position, st.position) for st in ordered]
        assert keys == sorted(keys)


# ------------------------------------------------------------------ overdue


def test_overdue_steps_follow_visibility(world: World) -> None:
    old = _seizure(world, ago=timedelta(days=10))
    _seizure(world, ago=timedelta(minutes=5))
    officer = actor_of(world, "officer")
    with world.session() as s:
        overdue = procedures.overdue_steps(s, actor=officer)
        assert overdue and {str(st.seizure_id) for st in overdue} == {old}
        dues = [st.due_at for st in overdue]
        assert dues == sorted(dues)
        assert len(procedures.overdue_steps(s, actor=officer, limit=2)) == 2
        assert procedures.overdue_steps(s, actor=actor_of(world, "hr.officer")) == []
        # an optional step has a date but is never overdue
        assert all(st.required for st in overdue)
        # another agency of the country may see the seizure, but its late steps are not
        # that agency's work: not on its dashboard
        sipa = actor_of(world, "investigator")
        assert svc.get_seizure(s, actor=sipa, seizure_id=UUID(old))
        assert procedures.overdue_steps(s, actor=sipa) == []
        assert procedures.dashboard_counts(s, actor=sipa)["overdue"] == 0
        early = datetime.now(UTC) - timedelta(days=30)
        assert procedures.overdue_steps(s, actor=officer, now=early) == []
        counts = procedures.dashboard_counts(s, actor=officer)
        assert counts["overdue"] >= len(overdue) and counts["open"] > counts["overdue"]
        assert counts["overdue"] == len(procedures.overdue_steps(s, actor=officer, limit=10_000))
        assert procedures.dashboard_counts(s, actor=actor_of(world, "hr.officer")) == {
            "open": 0,
            "overdue": 0,
        }


def test_an_optional_step_has_a_date_but_is_never_overdue() -> None:
    now = datetime.now(UTC)
    past = now - timedelta(days=3)
    required = ProcedureStep(status="open", required=True, due_at=past)
    optional = ProcedureStep(status="open", required=False, due_at=past)
    done = ProcedureStep(status="done", required=True, due_at=past)
    later = ProcedureStep(status="open", required=True, due_at=now + timedelta(days=1))
    assert required.is_overdue(now)
    assert not optional.is_overdue(now) and not done.is_overdue(now)
    assert not later.is_overdue(now)
