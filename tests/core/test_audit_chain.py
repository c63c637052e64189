"""The audit trail: written by the ORM hook, hash-chained, tampering named by verify."""

from __future__ import annotations

import json

from sqlalchemy import select, text
from support import World
from typer.testing import CliRunner

from kalibar.agencies import service as agencies
from kalibar.agencies.models import Agency
from kalibar.app.cli import app as cli_app
from kalibar.audit.models import AuditEntry
from kalibar.audit.service import verify_chain
from kalibar.auth import service as auth
from kalibar.db.session import unit_of_work


def _admin(world: World):  # type: ignore[no-untyped-def]
    with world.session() as s:
        return auth.actor_for(s, auth.get_user(s, username="admin"))


def _make_changes(world: World) -> None:
    actor = _admin(world)
    with unit_of_work(world.engine, actor=actor, request_id="req-1") as s:
        agencies.create_agency(
            s, actor=actor, code="BA-TEST", name="Test", country="BA", kind="police"
        )
    with unit_of_work(world.engine, actor=actor, request_id="req-2") as s:
        agencies.update_agency(s, actor=actor, code="BA-TEST", name="Renamed", active=False)


def test_every_change_is_recorded_with_actor_fields_and_request(world: World) -> None:
    _make_changes(world)
    with world.session() as s:
        rows = (
            s.execute(
                select(AuditEntry)
                .where(AuditEntry.object_type == "Agency")
                .order_by(AuditEntry.seq)
            )
            .scalars()
            .all()
        )
        test_rows = [r for r in rows if r.request_id in ("req-1", "req-2")]
    assert [r.action for r in test_rows] == ["insert", "update"]
    insert, update = test_rows
    assert insert.actor == "admin" and insert.agency == "BA-UIO"
    assert json.loads(insert.changes)["code"] == "BA-TEST"
    assert json.loads(update.changes) == {"name": ["Test", "Renamed"], "active": [True, False]}


def test_passwords_never_reach_the_audit_trail(world: World) -> None:
    with world.session() as s:
        rows = s.execute(select(AuditEntry.changes).where(AuditEntry.object_type == "User"))
        blobs = [r for (r,) in rows]
    assert blobs and all("argon2" not in b for b in blobs)
    assert any('"password_hash":"[redacted]"' in b for b in blobs)


def test_intact_chain_verifies(world: World) -> None:
    _make_changes(world)
    with world.session() as s:
        assert verify_chain(s) == []


def _seqs(world: World) -> list[int]:
    with world.session() as s:
        return list(s.execute(select(AuditEntry.seq).order_by(AuditEntry.seq)).scalars())


def _run_verify(world: World, monkeypatch) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("kalibar.cli_support.default_engine", lambda: world.engine)
    result = CliRunner().invoke(cli_app, ["audit", "verify"])
    return result.exit_code, result.output


def test_verify_names_an_edited_entry(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _make_changes(world)
    target = _seqs(world)[5]
    with world.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_entries SET actor = 'nobody' WHERE seq = :s"), {"s": target}
        )
    code, output = _run_verify(world, monkeypatch)
    assert code == 1
    assert f"entry {target}" in output and "changed" in output


def test_verify_names_a_removed_entry(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _make_changes(world)
    target = _seqs(world)[7]
    with world.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq = :s"), {"s": target})
    code, output = _run_verify(world, monkeypatch)
    assert code == 1
    assert "removed" in output and f"entries {target} are missing" in output


def test_verify_names_reordered_entries(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _make_changes(world)
    a, b = _seqs(world)[3], _seqs(world)[4]
    with world.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET seq = -1 WHERE seq = :a"), {"a": a})
        conn.execute(text("UPDATE audit_entries SET seq = :a WHERE seq = :b"), {"a": a, "b": b})
        conn.execute(text("UPDATE audit_entries SET seq = :b WHERE seq = -1"), {"b": b})
    code, output = _run_verify(world, monkeypatch)
    assert code == 1
    assert "reordered" in output and f"entry {a}" in output


def test_verify_names_a_truncated_tail(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _make_changes(world)
    last = _seqs(world)[-1]
    with world.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq = :s"), {"s": last})
    code, output = _run_verify(world, monkeypatch)
    assert code == 1
    assert "truncated" in output


def test_a_rolled_back_change_leaves_no_entry(world: World) -> None:
    actor = _admin(world)
    before = _seqs(world)
    try:
        with unit_of_work(world.engine, actor=actor) as s:
            agencies.create_agency(
                s, actor=actor, code="BA-GONE", name="x", country="BA", kind="police"
            )
            raise RuntimeError("abort")
    except RuntimeError:
        pass
    assert _seqs(world) == before
    with world.session() as s:
        assert verify_chain(s) == []


def test_concurrent_writers_queue_on_the_chain_head(world: World) -> None:
    """Two threads appending at once: every entry lands, the chain stays whole."""
    import threading

    from kalibar.audit.service import log_event

    actor = _admin(world)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(15):
                with unit_of_work(world.engine, actor=actor) as s:
                    # read first, as a page does, then append
                    s.execute(select(AuditEntry.seq).limit(1)).all()
                    log_event(s, actor=actor, action="read", object_type="T", object_id=f"{n}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with world.session() as s:
        ids = set(
            s.execute(select(AuditEntry.object_id).where(AuditEntry.object_type == "T")).scalars()
        )
        assert len(ids) == 30
        assert list(verify_chain(s)) == []


def test_a_savepoint_before_any_write_does_not_commit_on_its_own(world: World) -> None:
    """SQLite: a SAVEPOINT opened first must stay inside the outer transaction."""
    actor = _admin(world)
    try:
        with unit_of_work(world.engine, actor=actor) as s:
            with s.begin_nested():
                agencies.create_agency(
                    s, actor=actor, code="BA-SAVE", name="Savepoint", country="BA", kind="police"
                )
            raise RuntimeError("roll the outer transaction back")
    except RuntimeError:
        pass
    with world.session() as s:
        assert s.execute(select(Agency).where(Agency.code == "BA-SAVE")).first() is None
