"""Learning from Kalibar's own inspections: train on the agency's recorded results,
compare with the model that screens on the newest period, and let an administrator decide.

Selection: officers open what the lanes sent them, so the inspected declarations are not
a sample of the traffic. The random control sample is: each of its inspections stands for
``1 / RANDOM_RATE`` declarations of all traffic, so it is weighted by that inverse
selection probability in fitting and calibration (``training.train(weights=...)``), while
the selected inspections count once. The calibrated probability then speaks of all traffic
rather than of what officers chose to open.

Champion/challenger: a trained model is stored as a *candidate* (files under the data
folder, a ``ModelVersion`` row with its metrics); ``compare`` scores the newest period's
inspected declarations with it and with the active model. Only ``activate`` (an
administrator, with a note) makes a model screen; the previous one is *retired* and
``rollback`` brings the last retired one back. Every change of a row is in the audit trail
(``ModelVersion`` is audited). Which version screens is also written next to the model
files (``model.write_active``) once the decision is committed (a session ``after_commit``
hook), so screening processes need no query to find it. Services here never commit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import case, event, select
from sqlalchemy.orm import Session

from kalibar.agencies.service import require_admin
from kalibar.auth.actor import Actor
from kalibar.db.base import utcnow
from kalibar.db.session import lock_for_writing
from kalibar.errors import Invalid, NotFound
from kalibar.i18n import _
from kalibar.sharing.visibility import visible
from kalibar.targeting.engine import evaluate
from kalibar.targeting.features import prepare
from kalibar.targeting.fields import HISTORY_COLUMNS
from kalibar.targeting.inspection_models import Screening
from kalibar.targeting.model import (
    RiskModel,
    active_version,
    declaration_features,
    load_model,
    versions,
    write_active,
)
from kalibar.targeting.model_version_models import ModelStatus, ModelVersion
from kalibar.targeting.models import Declaration, DeclarationItem
from kalibar.targeting.norms import item_row
from kalibar.targeting.rules import Rule
from kalibar.targeting.training import KS, at_k, labelled, time_split, train

#: Share of declarations drawn for the random control sample (``screening.RANDOM_RATE``).
DEFAULT_RANDOM_RATE = 0.01


def history_from_db(
    session: Session, *, actor: Actor, random_rate: float = DEFAULT_RANDOM_RATE
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The agency's own declarations as history item rows (text columns, ``inspected``,
    ``outcome``) and the weight of each inspected one (``declaration_id``, ``weight``:
    ``1 / random_rate`` for the random control sample, 1 for the rest)."""
    if actor.agency_id is None:
        raise Invalid(_("Training reads one agency's inspections; act for an agency."))
    stmt = (
        select(Declaration, DeclarationItem, Screening.random)
        .join(DeclarationItem, DeclarationItem.declaration_uuid == Declaration.uuid)
        .outerjoin(Screening, Screening.declaration_uuid == Declaration.uuid)
        .where(Declaration.owner_agency_id == actor.agency_id)
        .order_by(Declaration.lodged_at, Declaration.declaration_id, DeclarationItem.line)
    )
    rows: list[dict[str, str]] = []
    weights: dict[str, float] = {}
    for decl, item, drawn in session.execute(visible(stmt, Declaration, actor)):
        row = item_row(decl, item, HISTORY_COLUMNS)
        row["inspected"] = "1" if decl.inspected else "0"
        row["outcome"] = decl.outcome or "" if decl.inspected else ""
        rows.append(row)
        if decl.inspected:
            weights[decl.declaration_id] = 1.0 / random_rate if drawn else 1.0
    frame = pl.DataFrame(rows, schema={c: pl.Utf8 for c in HISTORY_COLUMNS})
    weight = pl.DataFrame(
        {"declaration_id": list(weights), "weight": list(weights.values())},
        schema={"declaration_id": pl.Utf8, "weight": pl.Float64},
    )
    return frame, weight


def _weighted(scores: np.ndarray, y: np.ndarray, w: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in KS:
        p, r = at_k(scores, y, k)
        out[f"precision@{round(k * 100)}%"] = round(p, 4)
        out[f"recall@{round(k * 100)}%"] = round(r, 4)
    out["brier"] = round(float(np.average((scores - y) ** 2, weights=w)), 5) if len(y) else None
    if 0 < y.sum() < len(y):
        from sklearn.metrics import roc_auc_score

        out["auc"] = round(float(roc_auc_score(y, scores, sample_weight=w)), 4)
    return out


def compare(
    challenger: RiskModel,
    champion: RiskModel | None,
    history: pl.DataFrame,
    weights: pl.DataFrame,
    rules: list[Rule],
) -> dict[str, Any]:
    """Both models on the newest period's inspected declarations (the held-out part of the
    time split): recall and precision at 1 % and 5 %, AUC and the Brier score (weighted)."""
    items = prepare(history)
    test = time_split(labelled(declaration_features(items, prepared=True))).test
    chosen = items.filter(pl.col("declaration_id").is_in(test["declaration_id"].implode()))
    hits = evaluate(chosen, rules, prepared=True)
    y = test["y"].to_numpy().astype(float)
    w = (
        test.select("declaration_id")
        .join(weights, on="declaration_id", how="left", maintain_order="left")["weight"]
        .fill_null(1.0)
        .to_numpy()
    )
    out: dict[str, Any] = {
        "period": {
            "from": str(test["lodged_at"].min()) if test.height else None,
            "to": str(test["lodged_at"].max()) if test.height else None,
            "inspected": test.height,
            "hits": int(y.sum()),
        }
    }
    for name, model in (("challenger", challenger), ("champion", champion)):
        if model is None or not test.height:
            out[name] = None
            continue
        scored = model.score(chosen, prepared=True, explain_top=0, rule_hits=hits)
        s = (
            test.select("declaration_id")
            .join(scored, on="declaration_id", how="left", maintain_order="left")["score"]
            .fill_null(0.0)
            .to_numpy()
        )
        out[name] = {"version": model.version, **_weighted(s, y, w)}
    return out


def train_from_db(
    session: Session,
    *,
    actor: Actor,
    rules: list[Rule],
    model_dir: Path | None = None,
    seed: int = 0,
    random_rate: float = DEFAULT_RANDOM_RATE,
) -> ModelVersion:
    """Train a candidate on the agency's recorded inspections (administrators), store it and
    its comparison with the active model; it does not screen until ``activate``."""
    require_admin(actor)
    history, weights = history_from_db(session, actor=actor, random_rate=random_rate)
    if weights.height == 0:
        raise Invalid(_("No recorded inspections to learn from."))
    model, meta = train(history, rules=rules, seed=seed, weights=weights)
    current = active_version(model_dir)
    champion = load_model(current, model_dir) if current else None
    comparison = compare(model, champion, history, weights, rules)
    if not _has_marker(model_dir):
        write_active(current, model_dir)  # the candidate must not screen by being newest
    model.metadata["source"] = "db"
    model.metadata["weights"] = {"random_sample": 1.0 / random_rate, "selected": 1.0}
    model.save(model_dir)
    row = ModelVersion(
        version=model.version,
        status=ModelStatus.candidate.value,
        source="db",
        agency_id=actor.agency_id,
        trained_by=actor.username,
        metrics=json.dumps({"periods": meta["periods"], "metrics": meta["metrics"]}),
        comparison=json.dumps(comparison),
    )
    session.add(row)
    session.flush()
    return row


def _has_marker(model_dir: Path | None) -> bool:
    from kalibar.targeting.model import ACTIVE_FILE, model_root

    return (model_root(model_dir) / ACTIVE_FILE).is_file()


def list_versions(session: Session) -> list[ModelVersion]:
    return list(
        session.execute(select(ModelVersion).order_by(ModelVersion.trained_at.desc())).scalars()
    )


def _get(session: Session, version: str) -> ModelVersion:
    row = session.execute(
        select(ModelVersion).where(ModelVersion.version == version)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("model", version)
    return row


def _registered(session: Session, version: str, model_dir: Path | None) -> ModelVersion:
    """The version's row; a model trained from a file gets one when first decided on."""
    row = session.execute(
        select(ModelVersion).where(ModelVersion.version == version)
    ).scalar_one_or_none()
    if row is not None:
        return row
    meta = load_model(version, model_dir).metadata
    row = ModelVersion(
        version=version,
        source="file",
        trained_by="",
        metrics=json.dumps(
            {"periods": meta.get("periods", {}), "metrics": meta.get("metrics", [])}, default=str
        ),
    )
    session.add(row)
    session.flush()
    return row


def activate(
    session: Session,
    *,
    actor: Actor,
    version: str,
    note: str,
    model_dir: Path | None = None,
) -> ModelVersion:
    """Make ``version`` the model that screens (administrators, with a reason); the active
    one is retired. The caller writes ``model.write_active`` after committing."""
    require_admin(actor)
    if not note.strip():
        raise Invalid(
            _("Say why this model should screen."),
            [{"field": "note", "message": _("required")}],
        )
    lock_for_writing(session)
    if version not in versions(model_dir):
        raise NotFound("model file", version)
    row = _registered(session, version, model_dir)
    if row.status == ModelStatus.active.value:
        return row
    now = utcnow()
    for other in session.execute(
        select(ModelVersion).where(ModelVersion.status == ModelStatus.active.value)
    ).scalars():
        other.status = ModelStatus.retired.value
        other.decided_by, other.decided_at = actor.username, now
    row.status = ModelStatus.active.value
    row.decided_by, row.decided_at, row.note = actor.username, now, note.strip()
    session.flush()
    chosen = row.version
    # screening processes read the file: write it once the decision is committed
    event.listen(session, "after_commit", lambda _s: write_active(chosen, model_dir), once=True)
    return row


def reject(session: Session, *, actor: Actor, version: str, note: str) -> ModelVersion:
    """Decide against a candidate (administrators); it stays stored with its figures."""
    require_admin(actor)
    lock_for_writing(session)
    row = _get(session, version)
    if row.status != ModelStatus.candidate.value:
        raise Invalid(_("Only a candidate can be rejected."))
    row.status = ModelStatus.rejected.value
    row.decided_by, row.decided_at, row.note = actor.username, utcnow(), note.strip()
    session.flush()
    return row


def rollback(
    session: Session, *, actor: Actor, note: str, model_dir: Path | None = None
) -> ModelVersion:
    """Bring back the most recently retired model (administrators)."""
    require_admin(actor)
    lock_for_writing(session)
    retired = session.execute(
        select(ModelVersion)
        .where(ModelVersion.status == ModelStatus.retired.value)
        .order_by(ModelVersion.decided_at.desc(), ModelVersion.trained_at.desc())
    ).scalars()
    for row in retired:
        if row.version in versions(model_dir):
            return activate(
                session,
                actor=actor,
                version=row.version,
                note=note or _("rollback"),
                model_dir=model_dir,
            )
    raise NotFound("model", "retired")


def publish(session: Session, model_dir: Path | None = None) -> str | None:
    """Write which version screens, from the committed rows (after the commit)."""
    row = session.execute(
        select(ModelVersion).where(ModelVersion.status == ModelStatus.active.value)
    ).scalar_one_or_none()
    version = row.version if row is not None else active_version(model_dir)
    write_active(version, model_dir)
    return version


SCORE_BANDS = (0.0, 0.01, 0.05, 0.2, 0.5)


def drift(session: Session, *, actor: Actor, months: int = 12) -> list[dict[str, Any]]:
    """Per month (UTC) of the agency's screenings: how many, the share in each score band
    (``SCORE_BANDS``), the mean score, inspections and hits (recorded results and
    imported history alike: the declaration's ``inspected``/``outcome``), and the random
    control sample's inspections and hits (its hit rate is the unbiased one)."""
    from kalibar.targeting.inspection_models import POSITIVE_OUTCOMES

    stmt = (
        select(
            Screening.screened_at,
            Screening.score,
            Screening.random,
            case((Declaration.inspected.is_(True), Declaration.outcome), else_=None),
        )
        .join(Declaration, Declaration.uuid == Screening.declaration_uuid)
        .where(Declaration.owner_agency_id == actor.agency_id)
    )
    rows = session.execute(visible(stmt, Declaration, actor)).all()
    if not rows:
        return []
    positive = [o.value for o in POSITIVE_OUTCOMES]
    frame = pl.DataFrame(
        {
            "month": [r[0].strftime("%Y-%m") for r in rows],
            "score": [float(r[1] or 0.0) for r in rows],
            "random": [bool(r[2]) for r in rows],
            "outcome": [r[3] or "" for r in rows],
        }
    )
    band = pl.lit(0)
    for i, edge in enumerate(SCORE_BANDS[1:], start=1):
        band = pl.when(pl.col("score") >= edge).then(i).otherwise(band)
    insp = pl.col("outcome") != ""
    hit = pl.col("outcome").is_in(positive)
    per = (
        frame.with_columns(band.alias("band"))
        .group_by("month")
        .agg(
            pl.len().alias("screened"),
            pl.col("score").mean().alias("mean_score"),
            *((pl.col("band") == i).mean().alias(f"band{i}") for i in range(len(SCORE_BANDS))),
            insp.sum().alias("inspected"),
            hit.sum().alias("hits"),
            (insp & pl.col("random")).sum().alias("random_inspected"),
            (hit & pl.col("random")).sum().alias("random_hits"),
        )
        .sort("month", descending=True)
        .head(months)
    )
    out = []
    for r in per.iter_rows(named=True):
        r["bands"] = [r.pop(f"band{i}") for i in range(len(SCORE_BANDS))]
        r["hit_rate"] = r["hits"] / r["inspected"] if r["inspected"] else None
        r["random_hit_rate"] = (
            r["random_hits"] / r["random_inspected"] if r["random_inspected"] else None
        )
        out.append(r)
    return out


__all__ = [
    "activate",
    "drift",
    "compare",
    "history_from_db",
    "list_versions",
    "publish",
    "reject",
    "rollback",
    "train_from_db",
]
