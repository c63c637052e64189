"""The keyed audit chain: rewrites with a recomputed chain, a cut tail under a rewritten head,
and a cut tail under a restored old head are all named; the key stays out of the database."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from support import World
from typer.testing import CliRunner

from kalibar.agencies import service as agencies
from kalibar.app.cli import app as cli_app
from kalibar.audit.chain import entry_hash
from kalibar.audit.keys import AuditKeyError, current_key
from kalibar.audit.models import AuditEntry, AuditHead
from kalibar.audit.service import log_event, verify_chain
from kalibar.auth import service as auth
from kalibar.config import get_settings
from kalibar.db.session import new_session, unit_of_work


def _admin(world: World):  # type: ignore[no-untyped-def]
    with world.session() as s:
        return auth.actor_for(s, auth.get_user(s, username="admin"))


def _make_changes(world: World, code: str = "BA-TEST") -> None:
    actor = _admin(world)
    with unit_of_work(world.engine, actor=actor) as s:
        agencies.create_agency(s, actor=actor, code=code, name="Test", country="BA", kind="police")
    with unit_of_work(world.engine, actor=actor) as s:
        agencies.update_agency(s, actor=actor, code=code, name="Renamed")


def _cli(world: World, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.setattr("kalibar.cli_support.default_engine", lambda: world.engine)
    result = CliRunner().invoke(cli_app, list(args))
    return result.exit_code, result.output


def _rehash_from(engine: Engine, first: int) -> None:
    """What an intruder with database access does: recompute every hash from ``first`` on
    and the head, exactly as the chain computes them (but without the key)."""
    with new_session(engine) as s:
        s.info["audit_disabled"] = True
        prev = s.execute(select(AuditEntry.hash).where(AuditEntry.seq == first - 1)).scalar()
        for e in s.execute(
            select(AuditEntry).where(AuditEntry.seq >= first).order_by(AuditEntry.seq)
        ).scalars():
            e.prev_hash = prev or "0" * 64
            e.hash = entry_hash(
                e.prev_hash, e.at, e.actor, e.agency, e.action, e.object_type, e.object_id,
                e.changes, e.request_id,
            )
            prev = e.hash
        head = s.get(AuditHead, 1)
        assert head is not None
        last = s.execute(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).scalar_one()
        head.seq, head.hash = last.seq, last.hash
        s.commit()


def _seqs(world: World) -> list[int]:
    with world.session() as s:
        return list(s.execute(select(AuditEntry.seq).order_by(AuditEntry.seq)).scalars())


def test_a_rewritten_entry_with_a_recomputed_chain_is_named(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make_changes(world)
    target = _seqs(world)[5]
    with world.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_entries SET actor = 'nobody' WHERE seq = :s"), {"s": target}
        )
    _rehash_from(world.engine, target)
    with world.session() as s:
        problems = verify_chain(s)
    assert problems and problems[0].seq == target and problems[0].kind == "changed"
    assert {p.kind for p in problems} == {"changed", "truncated"}  # the head's seal too
    code, output = _cli(world, monkeypatch, "audit", "verify")
    assert code == 1 and f"broken at entry {target}" in output and "valid seal" in output


def test_a_cut_tail_under_a_rewritten_head_is_named(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make_changes(world)
    keep = _seqs(world)[-4]
    with world.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq > :s"), {"s": keep})
        last_hash = conn.execute(
            text("SELECT hash FROM audit_entries WHERE seq = :s"), {"s": keep}
        ).scalar()
        conn.execute(
            text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": keep, "h": last_hash}
        )
    code, output = _cli(world, monkeypatch, "audit", "verify")
    assert code == 1 and "truncated" in output and "head" in output


def test_an_anchored_head_catches_a_cut_tail_under_an_old_head(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The head row restored from an old backup is validly sealed; only the anchor kept
    elsewhere shows that entries were cut."""
    with world.session() as s:
        old = s.get(AuditHead, 1)
        assert old is not None
        old_row = {"seq": old.seq, "hash": old.hash, "mac": old.mac}
    _make_changes(world)
    anchor = tmp_path / "head.json"
    code, output = _cli(world, monkeypatch, "audit", "head", "--out", str(anchor))
    assert code == 0, output
    doc = json.loads(anchor.read_text())
    assert doc["seq"] == _seqs(world)[-1] and len(doc["mac"]) == 64
    code, output = _cli(world, monkeypatch, "audit", "verify", "--head", str(anchor))
    assert code == 0 and "anchored head" in output, output
    with world.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq > :s"), {"s": old_row["seq"]})
        conn.execute(text("UPDATE audit_head SET seq = :seq, hash = :hash, mac = :mac"), old_row)
    assert _cli(world, monkeypatch, "audit", "verify")[0] == 0  # undetectable without it
    code, output = _cli(world, monkeypatch, "audit", "verify", "--head", str(anchor))
    assert code == 1 and "truncated" in output and f"names entry {doc['seq']}" in output


def test_a_changed_anchor_file_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _make_changes(world)
    anchor = tmp_path / "head.json"
    _cli(world, monkeypatch, "audit", "head", "--out", str(anchor))
    doc = json.loads(anchor.read_text())
    doc["seq"] -= 3
    anchor.write_text(json.dumps(doc))
    code, output = _cli(world, monkeypatch, "audit", "verify", "--head", str(anchor))
    assert code == 1 and "seal does not verify" in output
    anchor.write_text('{"format": "kalibar.audit-head", "seq": "x"}')
    code, output = _cli(world, monkeypatch, "audit", "verify", "--head", str(anchor))
    assert code == 1 and "seq" in output and "wrong type" in output


def test_the_key_is_not_in_the_database(world: World) -> None:
    _make_changes(world)
    secret = current_key().secret.hex()
    with world.session() as s:
        head = s.get(AuditHead, 1)
        assert head is not None and head.key_id == current_key().key_id
        assert secret not in json.dumps([head.seq, head.hash, head.mac, head.key_id])
        rows = s.execute(select(AuditEntry.changes, AuditEntry.mac)).all()
    assert all(secret not in f"{c}{m}" for c, m in rows)
    assert all(m is not None for _c, m in rows)


def test_another_key_is_named_and_refused_for_writing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make_changes(world)
    monkeypatch.setenv("KALIBAR_AUDIT_KEY", "ab" * 32)
    get_settings.cache_clear()
    try:
        with world.session() as s:
            problems = verify_chain(s)
        assert [p.kind for p in problems] == ["key"]
        with pytest.raises(AuditKeyError, match="not the key"), unit_of_work(world.engine) as s:
            log_event(s, actor=None, action="read", object_type="T", object_id="x")
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    with world.session() as s:
        assert verify_chain(s) == []


def _unseal(engine: Engine) -> None:
    """The state right after migration 0013: entries and head without seals."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET mac = NULL"))
        conn.execute(text("UPDATE audit_head SET mac = NULL, key_id = NULL"))


def test_an_unsealed_chain_is_named_and_then_sealed_after_it_verifies(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make_changes(world)
    _unseal(world.engine)
    with world.session() as s:
        kinds = {p.kind for p in verify_chain(s)}
    assert kinds == {"unsealed", "truncated"}
    code, output = _cli(world, monkeypatch, "audit", "seal")
    assert code == 0 and "entries sealed" in output, output
    with world.session() as s:
        assert verify_chain(s) == []
        sealed = s.execute(
            select(AuditEntry).where(AuditEntry.action == "audit_sealed")
        ).scalar_one()
        assert json.loads(sealed.changes)["entries"] > 0


def test_a_broken_unsealed_chain_is_not_sealed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make_changes(world)
    _unseal(world.engine)
    target = _seqs(world)[3]
    with world.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_entries SET actor = 'nobody' WHERE seq = :s"), {"s": target}
        )
    code, output = _cli(world, monkeypatch, "audit", "seal")
    assert code == 1 and "nothing was sealed" in output and f"entry {target}" in output
    with world.session() as s:
        assert s.execute(select(AuditEntry.seq).where(AuditEntry.mac.is_not(None))).first() is None


def test_a_lost_key_reseals_a_chain_whose_hashes_verify(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make_changes(world)
    monkeypatch.setenv("KALIBAR_AUDIT_KEY", "cd" * 32)
    get_settings.cache_clear()
    try:
        assert _cli(world, monkeypatch, "audit", "seal")[0] == 1  # not without saying so
        code, output = _cli(world, monkeypatch, "audit", "seal", "--lost-key")
        assert code == 0, output
        with world.session() as s:
            assert verify_chain(s) == []
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_first_upgrade_makes_a_private_key_file_and_rotation_replaces_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh installation without KALIBAR_AUDIT_KEY: the key file, its mode, a rotation."""
    monkeypatch.delenv("KALIBAR_AUDIT_KEY")
    monkeypatch.delenv("KALIBAR_DATABASE_URL", raising=False)
    monkeypatch.setenv("KALIBAR_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        result = runner.invoke(cli_app, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        key_path = tmp_path / "audit.key"
        assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
        secret = key_path.read_text().strip()
        assert len(secret) == 64
        assert secret.encode() not in (tmp_path / "kalibar.sqlite3").read_bytes()
        first_id = current_key().key_id
        result = runner.invoke(cli_app, ["audit", "head", "--out", str(tmp_path / "h.json")])
        assert result.exit_code == 0, result.output
        result = runner.invoke(cli_app, ["audit", "rotate-key"])
        assert result.exit_code == 0, result.output
        assert key_path.read_text().strip() != secret
        assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
        assert (tmp_path / f"audit.key.{first_id}.retired").read_text().strip() == secret
        result = runner.invoke(cli_app, ["audit", "verify", "--head", str(tmp_path / "h.json")])
        assert result.exit_code == 0 and "anchored head" in result.output, result.output
    finally:
        get_settings.cache_clear()


def test_upgrading_a_database_from_before_keys(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Back to revision 0012 (no seals, tokens without expiry), then `kalibar db upgrade`:
    the old entries are sealed once their hashes verify, and old tokens get an expiry."""
    from alembic import command

    from kalibar.db.migrate import alembic_config, current

    _make_changes(world)
    with unit_of_work(world.engine) as s:
        raw, token = auth.create_token(s, username="officer")
        token_id = token.id
    cfg = alembic_config(world.engine.url.render_as_string(hide_password=False))
    with world.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012")
    assert current(world.engine) == "0012"
    with world.engine.begin() as conn:
        conn.execute(text("UPDATE api_tokens SET expires_at = NULL"))
    monkeypatch.setattr("kalibar.app.db_cli.default_engine", lambda: world.engine)
    result = CliRunner().invoke(cli_app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "entries sealed" in result.output
    with world.session() as s:
        assert verify_chain(s) == []
        token = s.get(auth.ApiToken, token_id)
        assert token is not None and token.expires_at is not None
        assert s.execute(select(AuditEntry.seq).where(AuditEntry.mac.is_(None))).first() is None
