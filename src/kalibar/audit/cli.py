"""``kalibar audit ...``"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from kalibar.audit.chain import Problem
from kalibar.audit.keys import AuditKeyError, current_key, key_file, parse_key, write_key_file
from kalibar.audit.seal import check_anchor, head_anchor, parse_anchor, rotate_key, seal_unsealed
from kalibar.audit.service import count_entries, verify_chain
from kalibar.cli_support import command_session, console, err_console, handle_errors
from kalibar.config import get_settings
from kalibar.i18n import _

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)

F = TypeVar("F", bound=Callable[..., Any])


def _key_errors(fn: F) -> F:
    """A missing, malformed or wrong audit key is a message and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AuditKeyError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from exc

    return wrapper  # type: ignore[return-value]


def _report(problems: list[Problem]) -> None:
    first = problems[0]
    err_console.print(
        "[red]"
        + _("audit chain broken at entry %(seq)d: %(why)s")
        % {"seq": first.seq, "why": first.message}
        + "[/red]"
    )
    for p in problems:
        err_console.print(
            "  "
            + _("entry %(seq)d: %(kind)s: %(why)s")
            % {"seq": p.seq, "kind": p.kind, "why": p.message}
        )


@app.command("verify")
@handle_errors
@_key_errors
def verify_cmd(
    head: Path = typer.Option(
        None, help="A head exported earlier by `kalibar audit head`: detects a cut tail."
    ),
) -> None:
    """Recompute the hash chain and check every seal; name every entry that was changed,
    removed or reordered, and a cut tail (against an anchored head, with --head)."""
    anchor = parse_anchor(head.read_text(encoding="utf-8"), str(head)) if head else None
    with command_session() as session:
        total = count_entries(session)
        problems = verify_chain(session)
        if anchor is not None:
            problems += check_anchor(session, anchor)
    if not problems:
        console.print(_("audit chain intact: %(n)d entries verified") % {"n": total})
        if anchor is not None:
            console.print(
                _("the anchored head (entry %(seq)d) is in the chain") % {"seq": anchor["seq"]}
            )
        return
    _report(problems)
    raise typer.Exit(1)


@app.command("head")
@handle_errors
@_key_errors
def head_cmd(
    out: Path = typer.Option(None, help="Write the head to this file instead of printing it."),
) -> None:
    """Print the chain's head (sequence, hash, seal) to keep elsewhere — a ticket, a
    partner, paper — so that `kalibar audit verify --head` can later prove nothing was cut."""
    with command_session() as session:
        doc = head_anchor(session)
    text = json.dumps(doc, indent=2)
    if out is None:
        typer.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    console.print(_("head of the audit chain (entry %(seq)d) written to %(path)s")
                  % {"seq": doc["seq"], "path": out})


@app.command("seal")
@handle_errors
@_key_errors
def seal_cmd(
    lost_key: bool = typer.Option(
        False,
        "--lost-key",
        help="The key that sealed the chain is lost: seal every entry again with the "
        "configured key (only if the hash chain verifies).",
    ),
) -> None:
    """Seal entries that carry no seal (written before the audit key existed); run by
    `kalibar db upgrade`. Refused when the hash chain does not verify."""
    with command_session() as session:
        report = seal_unsealed(session, lost_key=lost_key)
    console.print(
        _("audit chain sealed: %(n)d entries sealed with key %(key)s")
        % {"n": report.sealed, "key": report.key_id}
    )


@app.command("rotate-key")
@handle_errors
@_key_errors
def rotate_key_cmd(
    new_key_file: Path = typer.Option(
        None,
        help="Read the new key from this file (64 hex digits). Default: a new random key, "
        "which replaces the key file in the data folder.",
    ),
) -> None:
    """Seal the whole chain again with a new key, after it verifies with the current one."""
    generated = new_key_file is None
    if new_key_file is None:
        if get_settings().audit_key:
            err_console.print(
                "[red]error:[/red] "
                + _(
                    "The audit key comes from KALIBAR_AUDIT_KEY: give the new key with "
                    "--new-key-file, then set KALIBAR_AUDIT_KEY to it."
                )
            )
            raise typer.Exit(1)
        current = key_file()
        new_key_file = current.with_name(current.name + ".new")
        new_key_file.unlink(missing_ok=True)
        write_key_file(new_key_file)
    new_key = parse_key(new_key_file.read_text(encoding="ascii"), str(new_key_file))
    old_id = current_key().key_id
    with command_session() as session:
        report = rotate_key(session, new_key=new_key)
    if generated:
        current = key_file()
        current.rename(current.with_name(f"{current.name}.{old_id}.retired"))
        new_key_file.rename(current)
        console.print(
            _("the old key is kept as %(path)s until you have a backup of the new one")
            % {"path": current.with_name(f"{current.name}.{old_id}.retired")}
        )
    console.print(
        _("audit chain sealed again: %(n)d entries, key %(old)s replaced by %(new)s")
        % {"n": report.sealed, "old": old_id, "new": report.key_id}
    )
