"""Expected lane rates per office and flow, kept per agency and used by the lane assignment.

An agency's administrators write one line per office and flow (``*`` for any office or
any flow): the highest share of declarations the red, yellow and blue lanes may take there
(the inspection capacity; an empty value leaves the lane to the next line that matches,
and to ``lanes.DEFAULT_CAPACITY`` — red 2 %, yellow 5 %, blue uncapped — when none does;
a lane is uncapped when red, yellow and blue together reach 1)::

    office,flow,red,yellow,blue
    BA-UIO-SA-POST,postal,0.03,0.08,
    *,*,0.05,0.10,0.20

Saving checks every line (office code, flow, rates between 0 and 1 whose sum is at most 1,
no office/flow twice) and refuses the whole text with each error and its line; a valid
text replaces the agency's rows (audited: who changed which rate when). Lane assignment
(``lanes.LanePolicy.rates``) looks a declaration's office and flow up as ``office/flow``,
``office/*``, ``*/flow``, ``*/*`` — the first line that sets a lane wins. An agency with no
rows keeps the defaults; the random control sample comes on top.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.agencies.service import require_admin
from kalibar.auth.actor import Actor
from kalibar.db.session import lock_for_writing
from kalibar.errors import Forbidden, Invalid
from kalibar.files import writer as csv_writer
from kalibar.i18n import _
from kalibar.targeting.fields import FLOWS
from kalibar.targeting.lanes import DEFAULT_CAPACITY, LanePolicy
from kalibar.targeting.rule_models import LaneRate

HEADER = ("office", "flow", "red", "yellow", "blue")
LANES = ("red", "yellow", "blue")
MAX_LINES = 2000
OFFICE_PATTERN = r"^(\*|[A-Za-z0-9][A-Za-z0-9._\-/]{0,63})$"
FLOW_PATTERN = "^(" + "|".join([r"\*", *FLOWS]) + ")$"
_OFFICE = re.compile(OFFICE_PATTERN)


@dataclass(frozen=True)
class RateLine:
    office: str
    flow: str
    red: float | None = None
    yellow: float | None = None
    blue: float | None = None

    @property
    def key(self) -> str:
        return f"{self.office}/{self.flow}"

    def rates(self) -> dict[str, float]:
        return {lane: v for lane in LANES if (v := getattr(self, lane)) is not None}


def _rate(text: str, lane: str, line: int, errors: list[dict[str, Any]]) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    if text.endswith("%"):
        text, scale = text[:-1].strip(), 100.0
    else:
        scale = 1.0
    try:
        value = float(text) / scale
    except ValueError:
        errors.append({"line": line, "column": lane, "value": text, "reason": _("not a number")})
        return None
    if not 0.0 <= value <= 1.0:
        errors.append(
            {"line": line, "column": lane, "value": text, "reason": _("must be between 0 and 1")}
        )
        return None
    return value


def _lines(text: str) -> list[tuple[int, list[str]]]:
    """``(line number, cells)``: any line ending (CR, LF, CRLF) ends a line, a quoted cell
    may hold one (and is then refused as an office code, with its line)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    out: list[tuple[int, list[str]]] = []
    while len(out) <= MAX_LINES:
        start = reader.line_num + 1
        try:
            out.append((start, next(reader)))
        except StopIteration:
            break
        except csv.Error as exc:
            raise Invalid(
                _("Line %(n)d of the lane rates is not valid CSV.") % {"n": start},
                [{"line": start, "column": "", "value": "", "reason": str(exc)[:200]}],
            ) from exc
    return out


def parse(text: str) -> list[RateLine]:
    """Lines of ``office,flow,red,yellow,blue`` (a header line is optional); every error
    with its line, nothing returned when there is one."""
    errors: list[dict[str, Any]] = []
    out: list[RateLine] = []
    seen: dict[str, int] = {}
    rows = _lines(text)
    if len(rows) > MAX_LINES:
        raise Invalid(
            _("too many lines (at most %(n)d)") % {"n": MAX_LINES},
            [{"field": "rates", "error": "too_many_lines", "max_lines": MAX_LINES}],
        )
    for n, raw in rows:
        cells = [c.strip() for c in raw]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if [c.lower() for c in cells[:2]] == ["office", "flow"]:
            continue
        if len(cells) < 3 or len(cells) > 5:
            errors.append(
                {
                    "line": n,
                    "column": "",
                    "value": ",".join(cells),
                    "reason": _("expected the columns %(columns)s") % {"columns": ",".join(HEADER)},
                }
            )
            continue
        cells += [""] * (5 - len(cells))
        office, flow = cells[0].upper() if cells[0] != "*" else "*", cells[1].lower()
        if not _OFFICE.match(office):
            errors.append(
                {
                    "line": n,
                    "column": "office",
                    "value": cells[0],
                    "reason": _("not an office code"),
                }
            )
        if flow != "*" and flow not in FLOWS:
            errors.append(
                {
                    "line": n,
                    "column": "flow",
                    "value": cells[1],
                    "reason": _("one of: %(flows)s") % {"flows": ", ".join(["*", *FLOWS])},
                }
            )
        values = [_rate(cells[i], lane, n, errors) for i, lane in enumerate(LANES, start=2)]
        if sum(v or 0.0 for v in values) > 1.0 + 1e-9:
            errors.append(
                {
                    "line": n,
                    "column": "",
                    "value": ",".join(cells[2:]),
                    "reason": _("red, yellow and blue together exceed 1"),
                }
            )
        line = RateLine(office, flow, *values)
        if line.key in seen:
            errors.append(
                {
                    "line": n,
                    "column": "office",
                    "value": line.key,
                    "reason": _("the same office and flow as line %(n)d") % {"n": seen[line.key]},
                }
            )
        seen.setdefault(line.key, n)
        out.append(line)
    if errors:
        raise Invalid(
            _("%(n)d errors in the lane rates; nothing saved.") % {"n": len(errors)}, errors
        )
    return out


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def as_text(lines: list[RateLine]) -> str:
    """The lines as CSV text (cells with a comma, quote or line break are quoted)."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")  # so that a lone CR in a cell is quoted
    writer.writerow(HEADER)
    for r in lines:
        writer.writerow([r.office, r.flow, _fmt(r.red), _fmt(r.yellow), _fmt(r.blue)])
    return out.getvalue().replace("\r\n", "\n")


def lines_for(session: Session, agency_id: int | None) -> list[RateLine]:
    if agency_id is None:
        return []
    rows = session.execute(
        select(LaneRate)
        .where(LaneRate.agency_id == agency_id)
        .order_by(LaneRate.office, LaneRate.flow)
    ).scalars()
    return [RateLine(r.office, r.flow, r.red, r.yellow, r.blue) for r in rows]


def rates_for(session: Session, agency_id: int | None) -> dict[str, dict[str, float]]:
    """``LanePolicy.rates`` of the agency (``{}`` when it set none)."""
    return {line.key: line.rates() for line in lines_for(session, agency_id) if line.rates()}


def policy_for(
    session: Session, agency_id: int | None, *, random_rate: float, seed: int = 0
) -> LanePolicy:
    return LanePolicy(
        random_rate=random_rate,
        seed=seed,
        rates=rates_for(session, agency_id),
        defaults=dict(DEFAULT_CAPACITY),
    )


def save(session: Session, *, actor: Actor, text: str) -> list[RateLine]:
    """Validate ``text`` and make it the agency's lane rates (administrators; not committed)."""
    require_admin(actor)
    if actor.agency_id is None:
        raise Forbidden(_("Lane rates belong to an agency; act for one."))
    lines = parse(text)
    lock_for_writing(session)  # the rows kept, changed and added are read under the lock
    existing = {
        (r.office, r.flow): r
        for r in session.execute(
            select(LaneRate).where(LaneRate.agency_id == actor.agency_id)
        ).scalars()
    }
    wanted = {(ln.office, ln.flow): ln for ln in lines}
    for key, row in existing.items():
        if key not in wanted:
            session.delete(row)
    for key, ln in wanted.items():
        found = existing.get(key)
        if found is None:
            session.add(
                LaneRate(
                    agency_id=actor.agency_id,
                    office=ln.office,
                    flow=ln.flow,
                    red=ln.red,
                    yellow=ln.yellow,
                    blue=ln.blue,
                    saved_by=actor.username,
                )
            )
        elif (found.red, found.yellow, found.blue) != (ln.red, ln.yellow, ln.blue):
            found.red, found.yellow, found.blue = ln.red, ln.yellow, ln.blue
            found.saved_by = actor.username
    session.flush()
    return lines_for(session, actor.agency_id)


__all__ = ["RateLine", "as_text", "lines_for", "parse", "policy_for", "rates_for", "save"]
