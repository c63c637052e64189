"""Signing and verification, agreements, read-only foreign objects, tombstones, bundles."""

from __future__ import annotations

import copy
import json

import pytest
from fed_support import Instance, add_record, agency, deliver, exchange, link, make_instance, page
from sqlalchemy import Engine, select

from kalibar.audit.models import AuditEntry
from kalibar.db.session import unit_of_work
from kalibar.errors import Forbidden
from kalibar.federation import bundles, envelopes, keys, service
from kalibar.federation.models import ForeignObject, Refusal
from kalibar.matching.models import Hit
from kalibar.records.models import FirearmRecord


@pytest.fixture
def pair(engine: Engine, peer_engine: Engine) -> tuple[Instance, Instance]:
    ba = make_instance(engine, "BA")
    rs = make_instance(peer_engine, "RS")
    link(ba, rs)
    link(rs, ba)
    return ba, rs


def _refusals(inst: Instance) -> list[str]:
    with unit_of_work(inst.engine) as s:
        return list(s.execute(select(Refusal.reason).order_by(Refusal.id)).scalars())


def test_request_signature_round_trip_and_tamper() -> None:
    key = keys.parse_private(keys.new_private_text(), "t")
    h = envelopes.sign_request(key, "GET", "/federation/v1/feed", "limit=5&after=3")
    msg = envelopes.request_message("GET", "/federation/v1/feed", "after=3&limit=5",
                                    h["X-Kalibar-Timestamp"], h["X-Kalibar-Nonce"])  # fmt: skip
    assert keys.verify(key.public_hex, h["X-Kalibar-Signature"], msg)
    bad = envelopes.request_message("GET", "/federation/v1/feed", "after=0&limit=5",
                                    h["X-Kalibar-Timestamp"], h["X-Kalibar-Nonce"])  # fmt: skip
    assert not keys.verify(key.public_hex, h["X-Kalibar-Signature"], bad)


def test_record_travels_read_only_and_is_matched(pair: tuple[Instance, Instance]) -> None:
    ba, rs = pair
    rs_uc = agency(rs.engine, "RS-UC", "RS")
    stolen = add_record(rs.engine, rs_uc, "RS", "AB12345")
    hidden = add_record(rs.engine, rs_uc, "RS", "CD67890", distribution="agency")
    res = exchange(rs, ba)
    assert res.applied == 1 and not res.stopped
    with unit_of_work(ba.engine) as s:
        rec = s.get(FirearmRecord, stolen)
        assert rec is not None and rec.reference == "RS/T-AB12345"
        assert s.get(FirearmRecord, hidden) is None
        assert s.get(ForeignObject, stolen) is not None
    # a local edit of the foreign record is refused
    with pytest.raises(Forbidden), unit_of_work(ba.engine) as s:
        rec = s.get(FirearmRecord, stolen)
        assert rec is not None
        rec.notes = "local edit"
        s.flush()
    # matched like a local record: a seizure in BA hits it, and the hit goes to RS only
    ba_uio = agency(ba.engine, "BA-UIO", "BA")
    add_record(ba.engine, ba_uio, "BA", "AB12345", status="seized", distribution="agency")
    with unit_of_work(ba.engine) as s:
        assert s.execute(select(Hit).where(Hit.matched_record_id == stolen)).scalar_one()
    res = exchange(ba, rs)
    assert res.applied == 1  # the hit; the agency-level seized record stays home
    with unit_of_work(rs.engine) as s:
        from kalibar.federation.models import RemoteHit

        remote = s.execute(select(RemoteHit)).scalar_one()
        assert remote.record_id == stolen
    # nothing received is forwarded: BA's feed to RS never carries RS's record
    assert all(e["uuid"] != str(stolen) for e in page(ba, "RS")["envelopes"])


def test_tombstone_and_narrowing_remove(pair: tuple[Instance, Instance]) -> None:
    ba, rs = pair
    rs_uc = agency(rs.engine, "RS-UC", "RS")
    a = add_record(rs.engine, rs_uc, "RS", "TS00001")
    b = add_record(rs.engine, rs_uc, "RS", "TS00002")
    exchange(rs, ba)
    with unit_of_work(rs.engine) as s:
        from kalibar.db.base import utcnow

        s.get(FirearmRecord, a).deleted_at = utcnow()  # type: ignore[union-attr]
        s.get(FirearmRecord, b).distribution = "agency"  # type: ignore[union-attr]
    res = exchange(rs, ba)
    assert res.applied == 2
    with unit_of_work(ba.engine) as s:
        assert s.get(FirearmRecord, a).deleted_at is not None  # type: ignore[union-attr]
        assert s.get(FirearmRecord, b).deleted_at is not None  # type: ignore[union-attr]


def test_tampered_replayed_reordered_and_wrong_key_refused(pair: tuple[Instance, Instance]) -> None:
    ba, rs = pair
    rs_uc = agency(rs.engine, "RS-UC", "RS")
    for n in range(3):
        add_record(rs.engine, rs_uc, "RS", f"RR{n:05d}")
    pg = page(rs, "BA")
    assert len(pg["envelopes"]) == 3
    tampered = copy.deepcopy(pg)
    tampered["envelopes"][0]["payload"]["serial_number"] = "XX"
    res = deliver(ba, "RS", tampered)
    assert res.stopped == "bad_signature" and res.applied == 0
    reordered = copy.deepcopy(pg)
    reordered["envelopes"].reverse()
    res = deliver(ba, "RS", reordered)
    assert res.stopped == "reordered" and res.applied == 0
    stranger = keys.parse_private(keys.new_private_text(), "x")
    forged = copy.deepcopy(pg)
    forged["envelopes"] = [envelopes.sign_envelope(e, stranger) for e in forged["envelopes"]]
    res = deliver(ba, "RS", forged)
    assert res.stopped == "unknown_key" or res.refused >= 1
    res = deliver(ba, "RS", pg)  # the clean page applies whole
    assert res.applied == 3 and res.refused == 0
    again = deliver(ba, "RS", pg)  # replayed: refused, logged, harmless
    assert again.applied == 0 and again.refused == 3
    reasons = _refusals(ba)
    for reason in ("bad_signature", "reordered", "unknown_key", "replayed"):
        assert reason in reasons
    with unit_of_work(ba.engine) as s:
        actions = set(s.execute(select(AuditEntry.action)).scalars())
    assert {"federation_refused", "federation_received"} <= actions


def test_revoked_key_verifies_nothing(pair: tuple[Instance, Instance]) -> None:
    ba, rs = pair
    add_record(rs.engine, agency(rs.engine, "RS-UC", "RS"), "RS", "RV00001")
    pg = page(rs, "BA")
    with ba.active(), unit_of_work(ba.engine) as s:
        service.revoke_key(s, actor=None, code="RS", fingerprint=keys.fingerprint(rs.public))
    assert deliver(ba, "RS", pg).stopped == "unknown_key"


def test_envelope_for_another_recipient_is_refused(
    engine: Engine, peer_engine: Engine, tmp_path: object
) -> None:
    ba = make_instance(engine, "BA")
    rs = make_instance(peer_engine, "RS")
    link(rs, ba)
    link(ba, rs)
    add_record(rs.engine, agency(rs.engine, "RS-UC", "RS"), "RS", "WR00001")
    pg = page(rs, "BA")
    for env in pg["envelopes"]:
        env["to"] = "0" * 64
        env.pop("sig")
    with rs.active():
        key = keys.current_key()
    pg["envelopes"] = [envelopes.sign_envelope(e, key) for e in pg["envelopes"]]
    res = deliver(ba, "RS", pg)
    assert res.applied == 0 and "wrong_recipient" in _refusals(ba)


def test_bundle_round_trip_is_idempotent(pair: tuple[Instance, Instance], tmp_path: object) -> None:
    ba, rs = pair
    rs_uc = agency(rs.engine, "RS-UC", "RS")
    for n in range(5):
        add_record(rs.engine, rs_uc, "RS", f"BU{n:05d}")
    with rs.active(), unit_of_work(rs.engine) as s:
        bundle = bundles.export_bundle(s, code="BA", after=None, limit=1000)
    bundle = json.loads(json.dumps(bundle))
    with ba.active(), unit_of_work(ba.engine) as s:
        _code, first = bundles.import_bundle(s, bundle=bundle)
    with ba.active(), unit_of_work(ba.engine) as s:
        _code, second = bundles.import_bundle(s, bundle=bundle)
    assert first.applied == 5 and second.applied == 0
    with unit_of_work(ba.engine) as s:
        n = len(list(s.execute(select(ForeignObject)).scalars()))
    assert n == 5


def test_rotation_keeps_old_signatures_verifiable(engine: Engine) -> None:
    inst = make_instance(engine, "BA")
    with unit_of_work(engine) as s:
        service.ensure_identity(s)
    key = keys.current_key()  # the data folder's key file (no env override here)
    signed = envelopes.sign_envelope({"seq": 1}, key)
    with unit_of_work(engine) as s:
        ident = service.rotate_key(s, actor=None)
    assert ident.fingerprint != key.fingerprint
    assert key.public_hex in [k.public_key for k in ident.retired]
    assert envelopes.envelope_signed_by(signed, key.public_hex)
    assert inst.country == "BA"


def test_seizure_summary_is_non_nominal_unless_agreed(engine: Engine, peer_engine: Engine) -> None:
    from kalibar.db.base import utcnow
    from kalibar.federation.models import ForeignSeizure
    from kalibar.seizures.models import Entity, Involvement, SeizedItem, Seizure
    from kalibar.targeting.watchlist_models import WatchlistEntry

    ba = make_instance(engine, "BA")
    rs = make_instance(peer_engine, "RS")
    link(ba, rs, nominal=False)
    link(rs, ba, nominal=False)
    rs_uc = agency(rs.engine, "RS-UC", "RS")
    with unit_of_work(rs.engine) as s:
        sz = Seizure(owner_agency_id=rs_uc, owner_country="RS", distribution="partners",
                     reference="UC-SZ-1", occurred_at=utcnow(), context="border_check",
                     conveyance_kind="car", concealment_method="spare_wheel",
                     vehicle_registration="BG-123-AA", address="Knez Mihailova 1",
                     narrative="Driver Marko Marković.")  # fmt: skip
        s.add(sz)
        s.flush()
        s.add(SeizedItem(seizure_id=sz.uuid, position=1, kind="ammunition", quantity=50,
                         calibre="7.62x39"))  # fmt: skip
        person = Entity(owner_agency_id=rs_uc, owner_country="RS", distribution="agency",
                        reference="UC-P-1", kind="person", name="Marko Marković")  # fmt: skip
        s.add(person)
        s.flush()
        s.add(Involvement(seizure_id=sz.uuid, entity_id=person.uuid, role="driver"))
        for kind in ("person", "company"):
            s.add(WatchlistEntry(owner_agency_id=rs_uc, owner_country="RS",
                                 distribution="partners", kind=kind, name=f"{kind} X"))  # fmt: skip
        sid = sz.uuid
    res = exchange(rs, ba)
    assert not res.stopped
    with unit_of_work(ba.engine) as s:
        got = s.get(ForeignSeizure, sid)
        assert got is not None
        summary = json.loads(got.summary)
        assert summary["conveyance_kind"] == "car" and summary["items"][0]["quantity"] == 50
        for nominal in ("vehicle_registration", "address", "narrative", "entities"):
            assert nominal not in summary
        assert "Marko" not in got.summary
        kinds = sorted(e.kind for e in s.execute(select(WatchlistEntry)).scalars())
        assert kinds == ["company"]
