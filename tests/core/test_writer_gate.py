"""The SQLite writer gate: free to take while nobody is due, handed to a waiter in turn once
it has waited its patience, and a writer out of time gives up without blocking the rest."""

from __future__ import annotations

import threading
import time

from kalibar.db.writer_gate import WriterGate


def _queued(gate: WriterGate, n: int) -> None:
    """Wait (a while at most) until ``n`` threads are queued at the gate."""
    for _ in range(2000):
        if gate.waiting() == n:
            return
        time.sleep(0.005)
    raise AssertionError(f"{gate.waiting()} queued, expected {n}")


def test_past_their_patience_waiters_get_the_lock_in_the_order_they_came() -> None:
    gate = WriterGate(patience=0.0)  # every waiter is due at once: strict order
    assert gate.acquire(timeout=1)
    order: list[int] = []

    def writer(n: int) -> None:
        assert gate.acquire(timeout=30)
        order.append(n)
        gate.release()

    threads = []
    for n in range(6):
        t = threading.Thread(target=writer, args=(n,))
        t.start()
        threads.append(t)
        _queued(gate, n + 1)  # queued one after another
    gate.release()
    for t in threads:
        t.join()
    assert order == list(range(6))
    assert gate.acquire(timeout=0)  # free again


def test_with_newcomers_passing_every_writer_still_gets_its_turns() -> None:
    gate = WriterGate(patience=3600.0)  # nobody is ever due: newcomers may always pass
    turns: list[int] = []

    def writer(n: int) -> None:
        for _ in range(50):
            assert gate.acquire(timeout=30)
            turns.append(n)
            gate.release()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(turns) == sorted(list(range(8)) * 50)
    assert gate.waiting() == 0 and gate.acquire(timeout=0)


def test_a_writer_out_of_time_gives_up_and_the_next_one_still_gets_its_turn() -> None:
    gate = WriterGate(patience=0.0)
    assert gate.acquire(timeout=1)
    assert gate.acquire(timeout=0.05) is False  # held: no turn within the time
    assert gate.waiting() == 0
    results: list[bool] = []
    patient = threading.Thread(target=lambda: results.append(gate.acquire(timeout=30)))
    patient.start()
    _queued(gate, 1)
    gate.release()
    patient.join()
    assert results == [True]
