"""``kalibar audit ...``"""

from __future__ import annotations

import typer

from kalibar.audit.service import count_entries, verify_chain
from kalibar.cli_support import command_session, console, err_console
from kalibar.i18n import _

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


@app.command("verify")
def verify_cmd() -> None:
    """Recompute the hash chain; name every entry that was changed, removed or reordered."""
    with command_session() as session:
        total = count_entries(session)
        problems = verify_chain(session)
    if not problems:
        console.print(_("audit chain intact: %(n)d entries verified") % {"n": total})
        return
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
    raise typer.Exit(1)
