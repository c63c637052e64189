"""Early warning on both databases: planted patterns raise alerts for their owners and
the focal points, random background (seeded) raises none, evidence is shown only as far
as the reader may see it, dismissal needs a reason and is audited."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from analysis_support import (
    PDecl,
    PItem,
    Planted,
    plant,
    plant_declarations,
    random_declarations,
    random_people,
    random_rows,
    utc,
)
from sqlalchemy import select
from support import World, actor_of, client_for, csrf_from, login

from kalibar.analysis import alerts
from kalibar.analysis.detectors import binomial_tail, poisson_tail, rising_decisions
from kalibar.analysis.models import Alert
from kalibar.analysis.warning_settings import Rising, WarningSettings
from kalibar.audit.models import AuditEntry
from kalibar.db.session import unit_of_work
from kalibar.errors import Invalid, NotFound

START = utc(2025, 1, 1)
NOW = START + timedelta(days=210)  # seven windows of 30 days
CFG = WarningSettings()


# ------------------------------------------------------------------ the tests themselves


def test_tails_agree_with_scipy() -> None:
    from scipy import stats

    for x, n, p in [(5, 10, 0.2), (12, 14, 1 / 7), (60, 300, 1 / 7), (3, 3, 0.5)]:
        assert binomial_tail(x, n, p) == pytest.approx(stats.binom.sf(x - 1, n, p), rel=1e-9)
    # At or below the expected count the tail is reported as 1 (never a rise).
    assert binomial_tail(40, 300, 1 / 7) == 1.0 >= stats.binom.sf(39, 300, 1 / 7)
    for x, mean in [(3, 0.01), (10, 4.2), (60, 30.0)]:
        assert poisson_tail(x, mean) == pytest.approx(stats.poisson.sf(x - 1, mean), rel=1e-9)


def test_rising_holds_its_false_alarm_rate_and_finds_real_rises() -> None:
    """300 seeded periods of 40 series at constant rates: at most about alpha of the
    periods raise any alert; a series whose rate quadruples is found in most periods."""
    rng = np.random.default_rng(20261207)
    rule = Rising()
    false_alarms, found = 0, 0
    runs = 300
    for _ in range(runs):
        rates = rng.uniform(0.5, 20.0, size=40)
        counts = rng.poisson(rates[:, None], size=(40, rule.baseline_windows + 1))
        recent = {f"make:m{i}": int(c[-1]) for i, c in enumerate(counts)}
        baseline = {f"make:m{i}": int(c[:-1].sum()) for i, c in enumerate(counts)}
        false_alarms += bool(rising_decisions(recent, baseline, rule))
        recent["make:m0"] = int(rng.poisson(rates[0] * 4 + 5))
        found += any(k == "make:m0" for k, *_ in rising_decisions(recent, baseline, rule))
    assert false_alarms <= runs * rule.alpha * 3  # nominal rate 1 %, Bonferroni is cautious
    assert found >= runs * 0.6


@pytest.fixture
def background(world: World) -> dict[str, object]:
    rng = random.Random(1401)
    owners = [actor_of(world, u) for u in ("officer", "border", "investigator", "rs.officer")]
    rows = random_rows(rng, owners, 220, start=START, days=210)
    random_people(rng, rows)
    plant(world, rows)
    decls = random_declarations(rng, [actor_of(world, "officer")], 150, start=START, days=210)
    plant_declarations(world, decls)
    return {"rows": rows, "declarations": decls}


def _run(world: World) -> alerts.RunResult:
    with unit_of_work(world.engine) as s:
        return alerts.run(s, now=NOW, cfg=CFG)


def _alerts(world: World) -> list[Alert]:
    with world.session() as s:
        return list(s.execute(select(Alert)).scalars())


def test_background_raises_no_alert(world: World, background: dict[str, object]) -> None:
    result = _run(world)
    assert dict(result.findings) == {
        "shared_identifier": 0, "route_pattern": 0, "rising": 0, "red_consignee": 0,
    }  # fmt: skip
    assert _alerts(world) == []


def _plant_patterns(world: World) -> dict[str, object]:
    officer, border = actor_of(world, "officer"), actor_of(world, "border")
    sipa, rs = actor_of(world, "investigator"), actor_of(world, "rs.officer")
    recent = NOW - timedelta(days=10)
    plate = Planted(owner=border, occurred_at=recent, distribution="agency", plate="SA 123-AB")
    route = [
        Planted(owner=owner, occurred_at=NOW - timedelta(days=d), origin="TR", destination="AT",
                concealment="vehicle_body", items=[PItem(make="tanfoglio", model="GT28")])
        for owner, d in ((officer, 50), (border, 30), (rs, 5))
    ]  # fmt: skip
    rising = [
        Planted(owner=sipa, occurred_at=NOW - timedelta(days=1 + d),
                items=[PItem(make="blow", model="F92", modifications="converted_alarm")])
        for d in range(12)
    ] + [
        Planted(owner=sipa, occurred_at=NOW - timedelta(days=100 + d),
                items=[PItem(make="blow", model="F92", modifications="converted_alarm")])
        for d in (0, 40)
    ]  # fmt: skip
    person = Planted(owner=sipa, occurred_at=recent, persons=["Марковић Петар"])
    plant(world, [plate, *route, *rising, person])
    decls = [
        PDecl(owner=officer, lodged_at=recent, plate="SA123AB"),
        PDecl(owner=officer, lodged_at=recent, consignee="Petar Markovic", lane="red"),
    ]
    plant_declarations(world, decls)
    return {"plate": plate, "route": route, "person": person, "declarations": decls}


def test_planted_patterns_fire_for_owners_and_focal_points(
    world: World, background: dict[str, object]
) -> None:
    planted = _plant_patterns(world)
    result = _run(world)
    assert dict(result.findings) == {
        "shared_identifier": 1, "route_pattern": 1, "rising": 3, "red_consignee": 1,
    }  # fmt: skip
    by_pattern: dict[tuple[str, str], set[int]] = {}
    for a in _alerts(world):
        by_pattern.setdefault((a.detector, a.pattern_key), set()).add(a.agency_id)
    ids = {u: actor_of(world, u).agency_id for u in
           ("officer", "border", "investigator", "rs.officer", "focalpoint")}  # fmt: skip
    assert by_pattern[("shared_identifier", "vehicle:SA123AB")] == {
        ids["officer"], ids["border"], ids["focalpoint"],
    }  # fmt: skip
    assert set(k for _d, k in by_pattern if _d == "rising") == {
        "make:blow", "model:blow|F92", "modification:converted_alarm",
    }  # fmt: skip
    route_told = by_pattern[("route_pattern", "TR|AT|vehicle_body|tanfoglio")]
    assert {ids["officer"], ids["border"], ids["rs.officer"], ids["focalpoint"]} <= route_told
    decl = planted["declarations"][1]  # type: ignore[index]
    red = [k for d, k in by_pattern if d == "red_consignee"]
    assert red == [f"{decl.uuid}:person:markovic petar"]
    # Running again changes nothing.
    again = _run(world)
    assert (again.created, again.updated) == (0, 0)


def test_evidence_shows_only_what_the_reader_may_see(
    world: World, background: dict[str, object]
) -> None:
    planted = _plant_patterns(world)
    _run(world)
    focal = actor_of(world, "focalpoint")
    border = actor_of(world, "border")
    with world.session() as s:
        mine = s.execute(select(Alert).where(
            Alert.agency_id == focal.agency_id, Alert.pattern_key == "vehicle:SA123AB"
        )).scalar_one()  # fmt: skip
        view = alerts.evidence(s, actor=focal, alert=mine)
        # The BA-GP seizure is kept to its agency: counted, owner named, never listed.
        assert view.seizures == [] and view.hidden == 1 and view.hidden_owners == ["BA-GP"]
        assert [d.uuid for d in view.declarations] == [planted["declarations"][0].uuid]  # type: ignore[index]
        theirs = s.execute(select(Alert).where(
            Alert.agency_id == border.agency_id, Alert.pattern_key == "vehicle:SA123AB"
        )).scalar_one()  # fmt: skip
        view = alerts.evidence(s, actor=border, alert=theirs)
        assert [x.uuid for x in view.seizures] == [planted["plate"].uuid]  # type: ignore[attr-defined]
        assert view.hidden == 0
        with pytest.raises(NotFound):
            alerts.get_alert(s, actor=focal, alert_id=theirs.uuid)


def test_dismissal_needs_a_reason_and_is_audited(
    world: World, background: dict[str, object]
) -> None:
    _plant_patterns(world)
    _run(world)
    officer = actor_of(world, "officer")
    with world.session() as s:
        target = s.execute(select(Alert.uuid).where(
            Alert.agency_id == officer.agency_id, Alert.detector == "red_consignee"
        )).scalar_one()  # fmt: skip
    with unit_of_work(world.engine, actor=officer) as s, pytest.raises(Invalid):
        alerts.dismiss(s, actor=officer, alert_id=target, reason=" ok ")
    with unit_of_work(world.engine, actor=officer) as s:
        alerts.dismiss(s, actor=officer, alert_id=target, reason="Known consignee, cleared.")
    with world.session() as s:
        entries = s.execute(select(AuditEntry).where(
            AuditEntry.object_type == "Alert", AuditEntry.object_id == str(target),
            AuditEntry.action == "update",
        )).scalars().all()  # fmt: skip
        changes = [json.loads(e.changes) for e in entries]
        assert any("Known consignee, cleared." in json.dumps(c, ensure_ascii=False)
                   for c in changes)  # fmt: skip
        assert all(e.actor == "officer" for e in entries)
    # A new run does not bring a dismissed alert back without new evidence.
    again = _run(world)
    assert again.created == 0
    with world.session() as s:
        assert s.get(Alert, target).status == "dismissed"  # type: ignore[union-attr]


def test_pages_and_api(world: World, background: dict[str, object]) -> None:
    planted = _plant_patterns(world)
    _run(world)
    client = client_for(world.engine)
    login(client, "border", world.passwords["border"])
    home = client.get("/")
    assert 'href="/analysis/alerts"' in home.text and "open alerts for your agency" in home.text
    listing = client.get("/analysis/alerts")
    assert listing.status_code == 200 and "SA 123-AB" in listing.text
    api = client.get("/api/v1/analysis/alerts").json()
    plate = next(a for a in api if a["detector"] == "shared_identifier")
    page = client.get(f"/analysis/alerts/{plate['uuid']}")
    assert f"/seizures/{planted['plate'].uuid}" in page.text  # type: ignore[attr-defined]
    token = csrf_from(page.text)
    short = client.post(f"/analysis/alerts/{plate['uuid']}/dismiss",
                        data={"reason": "no", "csrf_token": token})  # fmt: skip
    assert short.status_code == 422 and 'id="f-reason-error"' in short.text
    reason = {"reason": "Same plate, a rental car.", "csrf_token": token}
    done = client.post(f"/analysis/alerts/{plate['uuid']}/dismiss", data=reason)
    assert done.status_code == 303
    detail = client.get(f"/api/v1/analysis/alerts/{plate['uuid']}").json()
    assert detail["status"] == "dismissed" and detail["dismissal_reason"].startswith("Same plate")
    other = client_for(world.engine)
    login(other, "rs.officer", world.passwords["rs.officer"])
    assert other.get(f"/api/v1/analysis/alerts/{plate['uuid']}").status_code == 404


def test_a_saved_involvement_raises_its_alert_in_the_same_commit(world: World) -> None:
    """The cheap check after a save: a person already involved in another agency's seizure."""
    from kalibar.seizures.entities import EntityData, involve

    sipa, border = actor_of(world, "investigator"), actor_of(world, "border")
    recent = datetime.now(UTC) - timedelta(days=5)
    earlier = Planted(owner=sipa, occurred_at=recent, persons=["Dragan Kovačević"])
    later = Planted(owner=border, occurred_at=recent + timedelta(days=2))
    plant(world, [earlier, later])
    assert _alerts(world) == []
    with unit_of_work(world.engine, actor=border) as s:
        involve(s, actor=border, seizure_id=later.uuid, role="driver", allow_new=True,
                data=EntityData(kind="person", name="Драган Ковачевић"))  # fmt: skip
    told = {(a.detector, a.pattern_key, a.agency_id) for a in _alerts(world)}
    key = "person:dragan kovacevic"
    assert ("shared_identifier", key, border.agency_id) in told
    assert ("shared_identifier", key, sipa.agency_id) in told
