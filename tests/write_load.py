"""Concurrent writers against a real ``kalibar serve``: the driver the test and the bench share.

- :func:`prepare` migrates and seeds a database and loads the demo world, and
  :func:`add_writers` gives one agency ``users`` extra officers, each with a bearer token;
- :func:`serve` starts ``kalibar serve`` on a free loopback port against that database and
  stops it afterwards (its data folder must be the caller's: the audit key lives there);
- :func:`run` lets ``clients`` threads (``clients_per_user`` per token) create firearm records
  and seizures (each with a firearm item, so a seizure also numbers a record) for ``seconds``
  and counts every answer; every acknowledged write is kept;
- :func:`unacknowledged` reads each acknowledged write back through the API by id and
  returns those missing or different; :func:`duplicate_references` asks the database.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, func, select

from kalibar.app.seed import upgrade_and_seed
from kalibar.auth import service as auth
from kalibar.db.session import unit_of_work
from kalibar.demo.service import load_demo
from kalibar.records.models import FirearmRecord
from kalibar.seizures.models import Seizure

AGENCY = "BA-UIO"
STARTUP_SECONDS = 60.0
#: Long enough for a writer that waits behind 20 others; short enough to notice a hang.
REQUEST_TIMEOUT = 120.0


@dataclass(frozen=True)
class Write:
    kind: str  # "record" or "seizure"
    id: str
    reference: str


@dataclass
class Outcome:
    """What the clients saw: answers by status, connection errors, acknowledged writes."""

    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)  # first bodies of unexpected answers
    writes: list[Write] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # seconds, answered requests

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    @property
    def attempts(self) -> int:
        return sum(self.statuses.values()) + sum(self.errors.values())

    def summary(self) -> str:
        rate = len(self.writes) / self.seconds if self.seconds else 0.0
        return (
            f"{self.attempts} writes in {self.seconds:.1f} s, {len(self.writes)} acknowledged "
            f"({rate:.1f}/s); answers {dict(sorted(self.statuses.items()))}; "
            f"connection errors {dict(self.errors)}"
        )


def prepare(engine: Engine, *, users: int) -> list[str]:
    """Schema, demo world and :func:`add_writers` on an empty database."""
    upgrade_and_seed(engine)
    with unit_of_work(engine) as s:
        load_demo(s)
    return add_writers(engine, users=users)


def add_writers(engine: Engine, *, users: int) -> list[str]:
    """``users`` new officers of :data:`AGENCY`: their bearer tokens."""
    tokens = []
    with unit_of_work(engine) as s:
        for n in range(users):
            username = f"load.writer{n + 1}"
            auth.create_user(
                s,
                actor=None,
                username=username,
                password=secrets.token_urlsafe(18),
                agency_code=AGENCY,
                roles=["officer"],
            )
            tokens.append(auth.create_token(s, username=username, name="load")[0])
    return tokens


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _kalibar_command() -> list[str]:
    script = shutil.which("kalibar", path=str(Path(sys.executable).parent))
    if script:
        return [script]
    return [sys.executable, "-c", "from kalibar.app.cli import main; main()"]


def tail(path: Path, lines: int = 60) -> str:
    """The last lines of the server's log, for a failure message."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:])


@contextmanager
def serve(
    database_url: str, data_dir: Path, log_path: Path, *, extra_args: tuple[str, ...] = ()
) -> Iterator[str]:
    """``kalibar serve`` on 127.0.0.1 and a free port (output to ``log_path``): its URL."""
    port = _free_port()
    env = dict(os.environ)
    env["KALIBAR_DATABASE_URL"] = database_url
    env["KALIBAR_DATA_DIR"] = str(data_dir)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(  # noqa: S603 (fixed argv)
            [*_kalibar_command(), "serve", "--host", "127.0.0.1", "--port", str(port),
             *extra_args],  # fmt: skip
            cwd=data_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(proc, base_url, log_path)
            yield base_url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_healthy(proc: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            if httpx.get(base_url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"kalibar serve exited with {proc.returncode}:\n{tail(log_path)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"kalibar serve not healthy in time:\n{tail(log_path)}")
        time.sleep(0.2)


def record_body(n: int) -> dict[str, Any]:
    return {
        "status": "seized",
        "make": "Zastava",
        "model": "M70",
        "calibre": "7.62x39",
        "serial_number": f"LD{n:07d}",
        "allow_duplicate": True,
    }


def seizure_body(n: int) -> dict[str, Any]:
    firearm = {k: v for k, v in record_body(n).items() if k not in {"status", "allow_duplicate"}}
    return {
        "occurred_at": "2026-03-02T08:30:00+01:00",
        "context": "border_check",
        "place_code": "BA-GRADISKA",
        "narrative": "Load test.",
        "items": [{"kind": "firearm", "firearm": firearm}],
    }


class _Counter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._n = 0

    def next(self) -> int:
        with self._lock:
            self._n += 1
            return self._n


def _one_client(
    base_url: str, token: str, stop_at: float, numbers: _Counter, out: Outcome, lock: threading.Lock
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT) as client:
        while time.monotonic() < stop_at:
            n = numbers.next()
            kind = "seizure" if n % 2 else "record"
            path, body = (
                ("/api/v1/seizures", seizure_body(n))
                if kind == "seizure"
                else ("/api/v1/records", record_body(n))
            )
            sent = time.perf_counter()
            try:
                r = client.post(path, json=body)
            except httpx.HTTPError as exc:
                with lock:
                    out.errors[type(exc).__name__] += 1
                    if len(out.samples) < 5:
                        out.samples.append(f"{kind}: {exc!r}")
                continue
            took = time.perf_counter() - sent
            with lock:
                out.latencies.append(took)
                out.statuses[r.status_code] += 1
                if r.status_code == 201:
                    data = r.json()
                    ident = data["seizure_id"] if kind == "seizure" else data["record_id"]
                    out.writes.append(Write(kind, ident, data["reference"]))
                elif len(out.samples) < 5:
                    out.samples.append(f"{kind} {r.status_code}: {r.text[:300]}")


def run(base_url: str, tokens: list[str], *, clients_per_user: int, seconds: float) -> Outcome:
    """``clients_per_user`` threads per token writing for ``seconds``; what they saw."""
    out, lock, numbers = Outcome(), threading.Lock(), _Counter()
    started = time.monotonic()
    stop_at = started + seconds
    threads = [
        threading.Thread(target=_one_client, args=(base_url, t, stop_at, numbers, out, lock))
        for t in tokens
        for _ in range(clients_per_user)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.seconds = time.monotonic() - started
    return out


def unacknowledged(base_url: str, token: str, writes: list[Write]) -> list[str]:
    """Each acknowledged write read back by id: those missing or with another reference."""
    missing = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT) as client:
        for w in writes:
            path = f"/api/v1/{'seizures' if w.kind == 'seizure' else 'records'}/{w.id}"
            r = client.get(path)
            if r.status_code != 200 or r.json().get("reference") != w.reference:
                missing.append(f"{w.kind} {w.id} {w.reference}: {r.status_code}")
    return missing


def duplicate_references(engine: Engine) -> list[str]:
    """References held by more than one record or seizure (none may be)."""
    found = []
    with engine.connect() as conn:
        for table in (FirearmRecord, Seizure):
            stmt = (
                select(table.reference)
                .group_by(table.reference)
                .having(func.count() > 1)
                .limit(20)
            )
            found += [str(ref) for ref in conn.execute(stmt).scalars()]
    return found


def audit_sequence_problems(engine: Engine) -> list[str]:
    """The audit chain numbered 1..N, once each, with the head at N (empty when it holds)."""
    from kalibar.audit.models import AuditEntry, AuditHead

    with engine.connect() as conn:
        count, top, distinct = conn.execute(
            select(func.count(), func.max(AuditEntry.seq), func.count(AuditEntry.seq.distinct()))
        ).one()
        head = conn.execute(select(AuditHead.seq)).scalar()
    problems = []
    if not (count == top == distinct):
        problems.append(f"{count} entries, {distinct} distinct numbers, highest {top}")
    if head != top:
        problems.append(f"head at {head}, last entry {top}")
    return problems
