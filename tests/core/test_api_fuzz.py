"""Schemathesis over ``/api/v1/openapi.json``: no server error, and what is documented is sent.

Every operation, positive and negative cases, then positive cases again on real demo
objects (records, hits, traces, seizures and their parts), called in process as the demo
``admin`` (bearer token; an admin reaches every operation). Deterministic (derandomised Hypothesis),
``KALIBAR_FUZZ_EXAMPLES`` cases per operation and mode (default 10); ``make fuzz`` runs
``bench/fuzz_api.py`` with 200. See ``tests/fuzz_support.py`` for the checks.
"""

from __future__ import annotations

import os

from fuzz_support import fuzz, known_ids, populate
from support import World

from kalibar.app.web import create_app
from kalibar.auth import service as auth
from kalibar.db.session import unit_of_work

EXAMPLES = int(os.environ.get("KALIBAR_FUZZ_EXAMPLES", "10"))


def test_every_operation_holds_under_schemathesis(world: World) -> None:
    populate(world.engine)
    with unit_of_work(world.engine) as s:
        token, _row = auth.create_token(s, username="admin")
    ids = known_ids(world.engine, "admin")
    assert {"record_id", "seizure_id", "trace_id", "item_id", "hit_id"} <= set(ids)
    report = fuzz(create_app(world.engine), token, examples=EXAMPLES, ids=ids)
    assert report.operations > 80
    assert report.cases >= report.operations * EXAMPLES
    assert report.statuses[200] > 0 and report.statuses[422] > 0  # it reached real work
    assert not report.failures, "\n".join(map(str, report.failures)) + "\n" + report.summary()
    # Every bad value stopped at the edge with its field named, none left to the safety net.
    assert not report.net, report.net
