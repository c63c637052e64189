"""SQLite writers of one process take the write lock in turn, none passed over for long.

SQLite's busy handler polls: a writer waiting for the lock sleeps up to 100 ms between
tries, and one that arrives just as the lock frees takes it first. Under sustained load a
few writers wait many times longer than the rest (measured through ``kalibar serve``, 20
clients: p50 0.1 s, p99 14 s, max 19.6 s of a 20 s run) and could reach the busy timeout
while others pass. The gate queues this process's writers in front of ``BEGIN IMMEDIATE``
and gives the turn on when the transaction ends (:class:`WriterGate`). Writers of other
processes (``--workers``, a command run beside the server) still meet SQLite's own wait.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import TimeoutError as PoolTimeout

#: Key in a connection's ``info`` while it holds its engine's gate.
_HELD = "kalibar_writer_gate"


class WriteLockTimeout(PoolTimeout):
    """The gate did not open within the busy timeout (answered 503, like a pool timeout)."""


#: How long a writer may be passed by newcomers before the lock is handed to it directly.
PATIENCE_SECONDS = 1.0


@dataclass(eq=False)
class _Waiter:
    since: float
    wake: threading.Event = field(default_factory=threading.Event)
    granted: bool = False


class WriterGate:
    """A lock that newcomers may take while it is free, until a waiter has waited longer
    than ``patience``: from then on it is handed to the longest waiter directly.

    Handing every turn over in strict order costs throughput under the GIL (the woken
    thread must be scheduled while the lock sits idle); letting newcomers pass without a
    bound starves a few writers (measured: one write waited 19.6 s of a 20 s run). Between
    the two, every writer has its turn within about ``patience`` plus the writers ahead.
    """

    def __init__(self, patience: float = PATIENCE_SECONDS) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: deque[_Waiter] = deque()
        self._patience = patience

    def waiting(self) -> int:
        with self._mutex:
            return len(self._waiters)

    def _first_is_due(self, now: float) -> bool:
        return bool(self._waiters) and now - self._waiters[0].since >= self._patience

    def acquire(self, timeout: float) -> bool:
        now = time.monotonic()
        deadline = now + timeout
        with self._mutex:
            if not self._held and not self._first_is_due(now):
                self._held = True
                return True
            me = _Waiter(since=now)
            self._waiters.append(me)
        while True:
            woke = me.wake.wait(max(0.0, deadline - time.monotonic()))
            with self._mutex:
                if me.granted:
                    return True
                if woke and not self._held:
                    self._waiters.remove(me)
                    self._held = True
                    return True
                if not woke:  # out of time
                    self._waiters.remove(me)
                    if not self._held and self._waiters:
                        self._waiters[0].wake.set()  # the gate is free: let the next try
                    return False
                me.wake.clear()  # a newcomer was quicker; wait for the next release

    def release(self) -> None:
        """Hand the lock to the longest waiter if it is due, else open it and wake that
        waiter to try (a newcomer may still be quicker)."""
        with self._mutex:
            if self._first_is_due(time.monotonic()):
                first = self._waiters.popleft()
                first.granted = True
                first.wake.set()
                return
            self._held = False
            if self._waiters:
                self._waiters[0].wake.set()


_GATES: weakref.WeakKeyDictionary[Engine, tuple[WriterGate, float]] = (
    weakref.WeakKeyDictionary()
)


def install(engine: Engine, timeout: float) -> WriterGate:
    """Give ``engine`` a gate; its turn ends at commit, rollback or check-in."""
    gate = WriterGate()
    _GATES[engine] = (gate, timeout)

    def end(conn: Connection) -> None:
        release(conn.info)

    def checked_in(_dbapi: Any, record: Any) -> None:
        release(record.info)

    event.listen(engine, "commit", end)
    event.listen(engine, "rollback", end)
    event.listen(engine, "checkin", checked_in)
    event.listen(engine, "invalidate", lambda _dbapi, record, _exc: release(record.info))
    return gate


def release(info: dict[Any, Any]) -> None:
    gate = info.pop(_HELD, None)
    if gate is not None:
        gate.release()


def enter(connection: Connection) -> None:
    """Wait for this connection's turn (no-op without a gate or when it has it already)."""
    found = _GATES.get(connection.engine)
    if found is None or _HELD in connection.info:
        return
    gate, timeout = found
    if not gate.acquire(timeout):
        raise WriteLockTimeout(f"no turn for the write lock within {timeout:g} s")
    connection.info[_HELD] = gate


def leave(connection: Connection) -> None:
    """Give the turn back early (``BEGIN IMMEDIATE`` failed: no transaction will end it)."""
    release(connection.info)
