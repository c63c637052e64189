"""Procedure templates: standard operating procedures as YAML data.

The package ships eight procedures in ``data/procedures.yaml`` (one YAML document each).
:func:`seed_templates` copies them into ``procedure_templates`` so administrators can edit
them; an edited template is marked ``customised`` and is never overwritten by the package
again (:func:`reset_template` brings the package's version back). Every text is checked
by :func:`parse_template` before it is stored, and each error names its field and line,
so a broken template can never reach a seizure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from kalibar.agencies.service import require_admin
from kalibar.auth.actor import Actor
from kalibar.db.session import lock_for_writing
from kalibar.errors import Invalid, NotFound
from kalibar.i18n import LANGUAGES, _
from kalibar.reference.script import to_cyrillic
from kalibar.seizures.models import ItemKind, ProcedureStep, ProcedureTemplate, Seizure
from kalibar.seizures.vocabulary import VOCAB

PACKAGE_FILE = Path(__file__).parent / "data" / "procedures.yaml"
ROLES = ("officer", "investigator", "focal_point", "analyst", "admin")
#: Largest template text accepted (characters).
MAX_TEXT = 100_000
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_TOP_KEYS = {"code", "name", "applies_to", "steps"}
_STEP_KEYS = {"code", "title", "role", "required", "requires", "due_hours"}
#: Seizure columns that are bookkeeping, not facts an officer fills in.
_NOT_FIELDS = {
    "uuid", "owner_agency_id", "owner_country", "distribution", "deleted_at", "created_at",
    "updated_at", "reference", "status", "seizing_agency_id", "recorded_by", "closed_at",
    "closed_by",
}  # fmt: skip
SEIZURE_FIELDS = frozenset(c.key for c in Seizure.__table__.columns) - _NOT_FIELDS
ITEM_CHECKS = ("firearm_checked",)
HANDOVER_STATES = ("requested", "accepted")


@dataclass(frozen=True)
class StepTemplate:
    code: str
    title: Mapping[str, str]
    role: str = "officer"
    required: bool = True
    #: Requirements; alternatives inside one entry are joined with ``|``.
    requires: tuple[str, ...] = ()
    due_hours: float | None = None

    def title_in(self, language: str) -> str:
        return _translated(self.title, language) or self.code


@dataclass(frozen=True)
class Template:
    code: str
    name: Mapping[str, str]
    contexts: tuple[str, ...] = ()
    item_kinds: tuple[str, ...] = ()
    steps: tuple[StepTemplate, ...] = field(default_factory=tuple)

    def name_in(self, language: str) -> str:
        return _translated(self.name, language) or self.code

    def applies(self, context: str, item_kinds: set[str]) -> bool:
        """Context listed (or none listed) and an item of a listed kind (or none listed)."""
        if self.contexts and context not in self.contexts:
            return False
        return not self.item_kinds or bool(item_kinds.intersection(self.item_kinds))

    def step(self, code: str) -> StepTemplate | None:
        return next((s for s in self.steps if s.code == code), None)


def _translated(texts: Mapping[str, str], language: str) -> str:
    if texts.get(language):
        return texts[language]
    if language == "sr_Cyrl" and texts.get("sr_Latn"):
        return to_cyrillic(texts["sr_Latn"])
    return texts.get("en", "")


# ------------------------------------------------------------------ parsing


class _Checker:
    """Walks the YAML node tree so each error can name its line."""

    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []

    def error(self, node: yaml.Node | None, path: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 0
        self.errors.append({"field": path, "line": line, "message": message})

    def mapping(self, node: yaml.Node, path: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, path, _("expected a mapping (key: value)"))
            return {}
        out: dict[str, yaml.Node] = {}
        for key, value in node.value:
            out[str(key.value)] = value
        return out

    def sequence(self, node: yaml.Node | None, path: str) -> list[yaml.Node]:
        if node is None or (isinstance(node, yaml.ScalarNode) and node.value in ("", "null", "~")):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, path, _("expected a list"))
            return []
        return list(node.value)

    def text(self, node: yaml.Node | None, path: str, *, required: bool = True) -> str:
        if node is None or not isinstance(node, yaml.ScalarNode):
            if required or node is not None:
                self.error(node, path, _("expected a text"))
            return ""
        value = str(node.value).strip()
        if required and not value:
            self.error(node, path, _("must not be empty"))
        return value

    def code(self, node: yaml.Node | None, path: str) -> str:
        value = self.text(node, path)
        if value and not _CODE.match(value):
            self.error(node, path, _("use lower-case letters, digits and _ (e.g. seal_items)"))
        return value

    def unknown_keys(self, mapping: dict[str, yaml.Node], allowed: set[str], path: str) -> None:
        for key in sorted(set(mapping) - allowed):
            self.error(mapping[key], f"{path}{key}", _("unknown key"))

    def translations(self, node: yaml.Node | None, path: str) -> dict[str, str]:
        if node is None:
            self.error(None, path, _("missing"))
            return {}
        if isinstance(node, yaml.ScalarNode):  # a plain English text
            return {"en": self.text(node, path)}
        texts: dict[str, str] = {}
        for lang, value in self.mapping(node, path).items():
            if lang not in LANGUAGES:
                self.error(
                    value,
                    f"{path}.{lang}",
                    _("unknown language; use one of: %(values)s")
                    % {"values": ", ".join(LANGUAGES)},
                )
                continue
            texts[lang] = self.text(value, f"{path}.{lang}")
        if "en" not in texts:
            self.error(node, f"{path}.en", _("an English text is required"))
        return texts

    def codes(self, node: yaml.Node | None, path: str, allowed: list[str]) -> tuple[str, ...]:
        out: list[str] = []
        for i, item in enumerate(self.sequence(node, path)):
            value = self.text(item, f"{path}[{i}]")
            if value and value not in allowed:
                self.error(
                    item,
                    f"{path}[{i}]",
                    _("unknown value; use one of: %(values)s") % {"values": ", ".join(allowed)},
                )
            out.append(value)
        return tuple(out)

    def requirement(self, node: yaml.Node, path: str) -> str:
        text = self.text(node, path)
        for alternative in text.split("|"):
            problem = requirement_problem(alternative.strip())
            if problem:
                self.error(node, path, problem)
        return "|".join(a.strip() for a in text.split("|"))

    def step(self, node: yaml.Node, path: str) -> StepTemplate | None:
        m = self.mapping(node, path)
        if not m:
            return None
        self.unknown_keys(m, _STEP_KEYS, f"{path}.")
        code = self.code(m.get("code"), f"{path}.code")
        title = self.translations(m.get("title"), f"{path}.title")
        role = self.text(m.get("role"), f"{path}.role", required=False) or "officer"
        if role not in ROLES:
            self.error(
                m.get("role"),
                f"{path}.role",
                _("unknown role; use one of: %(values)s") % {"values": ", ".join(ROLES)},
            )
        required = True
        if "required" in m:
            node_r = m["required"]
            if not (isinstance(node_r, yaml.ScalarNode) and node_r.tag.endswith(":bool")):
                self.error(node_r, f"{path}.required", _("expected true or false"))
            else:
                required = node_r.value.lower() in ("true", "yes", "on")
        requires = tuple(
            self.requirement(r, f"{path}.requires[{i}]")
            for i, r in enumerate(self.sequence(m.get("requires"), f"{path}.requires"))
        )
        due: float | None = None
        node_d = m.get("due_hours")
        if node_d is not None and not node_d.tag.endswith(":null"):
            number = isinstance(node_d, yaml.ScalarNode) and node_d.tag.endswith((":int", ":float"))
            due = float(node_d.value.replace("_", "")) if number else None
            if due is None or not due >= 0:
                self.error(node_d, f"{path}.due_hours", _("expected a number of hours"))
        return StepTemplate(code, title, role, required, requires, due)


def requirement_problem(requirement: str) -> str | None:
    """Why ``requirement`` (one alternative) is not understood, or ``None``."""
    kind, _sep, what = requirement.partition(":")
    allowed: dict[str, Any] = {
        "field": sorted(SEIZURE_FIELDS),
        "evidence": list(VOCAB["evidence_kind"]),
        "custody": list(VOCAB["custody_action"]),
        "items": list(ITEM_CHECKS),
        "handover": list(HANDOVER_STATES),
    }
    if kind not in allowed:
        return _(
            "unknown requirement %(r)s; use 'field:', 'evidence:', 'custody:', 'items:' or 'handover:'"  # noqa: E501
        ) % {"r": requirement}
    if what not in allowed[kind]:
        return _("unknown requirement %(r)s; after %(kind)s: use one of: %(values)s") % {
            "r": requirement,
            "kind": kind,
            "values": ", ".join(allowed[kind]),
        }
    return None


def parse_template(text: str) -> Template:
    """The procedure in ``text``; ``Invalid`` lists every error with its field and line."""
    if len(text) > MAX_TEXT:
        raise Invalid(
            _("The procedure is too long (at most %(n)d characters).") % {"n": MAX_TEXT},
            [{"field": "body"}],
        )
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise Invalid(
            _("The procedure is not valid YAML."),
            [
                {
                    "field": "body",
                    "line": mark.line + 1 if mark else 0,
                    "column": mark.column + 1 if mark else 0,
                    "message": str(getattr(exc, "problem", "") or exc),
                }
            ],
        ) from exc
    check = _Checker()
    if root is None:
        raise Invalid(_("The procedure is empty."), [{"field": "body", "line": 1}])
    top = check.mapping(root, "body")
    check.unknown_keys(top, _TOP_KEYS, "")
    code = check.code(top.get("code"), "code") if top else ""
    name = check.translations(top.get("name"), "name") if top else {}
    contexts: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    applies = top.get("applies_to")
    if applies is not None and not (isinstance(applies, yaml.ScalarNode) and not applies.value):
        a = check.mapping(applies, "applies_to")
        check.unknown_keys(a, {"contexts", "item_kinds"}, "applies_to.")
        contexts = check.codes(a.get("contexts"), "applies_to.contexts", list(VOCAB["context"]))
        kinds = check.codes(
            a.get("item_kinds"), "applies_to.item_kinds", [k.value for k in ItemKind]
        )
    steps: list[StepTemplate] = []
    step_nodes = check.sequence(top.get("steps"), "steps")
    if top and not step_nodes:
        check.error(top.get("steps") or root, "steps", _("a procedure needs at least one step"))
    seen: set[str] = set()
    for i, node in enumerate(step_nodes):
        step = check.step(node, f"steps[{i}]")
        if step is None:
            continue
        if step.code in seen:
            check.error(node, f"steps[{i}].code", _("step code used twice"))
        seen.add(step.code)
        steps.append(step)
    if check.errors:
        raise Invalid(_("The procedure has errors."), check.errors)
    return Template(code, name, contexts, kinds, tuple(steps))


@lru_cache(maxsize=256)
def _parsed(text: str) -> Template:
    return parse_template(text)


# ------------------------------------------------------------------ package


@lru_cache(maxsize=1)
def package_bodies() -> tuple[tuple[str, str], ...]:
    """``(code, body)`` of each procedure in the package file, in order."""
    chunks: list[list[str]] = [[]]
    for line in PACKAGE_FILE.read_text(encoding="utf-8").splitlines():
        if line.rstrip() == "---":
            chunks.append([])
        else:
            chunks[-1].append(line)
    out: list[tuple[str, str]] = []
    for lines in chunks:
        if all(not ln.strip() or ln.lstrip().startswith("#") for ln in lines):
            continue
        body = "\n".join(lines).strip() + "\n"
        out.append((_parsed(body).code, body))
    return tuple(out)


def package_templates() -> dict[str, Template]:
    return {code: _parsed(body) for code, body in package_bodies()}


# ------------------------------------------------------------------ stored templates


def seed_templates(session: Session) -> int:
    """Insert the package's procedures, refresh those not customised; returns changes."""
    changed = 0
    rows = {t.code: t for t in session.execute(select(ProcedureTemplate)).scalars()}
    for position, (code, body) in enumerate(package_bodies(), start=1):
        row = rows.get(code)
        if row is None:
            session.add(ProcedureTemplate(code=code, position=position, body=body))
            changed += 1
        elif not row.customised and (row.body != body or row.position != position):
            row.body, row.position = body, position
            changed += 1
    session.flush()
    return changed


def list_templates(session: Session) -> list[ProcedureTemplate]:
    stmt = select(ProcedureTemplate).order_by(ProcedureTemplate.position, ProcedureTemplate.code)
    return list(session.execute(stmt).scalars())


def active_templates(session: Session) -> list[tuple[int, Template]]:
    """``(position, template)`` of each active stored procedure, in order."""
    return [(row.position, _parsed(row.body)) for row in list_templates(session) if row.active]


def save_template(
    session: Session, *, actor: Actor, code: str, body: str, active: bool | None = None
) -> ProcedureTemplate:
    """Store an administrator's version (checked first); it is then ``customised``."""
    require_admin(actor)
    template = parse_template(body)
    if template.code != code:
        raise Invalid(
            _("The code in the text must be %(code)s.") % {"code": code},
            [{"field": "code", "value": template.code}],
        )
    row = session.get(ProcedureTemplate, code)
    if row is None:
        lock_for_writing(session)  # the next position is read under the write lock
        last = session.execute(select(func.max(ProcedureTemplate.position))).scalar()
        row = ProcedureTemplate(code=code, position=int(last or 0) + 1, body=body)
        session.add(row)
    row.body = body
    row.customised = True
    row.updated_by = actor.username
    if active is not None:
        row.active = active
    session.flush()
    return row


def reset_template(session: Session, *, actor: Actor, code: str) -> ProcedureTemplate:
    """Bring back the package's version of a procedure (no longer customised)."""
    require_admin(actor)
    bodies = dict(package_bodies())
    row = session.get(ProcedureTemplate, code)
    if row is None or code not in bodies:
        raise NotFound("ProcedureTemplate", code)
    row.body, row.customised, row.active = bodies[code], False, True
    row.updated_by = actor.username
    session.flush()
    return row


def template_of(session: Session | None, code: str) -> Template | None:
    """The stored version of a procedure when a session is at hand, else the package's."""
    if session is not None:
        row = session.get(ProcedureTemplate, code)
        if row is not None:
            try:
                return _parsed(row.body)
            except Invalid:
                pass
    return package_templates().get(code)


def procedure_name(code: str, language: str, session: Session | None = None) -> str:
    template = template_of(session, code)
    return template.name_in(language) if template else code


def step_title(step: ProcedureStep, language: str) -> str:
    """The step's title in ``language`` from its template; else the title copied with it."""
    template = template_of(object_session(step), step.procedure_code)
    found = template.step(step.step_code) if template else None
    return found.title_in(language) if found else step.title
