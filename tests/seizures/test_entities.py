"""Entities: the same person, phone or vehicle found again in any script is suggested and
linked, not duplicated; entities follow the visibility rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from support import World, actor_of

from kalibar.db.session import unit_of_work
from kalibar.errors import Conflict, Forbidden, Invalid, NotFound
from kalibar.seizures import entities as ent
from kalibar.seizures import service as svc
from kalibar.seizures.entities import EntityData
from kalibar.seizures.models import Entity, Involvement
from kalibar.seizures.service import SeizureData

DOB = date(1979, 4, 2)
PETAR = EntityData(kind="person", name="Petar Petrović", date_of_birth=DOB,
                   nationality="RS", identity_documents=["passport:012345678:RS"])  # fmt: skip


def _seizure(world: World, username: str = "officer", distribution: str = "national") -> UUID:
    data = SeizureData(
        occurred_at=datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2),
        context="vehicle_search",
        place_name="Sarajevo",
        place_country="BA",
    )
    with unit_of_work(world.engine) as s:
        seizure = svc.create_seizure(
            s, actor=actor_of(world, username), data=data, distribution=distribution
        )
        return seizure.uuid


def _create(world: World, data: EntityData, username: str = "officer", **kw: str) -> UUID:
    with unit_of_work(world.engine) as s:
        return ent.create_entity(s, actor=actor_of(world, username), data=data, **kw).uuid


# ------------------------------------------------------------------ keys


def test_name_keys_meet_across_scripts_order_and_diacritics() -> None:
    keys = {
        ent.name_key("person", n)
        for n in ("Petar Petrović", "ПЕТАР ПЕТРОВИЋ", "Petrovic Petar", "petar  PETROVIC")
    }
    assert keys == {"petar petrovic"}
    assert ent.name_key("person", "Đorđe Đorđević") == ent.name_key("person", "Djordjevic Djordje")
    assert ent.name_key("person", "Ђорђе Ђорђевић") == ent.name_key("person", "Dordje Dordevic")
    assert ent.name_key("company", "Balkan Trans d.o.o.") == "balkan trans"
    assert ent.name_key("company", "БАЛКАН ТРАНС Д.О.О.") == "balkan trans"


def test_phone_and_plate_keys() -> None:
    assert ent.name_key("phone", "+387 61 123 456") == "38761123456"
    assert ent.name_key("phone", "00387 61 123 456") == "38761123456"
    assert ent.name_key("phone", "061/123-456", country="BA") == "38761123456"
    assert ent.name_key("phone", "064 123 4567", country="RS") == "381641234567"
    assert ent.name_key("vehicle", "A12-K-345") == "A12K345"
    assert ent.name_key("vehicle", "а12 к 345") == "A12K345"  # typed on a Cyrillic keyboard
    assert ent.name_key("vehicle", "BG 123-ŠĐ") == "BG123SDJ"


# ------------------------------------------------------------------ suggestions


def test_same_person_found_in_any_script_or_order(world: World) -> None:
    petar = _create(world, PETAR)
    marko = _create(world, EntityData(kind="person", name="Marko Marković", date_of_birth=DOB))
    officer = actor_of(world, "officer")
    with world.session() as s:
        for written in ("ПЕТАР ПЕТРОВИЋ", "Petrovic Petar", "Petar Petrovich"):
            found = ent.suggest_entities(
                s, actor=officer, data=EntityData(kind="person", name=written)
            )
            assert [f.entity.uuid for f in found][:1] == [petar], written
            assert found[0].score >= 0.92
            assert found[0].reasons
        cyr = ent.suggest_entities(
            s, actor=officer, data=EntityData(kind="person", name="ПЕТАР ПЕТРОВИЋ")
        )[0]
        assert cyr.score == 1.0 and "written in the other script" in cyr.reasons
        assert not cyr.strong  # a name alone is not proof
        with_dob = ent.suggest_entities(
            s,
            actor=officer,
            data=EntityData(
                kind="person", given_names="Petar", family_name="Petrović", date_of_birth=DOB
            ),  # fmt: skip
        )[0]
        assert with_dob.strong and "same date of birth" in with_dob.reasons
        same_day = ent.suggest_entities(
            s,
            actor=officer,
            data=EntityData(kind="person", name="Petar Petrović", date_of_birth=DOB),  # fmt: skip
        )
        assert marko not in {f.entity.uuid for f in same_day}  # a birthday alone is no match
        other_dob = ent.suggest_entities(
            s,
            actor=officer,
            data=EntityData(kind="person", name="Petar Petrović", date_of_birth=date(1990, 1, 1)),
        )
        assert not other_dob or other_dob[0].score < 0.92
        by_document = ent.suggest_entities(
            s,
            actor=officer,
            data=EntityData(
                kind="person", name="P. Petrovic", identity_documents=["012345678"]
            ),  # fmt: skip
        )
        assert by_document[0].entity.uuid == petar and by_document[0].strong
        assert any("same identity document" in r for r in by_document[0].reasons)
        assert ent.suggest_entities(s, actor=officer, data=EntityData(kind="person",
                                    name="Zoran Zorić")) == []  # fmt: skip


def test_phones_and_plates_found_again(world: World) -> None:
    phone = _create(world, EntityData(kind="phone", phone_number="+387 61 123 456"))
    car = _create(world, EntityData(kind="vehicle", vehicle_registration="A12-K-345",
                                    vehicle_make="Golf"))  # fmt: skip
    officer = actor_of(world, "officer")  # BA: national numbers are read as +387
    with world.session() as s:
        found = ent.suggest_entities(
            s, actor=officer, data=EntityData(kind="phone", phone_number="061/123-456")
        )
        assert found[0].entity.uuid == phone and found[0].score == 1.0 and found[0].strong
        found = ent.suggest_entities(
            s, actor=officer, data=EntityData(kind="vehicle", vehicle_registration="а12к345")
        )
        assert found[0].entity.uuid == car and found[0].strong
        listed = ent.list_entities(s, actor=officer, q="061 123 456")
        assert [e.uuid for e in listed] == [phone]


# ------------------------------------------------------------------ involvements


def test_involve_links_and_refuses_a_likely_duplicate(world: World) -> None:
    first, second = _seizure(world), _seizure(world)
    officer = actor_of(world, "officer")
    with unit_of_work(world.engine) as s:
        inv = ent.involve(s, actor=officer, seizure_id=first, role="driver", data=PETAR)
        petar = inv.entity_id
        assert s.get(Entity, petar).reference.startswith("UIO-EN-")
    again = EntityData(kind="person", name="ПЕТАР ПЕТРОВИЋ", date_of_birth=DOB)
    with unit_of_work(world.engine) as s, pytest.raises(Conflict) as exc:
        ent.involve(s, actor=officer, seizure_id=second, role="passenger", data=again)
    assert exc.value.details[0]["entity_id"] == str(petar)
    assert exc.value.details[0]["reasons"]
    with unit_of_work(world.engine) as s:
        linked = ent.involve(s, actor=officer, seizure_id=second, role="passenger",
                             entity_id=petar, note="rear seat")  # fmt: skip
        assert linked.entity_id == petar
        with pytest.raises(Conflict):  # same role twice
            ent.involve(s, actor=officer, seizure_id=second, role="passenger", entity_id=petar)
    with world.session() as s:
        seizures = ent.seizures_of_entity(s, actor=officer, entity_id=petar)
        assert {x.uuid for x in seizures} == {first, second}
        assert len(ent.list_entities(s, actor=officer, kind="person", q="петровић")) == 1
    with unit_of_work(world.engine) as s:  # a different man of the same name, on purpose
        other = ent.involve(s, actor=officer, seizure_id=second, role="owner", data=again,
                            allow_new=True)  # fmt: skip
        assert other.entity_id != petar


def test_involve_checks_input_owner_and_role(world: World) -> None:
    sid = _seizure(world)
    officer = actor_of(world, "officer")
    with unit_of_work(world.engine) as s:
        with pytest.raises(Invalid):
            ent.involve(s, actor=officer, seizure_id=sid, role="driver")
        with pytest.raises(Invalid):
            ent.involve(s, actor=officer, seizure_id=sid, role="pilot", data=PETAR)
        with pytest.raises(Invalid) as exc:
            ent.involve(s, actor=officer, seizure_id=sid, role="driver",
                        data=EntityData(kind="person"))  # fmt: skip
        assert exc.value.details[0]["field"] == "name"
        with pytest.raises(Forbidden):  # border police sees the seizure, customs owns it
            ent.involve(s, actor=actor_of(world, "border"), seizure_id=sid, role="driver",
                        data=PETAR)  # fmt: skip
    with unit_of_work(world.engine) as s:
        inv = ent.involve(s, actor=officer, seizure_id=sid, role="driver", data=PETAR)
        inv_id, entity_id = inv.uuid, inv.entity_id
    with unit_of_work(world.engine) as s:
        with pytest.raises(Forbidden):
            ent.remove_involvement(s, actor=actor_of(world, "border"), involvement_id=inv_id)
        ent.remove_involvement(s, actor=officer, involvement_id=inv_id)
    with world.session() as s:
        assert s.get(Involvement, inv_id) is None
        assert s.get(Entity, entity_id) is not None  # the person stays known


def test_update_entity_recomputes_the_key(world: World) -> None:
    eid = _create(world, EntityData(kind="person", name="Ana Anić"))
    with unit_of_work(world.engine) as s:
        with pytest.raises(Forbidden):
            ent.update_entity(s, actor=actor_of(world, "border"), entity_id=eid,
                              changes={"name": "X"})  # fmt: skip
        with pytest.raises(Invalid):
            ent.update_entity(s, actor=actor_of(world, "officer"), entity_id=eid,
                              changes={"reference": "X"})  # fmt: skip
        e = ent.update_entity(s, actor=actor_of(world, "officer"), entity_id=eid,
                              changes={"name": "Ана Анић Јовић", "nationality": "ba"})  # fmt: skip
        assert e.name_key == "ana anic jovic" and e.nationality == "BA"


def test_entities_follow_visibility(world: World) -> None:
    national = _create(world, PETAR)
    own = _create(world, EntityData(kind="person", name="Petar Petrović", date_of_birth=DOB),
                  distribution="agency")  # fmt: skip
    probe = EntityData(kind="person", name="Petar Petrović", date_of_birth=DOB)
    with world.session() as s:
        seen = {f.entity.uuid for f in ent.suggest_entities(s, actor=actor_of(world, "officer"),
                                                             data=probe)}  # fmt: skip
        assert seen == {national, own}
        border = actor_of(world, "border")
        assert {f.entity.uuid for f in ent.suggest_entities(s, actor=border, data=probe)} == {
            national
        }
        croatia = actor_of(world, "hr.officer")
        assert ent.suggest_entities(s, actor=croatia, data=probe) == []
        assert ent.list_entities(s, actor=croatia) == []
        with pytest.raises(NotFound):
            ent.get_entity(s, actor=croatia, entity_id=national)
        with pytest.raises(NotFound):
            ent.get_entity(s, actor=border, entity_id=own)
        with pytest.raises(NotFound):
            ent.seizures_of_entity(s, actor=croatia, entity_id=national)
    # an HR seizure may describe the same man: nothing of BA's leaks into the answer
    hr_seizure = _seizure(world, "hr.officer")
    with unit_of_work(world.engine) as s:
        inv = ent.involve(s, actor=actor_of(world, "hr.officer"), seizure_id=hr_seizure,
                          role="driver", data=probe)  # fmt: skip
        assert inv.entity_id not in {national, own}
    with world.session() as s:  # the HR seizure is not linked to BA's entity
        assert ent.seizures_of_entity(s, actor=actor_of(world, "officer"), entity_id=national) == []
