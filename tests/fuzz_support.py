"""Schemathesis over the API's own OpenAPI document, in process (ASGI), deterministic.

Shared by ``tests/core/test_api_fuzz.py`` (a few examples per operation, in ``make test``)
and ``bench/fuzz_api.py`` (a larger run). Every operation gets positive cases (data that
fits the documented schema) and negative ones (data that does not); each response must be
no server error, carry a documented status code and content type, and match the documented
schema. Failures are collected, not raised at the first one, so one run lists them all.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

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

    def summary(self) -> str:
        failing = len({f.operation for f in self.failures})
        return (
            f"{self.operations} operations, {self.cases} cases, {len(self.failures)} failures "
            f"in {failing} operations, {self.seconds:.0f} s; "
            f"statuses {dict(sorted(self.statuses.items()))}"
        )


def _request_line(response: Any) -> str:
    body = getattr(response.request, "body", b"") or b""
    if isinstance(body, bytes):
        body = body[:300].decode("utf-8", "replace")
    return f"{response.request.method} {response.request.url} {body!s}"


def fuzz(
    app: Any,
    token: str,
    *,
    examples: int,
    skip: frozenset[str] = frozenset(),
    max_failures_per_operation: int = 3,
) -> FuzzReport:
    """Run every documented operation of ``app`` with ``examples`` cases per generation mode."""
    schema = schemathesis.openapi.from_asgi(OPENAPI_PATH, app)
    report = FuzzReport()
    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in skip:
            continue
        report.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_operation(operation, mode, headers, examples, report, max_failures_per_operation)
    report.seconds = time.perf_counter() - started
    return report


def _fuzz_operation(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    examples: int,
    report: FuzzReport,
    max_failures: int,
) -> None:
    seen: set[tuple[int, tuple[str, ...]]] = set()

    def record(status: int, titles: tuple[str, ...], request: str) -> None:
        if (status, titles) in seen or len(seen) >= max_failures:
            return
        seen.add((status, titles))
        report.failures.append(Failure(operation.label, mode.value, status, list(titles), request))

    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
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
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            titles = tuple(sorted({f.title for f in group.exceptions}))
            record(response.status_code, titles, _request_line(response))

    # An operation without parameters has no negative case: nothing to run.
    with contextlib.suppress(Unsatisfiable):
        run()
