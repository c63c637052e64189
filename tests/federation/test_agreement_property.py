"""Property: over random agreements and distributions, no object reaches a peer its
distribution and the agreement do not allow, and nominal fields never cross a
non-nominal agreement."""

from __future__ import annotations

import itertools

from fed_support import add_record, agency, make_instance, page
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from kalibar.db.session import unit_of_work
from kalibar.federation import service
from kalibar.federation.kinds import NOMINAL, NOMINAL_WATCHLIST, nominal_keys
from kalibar.federation.models import Direction
from kalibar.targeting.watchlist_models import WatchlistEntry

LEVELS = ["agency", "national", "partners", "group"]
_SERIALS = itertools.count()
WATCH_KINDS = ["person", "company", "address", "phone", "plate"]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kinds=st.sets(st.sampled_from(["record", "watchlist", "seizure"])),
    levels=st.sets(st.sampled_from(["partners", "group"])),
    nominal=st.booleans(),
    partners=st.booleans(),
)
def test_nothing_beyond_agreement_and_distribution(
    engine: Engine, kinds: set[str], levels: set[str], nominal: bool, partners: bool
) -> None:
    ba = make_instance(engine, "BA")
    with ba.active(), unit_of_work(engine) as s:
        try:
            service.get_peer(s, code="RS")
        except Exception:  # noqa: BLE001 - first example registers the peer
            service.add_peer(s, actor=None, code="RS", country="RS", url="",
                                    public_key="11" * 32)  # fmt: skip
        terms = service.Terms(frozenset(kinds), frozenset(levels), nominal)
        service.set_terms(s, actor=None, code="RS", direction=Direction.outbound, terms=terms)
        from kalibar.sharing.models import CountryPartnership

        rows = s.query(CountryPartnership).filter_by(country_code="BA", partner_code="RS").all()
        for r in rows:
            s.delete(r)
        s.flush()
        if partners:
            s.add(CountryPartnership(country_code="BA", partner_code="RS"))
    ba_uio = agency(engine, "BA-UIO", "BA")
    made: dict[str, str] = {}
    for level in LEVELS:
        u = add_record(engine, ba_uio, "BA", f"P{level[:3].upper()}{next(_SERIALS):05d}",
                       distribution=level, notes="Marko Markovic")  # fmt: skip
        made[str(u)] = level
    with unit_of_work(engine) as s:
        for level in LEVELS:
            for wk in WATCH_KINDS:
                e = WatchlistEntry(owner_agency_id=ba_uio, owner_country="BA", distribution=level,
                                   kind=wk, name=f"{wk} name", country="BA")  # fmt: skip
                s.add(e)
                s.flush()
                made[str(e.uuid)] = level
    pg = page(ba, "RS", after=0, limit=2000)
    for env in pg["envelopes"]:
        if env["tombstone"]:
            continue
        assert env["kind"] in kinds
        assert env["distribution"] in levels
        assert env["distribution"] in ("partners", "group")
        if env["distribution"] == "partners":
            assert partners
        if env["distribution"] == "group":
            assert env["groups"], "group objects go only to member countries"
        body = env["payload"]
        if not nominal:
            assert not nominal_keys(env["kind"], body)
            assert (
                not NOMINAL.get(env["kind"], frozenset()) & set(body) or env["kind"] == "watchlist"
            )
            if env["kind"] == "watchlist":
                assert body["kind"] not in NOMINAL_WATCHLIST
