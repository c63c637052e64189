"""Seizures from JSON bodies: the API's create body and ``kalibar seizures import`` files.

Both go through :func:`create_from_input`, so a seizure imported from a file is stored
exactly as one posted to ``POST /api/v1/seizures``: the event and its items through
``service.create_seizure``, then each involvement — where a described entity that looks
like one already known is refused (409 with the suggestions) unless ``allow_new`` says it
is someone else, so the same person is linked rather than duplicated.

Import files are a JSON list of those bodies (or ``{"seizures": [...]}``), each item with
optional ``custody`` events recorded after the automatic ``seized`` one (a leading
``seized`` event in the file is that one and is skipped). Every error carries its JSON path
(``[3].items[1].calibre``). By default one bad seizure stores nothing: each seizure is still
tried in its own savepoint so the report lists every error, then ``Invalid`` is raised and
the caller's unit of work rolls back. With ``partial`` the good seizures stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from pydantic import Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kalibar.auth.actor import Actor
from kalibar.errors import Invalid, KalibarError
from kalibar.files import file_limits, listed_details, load_json
from kalibar.i18n import _
from kalibar.seizures import custody, entities, service
from kalibar.seizures.models import Involvement, SeizedItem, Seizure
from kalibar.seizures.schemas import CustodyIn, InvolvementIn, ItemIn, SeizureCreate

__all__ = ["ImportReport", "create_from_input", "import_seizures", "involve_checked"]

_INDEX = re.compile(r"\.(\d+)(?=\.|$)")


def json_path(prefix: str, field: str | None) -> str:
    """``"[3]"`` + ``"items.1.calibre"`` → ``"[3].items[1].calibre"``."""
    field = _INDEX.sub(r"[\1]", field or "")
    if field[:1].isdigit():  # a bare index from a list-level error
        head, _sep, rest = field.partition(".")
        field = f"[{head}]" + (f".{rest}" if rest else "")
    if not prefix:
        return field
    if not field:
        return prefix
    return prefix + ("" if field.startswith("[") else ".") + field


@contextmanager
def at_path(prefix: str) -> Iterator[None]:
    """Errors raised inside name their field relative to ``prefix`` (details rewritten)."""
    try:
        yield
    except KalibarError as exc:
        if not exc.details:
            exc.details.append({"field": prefix})
        for d in exc.details:
            if isinstance(d, dict):
                d["field"] = json_path(prefix, str(d.get("field") or ""))
        raise


class ImportItem(ItemIn):
    """An item of ``kalibar seizures import``: its custody after the automatic "seized"."""

    custody: list[CustodyIn] = Field(default_factory=list, max_length=200)


class ImportSeizure(SeizureCreate):
    """One seizure of an import file: the API body, plus an optional owner agency (used
    when the command names none) and a stable id (a re-run does not duplicate it)."""

    seizure_id: UUID | None = None
    agency: str | None = Field(None, max_length=32)
    items: list[ImportItem] = Field(default_factory=list, max_length=500)  # type: ignore[assignment]


def involve_checked(
    session: Session, *, actor: Actor, seizure_id: UUID, body: InvolvementIn
) -> Involvement:
    """Link an entity; ``entities.involve`` refuses (409, with the suggestions) a described
    one that is strongly like a known one, unless the body sets ``allow_new``."""
    return entities.involve(
        session,
        actor=actor,
        seizure_id=seizure_id,
        role=body.role,
        entity_id=body.entity_id,
        data=body.entity.entity_data() if body.entity is not None else None,
        note=body.note,
        allow_new=body.allow_new,
    )


def create_from_input(
    session: Session, *, actor: Actor, body: SeizureCreate, path: str = ""
) -> Seizure:
    """Store one create body: the event and items, then every involvement."""
    with at_path(path):
        seizure = service.create_seizure(
            session,
            actor=actor,
            data=body.seizure_data(),
            items=[i.item_data() for i in body.items],
            distribution=body.distribution.value,
            group_ids=body.sharing_groups or None,
            seizure_id=getattr(body, "seizure_id", None),
        )
    for j, inv in enumerate(body.involvements):
        where = json_path(path, f"involvements[{j}]")
        with at_path(where):
            involve_checked(session, actor=actor, seizure_id=seizure.uuid, body=inv)
    return seizure


@dataclass
class ImportReport:
    file: str
    read: int = 0
    stored: int = 0
    rejected: int = 0
    items: int = 0
    custody_events: int = 0
    references: list[str] = field(default_factory=list)
    #: ``{"field": JSON path, "message": ...}``, in file order: the first
    #: ``KALIBAR_IMPORT_MAX_LISTED_ERRORS``, the rest counted in ``errors_omitted``.
    errors: list[dict[str, Any]] = field(default_factory=list)
    errors_omitted: int = 0

    def error_details(self) -> list[dict[str, Any]]:
        return listed_details(self.errors, self.errors_omitted)


def _document(raw: bytes, filename: str) -> list[Any]:
    """The file's JSON, within ``KALIBAR_DOCUMENT_MAX_BYTES`` (413) and
    ``KALIBAR_JSON_MAX_DEPTH`` (422), like every JSON file (:func:`kalibar.files.load_json`)."""
    doc = load_json(raw, name=filename, field="$")
    if isinstance(doc, dict) and isinstance(doc.get("seizures"), list):
        doc = doc["seizures"]
    if not isinstance(doc, list):
        raise Invalid(
            _("%(file)s must hold a JSON list of seizures.") % {"file": filename},
            [{"field": "$"}],
        )
    return doc


def import_seizures(
    session: Session,
    *,
    actor_for: Callable[[str], Actor],
    raw: bytes,
    filename: str,
    agency: str | None = None,
    partial: bool = False,
    on_start: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a JSON file of seizures; see the module docstring.

    ``actor_for(code)`` is who acts for an owner agency: ``agency`` when given, else each
    seizure's ``agency``.
    """
    doc = _document(raw, filename)
    limits = file_limits()
    report = ImportReport(file=filename, read=len(doc))
    if on_start:
        on_start(len(doc))
    actors: dict[str, Actor] = {}
    for i, entry in enumerate(doc):
        errors = _import_one(session, report, actors, actor_for, entry, f"[{i}]", agency)
        if errors:
            report.rejected += 1
            room = max(limits.listed_errors - len(report.errors), 0)
            report.errors.extend(errors[:room])
            report.errors_omitted += len(errors) - len(errors[:room])
            if report.rejected > limits.bad_rows:
                raise Invalid(
                    _(
                        "%(file)s: more than %(n)d seizures are not valid; reading stopped "
                        "at %(path)s and nothing was imported."
                    )
                    % {"file": filename, "n": limits.bad_rows, "path": f"[{i}]"},
                    [
                        *report.error_details(),
                        {"field": f"[{i}]", "error": "too_many_bad_rows",
                         "max_bad_rows": limits.bad_rows},
                    ],
                )  # fmt: skip
        if progress:
            progress(i + 1)
    if report.errors and not partial:
        raise Invalid(
            _("%(file)s: %(n)d of %(total)d seizures are not valid; nothing was imported.")
            % {"file": filename, "n": report.rejected, "total": report.read},
            report.error_details(),
        )
    return report


def _import_one(
    session: Session,
    report: ImportReport,
    actors: dict[str, Actor],
    actor_for: Callable[[str], Actor],
    entry: Any,
    path: str,
    agency: str | None,
) -> list[dict[str, Any]]:
    """Store one seizure in a savepoint; its errors (with paths), or none."""
    try:
        body = ImportSeizure.model_validate(entry)
    except ValidationError as exc:
        return [
            {"field": json_path(path, ".".join(str(p) for p in e["loc"])), "message": e["msg"]}
            for e in exc.errors()
        ]
    code = (agency or body.agency or "").strip().upper()
    if not code:
        message = _("Name the owner agency: --agency, or 'agency' in the seizure.")
        return [{"field": json_path(path, "agency"), "message": message}]
    try:
        with at_path(json_path(path, "agency")):
            if code not in actors:
                actors[code] = actor_for(code)
            actor = actors[code]
        session.info["actor"] = actor
        with session.begin_nested():
            seizure = create_from_input(session, actor=actor, body=body, path=path)
            events = _custody(session, actor, seizure, body, path)
    except KalibarError as exc:
        details = [d for d in exc.details if isinstance(d, dict)] or [{"field": path}]
        return [{**d, "message": d.get("message") or exc.message} for d in details]
    report.stored += 1
    report.items += len(body.items)
    report.custody_events += events
    report.references.append(seizure.reference)
    return []


def _custody(
    session: Session, actor: Actor, seizure: Seizure, body: ImportSeizure, path: str
) -> int:
    """Append each item's custody events after the automatic "seized" one."""
    if not any(i.custody for i in body.items):
        return 0
    session.flush()
    stored = session.execute(
        select(SeizedItem)
        .where(SeizedItem.seizure_id == seizure.uuid, SeizedItem.deleted_at.is_(None))
        .order_by(SeizedItem.position)
    ).scalars()
    count = 0
    for k, (given, item) in enumerate(zip(body.items, stored, strict=False)):
        for m, ev in enumerate(given.custody):
            if m == 0 and ev.action == "seized":
                continue
            with at_path(json_path(path, f"items[{k}].custody[{m}]")):
                custody.append_event(session, actor=actor, item_id=item.uuid, **ev.model_dump())
            count += 1
    return count
