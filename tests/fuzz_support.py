"""Schemathesis over the API's own OpenAPI document, in process (ASGI), deterministic.

Shared by ``tests/core/test_api_fuzz.py`` (a few examples per operation, in ``make test``)
and ``bench/fuzz_api.py`` (a larger run). Every operation gets positive cases (data that
fits the documented schema) and negative ones (data that does not), then positive cases
again on real objects of the demo world (``populate``, ``known_ids``); each response must be
no server error, carry a documented status code and content type, and match the documented
schema. Failures are collected, not raised at the first one, so one run lists them all;
answers that came from the safety net of ``web.errors`` rather than the edge are counted.
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from PIL import Image
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kalibar.auth import service as auth
from kalibar.auth.models import User
from kalibar.db.session import unit_of_work
from kalibar.demo.records.load import load_demo_records
from kalibar.demo.seizures.load import load_demo_seizures
from kalibar.demo.tracing import load_demo_traces
from kalibar.matching.models import Hit, Notification
from kalibar.records.models import FirearmRecord
from kalibar.records.service import RecordData, create_record
from kalibar.seizures.evidence import store_evidence
from kalibar.seizures.io_import import create_from_input
from kalibar.seizures.models import (
    Entity,
    EvidenceFile,
    Handover,
    Involvement,
    ProcedureStep,
    SeizedItem,
    Seizure,
)
from kalibar.seizures.schemas import SeizureCreate
from kalibar.targeting.models import Declaration
from kalibar.targeting.schemas import DeclarationIn
from kalibar.targeting.screening import screen_declarations
from kalibar.tracing.models import TraceRequest

OPENAPI_PATH = "/api/v1/openapi.json"
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class Failure:
    operation: str
    mode: str
    status: int
    titles: list[str]
    request: str

    def __str__(self) -> str:
        titles = "; ".join(self.titles)
        return f"{self.operation} [{self.mode}] -> {self.status}: {titles}\n    {self.request}"


@dataclass
class FuzzReport:
    operations: int = 0
    cases: int = 0
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    #: Answers the safety net of ``web.errors`` gave (a 422 the edge should have given),
    #: by operation and exception.
    net: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        failing = len({f.operation for f in self.failures})
        return (
            f"{self.operations} operations, {self.cases} cases, {len(self.failures)} failures "
            f"in {failing} operations, {sum(self.net.values())} caught by the safety net, "
            f"{self.seconds:.0f} s; "
            f"statuses {dict(sorted(self.statuses.items()))}"
        )


def _request_line(response: Any) -> str:
    body = getattr(response.request, "body", b"") or b""
    if isinstance(body, bytes):
        body = body[:300].decode("utf-8", "replace")
    return f"{response.request.method} {response.request.url} {body!s}"


class _NetLog(logging.Handler):
    """Collects the exceptions the safety net of ``web.errors`` turned into a 422."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.caught: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno == logging.WARNING and record.exc_info and record.exc_info[1]:
            exc = record.exc_info[1]
            self.caught.append(f"{type(exc).__name__}: {str(exc)[:120]}")

    def drain(self) -> list[str]:
        caught, self.caught = self.caught, []
        return caught


_NET = _NetLog()


#: A stolen Zastava of BA-UIO and the same gun seized by BA-GP: one hit both agencies see.
_HIT_PAIR = (
    ("officer", "stolen", "AB 102345"),
    ("border", "seized", "AB-1O2345"),
)


_PARCEL = {
    "declaration_id": "FUZZ-1",
    "flow": "postal",
    "lodged_at": "2026-03-02T09:15:00Z",
    "office": "BA-SA-POST",
    "consignor_country": "TR",
    "consignee_name": "Marko Marković",
    "consignee_country": "BA",
    "items": [
        {"declared_description": "alarm pistol, blank firing", "hs_code": "9303.90",
         "quantity": 2, "gross_weight_kg": 1.6, "declared_value": 120, "origin_country": "TR"}
    ],
}  # fmt: skip


_SEIZURE = {
    "occurred_at": "2026-03-02T08:30:00+01:00",
    "context": "border_check",
    "place_code": "BA-GRADISKA",
    "items": [
        {"kind": "firearm", "firearm": {"make": "Zastava", "model": "CZ 99", "calibre": "9x19",
                                        "serial_number": "Z99-771"}},
        {"kind": "ammunition", "calibre": "9x19", "ammunition_type": "ball", "quantity": 50},
    ],
    "involvements": [
        {"role": "driver", "entity": {"kind": "person", "given_names": "Petar",
                                      "family_name": "Petrović", "date_of_birth": "1980-05-01"}}
    ],
}  # fmt: skip


def populate(engine: Engine, *, records: int = 300, seizures: int = 12) -> None:
    """Demo records (with their traces), seizures and a hit, for operations on real ids."""
    with unit_of_work(engine) as s:
        load_demo_records(s, n=records, seed=3)
        load_demo_traces(s)
        load_demo_seizures(s, n=seizures, seed=3)
    for username, status, serial in _HIT_PAIR:
        with unit_of_work(engine) as s:
            user = s.execute(select(User).where(User.username == username)).scalar_one()
            actor = auth.actor_for(s, user)
            s.info["actor"] = actor
            data = RecordData(
                status=status, make="Zastava", model="M70 AB2", calibre="7.62x39",
                serial_number=serial,
            )  # fmt: skip
            create_record(s, actor=actor, data=data, allow_duplicate=True)
    with unit_of_work(engine) as s:
        officer = s.execute(select(User).where(User.username == "officer")).scalar_one()
        actor = auth.actor_for(s, officer)
        s.info["actor"] = actor
        declaration = DeclarationIn.model_validate(_PARCEL)
        screen_declarations(s, actor=actor, declarations=[declaration], store=True)
        seizure = create_from_input(s, actor=actor, body=SeizureCreate.model_validate(_SEIZURE))
        s.flush()
        seizure_id = seizure.uuid
        picture = io.BytesIO()
        Image.new("RGB", (64, 48), (120, 90, 60)).save(picture, format="PNG")
        store_evidence(
            s, actor=actor, seizure_id=seizure_id, content=picture.getvalue(), filename="a.png"
        )


def known_ids(engine: Engine, username: str) -> dict[str, list[str]]:
    """Two ids per path parameter, of objects the agency of ``username`` owns where it can."""
    owned = {
        "record_id": (FirearmRecord, FirearmRecord.owner_agency_id),
        "seizure_id": (Seizure, Seizure.owner_agency_id),
        "entity_id": (Entity, Entity.owner_agency_id),
        "declaration_uuid": (Declaration, Declaration.owner_agency_id),
        "trace_id": (TraceRequest, TraceRequest.requester_agency_id),
        "hit_id": (Hit, Hit.query_agency_id),
        "notification_id": (Notification, Notification.agency_id),
        "handover_id": (Handover, Handover.from_agency_id),
    }
    in_seizure = {
        "item_id": SeizedItem,
        "step_id": ProcedureStep,
        "involvement_id": Involvement,
        "evidence_id": EvidenceFile,
    }
    with Session(engine) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        agency_id = user.agency_id
        # Another user and agency: a change to the caller's own could lock the run out.
        other = select(User).where(User.agency_id != agency_id).order_by(User.username).limit(1)
        other_user = s.execute(other).scalar_one()
        ids: dict[str, list[str]] = {
            "username": [other_user.username],
            "code": [other_user.agency.code],
        }
        for name, (model, owner) in owned.items():
            mine = select(model.uuid).order_by(owner != agency_id, model.uuid).limit(2)
            ids[name] = [str(u) for u in s.execute(mine).scalars()]
        for name, model in in_seizure.items():
            rows = (
                select(model.uuid)
                .join(Seizure, Seizure.uuid == model.seizure_id)
                .order_by(Seizure.owner_agency_id != agency_id, model.uuid)
                .limit(2)
            )
            ids[name] = [str(u) for u in s.execute(rows).scalars()]
    return {name: values for name, values in ids.items() if values}


def fuzz(
    app: Any,
    token: str,
    *,
    examples: int,
    ids: dict[str, list[str]] | None = None,
    skip: frozenset[str] = frozenset(),
    max_failures_per_operation: int = 3,
) -> FuzzReport:
    """Run every documented operation of ``app`` with ``examples`` cases per generation mode,
    and once more with positive cases on the real objects named in ``ids`` (DELETE takes the
    last id of a kind, everything else the first, so a deletion does not empty the rest)."""
    schema = schemathesis.openapi.from_asgi(OPENAPI_PATH, app)
    report = FuzzReport()
    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    web_log = logging.getLogger("kalibar.web")
    web_log.addHandler(_NET)
    try:
        _fuzz_all(schema, report, headers, examples, ids or {}, skip, max_failures_per_operation)
    finally:
        web_log.removeHandler(_NET)
    report.seconds = time.perf_counter() - started
    return report


def _fuzz_all(
    schema: Any,
    report: FuzzReport,
    headers: dict[str, str],
    examples: int,
    ids: dict[str, list[str]],
    skip: frozenset[str],
    max_failures_per_operation: int,
) -> None:
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in skip:
            continue
        report.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_operation(operation, mode, headers, examples, report, max_failures_per_operation)
        params = [p.name for p in operation.path_parameters]
        if ids and params and all(p in ids for p in params):
            pick = -1 if operation.method.upper() == "DELETE" else 0
            fixed = {p: ids[p][pick] for p in params}
            _fuzz_operation(
                operation,
                GenerationMode.POSITIVE,
                headers,
                examples,
                report,
                max_failures_per_operation,
                path_parameters=fixed,
            )


def _fuzz_operation(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    examples: int,
    report: FuzzReport,
    max_failures: int,
    path_parameters: dict[str, str] | None = None,
) -> None:
    seen: set[tuple[int, tuple[str, ...]]] = set()

    def record(status: int, titles: tuple[str, ...], request: str) -> None:
        if (status, titles) in seen or len(seen) >= max_failures:
            return
        seen.add((status, titles))
        label = f"{mode.value} on real ids" if path_parameters else mode.value
        report.failures.append(Failure(operation.label, label, status, list(titles), request))

    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(case: Any) -> None:
        report.cases += 1
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # noqa: BLE001 - the app raised through its 500 page
            report.statuses[500] += 1
            request = f"{case.method} {case.formatted_path} {case.query} {str(case.body)[:300]}"
            record(500, (f"{type(exc).__name__}: {str(exc)[:300]}",), request)
            return
        report.statuses[response.status_code] += 1
        for caught in _NET.drain():
            report.net[f"{operation.label}: {caught}"] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            titles = tuple(sorted({f.title for f in group.exceptions}))
            record(response.status_code, titles, _request_line(response))

    # An operation without parameters has no negative case: nothing to run.
    with contextlib.suppress(Unsatisfiable):
        run()
