"""Screening declarations from the API and the upload page, and storing them with their
lane so they reach the inspection worklist.

The rules are the active starter rules, loaded once per process. Scoring goes through
``screen.screen`` (features, rules, lanes) — the same code as ``kalibar targeting
screen``; this module only turns declarations into the item frame it reads, checks them
with the file rules (``fields.parse_row``), and writes what a caller asks to keep. Like
every service it never commits.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from uuid import UUID

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kalibar import files
from kalibar.agencies.models import Agency
from kalibar.auth.actor import Actor
from kalibar.db.base import Distribution, utcnow
from kalibar.db.session import lock_for_writing
from kalibar.errors import Forbidden, Invalid
from kalibar.i18n import _
from kalibar.reference.script import search_key
from kalibar.targeting import capacity, freshness, lane_rates, norms
from kalibar.targeting.consignees import (
    known_consignee_keys,
    party_keys,
    seizure_consignee_keys,
    seizure_party_keys,
)
from kalibar.targeting.engine import evaluate_rows
from kalibar.targeting.features import consignee_features, read_frame, row_features
from kalibar.targeting.fields import COLUMNS, DECLARATION_COLUMNS, ITEM_COLUMNS, parse_row
from kalibar.targeting.inspection_models import Screening
from kalibar.targeting.io_import import ImportReport, import_declarations
from kalibar.targeting.lanes import LanePolicy, assign
from kalibar.targeting.model import RiskModel, active_version, load_model
from kalibar.targeting.models import Declaration, DeclarationItem
from kalibar.targeting.names import WatchIndex, entries_frame
from kalibar.targeting.risk import as_evidence, with_unlearned
from kalibar.targeting.rule_texts import rule_text
from kalibar.targeting.rules import Rule, load_rules
from kalibar.targeting.rules_store import rules_for_agency
from kalibar.targeting.schemas import DeclarationIn
from kalibar.targeting.screen import Entries, model_policy, screen
from kalibar.targeting.watchlist_models import WatchlistEntry
from kalibar.targeting.watchlists import entries_for_screening

#: Share of declarations drawn for the random control sample.
RANDOM_RATE = 0.01
#: Lanes whose declarations get the model's top contributing features.
FLAGGED = ("red", "yellow")
#: How many contributing features are reported.
TOP = 3
#: Up to this many declarations a request is evaluated row by row (see ``screen_parsed``).
SMALL_BATCH = 32
_CHUNK = 1000


@dataclass
class Result:
    declaration_id: str
    score: float
    lane: str
    reasons: list[str]
    rules: list[str]
    random: bool
    model_score: float | None = None
    uuid: UUID | None = None
    #: The model's top contributing features (red and yellow declarations): name → the
    #: drop of the score when the feature takes its training median.
    top_features: list[tuple[str, float]] = field(default_factory=list)
    #: The lane asked for before capacity, a mandatory rule hit, where it was lodged.
    asked: str = ""
    mandatory: bool = False
    office: str = ""
    flow: str = ""

    def instructions(self) -> list[dict[str, str]]:
        return instructions_for(self.rules)

    def decided(self) -> capacity.Decided:
        return capacity.Decided(self.office, self.flow, self.lane, self.random, self.mandatory)


@dataclass
class Parsed:
    """Declarations checked with the file rules: ORM-ready values, the item rows as text
    (declaration id → rows) and optional model scores."""

    declarations: list[tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=list)
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    scores: dict[str, float | None] = field(default_factory=dict)

    @property
    def frame(self) -> pl.DataFrame:
        """The item frame ``screen`` reads (text columns, optional ``score``)."""
        items = [r for rows in self.rows.values() for r in rows]
        frame = pl.DataFrame(items, schema={c: pl.Utf8 for c in COLUMNS})
        if any(v is not None for v in self.scores.values()):
            frame = frame.with_columns(
                pl.Series(
                    "score",
                    [self.scores[r["declaration_id"]] for r in items],
                    dtype=pl.Float64,
                )
            )
        return frame


@lru_cache(maxsize=1)
def active_rule_set() -> tuple[Rule, ...]:
    """The active starter rules, parsed once per process."""
    return tuple(r for r in load_rules() if r.active)


@lru_cache(maxsize=1)
def _rules_by_id() -> dict[str, Rule]:
    return {r.id: r for r in load_rules()}


def default_policy() -> LanePolicy:
    return LanePolicy(random_rate=RANDOM_RATE, seed=0)


def instructions_for(rule_ids: list[str], rules: Iterable[Rule] = ()) -> list[dict[str, str]]:
    """Rationale and officer instructions of the rules hit, most severe lane first, in the
    reader's language: ``rules`` (the agency's) first, else the starter rules."""
    known = {**_rules_by_id(), **{r.id: r for r in rules}}
    order = {"red": 0, "yellow": 1, "blue": 2, "green": 3}
    rules = sorted((known[r] for r in rule_ids if r in known), key=lambda r: order[r.lane])
    return [
        {
            "rule": r.id,
            "lane": r.lane,
            "rationale": rule_text(r, "rationale"),
            "instructions": rule_text(r, "instructions"),
        }
        for r in rules
    ]


def parse_top(text: str) -> list[tuple[str, float]]:
    """``kw_firearm:+0.412;hs_ch93:+0.101`` → ``[("kw_firearm", 0.412), ("hs_ch93", 0.101)]``."""
    out: list[tuple[str, float]] = []
    for part in (p for p in (text or "").split(";") if ":" in p):
        name, value = part.rsplit(":", 1)
        try:
            out.append((name, float(value)))
        except ValueError:
            continue
    return out


def format_top(top: list[tuple[str, float]]) -> str:
    return ";".join(f"{name}:{value:+.3f}" for name, value in top)


#: Reasons without a value (``lanes.assign``): never a rule id continuing ``rules:``.
_TOKENS = frozenset({"random", "mandatory"})


def split_reasons(reasons: str) -> list[str]:
    """``rules:A;B;score:0.4;random`` → ``["rules:A;B", "score:0.4", "random"]``: one
    token per reason; the rule ids stay together under ``rules:``."""
    out: list[str] = []
    for part in (t for t in reasons.split(";") if t):
        if out and out[-1].startswith("rules:") and ":" not in part and part not in _TOKENS:
            out[-1] += ";" + part
        else:
            out.append(part)
    return out


# ------------------------------------------------------------------ from the API


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def parse_declarations(decls: list[DeclarationIn]) -> Parsed:
    """Check every declaration with the file rules; all errors with their JSON paths."""
    errors: list[dict[str, Any]] = []
    out = Parsed()
    seen: dict[str, int] = {}
    for i, decl in enumerate(decls):
        head = decl.model_dump(exclude={"items", "score"})
        if decl.declaration_id in seen:
            errors.append(
                {
                    "field": f"declarations.{i}.declaration_id",
                    "value": decl.declaration_id,
                    "message": _("the same declaration_id appears twice (first at %(n)d)")
                    % {"n": seen[decl.declaration_id]},
                }
            )
            continue
        seen[decl.declaration_id] = i
        values: dict[str, Any] = {}
        items: list[dict[str, Any]] = []
        rows: list[dict[str, str]] = []
        for j, item in enumerate(decl.items):
            raw = {k: _text(v) for k, v in head.items()}
            raw.update({k: _text(v) for k, v in item.model_dump().items()})
            parsed = parse_row(raw, history=False)
            for exc in parsed.errors:
                where = (
                    f"declarations.{i}.items.{j}.{exc.field}"
                    if exc.field in ITEM_COLUMNS
                    else f"declarations.{i}.{exc.field}"
                )
                errors.append({"field": where, "value": exc.value, "message": exc.message})
            if parsed.errors:
                continue
            values = parsed.declaration
            items.append(parsed.item)
            rows.append(
                {
                    c: _text(parsed.item[c] if c in ITEM_COLUMNS else parsed.declaration[c])
                    for c in COLUMNS
                }
            )
        if items:
            out.declarations.append((values, items))
            out.rows[decl.declaration_id] = rows
            out.scores[decl.declaration_id] = decl.score
    if errors:
        raise Invalid(_("The request is not valid."), errors)
    return out


@dataclass(frozen=True)
class Consignees:
    """Consignee keys of the agency's history (``consignees``): earlier declarations, those
    seen in a seizure, and the entity keys of seizure recipients and senders."""

    known: frozenset[str]
    seized: frozenset[str]
    parties: frozenset[str] = frozenset()

    def flags(self, rows: dict[str, list[dict[str, str]]]) -> dict[str, dict[str, bool]]:
        """``consignee_features`` for a few declarations, in plain Python (same answers):
        declaration id → ``first_time_consignee``, ``consignee_seen_in_seizure``."""
        out: dict[str, dict[str, bool]] = {}
        first: dict[str, tuple[str, int]] = {}  # key → (lodged_at, position) of its first
        keys: dict[str, str] = {}
        for pos, (decl_id, items) in enumerate(rows.items()):
            name = items[0].get("consignee_name") or ""
            key = search_key(name)
            keys[decl_id] = key
            seen = bool(key) and (key in self.seized or bool(party_keys(name) & self.parties))
            out[decl_id] = {"first_time_consignee": False, "consignee_seen_in_seizure": seen}
            lodged = items[0].get("lodged_at") or ""
            if key and (key not in first or (lodged, pos) < first[key]):
                first[key] = (lodged, pos)
        order = {decl_id: pos for pos, decl_id in enumerate(rows)}
        for decl_id, key in keys.items():
            if key and key not in self.known:
                lodged = rows[decl_id][0].get("lodged_at") or ""
                out[decl_id]["first_time_consignee"] = first[key] == (lodged, order[decl_id])
        return out


def consignees_for(session: Session, actor: Actor) -> Consignees | None:
    """The caller's agency's consignee sets (``consignees``), cached per process until a
    change through this process or ``freshness.MAX_AGE`` seconds."""
    if actor.agency_id is None:
        return None
    key = _actor_key(session, actor)
    cached = _CONSIGNEE_CACHE.get(key)
    if cached is not None and freshness.fresh(cached[1]):
        return cached[0]
    checked = freshness.now()
    found = Consignees(
        known_consignee_keys(session, actor.agency_id),
        seizure_consignee_keys(session, actor.agency_id, actor),
        seizure_party_keys(session, actor),
    )
    if len(_CONSIGNEE_CACHE) > 64:
        _CONSIGNEE_CACHE.clear()
    _CONSIGNEE_CACHE[key] = (found, checked)
    return found


def screen_frame(
    items: pl.DataFrame,
    *,
    policy: LanePolicy | None = None,
    watchlist: Entries | None = None,
    model: RiskModel | None = None,
    rules: list[Rule] | None = None,
    consignees: Consignees | None = None,
) -> list[Result]:
    """Item rows (text columns, optional ``score``) → one result per declaration."""
    if consignees is not None:
        items = consignee_features(
            items, known=consignees.known, seized=consignees.seized, parties=consignees.parties
        )
    lanes = screen(
        items,
        rules=rules if rules is not None else list(active_rule_set()),
        policy=policy or default_policy(),
        watchlist=watchlist,
        model=model,
        explain=model is not None,
    )
    return _results(lanes)


def screen_parsed(
    parsed: Parsed,
    *,
    policy: LanePolicy | None = None,
    watchlist: Entries | None = None,
    model: RiskModel | None = None,
    rules: list[Rule] | None = None,
    consignees: Consignees | None = None,
) -> list[Result]:
    """Screen checked declarations. A few (the API's usual one) take the small-request
    path: the watchlist through a cached dictionary index (``names.WatchIndex``), the
    rules row by row (``engine.evaluate_rows``), the model through its compiled predictor
    on the row's features (``RiskModel.score_row``) — the same answers as the batch path
    (tested), without the fixed cost of Polars plans — then ``lanes.assign`` as a batch
    does. Red and yellow declarations get the model's top contributing features."""
    if len(parsed.rows) > SMALL_BATCH:
        return screen_frame(
            parsed.frame,
            policy=policy,
            watchlist=watchlist,
            model=model,
            rules=rules,
            consignees=consignees,
        )
    policy = policy or default_policy()
    rules = rules if rules is not None else list(active_rule_set())
    keys = list(parsed.rows)
    extra: dict[str, dict[str, Any]] = {}
    if consignees is not None:
        for key, flags in consignees.flags(parsed.rows).items():
            extra[key] = dict(flags)
    if watchlist is not None:
        index = WatchIndex.of(watchlist)
        per = index.per_declaration({k: rows[0] for k, rows in parsed.rows.items()})
        for key, (wscore, reason) in per.items():
            extra.setdefault(key, {}).update(
                {"watchlist_score": wscore, "watchlist_hit": wscore > 0, "watchlist_reason": reason}
            )
    hits = evaluate_rows(parsed.rows, rules, extra=extra)
    mandatory = {r.id for r in rules if r.mandatory}
    columns: dict[str, Any] = {
        "declaration_id": keys,
        "office": [parsed.rows[k][0]["office"] for k in keys],
        "flow": [parsed.rows[k][0]["flow"] for k in keys],
        "rule_score": [float(hits[k][0]) for k in keys],
        "rule_lane": [hits[k][1] for k in keys],
        "rules": [";".join(hits[k][2]) for k in keys],
        "mandatory": [any(r in mandatory for r in hits[k][2]) for k in keys],
        "watchlist_reason": [extra.get(k, {}).get("watchlist_reason", "") for k in keys],
    }
    schema: dict[str, Any] = {
        "declaration_id": pl.Utf8,
        "office": pl.Utf8,
        "flow": pl.Utf8,
        "rule_score": pl.Float64,
        "rule_lane": pl.Utf8,
        "rules": pl.Utf8,
        "mandatory": pl.Boolean,
        "watchlist_reason": pl.Utf8,
    }
    scores = parsed.scores
    feats: dict[str, list[dict[str, Any]]] = {}
    if model is not None:
        feats = {k: row_features(parsed.rows[k]) for k in keys}
        for k in keys:  # the consignee flags are features of the model too
            for f in feats[k]:
                f.update(extra.get(k, {}))
        scores = {
            k: model.score_row(feats[k], rule_ids=hits[k][2], rule_score=hits[k][0])[0]
            for k in keys
        }
        policy = model_policy(policy)
    if any(v is not None for v in scores.values()):
        columns["score"] = [scores.get(k) for k in keys]
        schema["score"] = pl.Float64
    decl = pl.DataFrame(columns, schema=schema)
    if model is not None:
        learned = set(model.learned_rules)
        weights = {r.id: r.weight for r in rules}
        risk = [
            with_unlearned(
                float(scores[k] or 0.0),
                sum(weights.get(r, 0.0) for r in hits[k][2] if r not in learned),
            )
            for k in keys
        ]
        decl = decl.with_columns(
            pl.Series("risk", risk, dtype=pl.Float64), pl.lit("green").alias("rule_lane")
        )
    elif "score" not in columns:
        decl = as_evidence(decl, has_model=False)
        policy = model_policy(policy)
    results = _results(assign(decl, policy))
    if model is not None:
        for r in results:
            if r.lane in FLAGGED:
                k = r.declaration_id
                top = model.score_row(feats[k], top=TOP, rule_ids=hits[k][2], rule_score=hits[k][0])
                r.top_features = parse_top(top[1])
    return results


# ------------------------------------------------------------------ watchlists and model

_WATCH_CACHE: dict[tuple[Any, ...], tuple[tuple[Any, ...], pl.DataFrame | None, Any]] = {}
_CONSIGNEE_CACHE: dict[tuple[Any, ...], tuple[Consignees, Any]] = {}
_MODEL_CACHE: dict[str, RiskModel] = {}


def _actor_key(session: Session, actor: Actor) -> tuple[Any, ...]:
    return (
        str(session.get_bind().engine.url),
        actor.agency_id,
        actor.agency_code,
        actor.country,
        tuple(sorted(actor.partner_countries or ())),
        tuple(sorted(actor.group_ids or ())),
    )


def watchlist_for(session: Session, actor: Actor) -> pl.DataFrame | None:
    """The active watchlist entries visible to the caller's agency, keyed for matching
    (``names.entries_frame``); cached per process — the watchlist *version* is the count and
    latest change of the table, checked again after a change through this process or
    ``freshness.MAX_AGE`` seconds. ``None`` when there are none. The small-request
    matcher's index (``names.WatchIndex.of``) is cached on the returned frame."""
    key = _actor_key(session, actor)
    cached = _WATCH_CACHE.get(key)
    if cached is not None and freshness.fresh(cached[2]):
        return cached[1]
    checked = freshness.now()
    stamp = tuple(
        session.execute(
            select(func.count(WatchlistEntry.uuid), func.max(WatchlistEntry.updated_at))
        ).one()
    )
    if cached is not None and cached[0] == stamp:
        _WATCH_CACHE[key] = (stamp, cached[1], checked)
        return cached[1]
    entries = entries_for_screening(session, actor=actor)
    frame = entries_frame(entries) if entries else None
    if len(_WATCH_CACHE) > 64:
        _WATCH_CACHE.clear()
    _WATCH_CACHE[key] = (stamp, frame, checked)
    return frame


def current_model() -> RiskModel | None:
    """The model that screens (``model.active_version``: the one an administrator activated,
    else the newest stored), loaded once per process and again when another version is
    activated; ``None`` when there is none."""
    latest = active_version()
    if latest is None:
        return None
    if latest not in _MODEL_CACHE:
        _MODEL_CACHE.clear()
        _MODEL_CACHE[latest] = load_model(latest)
    return _MODEL_CACHE[latest]


def _results(lanes: pl.DataFrame) -> list[Result]:
    model = "model_score" in lanes.columns
    top = "top_features" in lanes.columns
    cols = ["declaration_id", "score", "lane", "reasons", "rules", "random"]
    cols += ["model_score"] if model else []
    cols += ["top_features"] if top else []
    cols += [c for c in ("asked", "mandatory", "office", "flow") if c in lanes.columns]
    out = []
    for row in lanes.select(cols).iter_rows(named=True):
        ms = row.get("model_score")
        out.append(
            Result(
                declaration_id=row["declaration_id"],
                score=round(float(row["score"] or 0.0), 3),
                lane=row["lane"],
                reasons=split_reasons(row["reasons"] or ""),
                rules=[r for r in (row["rules"] or "").split(";") if r],
                random=bool(row["random"]),
                model_score=float(ms) if ms is not None else None,
                top_features=parse_top(row.get("top_features") or ""),
                asked=row.get("asked") or "",
                mandatory=bool(row.get("mandatory")),
                office=row.get("office") or "",
                flow=row.get("flow") or "",
            )
        )
    return out


def screen_declarations(
    session: Session, *, actor: Actor, declarations: list[DeclarationIn], store: bool = False
) -> list[Result]:
    """Screen declarations from the API; with ``store``, keep them with their lane.

    Capacity is decided in arrival order against the current period's counts of the
    caller's agency and the recent risk thresholds (``capacity.period_for``); storing adds
    to the counts, read and written under the write lock."""
    parsed = parse_declarations(declarations)
    policy = lane_rates.policy_for(session, actor.agency_id, random_rate=RANDOM_RATE)
    if store:
        _own_agency(session, actor)
        lock_for_writing(session)
    day = capacity.period_of()
    policy.period = capacity.period_for(session, actor=actor, policy=policy, day=day)
    results = screen_parsed(
        parsed,
        policy=policy,
        watchlist=watchlist_for(session, actor),
        model=norms.with_norms(session, actor=actor, model=current_model()),
        rules=rules_for_agency(session, actor.agency_id),
        consignees=consignees_for(session, actor),
    )
    if store:
        _store(session, actor=actor, parsed=parsed, results=results)
        assert actor.agency_id is not None  # _own_agency checked it
        capacity.record(
            session, agency_id=actor.agency_id, decided=[r.decided() for r in results], day=day
        )
    return results


def _own_agency(session: Session, actor: Actor) -> Agency:
    if actor.agency_id is None:
        raise Forbidden(_("Only members of an agency may store declarations."))
    return session.get_one(Agency, actor.agency_id)


def existing_ids(session: Session, agency_id: int, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found.update(
            session.execute(
                select(Declaration.declaration_id).where(
                    Declaration.owner_agency_id == agency_id,
                    Declaration.declaration_id.in_(chunk),
                )
            ).scalars()
        )
    return found


def _store(session: Session, *, actor: Actor, parsed: Parsed, results: list[Result]) -> None:
    agency = _own_agency(session, actor)
    by_id = {r.declaration_id: r for r in results}
    ids = [d["declaration_id"] for d, _items in parsed.declarations]
    taken = existing_ids(session, agency.id, ids)
    if taken:
        raise Invalid(
            _("%(n)d declarations were already stored for the agency; nothing was stored.")
            % {"n": len(taken)},
            [
                {
                    "field": f"declarations.{i}.declaration_id",
                    "value": key,
                    "message": _("this declaration was already imported for the agency"),
                }
                for i, key in enumerate(ids)
                if key in taken
            ],
        )
    now = utcnow()
    for n, (decl, items) in enumerate(parsed.declarations, start=1):
        row = Declaration(
            owner_agency_id=agency.id,
            owner_country=agency.country_code,
            distribution=Distribution.national.value,
            **{k: v for k, v in decl.items() if k in DECLARATION_COLUMNS},
        )
        row.items = [DeclarationItem(line=i, **item) for i, item in enumerate(items, start=1)]
        session.add(row)
        result = by_id[decl["declaration_id"]]
        session.add(_screening(row, result, actor, now))
        if n % 500 == 0:
            session.flush()
    session.flush()
    _attach_uuids(session, agency.id, results)


def _screening(row: Declaration, result: Result, actor: Actor, now: datetime) -> Screening:
    return Screening(
        declaration=row,
        score=result.score,
        lane=result.lane,
        rules=";".join(result.rules),
        random=result.random,
        model_score=result.model_score,
        asked=result.asked,
        mandatory=result.mandatory,
        reasons=";".join(result.reasons),
        top_features=format_top(result.top_features),
        screened_by=actor.username,
        screened_at=now,
    )


def _attach_uuids(session: Session, agency_id: int, results: list[Result]) -> None:
    by_id = {r.declaration_id: r for r in results}
    keys = list(by_id)
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        rows = session.execute(
            select(Declaration.declaration_id, Declaration.uuid).where(
                Declaration.owner_agency_id == agency_id, Declaration.declaration_id.in_(chunk)
            )
        )
        for key, uid in rows:
            by_id[key].uuid = uid


# ------------------------------------------------------------------ from a file


@dataclass
class UploadReport:
    report: ImportReport
    lanes: dict[str, int]
    #: Offices and flows where mandatory hits alone exceed the red capacity.
    over_capacity: list[dict[str, Any]] = field(default_factory=list)


def import_and_screen(
    session: Session, *, actor: Actor, source: Path, filename: str, encoding: str | None = None
) -> UploadReport:
    """Import a declarations file for the caller's agency (atomic, as the CLI does), then
    screen it and store each declaration's lane."""
    agency = _own_agency(session, actor)
    history = consignees_for(session, actor)  # before the file's own consignees are stored
    report = import_declarations(
        session,
        actor=actor,
        source=source,
        filename=filename,
        agency_code=agency.code,
        encoding=encoding,
    )
    policy = lane_rates.policy_for(session, actor.agency_id, random_rate=RANDOM_RATE)
    results = screen_frame(
        read_frame(source, encoding=encoding),
        policy=policy,
        watchlist=watchlist_for(session, actor),
        model=norms.with_norms(session, actor=actor, model=current_model()),
        rules=rules_for_agency(session, actor.agency_id),
        consignees=history,
    )
    _attach_uuids(session, agency.id, results)
    now = utcnow()
    lanes = {"red": 0, "yellow": 0, "blue": 0, "green": 0}
    for n, result in enumerate(results, start=1):
        decl = session.get_one(Declaration, result.uuid)
        session.add(_screening(decl, result, actor, now))
        lanes[result.lane] = lanes.get(result.lane, 0) + 1
        if n % 500 == 0:
            session.flush()
    session.flush()
    decided = [r.decided() for r in results]
    capacity.record(session, agency_id=agency.id, decided=decided, day=capacity.period_of(now))
    return UploadReport(
        report=report, lanes=lanes, over_capacity=capacity.mandatory_overflow(decided, policy)
    )


def save_upload(upload: Any, folder: Path) -> Path:
    """Copy an uploaded file into ``folder`` (a private temporary folder), under a safe
    name and the upload limit."""
    return files.save_upload(upload, folder, default="declarations.csv")


def upload_and_screen(
    session: Session, *, actor: Actor, upload: Any, encoding: str | None = None
) -> UploadReport:
    with tempfile.TemporaryDirectory(prefix="kalibar-declarations-") as tmp:
        path = save_upload(upload, Path(tmp))
        return import_and_screen(
            session, actor=actor, source=path, filename=path.name, encoding=encoding
        )
