"""Requests and answers as JSON and PDF, for partners on another instance or without Kalibar."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine
from support import World
from tracing_support import api, draft, seized_record, sent_trace
from typer.testing import CliRunner

from kalibar.app.cli import app
from kalibar.config import get_settings
from kalibar.records.models import FirearmRecord


def _foreign_request(doc: dict[str, Any], to: str = "BA-MS") -> dict[str, Any]:
    """A request as another instance (Croatia) would send it to an agency here."""
    return doc | {
        "request_id": str(uuid.uuid4()),
        "reference": "TR-PNUSKOK-2026-000007",
        "sender": {"instance": "HR", "country": "HR", "agency": "HR-PNUSKOK"},
        "recipient": {"instance": "BA", "country": "BA", "agency": to},
    }


def _import(client: Any, doc: Any) -> Any:
    raw = doc if isinstance(doc, str | bytes) else json.dumps(doc)
    return client.post("/api/v1/traces/import", content=raw,
                       headers={"Content-Type": "application/json"})  # fmt: skip


def test_export_import_answer_round_trip(world: World) -> None:
    officer, fp = api(world, "officer"), api(world, "focalpoint")
    rec = seized_record(officer, make="Застава", event_place="Бијељина")
    sent = sent_trace(officer, rec["record_id"])
    r = officer.get(f"/api/v1/traces/{sent['trace_id']}/export", params={"format": "json"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    doc = r.json()
    assert doc["schema"] == "kalibar.trace-request" and doc["schema_version"] == 1
    assert doc["request_id"] == sent["trace_id"]
    assert doc["sender"] == {"instance": "BA", "country": "BA", "agency": "BA-UIO",
                             "agency_name": doc["sender"]["agency_name"]}  # fmt: skip
    assert doc["recipient"]["agency"] == "RS-UC" and doc["firearm"]["make"] == "Застава"

    incoming = _import(fp, _foreign_request(doc))
    assert incoming.status_code == 201, incoming.text
    got = incoming.json()
    assert got["status"] == "sent" and got["imported"] is True
    assert got["requester_agency"] == "HR-PNUSKOK" and got["recipient_agency"] == "BA-MS"
    assert got["serial_number"] == "TR 445566" and got["answer_due"]
    tid = got["trace_id"]
    # visible to the recipient agency only
    assert fp.get("/api/v1/traces", params={"queue": "incoming"}).json()["total"] == 1
    assert officer.get(f"/api/v1/traces/{tid}").status_code == 404
    # importing it again is refused
    again = _import(fp, _foreign_request(doc) | {"request_id": tid})
    assert again.status_code == 409

    answered = fp.post(f"/api/v1/traces/{tid}/answer", json={
        "result": "traced", "diversion_holder": "Sports club Strijelac", "diversion_country": "BA",
        "diversion_how": "theft from the club armoury, 2019"})  # fmt: skip
    assert answered.status_code == 200, answered.text
    ans = fp.get(f"/api/v1/traces/{tid}/export", params={"document": "answer"}).json()
    assert ans["schema"] == "kalibar.trace-answer" and ans["request_id"] == tid
    assert ans["recipient"]["agency"] == "HR-PNUSKOK" and ans["answer"]["result"] == "traced"


def test_answer_imported_for_a_partner_without_kalibar(world: World) -> None:
    officer = api(world, "officer")
    rec = seized_record(officer)
    sent = sent_trace(officer, rec["record_id"], to="RS-MUP")  # no account on this instance
    answer = {
        "schema": "kalibar.trace-answer", "schema_version": 1, "request_id": sent["trace_id"],
        "sender": {"instance": "RS", "country": "RS", "agency": "RS-MUP"},
        "recipient": {"instance": "BA", "country": "BA", "agency": "BA-UIO"},
        "answered_at": "2026-03-20T10:00:00+00:00", "answered_by": "M. Jovanović",
        "answer": {"result": "traced", "diversion_holder": "Police station Šabac",
                   "diversion_country": "RS", "diversion_how": "reported stolen 2004"},
    }  # fmt: skip
    wrong_sender = _import(officer, answer | {"sender": answer["sender"] | {"agency": "RS-UC"}})
    assert wrong_sender.status_code == 422 and "RS-UC" in wrong_sender.json()["error"]["message"]
    r = _import(officer, answer)
    assert r.status_code == 201, r.text
    assert (
        r.json()["status"] == "answered" and r.json()["diversion_holder"] == "Police station Šabac"
    )
    with world.session() as s:
        record = s.get(FirearmRecord, uuid.UUID(rec["record_id"]))
        assert (
            record is not None and record.origin_established and record.origin_source == "tracing"
        )


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        ("{not json", "file", "not valid JSON"),
        ("[1, 2]", "schema", "not a Kalibar trace document"),
        (json.dumps({"schema": "misp.event"}), "schema", "Unknown document schema"),
    ],
)
def test_malformed_json_is_refused(world: World, raw: str, field: str, words: str) -> None:
    r = _import(api(world, "focalpoint"), raw)
    assert r.status_code == 422
    assert words in r.json()["error"]["message"]
    assert r.json()["error"]["details"][0]["field"] == field


def test_wrong_address_or_missing_fields_are_named(world: World) -> None:
    officer, fp = api(world, "officer"), api(world, "focalpoint")
    rec = seized_record(officer)
    sent = sent_trace(officer, rec["record_id"])
    doc = officer.get(f"/api/v1/traces/{sent['trace_id']}/export").json()
    foreign = _foreign_request(doc)

    other = _import(fp, foreign | {"recipient": foreign["recipient"] | {"instance": "ME"}})
    assert other.status_code == 422
    assert "instance ME; this is BA" in other.json()["error"]["message"]
    nowhere = _import(fp, _foreign_request(doc, to="AL-ASP"))
    assert nowhere.status_code == 422
    assert "AL-ASP is not on this instance" in nowhere.json()["error"]["message"]
    not_mine = _import(fp, _foreign_request(doc, to="BA-GP"))
    assert "not to your agency BA-MS" in not_mine.json()["error"]["message"]

    broken = {k: v for k, v in foreign.items() if k not in ("legal_basis", "request_id")}
    broken["schema_version"] = 7
    r = _import(fp, broken)
    assert r.status_code == 422
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert {"legal_basis", "request_id", "schema_version"} <= fields
    assert "legal_basis" in r.json()["error"]["message"]


def test_pdf_is_a_formal_request_with_cyrillic(world: World) -> None:
    officer = api(world, "officer")
    rec = seized_record(officer, make="Застава", event_place="Бијељина, Šamac")
    t = draft(officer, rec["record_id"], ["RS-UC"])
    r = officer.get(f"/api/v1/traces/{t['trace_id']}/export", params={"format": "pdf"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    for expected in ("International Tracing Request", "Why the weapon is considered illicit",
                     "Identification of the weapon", "Requesting authority", "TR 445566",
                     "Застава", "Бијељина, Šamac", t["reference"], t["trace_id"]):  # fmt: skip
        assert expected in text, expected
    # a draft PDF is the requester's alone; others do not see the request
    assert api(world, "rs.officer").get(f"/api/v1/traces/{t['trace_id']}/export").status_code == 404


@pytest.fixture
def cli(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CliRunner]:
    monkeypatch.setenv("KALIBAR_DATABASE_URL", engine.url.render_as_string(False))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_cli_export_and_import(world: World, cli: CliRunner, tmp_path: Path) -> None:
    officer = api(world, "officer")
    rec = seized_record(officer)
    sent = sent_trace(officer, rec["record_id"])
    out_pdf, out_json = tmp_path / "t.pdf", tmp_path / "t.json"
    r = cli.invoke(app, ["traces", "export", sent["trace_id"], "--format", "pdf",
                         "--agency", "BA-UIO", "--out", str(out_pdf)])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "TR 445566" in PdfReader(str(out_pdf)).pages[0].extract_text()
    r = cli.invoke(app, ["traces", "export", sent["trace_id"], "--format", "json",
                         "--agency", "BA-UIO", "--out", str(out_json)])  # fmt: skip
    assert r.exit_code == 0, r.output
    hidden = cli.invoke(app, ["traces", "export", sent["trace_id"], "--format", "json",
                              "--agency", "HR-CU", "--out", str(out_json)])  # fmt: skip
    assert hidden.exit_code == 1 and "not found" in hidden.output
    # The readable reference works as well as the id, for whoever may see the request.
    by_ref = tmp_path / "by-ref.json"
    r = cli.invoke(app, ["traces", "export", sent["reference"].lower(), "--format", "json",
                         "--agency", "BA-UIO", "--out", str(by_ref)])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert by_ref.read_text(encoding="utf-8") == out_json.read_text(encoding="utf-8")
    hidden = cli.invoke(app, ["traces", "export", sent["reference"], "--format", "json",
                              "--agency", "HR-CU", "--out", str(by_ref)])  # fmt: skip
    assert hidden.exit_code == 1 and "not found" in hidden.output
    foreign = tmp_path / "foreign.json"
    doc = _foreign_request(json.loads(out_json.read_text(encoding="utf-8")))
    foreign.write_text(json.dumps(doc), encoding="utf-8")
    r = cli.invoke(app, ["traces", "import", str(foreign), "--agency", "BA-MS"])
    assert r.exit_code == 0, r.output
    assert "TR-PNUSKOK-2026-000007" in r.output
    refused = cli.invoke(app, ["traces", "import", str(foreign), "--agency", "BA-GP"])
    assert refused.exit_code == 1 and "not to your agency BA-GP" in refused.output
    listed = cli.invoke(app, ["traces", "list", "--agency", "BA-MS"])
    assert "HR-PNUSKOK" in listed.output
