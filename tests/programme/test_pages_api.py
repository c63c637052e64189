"""The ledger over HTTP: forms with CSRF, the import page and template, the API, the
indicator exports (XLSX opened with openpyxl), and who may read or change what."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from programme_support import write_book
from support import World, client_for, csrf_from, login, token_client


def test_training_form_participant_and_indicator(world: World) -> None:
    client = client_for(world.engine)
    login(client, "officer", world.passwords["officer"])
    form = client.get("/programme/trainings/new")
    assert form.status_code == 200
    token = csrf_from(form.text)
    bad = client.post(
        "/programme/trainings/new",
        data={"csrf_token": token, "course": "", "start_date": "31.02.2026"},
    )
    assert bad.status_code == 422 and 'id="f-start_date"' in bad.text
    assert "There is a problem" in bad.text
    made = client.post(
        "/programme/trainings/new",
        data={"csrf_token": token, "course": "Concealment", "kind": "course",
              "start_date": "02.03.2026.", "place_code": "Izačić", "trainers_training": "yes",
              "distribution": "national"},
    )  # fmt: skip
    assert made.status_code == 303, made.text
    page_url = made.headers["location"]
    for name, gender in (("Ana", "female"), ("Ivo", "male")):
        fields = {"full_name": name, "agency": "BA-UIO", "gender": gender}
        added = client.post(f"{page_url}/participants", data={"csrf_token": token, **fields})
        assert added.status_code == 303
    detail = client.get(page_url)
    assert 'data-figure="participants">2<' in detail.text and "Izačić" in detail.text
    ind = client.get("/programme/indicators?from=2026-01-01&to=2026-12-31")
    assert 'data-figure="trained">2<' in ind.text and 'data-figure="women">1<' in ind.text
    assert 'data-figure="trainers">2<' in ind.text
    # Without the CSRF token nothing is stored.
    refused = client.post(f"{page_url}/participants", data={"full_name": "X", "agency": "BA-UIO"})
    assert refused.status_code == 403


def test_import_page_lists_errors_and_template_downloads(world: World, tmp_path: Path) -> None:
    client = client_for(world.engine)
    login(client, "officer", world.passwords["officer"])
    token = csrf_from(client.get("/programme/import").text)
    template = client.get("/programme/template.xlsx")
    assert template.status_code == 200
    wb = load_workbook(io.BytesIO(template.content))
    assert wb.sheetnames[0] == "instructions"
    assert [c.value for c in wb["participants"][1]][:3] == ["training", "full_name", "agency"]
    path = write_book(tmp_path / "bad.xlsx", {
        "trainings": [["reference", "course", "start_date"], ["T1", "C", "2026-01-01"]],
        "participants": [["training", "full_name", "agency"], ["T1", "", "BA-UIO"]],
    })  # fmt: skip
    with path.open("rb") as fh:
        answer = client.post("/programme/import", data={"csrf_token": token},
                             files={"file": ("bad.xlsx", fh)})  # fmt: skip
    assert answer.status_code == 422
    assert "<td data-label=\"Sheet\">participants</td>" in answer.text
    assert "full_name" in answer.text
    assert client.get("/programme/trainings").text.count("/programme/trainings/0") == 0


def test_api_create_read_and_visibility(world: World) -> None:
    officer = token_client(world.engine, "officer")
    made = officer.post("/api/v1/programme/trainings", json={
        "course": "Gender and SALW", "kind": "gender_workshop", "start_date": "2026-04-01",
        "participants": [{"full_name": "A", "agency": "BA-UIO", "gender": "female"}],
    })  # fmt: skip
    assert made.status_code == 201, made.text
    tid = made.json()["uuid"]
    assert made.json()["participants"][0]["gender"] == "female"
    regional = officer.post("/api/v1/programme/trainings",
                            json={"course": "X", "start_date": "01.04.2026"})  # fmt: skip
    assert regional.status_code == 422  # the API takes ISO 8601 only
    border = token_client(world.engine, "border")
    assert border.get(f"/api/v1/programme/trainings/{tid}").status_code == 200  # national
    more = border.post(f"/api/v1/programme/trainings/{tid}/participants",
                       json=[{"full_name": "B", "agency": "BA-GP"}])  # fmt: skip
    assert more.status_code == 403
    croatia = token_client(world.engine, "hr.officer")
    assert croatia.get(f"/api/v1/programme/trainings/{tid}").status_code == 404
    assert croatia.get("/api/v1/programme/trainings").json() == []
    eq = officer.post("/api/v1/programme/equipment", json={
        "kind": "videoscope", "serial": "V-9", "place_code": "BA-IZACIC",
        "issued_on": "2026-02-01"})  # fmt: skip
    assert eq.status_code == 201 and eq.json()["events"][0]["kind"] == "issued"
    figures = officer.get("/api/v1/programme/indicators?from=2026-01-01&to=2026-12-31").json()
    assert figures["summary"]["rows"][0][6:9] == [1, 1, 0]
    assert figures["equipment"]["rows"][0][:4] == ["BA-IZACIC", "", 1, 1]
    nothing = croatia.get("/api/v1/programme/indicators?from=2026-01-01&to=2026-12-31").json()
    assert nothing["summary"]["rows"][0][6] == 0


def test_exports_csv_and_xlsx(world: World) -> None:
    officer = token_client(world.engine, "officer")
    officer.post("/api/v1/programme/trainings", json={
        "course": "C", "start_date": "2026-04-01",
        "participants": [{"full_name": "=cmd()", "agency": "BA-UIO", "unit": "=1+2",
                          "gender": "female"},
                         {"full_name": "M", "agency": "BA-GP", "gender": "male"}]})  # fmt: skip
    xlsx = officer.get("/api/v1/programme/indicators.xlsx?from=2026-01-01&to=2026-12-31")
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    ws = wb["trained_by_agency"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["agency", "total", "women", "men", "unspecified", "share_women"]
    assert sorted(rows[1:]) == [["BA-GP", 1, 0, 1, 0, 0], ["BA-UIO", 1, 1, 0, 0, 1]]
    unit = wb["trained_by_unit"]
    assert unit.cell(2, 1).data_type == "s"
    csv = officer.get("/api/v1/programme/indicators.csv?table=trained_by_unit&from=2026-01-01")
    assert csv.status_code == 200
    assert "BA-UIO · =1+2" in csv.content.decode("utf-8-sig")
    bad = officer.get("/api/v1/programme/indicators.csv?table=nope")
    assert bad.status_code == 422


def test_procedures_page_says_procedures_by_name(world: World) -> None:
    client = client_for(world.engine)
    login(client, "officer", world.passwords["officer"])
    page = client.get("/programme/procedures")
    token = csrf_from(page.text)
    assert '<option value="detection_first_response"' in page.text
    saved = client.post("/programme/procedures", data={
        "csrf_token": token, "name": "SOP", "version": "3", "adopted_on": "01.02.2026",
        "procedure_code": "detection_first_response"})  # fmt: skip
    assert saved.status_code == 303
    listed = client.get("/programme/procedures").text
    assert "SOP" in listed and ">detection_first_response<" not in listed
    again = {"csrf_token": token, "name": "SOP", "version": "3", "adopted_on": "01.02.2026"}
    twice = client.post("/programme/procedures", data=again)
    assert twice.status_code == 409 and "There is a problem" in twice.text


def test_agency_figure_drills_down_to_its_trainings(world: World) -> None:
    officer = token_client(world.engine, "officer")
    officer.post("/api/v1/programme/trainings", json={
        "course": "Drill course", "start_date": "2026-05-01",
        "participants": [{"full_name": "A", "agency": "BA-UIO", "gender": "female"},
                         {"full_name": "B", "agency": "BA-GP", "gender": "male"}]})  # fmt: skip
    client = client_for(world.engine)
    login(client, "officer", world.passwords["officer"])
    page = client.get("/programme/indicators?from=2026-01-01&to=2026-12-31")
    link = "/programme/indicators/trained?from=2026-01-01&amp;to=2026-12-31&amp;agency=BA-UIO"
    assert link in page.text
    drill = client.get(link.replace("&amp;", "&"))
    assert drill.status_code == 200 and "Drill course" in drill.text
    assert "<td data-label=\"Counted\">1</td>" in drill.text
