"""``kalibar sharing partnerships add|list|remove`` and
``kalibar sharing groups add|list|members add|remove``.

The console operator acts as an administrator of every country (as for imports); give
``--agency`` to act as that agency's administrator instead (its rules then apply)."""

from __future__ import annotations

import uuid

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.cli_support import command_session, console, handle_errors, operator_actor
from kalibar.errors import NotFound
from kalibar.i18n import _
from kalibar.sharing import manage

app = typer.Typer(help="Partnerships between countries and sharing groups.", no_args_is_help=True)
partnerships = typer.Typer(help="Which country shares with which.", no_args_is_help=True)
groups = typer.Typer(help="Named groups of agencies and countries.", no_args_is_help=True)
members = typer.Typer(help="Members of a sharing group.", no_args_is_help=True)
app.add_typer(partnerships, name="partnerships")
app.add_typer(groups, name="groups")
groups.add_typer(members, name="members")

AGENCY = typer.Option(None, "--agency", help="Act as an administrator of this agency.")


@partnerships.command("list")
@handle_errors
def list_partnerships() -> None:
    """List every direction: the country that shares and the partner that may read."""
    table = Table(_("country that shares"), _("partner that may read"))
    with command_session() as session:
        for p in manage.list_partnerships(session):
            table.add_row(p.partner_code, p.country_code)
    console.print(table)


@partnerships.command("add")
@handle_errors
def add_partnership(
    country: str = typer.Option(..., help="The country whose partners-level objects are shared."),
    partner: str = typer.Option(..., help="The country that may read them."),
    both: bool = typer.Option(False, "--both", help="Also the other direction."),
    agency: str = AGENCY,
) -> None:
    """Share COUNTRY's partners-level objects with PARTNER (audited)."""
    with command_session() as session:
        actor = _acting(session, agency)
        manage.add_partnership(session, actor=actor, country=country, partner=partner)
        if both:
            manage.add_partnership(session, actor=actor, country=partner, partner=country)
    console.print(
        _("%(country)s now shares with %(partner)s")
        % {"country": country.upper(), "partner": partner.upper()}
    )


@partnerships.command("remove")
@handle_errors
def remove_partnership(
    country: str = typer.Option(..., help="The country whose objects were shared."),
    partner: str = typer.Option(..., help="The country that read them."),
    agency: str = AGENCY,
) -> None:
    """Stop sharing COUNTRY's partners-level objects with PARTNER (audited)."""
    with command_session() as session:
        actor = _acting(session, agency)
        manage.remove_partnership(session, actor=actor, country=country, partner=partner)
    console.print(
        _("%(country)s no longer shares with %(partner)s")
        % {"country": country.upper(), "partner": partner.upper()}
    )


def _acting(session: Session, agency: str | None) -> Actor:
    """The console operator (for ``agency`` when given), named on the session's audit entries."""
    actor = operator_actor(session, agency)
    session.info["actor"] = actor
    return actor


def _group_id(session: object, ident: str) -> uuid.UUID:
    """A group by its UUID or its exact name."""
    try:
        return uuid.UUID(ident.strip())
    except ValueError:
        pass
    for g in manage.list_groups(session):  # type: ignore[arg-type]
        if g.name == ident.strip():
            return g.uuid
    raise NotFound("SharingGroup", ident)


@groups.command("list")
@handle_errors
def list_groups() -> None:
    """List sharing groups with their owner and members."""
    table = Table(_("name"), _("owner agency"), _("members"), _("id"))
    with command_session() as session:
        codes = manage.agency_codes(session)
        for g in manage.list_groups(session):
            names = [codes.get(m.agency_id, "") if m.agency_id else f"{m.country_code}*"
                     for m in g.members]  # fmt: skip
            table.add_row(
                g.name, codes.get(g.owner_agency_id or 0, "—"), ", ".join(names), str(g.uuid)
            )
    console.print(table)


@groups.command("add")
@handle_errors
def add_group(
    name: str = typer.Option(..., help="The group's name (unique)."),
    owner: str = typer.Option(..., help="The owner agency, whose administrators manage it."),
    description: str = typer.Option("", help="What the group is for."),
    member: list[str] = typer.Option([], help="A member agency code; repeat for several."),
    country: list[str] = typer.Option([], help="A whole member country; repeat for several."),
) -> None:
    """Create a sharing group owned by OWNER (audited)."""
    with command_session() as session:
        actor = _acting(session, None)
        group = manage.create_group(
            session,
            actor=actor,
            name=name,
            description=description,
            owner_agency=owner,
            agency_codes=member,
            countries=country,
        )
        ident = group.uuid
    console.print(_("created sharing group %(name)s (%(id)s)") % {"name": name, "id": ident})


@members.command("add")
@handle_errors
def add_member(
    group: str = typer.Argument(..., help="The group's id or name."),
    member: str = typer.Option(None, "--member", help="An agency code."),
    country: str = typer.Option(None, "--country", help="A whole country."),
    agency: str = AGENCY,
) -> None:
    """Add an agency or a whole country to a group (audited)."""
    with command_session() as session:
        actor = _acting(session, agency)
        manage.add_member(
            session,
            actor=actor,
            group_id=_group_id(session, group),
            agency=member,
            country=country,
        )
    console.print(_("member added"))


@members.command("remove")
@handle_errors
def remove_member(
    group: str = typer.Argument(..., help="The group's id or name."),
    member: str = typer.Option(None, "--member", help="An agency code."),
    country: str = typer.Option(None, "--country", help="A whole country."),
    agency: str = AGENCY,
) -> None:
    """Remove an agency or a country from a group (audited)."""
    with command_session() as session:
        actor = _acting(session, agency)
        manage.remove_member(
            session,
            actor=actor,
            group_id=_group_id(session, group),
            agency=member,
            country=country,
        )
    console.print(_("member removed"))
