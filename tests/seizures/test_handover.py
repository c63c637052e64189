"""Hand-over customs → SIPA: offer, accept (ownership moves, sender keeps reading),
decline with a reason, cancel; the offer's read grant comes and goes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from seizure_support import fresh_data_dir, record_seizure
from support import World, actor_of

from kalibar.db.session import unit_of_work
from kalibar.errors import Conflict, Forbidden, Invalid, NotFound
from kalibar.records.models import FirearmRecord
from kalibar.records.service import RecordData, create_record
from kalibar.seizures import service as svc
from kalibar.seizures.listing import SeizureFilter, list_seizures
from kalibar.seizures.service import ItemData, SeizureData


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from fresh_data_dir(tmp_path, monkeypatch)


PISTOL = RecordData(status="stolen", weapon_type="pistol", make="Zastava", model="CZ 99",
                    calibre="9x19", serial_number="C765432")  # fmt: skip


def _seize(world: World, *, with_stolen: bool = False) -> UUID:
    """A customs seizure at Bijača shared with its own agency only, with one pistol."""
    if with_stolen:
        with unit_of_work(world.engine) as s:
            create_record(s, actor=actor_of(world, "rs.officer"), data=PISTOL,
                          distribution="national")  # fmt: skip
    data = SeizureData(
        occurred_at=datetime.now(UTC) - timedelta(hours=5),
        context="border_check",
        place_code="BA-BIJACA",
    )
    items = [ItemData(kind="firearm", firearm=PISTOL)]
    return record_seizure(world, actor_of(world, "officer"), data, items, distribution="agency")


def test_accept_moves_ownership_and_sender_keeps_reading(world: World) -> None:
    officer, sipa = actor_of(world, "officer"), actor_of(world, "investigator")
    border = actor_of(world, "border")
    seizure_id = _seize(world, with_stolen=True)
    with unit_of_work(world.engine) as s:
        with pytest.raises(NotFound):  # agency-only: SIPA sees nothing yet
            svc.get_seizure(s, actor=sipa, seizure_id=seizure_id)
        offer = svc.request_handover(
            s, actor=officer, seizure_id=seizure_id, to_agency="BA-SIPA", note="investigation"
        )
        offer_id = offer.uuid
        assert offer.status == "pending" and offer.requested_by == "officer"
    with unit_of_work(world.engine) as s:
        # the offer lets SIPA read the case before deciding; others still see nothing
        assert svc.get_seizure(s, actor=sipa, seizure_id=seizure_id)
        assert [h.uuid for h in svc.incoming_handovers(s, actor=sipa)] == [offer_id]
        assert svc.incoming_handovers(s, actor=officer) == []
        with pytest.raises(NotFound):
            svc.get_seizure(s, actor=border, seizure_id=seizure_id)
        with pytest.raises(Forbidden):  # only SIPA accepts
            svc.accept_handover(s, actor=officer, handover_id=offer_id)
        with pytest.raises(Forbidden):  # reading is not editing
            svc.update_seizure(s, actor=sipa, seizure_id=seizure_id, changes={"narrative": "x"})
    with unit_of_work(world.engine) as s:
        seizure = svc.accept_handover(s, actor=sipa, handover_id=offer_id)
        assert seizure.owner_agency_id == sipa.agency_id
        assert seizure.seizing_agency_id == officer.agency_id
        record = s.get(FirearmRecord, seizure.items[0].record_id)
        assert record is not None and record.owner_agency_id == sipa.agency_id
    with unit_of_work(world.engine) as s:
        # the sender still reads it, cannot change it; a third agency sees nothing
        seizure = svc.get_seizure(s, actor=officer, seizure_id=seizure_id)
        assert [x.uuid for x in list_seizures(s, actor=officer, filters=SeizureFilter())[0]] == [
            seizure_id
        ]
        with pytest.raises(Forbidden):
            svc.update_seizure(s, actor=officer, seizure_id=seizure_id, changes={"narrative": "x"})
        with pytest.raises(NotFound):
            svc.get_seizure(s, actor=border, seizure_id=seizure_id)
        # the new owner edits, and the hit on the pistol is now SIPA's to decide
        svc.update_seizure(s, actor=sipa, seizure_id=seizure_id, changes={"legal_basis": "CPC"})
        hits = svc.item_hits(s, actor=sipa, seizure=seizure)
        assert len(hits) == 1 and next(iter(hits.values()))[0].hit.query_agency_id == sipa.agency_id
        (done,) = svc.handovers_of(s, actor=officer, seizure_id=seizure_id)
        assert done.status == "accepted" and done.decided_by == "investigator"
        with pytest.raises(Conflict):
            svc.accept_handover(s, actor=sipa, handover_id=offer_id)
        history = svc.seizure_history(s, actor=sipa, seizure_id=seizure_id)
        assert any("owner_agency_id" in (e.changes or "") for e in history)


def test_decline_needs_a_reason_and_ends_the_read_grant(world: World) -> None:
    officer, sipa = actor_of(world, "officer"), actor_of(world, "investigator")
    seizure_id = _seize(world)
    with unit_of_work(world.engine) as s:
        offer_id = svc.request_handover(s, actor=officer, seizure_id=seizure_id,
                                        to_agency="BA-SIPA").uuid  # fmt: skip
    with unit_of_work(world.engine) as s:
        with pytest.raises(Invalid) as err:
            svc.decline_handover(s, actor=sipa, handover_id=offer_id, reason="  ")
        assert err.value.details[0]["field"] == "reason"
        with pytest.raises(Forbidden):
            svc.decline_handover(s, actor=officer, handover_id=offer_id, reason="no")
        declined = svc.decline_handover(s, actor=sipa, handover_id=offer_id,
                                        reason="not within our competence")  # fmt: skip
        assert declined.status == "declined" and declined.decline_reason
    with unit_of_work(world.engine) as s:
        with pytest.raises(NotFound):
            svc.get_seizure(s, actor=sipa, seizure_id=seizure_id)
        seizure = svc.get_seizure(s, actor=officer, seizure_id=seizure_id)
        assert seizure.owner_agency_id == officer.agency_id
        assert svc.incoming_handovers(s, actor=sipa) == []


def test_cancel_and_the_rules_of_an_offer(world: World) -> None:
    officer, sipa = actor_of(world, "officer"), actor_of(world, "investigator")
    seizure_id = _seize(world)
    with unit_of_work(world.engine) as s:
        with pytest.raises(Invalid) as err:
            svc.request_handover(s, actor=officer, seizure_id=seizure_id, to_agency="XX-NONE")
        assert err.value.details[0]["field"] == "to_agency"
        with pytest.raises(Invalid):
            svc.request_handover(s, actor=officer, seizure_id=seizure_id, to_agency="BA-UIO")
        offer_id = svc.request_handover(s, actor=officer, seizure_id=seizure_id,
                                        to_agency="BA-SIPA").uuid  # fmt: skip
        with pytest.raises(Conflict):  # one offer at a time
            svc.request_handover(s, actor=officer, seizure_id=seizure_id, to_agency="BA-GP")
    with unit_of_work(world.engine) as s:
        with pytest.raises(Forbidden):
            svc.cancel_handover(s, actor=sipa, handover_id=offer_id)
        cancelled = svc.cancel_handover(s, actor=officer, handover_id=offer_id)
        assert cancelled.status == "cancelled" and cancelled.decided_by == "officer"
    with unit_of_work(world.engine) as s:
        with pytest.raises(NotFound):
            svc.get_seizure(s, actor=sipa, seizure_id=seizure_id)
        with pytest.raises(NotFound):
            svc.accept_handover(s, actor=sipa, handover_id=offer_id)
        # a new offer after the cancellation is fine
        again = svc.request_handover(s, actor=officer, seizure_id=seizure_id, to_agency="BA-GP")
        assert again.status == "pending"
        assert len(svc.handovers_of(s, actor=officer, seizure_id=seizure_id)) == 2
