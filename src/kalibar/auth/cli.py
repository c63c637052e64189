"""``kalibar users ...`` and ``kalibar tokens ...``"""

from __future__ import annotations

import typer
from rich.table import Table

from kalibar.auth import service
from kalibar.cli_support import command_session, console, handle_errors, read_secret
from kalibar.i18n import _

users = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
tokens = typer.Typer(help="Manage API bearer tokens.", no_args_is_help=True)


@users.command("create")
@handle_errors
def create(
    username: str = typer.Option(..., help="Login name."),
    agency: str = typer.Option(..., help="Agency code, e.g. BA-UIO."),
    role: list[str] = typer.Option(..., help="Role; repeat for several."),
    full_name: str = typer.Option("", help="Full name."),
    email: str = typer.Option("", help="E-mail address."),
    password_stdin: bool = typer.Option(False, help="Read the password from standard input."),
) -> None:
    """Create a user; the password is prompted for (or read from stdin)."""
    password = read_secret("Password", password_stdin)
    with command_session() as session:
        user = service.create_user(
            session,
            actor=None,
            username=username,
            password=password,
            agency_code=agency,
            roles=role,
            full_name=full_name,
            email=email,
        )
        console.print(
            _("created user %(user)s (%(agency)s, %(roles)s)")
            % {"user": user.username, "agency": agency, "roles": ", ".join(sorted(user.roles))}
        )


@users.command("list")
@handle_errors
def list_(agency: str = typer.Option(None, help="Only users of this agency.")) -> None:
    """List users with their agency, roles and state."""
    table = Table("username", "agency", "roles", "active", "2FA")
    with command_session() as session:
        for u in service.list_users(session, agency_code=agency):
            table.add_row(
                u.username,
                u.agency.code,
                ",".join(sorted(u.roles)),
                "yes" if u.active else "no",
                "yes" if u.totp_secret else "no",
            )
    console.print(table)


@users.command("set-password")
@handle_errors
def set_password(
    username: str = typer.Option(...),
    password_stdin: bool = typer.Option(False, help="Read the password from standard input."),
) -> None:
    """Set a user's password (ends the user's browser sessions and revokes their tokens)."""
    password = read_secret("New password", password_stdin)
    with command_session() as session:
        service.set_password(
            session, user=service.get_user(session, username=username), password=password
        )
    console.print(_("password of %(user)s changed") % {"user": username})


@tokens.command("create")
@handle_errors
def create_token(
    username: str = typer.Option(...),
    expires: int = typer.Option(
        None, help="Days until the token expires (default: KALIBAR_TOKEN_DEFAULT_DAYS, 90)."
    ),
    name: str = typer.Option("", help="What the token is for."),
) -> None:
    """Issue a bearer token. It is printed once and cannot be shown again."""
    with command_session() as session:
        raw, token = service.create_token(
            session, username=username, name=name, expires_days=expires
        )
        expiry = token.expires_at.isoformat() if token.expires_at else "-"
    console.print(
        _("token id %(id)s (prefix %(prefix)s), expires %(expiry)s")
        % {"id": token.uuid, "prefix": token.prefix, "expiry": expiry}
    )
    typer.echo(raw)


@tokens.command("list")
@handle_errors
def list_tokens(username: str = typer.Option(None)) -> None:
    """List tokens (never their secrets)."""
    table = Table("id", "prefix", "user", "name", "expires", "revoked", "last used")
    with command_session() as session:
        for t in service.list_tokens(session, username=username):
            table.add_row(
                str(t.uuid),
                t.prefix,
                t.user.username,
                t.name,
                t.expires_at.isoformat() if t.expires_at else "never",
                t.revoked_at.isoformat() if t.revoked_at else "",
                t.last_used_at.isoformat() if t.last_used_at else "",
            )
    console.print(table)


@tokens.command("revoke")
@handle_errors
def revoke(token: str = typer.Argument(..., help="Token id (UUID) or prefix.")) -> None:
    """Revoke a token at once."""
    with command_session() as session:
        t = service.revoke_token(session, prefix_or_uuid=token)
    console.print(_("token %(id)s revoked") % {"id": t.uuid})
