"""Inspection capacity for administrators: ``/targeting/capacity`` (the lane rates per
office and flow, the defaults, and how much of today's capacity is used) and
``/api/v1/targeting/capacity`` (GET, PUT). Saving goes through ``lane_rates.save``
(validated, audited); the usage through ``capacity.usage``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kalibar.i18n import _
from kalibar.targeting import capacity, lane_rates
from kalibar.targeting.lanes import DEFAULT_CAPACITY, reason_text
from kalibar.targeting.rules_web import LaneRateLine, LaneRatesIn, rates_out, save_rates_form
from kalibar.targeting.screening import RANDOM_RATE
from kalibar.web.deps import AdminActor, Db
from kalibar.web.templating import render

#: What every template may call: a screening reason as words (``over capacity: red → yellow``).
TEMPLATE_GLOBALS: dict[str, Any] = {"reason_text": reason_text}

api_router = APIRouter(prefix="/targeting/capacity", tags=["targeting"])
page_router = APIRouter(prefix="/targeting/capacity", include_in_schema=False)


class UsageOut(BaseModel):
    office: str
    flow: str
    screened: int = Field(description="Declarations screened and stored today (UTC).")
    taken: dict[str, int]
    quota: dict[str, int | None]
    thresholds: dict[str, float]
    mandatory: int
    mandatory_over_capacity: bool


class CapacityOut(BaseModel):
    period: str = Field(description="The capacity period: the UTC day.")
    defaults: dict[str, float]
    random_rate: float
    rates: list[LaneRateLine]
    today: list[UsageOut]


def _usage(db: Db, actor: AdminActor) -> list[capacity.Usage]:
    policy = lane_rates.policy_for(db, actor.agency_id, random_rate=RANDOM_RATE)
    return capacity.usage(db, actor=actor, policy=policy)


def _out(db: Db, actor: AdminActor) -> CapacityOut:
    return CapacityOut(
        period=capacity.period_of().isoformat(),
        defaults=dict(DEFAULT_CAPACITY),
        random_rate=RANDOM_RATE,
        rates=rates_out(lane_rates.lines_for(db, actor.agency_id)),
        today=[
            UsageOut(
                office=u.office,
                flow=u.flow,
                screened=u.total,
                taken=u.taken,
                quota={lane: u.quota(lane) for lane in capacity.LANES},
                thresholds=u.thresholds,
                mandatory=u.mandatory,
                mandatory_over_capacity=u.mandatory_over,
            )
            for u in _usage(db, actor)
        ],
    )


@api_router.get("", response_model=CapacityOut)
def get_capacity(db: Db, actor: AdminActor) -> CapacityOut:
    return _out(db, actor)


@api_router.put("", response_model=CapacityOut)
def put_capacity(body: LaneRatesIn, db: Db, actor: AdminActor) -> CapacityOut:
    text = lane_rates.as_text(
        [lane_rates.RateLine(r.office, r.flow, r.red, r.yellow, r.blue) for r in body.rates]
    )
    lane_rates.save(db, actor=actor, text=text)
    return _out(db, actor)


def page(request: Request, db: Db, actor: AdminActor, status: int = 200, **extra: Any) -> Response:
    context: dict[str, Any] = {
        "rates_text": lane_rates.as_text(lane_rates.lines_for(db, actor.agency_id)),
        "rates_message": "",
        "rates_errors": [],
        "notice": _("Capacity saved.") if request.query_params.get("saved") else "",
        "usage": _usage(db, actor),
        "period": capacity.period_of(),
        "defaults": DEFAULT_CAPACITY,
        "random_rate": RANDOM_RATE,
        "lanes": capacity.LANES,
    }
    context.update(extra)
    return render(request, "targeting/capacity.html", context, status)


@page_router.get("")
def capacity_page(request: Request, db: Db, actor: AdminActor) -> Response:
    return page(request, db, actor)


@page_router.post("")
def capacity_save(request: Request, db: Db, actor: AdminActor) -> Response:
    return save_rates_form(request, db, actor, again=page, done="/targeting/capacity?saved=1")
