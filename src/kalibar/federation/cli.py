"""``kalibar federation …``: identity, peers, one sync pass, bundles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from kalibar.cli_support import command_session, console, err_console, handle_errors
from kalibar.cli_support import operator_actor as _operator
from kalibar.clock import moment
from kalibar.db.session import default_engine
from kalibar.federation import bundles, puller, service
from kalibar.federation.models import Direction
from kalibar.i18n import _

app = typer.Typer(help="Federation with other national instances.", no_args_is_help=True)
peers_app = typer.Typer(help="Peer instances and their agreements.", no_args_is_help=True)
app.add_typer(peers_app, name="peers")


def _print_identity(ident: service.Identity) -> None:
    console.print(f"{_('Instance')}: {ident.name} ({ident.country})")
    console.print(f"{_('Public key')}: {ident.public_key}")
    console.print(f"{_('Fingerprint')}: {ident.fingerprint}")
    console.print(f"{_('Read over the phone')}: {ident.spaced}")
    for k in ident.retired:
        console.print(f"{_('Retired key')}: {k.public_key}")


@app.command("init")
@handle_errors
def init(
    country: str = typer.Option(None, help="This instance's country (two letters)."),
    name: str = typer.Option(None, help="This instance's name."),
) -> None:
    """Create (or rename) this instance's identity and its key pair."""
    with command_session() as s:
        service.ensure_identity(s, country=country, name=name)
        ident = service.identity(s)
    _print_identity(ident)


@app.command("key")
@handle_errors
def key() -> None:
    """Print this instance's public key and fingerprint."""
    with command_session() as s:
        ident = service.identity(s)
    _print_identity(ident)


@app.command("rotate-key")
@handle_errors
def rotate_key() -> None:
    """A new key pair; the old public key is kept to verify what it signed."""
    with command_session() as s:
        ident = service.rotate_key(s, actor=_operator(s, None))
    _print_identity(ident)


def _terms(kinds: str, levels: str, nominal: bool) -> service.Terms:
    return service.Terms.parse(kinds, levels, nominal)


@peers_app.command("add")
@handle_errors
def peers_add(
    code: str = typer.Argument(..., help="The peer's code, e.g. RS."),
    country: str = typer.Option(..., help="The peer's country."),
    public_key: str = typer.Option(..., "--public-key", help="The peer's public key (hex)."),
    url: str = typer.Option("", help="Where the peer serves its feed."),
    name: str = typer.Option("", help="A name for people."),
    send: str = typer.Option("", help="Kinds we send, e.g. record,hit,seizure,watchlist."),
    send_levels: str = typer.Option("partners", help="Distribution levels we send."),
    send_nominal: bool = typer.Option(False, help="Send nominal data (persons, phones …)."),
    accept: str = typer.Option("", help="Kinds we accept."),
    accept_levels: str = typer.Option("partners", help="Distribution levels we accept."),
    accept_nominal: bool = typer.Option(False, help="Accept nominal data."),
) -> None:
    """Register a peer with its key and both directions of the agreement."""
    with command_session() as s:
        peer = service.add_peer(
            s,
            actor=_operator(s, None),
            code=code,
            country=country,
            url=url,
            public_key=public_key,
            name=name,
            outbound=_terms(send, send_levels, send_nominal),
            inbound=_terms(accept, accept_levels, accept_nominal),
        )
        console.print(_("Peer %(code)s registered.") % {"code": peer.code})


@peers_app.command("list")
@handle_errors
def peers_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """Peers with their last sync, lag, errors and counts."""
    with command_session() as s:
        peers = service.list_peers(s)
        rows: list[dict[str, Any]] = [
            {
                "code": p.code,
                "country": p.country,
                "url": p.url,
                "active": p.active,
                "cursor": p.cursor,
                "head": p.remote_head,
                "lag": max(0, p.remote_head - p.cursor),
                "received": p.received,
                "refused": p.refused,
                "last_sync": moment(p.last_sync_at) if p.last_sync_at else "",
                "error": p.last_error,
                "keys": [k.fingerprint for k in p.keys if k.revoked_at is None],
            }
            for p in peers
        ]
    if as_json:
        console.print_json(json.dumps(rows))
        return
    table = Table(
        _("Code"),
        _("Country"),
        _("URL"),
        _("Active"),
        _("Lag"),
        _("Received"),
        _("Refused"),
        _("Last sync"),
        _("Error"),
    )
    for r in rows:
        table.add_row(
            r["code"],
            r["country"],
            r["url"],
            str(r["active"]),
            str(r["lag"]),
            str(r["received"]),
            str(r["refused"]),
            r["last_sync"],
            r["error"],
        )
    console.print(table)


@peers_app.command("remove")
@handle_errors
def peers_remove(code: str) -> None:
    """Stop exchanging with a peer (agreements emptied, its keys revoked)."""
    with command_session() as s:
        service.remove_peer(s, actor=_operator(s, None), code=code)
    console.print(_("Peer %(code)s removed.") % {"code": code.upper()})


@peers_app.command("add-key")
@handle_errors
def peers_add_key(code: str, public_key: str = typer.Option(..., "--public-key")) -> None:
    """Register a peer's new key (after it rotated); its old key keeps verifying."""
    with command_session() as s:
        row = service.add_key(s, actor=_operator(s, None), code=code, public_key=public_key)
    console.print(row.fingerprint)


@peers_app.command("revoke-key")
@handle_errors
def peers_revoke_key(code: str, fingerprint: str) -> None:
    """Revoke a peer's key: nothing it signs is accepted any more."""
    with command_session() as s:
        service.revoke_key(s, actor=_operator(s, None), code=code, fingerprint=fingerprint)
    console.print(_("Key revoked."))


@peers_app.command("agreement")
@handle_errors
def peers_agreement(
    code: str,
    direction: Direction = typer.Option(..., help="outbound (we send) or inbound (we accept)."),
    kinds: str = typer.Option("", help="Kinds, comma-separated."),
    levels: str = typer.Option("partners", help="Distribution levels."),
    nominal: bool = typer.Option(False),
) -> None:
    """Set one direction of the agreement with a peer."""
    with command_session() as s:
        service.set_terms(
            s,
            actor=_operator(s, None),
            code=code,
            direction=direction,
            terms=_terms(kinds, levels, nominal),
        )
    console.print(_("Agreement saved."))


@app.command("sync")
@handle_errors
def sync(
    peer: str = typer.Option(None, help="Only this peer."),
    page_size: int = typer.Option(puller.PAGE_SIZE, help="Envelopes asked for per page."),
) -> None:
    """One pass: pull every active peer's feed up to its head (for cron or a timer)."""
    engine = default_engine()
    if peer:
        reports = [puller.pull(engine, peer.upper(), page_size=page_size)]
    else:
        reports = puller.sync_all(engine, page_size=page_size)
    failed = False
    for r in reports:
        console.print(
            _(
                "%(peer)s: %(applied)d applied, %(dup)d already here, %(refused)d refused, "
                "cursor %(cursor)d of %(head)d."
            )
            % {
                "peer": r.peer,
                "applied": r.applied,
                "dup": r.duplicates,
                "refused": r.refused,
                "cursor": r.cursor,
                "head": r.head,
            }
        )
        if r.error:
            failed = True
            err_console.print(f"[red]{r.peer}:[/red] {r.error}")
    if failed:
        raise typer.Exit(1)


@app.command("export")
@handle_errors
def export(
    peer: str = typer.Option(..., help="The peer the bundle is for."),
    out: Path = typer.Option(..., help="The bundle file to write."),
    after: int = typer.Option(None, help="Start after this seq (default: what it last read)."),
    limit: int = typer.Option(1_000_000, help="At most this many envelopes."),
) -> None:
    """Write a signed bundle of what ``peer`` may have, for an air-gapped network."""
    with command_session() as s:
        bundle = bundles.export_bundle(s, code=peer, after=after, limit=limit)
    bundles.write_bundle(bundle, out)
    console.print(
        _("%(n)d envelopes written to %(file)s (up to %(next)d).")
        % {"n": len(bundle["envelopes"]), "file": out, "next": bundle["next"]}
    )


@app.command("import")
@handle_errors
def import_(file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Verify and apply a bundle (importing it again changes nothing)."""
    bundle = bundles.read_bundle(file)
    with command_session() as s:
        code, res = bundles.import_bundle(s, bundle=bundle)
    console.print(
        _("%(peer)s: %(applied)d applied, %(dup)d already here, %(refused)d refused.")
        % {"peer": code, "applied": res.applied, "dup": res.duplicates, "refused": res.refused}
    )
    if res.stopped:
        err_console.print(f"[red]{res.stopped}[/red]")
        raise typer.Exit(1)
