"""The API screens with the agency's active rule set and its consignee history."""

from __future__ import annotations

from typing import Any

from support import World, client_for
from test_api_screenings import _token, books

from kalibar.auth import service as auth
from kalibar.db.session import unit_of_work
from kalibar.targeting import rules_store

# Rules are evidence: the lane comes from the risk, here the rules-only score of weight 70
# (about 0.35: yellow), not from the rule's own lane.
FIRST_PARCEL = """rules:
  - id: POSTAL-NEW
    lane: yellow
    weight: 70
    rationale: a first parcel to this consignee
    instructions: check the consignee
    when:
      flow: postal
      first_time_consignee: true
"""


def _parcel(declaration_id: str, consignee: str) -> dict[str, Any]:
    body = books(declaration_id)
    body["consignee_name"] = consignee
    return body


def test_active_set_and_consignee_history_drive_the_lane(world: World) -> None:
    with unit_of_work(world.engine) as s:
        admin = auth.actor_for(s, auth.get_user(s, username="admin"))
        saved = rules_store.save(s, actor=admin, text=FIRST_PARCEL)
        rules_store.activate(s, actor=admin, version=saved.version)
    client = client_for(world.engine)
    headers = _token(world)
    first = client.post("/api/v1/screenings", headers=headers, json={
        "declarations": [_parcel("N-1", "Ђорђевић Марко")], "store": True})
    assert first.status_code == 200, first.text
    assert first.json()["results"][0]["lane"] == "yellow"
    assert "rules:POSTAL-NEW" in first.json()["results"][0]["reasons"]
    # the same consignee again, in another script: no longer a first parcel
    again = client.post("/api/v1/screenings", headers=headers, json={
        "declarations": [_parcel("N-2", "Djordjevic Marko")]})
    assert again.status_code == 200, again.text
    assert "rules:POSTAL-NEW" not in again.json()["results"][0]["reasons"]
    assert again.json()["results"][0]["lane"] != "yellow"
