"""Schemathesis over the link chart's operations only (the whole API is fuzzed by
``tests/core/test_api_fuzz.py``): no server error, every bad value stopped at the edge."""

from __future__ import annotations

import schemathesis
from fuzz_support import fuzz
from support import World

from kalibar.app.web import create_app
from kalibar.auth import service as auth
from kalibar.db.session import unit_of_work


def test_links_operations_hold_under_schemathesis(world: World) -> None:
    with unit_of_work(world.engine) as s:
        token, _row = auth.create_token(s, username="officer")
    app = create_app(world.engine)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    others = frozenset(
        op.ok().label for op in schema.get_all_operations() if " /api/v1/links" not in op.ok().label
    )
    report = fuzz(app, token, examples=10, skip=others)
    assert report.operations == 9
    assert not report.failures, "\n".join(map(str, report.failures)) + "\n" + report.summary()
    assert not report.net, report.net
