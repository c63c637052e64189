"""Schemathesis over the whole API, a larger run than the one in ``make test``.

    .venv/bin/python bench/fuzz_api.py                   # 200 examples per operation and mode
    .venv/bin/python bench/fuzz_api.py --examples 25 --database postgresql+psycopg://...

Builds a fresh database (SQLite in a temporary folder unless ``--database`` names an
empty PostgreSQL database) with the migrations, catalogue, demo agencies and users, 300
records (their hits and traces) and 12 seizures, and calls every operation of
``/api/v1/openapi.json`` in process as the demo ``admin`` (bearer token): positive and
negative cases, then positive cases again on real object ids. Checks: not_a_server_error,
status_code_conformance, content_type_conformance, response_schema_conformance. Prints
each failure and the figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzz_support import fuzz, known_ids, populate  # noqa: E402

from kalibar.app import assemble
from kalibar.app.seed import upgrade_and_seed  # noqa: E402
from kalibar.app.web import create_app  # noqa: E402
from kalibar.auth import service as auth  # noqa: E402
from kalibar.db.session import make_engine, unit_of_work  # noqa: E402
from kalibar.demo.service import load_demo  # noqa: E402


def main() -> None:
    assemble()  # the ORM listeners and audit rules, as every entry point does
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=200)
    ap.add_argument("--user", default="admin")
    ap.add_argument("--database", default="")
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="kalibar-fuzz-"))
    os.environ["KALIBAR_DATA_DIR"] = str(data)
    engine = make_engine(args.database or f"sqlite:///{data / 'kalibar.sqlite3'}")
    upgrade_and_seed(engine)
    with unit_of_work(engine) as s:
        load_demo(s)
    populate(engine)
    with unit_of_work(engine) as s:
        raw, _token = auth.create_token(s, username=args.user)
    ids = known_ids(engine, args.user)
    report = fuzz(create_app(engine), raw, examples=args.examples, ids=ids)
    for failure in report.failures:
        print(failure)
    for where, n in report.net.most_common():
        print(f"safety net ({n}x): {where}")
    print(report.summary())
    sys.exit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
