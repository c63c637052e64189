"""Bad input at the API edge: a 4xx in the one error shape that says what and where.

Each case here is one that answered 500 under schemathesis (issue 18): an unknown filter
value, ``null`` for a field in a change, a moment that overflows in UTC, integers past 64
bits, a control character in rule YAML, a body nested too deeply. And the OpenAPI document
describes the statuses and file types the API sends.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from support import World, token_client

from kalibar.app.web import create_app

API = "/api/v1"
HUGE = 9_999_999_999_999_999_999  # past 64 bits


def _fields(response: Any) -> list[str]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["message"] and "Traceback" not in body["error"]["message"]
    return [d.get("field") for d in body["error"]["details"]]


def _invalid(response: Any, field: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid"
    assert field in _fields(response), response.text
    detail: dict[str, Any] = next(
        d for d in response.json()["error"]["details"] if d["field"] == field
    )
    return detail


@pytest.fixture
def officer(world: World) -> TestClient:
    return token_client(world.engine, "officer")


@pytest.fixture
def admin(world: World) -> TestClient:
    return token_client(world.engine, "admin")


def test_unknown_filter_values_are_named(officer: TestClient) -> None:
    _invalid(officer.get(f"{API}/records", params={"weapon_type": "xyz"}), "weapon_type")
    detail = _invalid(officer.get(f"{API}/records", params={"status": "xyz"}), "query.status")
    assert "stolen" in detail["message"]  # says what is expected
    known = officer.get(f"{API}/records", params={"weapon_type": "pištolj", "status": "stolen"})
    assert known.status_code == 200, known.text


def test_null_clears_an_optional_field_and_is_refused_for_a_required_one(
    officer: TestClient,
) -> None:
    made = officer.post(
        f"{API}/records",
        json={"status": "stolen", "make": "Zastava", "serial_number": "N 4711", "notes": "x"},
    )
    assert made.status_code == 201, made.text
    url = f"{API}/records/{made.json()['record_id']}"
    cleared = officer.patch(url, json={"make": None, "notes": None, "modifications": None})
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["make"] == "" and cleared.json()["notes"] == ""
    assert cleared.json()["serial_number"] == "N 4711"
    for field in ("status", "serial_obliterated", "distribution"):
        detail = _invalid(officer.patch(url, json={field: None}), f"body.{field}")
        assert detail["message"].startswith("This field needs a value")
    assert officer.get(url).json()["status"] == "stolen"


def test_a_moment_that_overflows_in_utc_is_refused(world: World) -> None:
    border = token_client(world.engine, "border")
    for when in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1066-10-14T09:00"):
        r = border.post(
            f"{API}/seizures",
            json={"occurred_at": when, "context": "border_check", "place_name": "Gradiška"},
        )
        detail = _invalid(r, "body.occurred_at")
        assert "1900" in detail["message"]


def test_date_filters_are_bounded(officer: TestClient) -> None:
    for path in ("seizures", "seizures/map", "records"):
        r = officer.get(f"{API}/{path}", params={"date_to": "9999-12-31"})
        _invalid(r, "query.date_to")
    assert officer.get(f"{API}/seizures", params={"date_to": "2999-12-31"}).status_code == 200


def test_the_safety_net_answers_parser_failures_with_a_readable_422(world: World) -> None:
    """Whatever gets past the edge and breaks a parser is the caller's 4xx, never a 500."""
    app = create_app(world.engine)
    leaks = {"secret": "internal"}

    @app.get(f"{API}/_raises/{{kind}}")
    def _raises(kind: str) -> None:
        raise {"recursion": RecursionError, "overflow": OverflowError, "value": ValueError}[kind](
            str(leaks)
        )

    client = TestClient(app, raise_server_exceptions=False)
    for kind in ("recursion", "overflow", "value"):
        r = client.get(f"{API}/_raises/{kind}")
        assert r.status_code == 422, (kind, r.text)
        assert r.json()["error"]["code"] == "invalid"
        assert "secret" not in r.text and "Error" not in r.text


def test_integers_past_64_bits_are_refused_at_the_edge(admin: TestClient) -> None:
    _invalid(admin.get(f"{API}/audit", params={"before": HUGE}), "query.before")
    _invalid(admin.get(f"{API}/traces", params={"offset": HUGE}), "query.offset")
    _invalid(admin.post(f"{API}/targeting/rules/activate", json={"version": HUGE}), "body.version")
    _invalid(
        admin.post(f"{API}/records", json={"status": "lost", "sharing_groups": [HUGE]}),
        "body.sharing_groups.0",
    )
    assert admin.get(f"{API}/audit", params={"before": 10}).status_code == 200


def test_ids_fit_their_32_bit_columns_on_both_databases(admin: TestClient) -> None:
    _invalid(admin.get(f"{API}/audit", params={"before": 2**31}), "query.before")
    assert admin.get(f"{API}/audit", params={"before": 2**31 - 1}).status_code == 200


def test_a_nul_character_is_refused_where_it_is(admin: TestClient) -> None:
    """PostgreSQL text cannot hold U+0000: refused at the edge on both databases alike."""
    _invalid(admin.get(f"{API}/audit", params={"action": "a\x00b"}), "query.action")
    _invalid(admin.get(f"{API}/seizures/entities", params={"q": "\x00"}), "query.q")
    _invalid(admin.post(f"{API}/checks", json={"serial_number": "AB\x001"}), "body")
    escaped = admin.post(f"{API}/checks", json={"serial_number": "AB\\u0000"})
    assert escaped.status_code == 200, escaped.text  # a backslash and "u0000" is text


def test_an_unknown_sharing_group_is_named(officer: TestClient) -> None:
    groups = {"distribution": "group", "sharing_groups": [591226593]}
    seizure = {"occurred_at": "2026-01-02T10:00:00Z", "context": "border_check", "place_name": "X"}
    for path, body in (("records", {"status": "lost"}), ("seizures", seizure)):
        r = officer.post(f"{API}/{path}", json=body | groups)
        assert _invalid(r, "sharing_groups")["value"] == 591226593


def test_control_character_in_rule_yaml_is_located(admin: TestClient) -> None:
    text = "rules:\n  - id: r1\n    lane: red\x04\n"
    r = admin.post(f"{API}/targeting/rules", json={"yaml": text})
    assert r.status_code == 422, r.text
    (detail,) = r.json()["error"]["details"]
    assert (detail["line"], detail["column"]) == (3, 14)
    assert "U+0004" in detail["reason"]


def test_deeply_nested_json_is_a_readable_422(officer: TestClient) -> None:
    deep = "[" * 200_000 + "]" * 200_000
    r = officer.post(f"{API}/checks", content=deep, headers={"content-type": "application/json"})
    assert r.status_code in (400, 422), r.text
    _fields(r)
    garbled = officer.post(
        f"{API}/records", content=b"\xff\xfe{", headers={"content-type": "application/json"}
    )
    assert garbled.status_code in (400, 422), garbled.text
    assert "{" not in garbled.json()["error"]["message"]


def test_openapi_documents_errors_and_file_types(officer: TestClient) -> None:
    doc = officer.get(f"{API}/openapi.json").json()
    error_ref = "#/components/schemas/ErrorBody"
    operations = [(p, m, op) for p, ops in doc["paths"].items() for m, op in ops.items()]
    assert len(operations) > 80
    for path, method, op in operations:
        for status in ("401", "403", "404", "409", "413", "422", "429"):
            content = op["responses"][status]["content"]
            assert content["application/json"]["schema"]["$ref"] == error_ref, (path, method)
    assert "HTTPValidationError" not in doc["components"]["schemas"]

    def media(path: str) -> set[str]:
        return set(doc["paths"][path]["get"]["responses"]["200"]["content"])

    assert media("/api/v1/records/export") == {
        "text/csv",
        "application/json",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert media("/api/v1/seizures/{seizure_id}/report.pdf") == {"application/pdf"}
    assert media("/api/v1/traces/{trace_id}/export") == {"application/json", "application/pdf"}
    assert "image/jpeg" in media("/api/v1/seizures/evidence/{evidence_id}")
