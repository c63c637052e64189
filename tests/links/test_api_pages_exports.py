"""The link chart over HTTP: the API (chart, path, saved charts, merges), the page and the
exports (GraphML parsed with xml.etree, FollowTheMoney lines), on both databases."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from links_support import Built, Planter
from support import World, actor_of, client_for, login, token_client

from kalibar.db.session import unit_of_work

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


def plant(world: World) -> Built:
    with unit_of_work(world.engine, actor=actor_of(world, "officer")) as s:
        p = Planter(s)
        p.seizure("S1", "BA-UIO")
        p.seizure("S2", "BA-UIO", days=5)
        p.seizure("HID", "HR-MUP", dist="agency")
        p.entity("Petar Petrović", "BA-UIO", given_names="Petar", family_name="Petrović",
                 nationality="RS", identity_documents="passport:A1234567:RS")  # fmt: skip
        p.entity("Acme d.o.o.", "BA-UIO", kind="company", registration_number="4200000000")
        p.entity("A12-B-345", "BA-UIO", kind="vehicle", vehicle_registration="A12-B-345",
                 vehicle_make="Golf")  # fmt: skip
        p.entity("+387 61 123 456", "BA-UIO", kind="phone", phone_number="+387 61 123 456")
        p.entity("Titova 1, Mostar", "BA-UIO", kind="address", address="Titova 1, Mostar",
                 country="BA")  # fmt: skip
        p.entity("Marko", "BA-UIO")
        for name in ("Petar Petrović", "Acme d.o.o.", "A12-B-345", "+387 61 123 456"):
            p.involve(name, "S1", "suspect")
        p.involve("Titova 1, Mostar", "S1", "other")
        p.involve("Petar Petrović", "S2", "driver")
        p.involve("Marko", "S2", "passenger")
        p.involve("Marko", "HID", "driver")
        p.record("R1", "BA-UIO")
        p.item("S1", "R1")
        return p.built


def test_chart_and_path_api(world: World) -> None:
    b = plant(world)
    api = token_client(world.engine, "officer")
    r = api.get("/api/v1/links/chart", params={"root": b["S1"], "hops": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    assert {n["id"] for n in body["nodes"]} >= {b["S1"], b["S2"], b["Petar Petrović"], b["R1"]}
    assert b["HID"] not in r.text and b["HID"].split(":")[1] not in r.text
    r = api.get("/api/v1/links/chart", params={"root": b["Marko"], "hops": 1})
    assert r.json()["hidden"] == [
        {"agency": "HR-MUP", "count": 1, "text": "1 object you may not see, owned by HR-MUP"}
    ]
    r = api.get("/api/v1/links/chart", params={"root": b["S1"], "kinds": ["seizure", "person"]})
    assert {n["kind"] for n in r.json()["nodes"]} == {"seizure", "person"}
    r = api.get("/api/v1/links/path", params={"source": b["R1"], "target": b["Marko"]})
    assert [n["id"] for n in r.json()["nodes"]] == [
        b["R1"], b["S1"], b["Petar Petrović"], b["S2"], b["Marko"]
    ]  # fmt: skip
    assert api.get("/api/v1/links/chart", params={"root": b["HID"]}).status_code == 404
    assert api.get("/api/v1/links/chart", params={"root": "seizure:nope"}).status_code == 422
    hr = token_client(world.engine, "hr.officer")
    assert hr.get("/api/v1/links/chart", params={"root": b["S1"]}).status_code == 404


def test_exports_parse(world: World) -> None:
    b = plant(world)
    api = token_client(world.engine, "officer")
    r = api.get("/api/v1/links/export", params={"root": b["S1"], "format": "graphml"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/graphml")
    root = ET.fromstring(r.content)
    ids = {n.get("id") for n in root.findall("g:graph/g:node", NS)}
    assert b["S1"] in ids and b["Petar Petrović"] in ids and b["HID"] not in ids
    edges = root.findall("g:graph/g:edge", NS)
    assert edges and all(e.get("source") in ids and e.get("target") in ids for e in edges)
    r = api.get("/api/v1/links/export", params={"root": b["S1"], "format": "ftm", "hops": 1})
    assert r.status_code == 200
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert all({"id", "schema", "properties"} <= set(x) for x in lines)
    by_schema: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for x in lines:
        by_schema.setdefault(x["schema"], []).append(x)
    person = by_schema["Person"][0]["properties"]
    assert person["firstName"] == ["Petar"] and person["lastName"] == ["Petrović"]
    assert person["nationality"] == ["rs"] and person["idNumber"] == ["A1234567"]
    assert by_schema["Company"][0]["properties"]["registrationNumber"] == ["4200000000"]
    assert by_schema["Vehicle"][0]["properties"]["registrationNumber"] == ["A12-B-345"]
    assert by_schema["LegalEntity"][0]["properties"]["phone"] == ["+387 61 123 456"]
    assert by_schema["Address"][0]["properties"]["full"] == ["Titova 1, Mostar"]
    event = by_schema["Event"][0]
    assert len(event["properties"]["involved"]) == 5
    links = by_schema["UnknownLink"]
    assert {x["properties"]["object"][0] for x in links} == {event["id"]}
    assert {x["properties"]["role"][0] for x in links} == {"suspect", "other"}


def test_saved_charts_are_owned_and_filtered(world: World) -> None:
    b = plant(world)
    api = token_client(world.engine, "officer")
    body = {"name": "Petrović network", "root": b["S1"], "nodes": [b["Marko"]],
            "pinned": [b["S1"]], "positions": {b["S1"]: [10, 20]}, "hops": 1}  # fmt: skip
    r = api.post("/api/v1/links/charts", json=body)
    assert r.status_code == 201, r.text
    chart_id = r.json()["id"]
    opened = api.get(f"/api/v1/links/charts/{chart_id}").json()
    assert b["Marko"] in {n["id"] for n in opened["chart"]["nodes"]}  # kept although 2 hops away
    assert opened["saved"]["body"]["positions"][b["S1"]] == [10.0, 20.0]
    border = token_client(world.engine, "border")  # BA-GP: the chart is BA-UIO's only
    assert border.get(f"/api/v1/links/charts/{chart_id}").status_code == 404
    assert chart_id not in border.get("/api/v1/links/charts").text
    assert border.delete(f"/api/v1/links/charts/{chart_id}").status_code == 404
    assert api.delete(f"/api/v1/links/charts/{chart_id}").status_code == 204
    assert api.get(f"/api/v1/links/charts/{chart_id}").status_code == 404


def test_page_merge_and_split_forms(world: World) -> None:
    b = plant(world)
    web = client_for(world.engine)
    csrf = login(web, "officer", world.passwords["officer"])
    page = web.get("/links", params={"root": b["S1"]})
    assert page.status_code == 200
    assert "/static/vendor/cytoscape.min.js" in page.text and 'data-root="' + b["S1"] in page.text
    seizure = web.get(f"/seizures/{b['S1'].split(':')[1]}")
    assert f"/links?root={b['S1']}" in seizure.text
    petar, marko = (b[k].split(":")[1] for k in ("Petar Petrović", "Marko"))
    form = {"csrf_token": csrf, "root": b["S1"], "survivor_id": petar, "merged_id": marko}
    refused = web.post("/links/merges", data=form | {"reason": " "})
    assert refused.status_code == 422 and "There is a problem" in refused.text
    done = web.post("/links/merges", data=form | {"reason": "same person, two spellings"})
    assert done.status_code == 303
    page = web.get(done.headers["location"])
    assert "same person, two spellings" in page.text
    api = token_client(world.engine, "officer")
    merges = api.get("/api/v1/links/chart", params={"root": b["Petar Petrović"], "hops": 0})
    assert merges.json()["nodes"][0]["aliases"] == [b["Marko"]]
    merge_id = page.text.split("/links/merges/")[1].split("/split")[0]
    split = web.post(f"/links/merges/{merge_id}/split",
                     data={"csrf_token": csrf, "root": b["Petar Petrović"],
                           "reason": "different dates of birth"})  # fmt: skip
    assert split.status_code == 303
    again = api.get("/api/v1/links/chart", params={"root": b["Petar Petrović"], "hops": 0})
    assert again.json()["nodes"][0]["aliases"] == []
