"""Input and output of the screening API and the worklist (pydantic).

A declaration in JSON mirrors the columns of a declarations file (issue 7): the
declaration-level columns once, the goods-item columns in ``items``. Values are checked
again by ``fields.parse_row`` — the same rules as a CSV row — so a file and the API
accept and reject the same things.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from kalibar.bounds import Moment
from kalibar.targeting.inspection_models import Outcome

MAX_DECLARATIONS = 10_000
Flow = Literal["cargo", "express", "postal"]
ItemCategory = Literal["gift", "documents", "sample", "returned", "sale", "other"]
Lane = Literal["red", "yellow", "blue", "green"]


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    declared_description: str = Field(min_length=1, max_length=500)
    hs_code: str = Field("", max_length=16)
    quantity: float | None = Field(None, ge=0)
    gross_weight_kg: float | None = Field(None, ge=0)
    declared_value: float | None = Field(None, ge=0)
    currency: str = Field("", max_length=3)
    origin_country: str = Field("", max_length=60)


class DeclarationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    declaration_id: str = Field(min_length=1, max_length=64)
    flow: Flow
    lodged_at: Moment
    office: str = Field(min_length=1, max_length=32)
    dispatch_country: str = Field("", max_length=60)
    consignor_name: str = Field("", max_length=200)
    consignor_address: str = Field("", max_length=300)
    consignor_country: str = Field("", max_length=60)
    consignee_name: str = Field("", max_length=200)
    consignee_address: str = Field("", max_length=300)
    consignee_city: str = Field("", max_length=120)
    consignee_country: str = Field("", max_length=60)
    consignee_phone: str = Field("", max_length=40)
    transport_mode: str = Field("", max_length=32)
    vehicle_registration: str = Field("", max_length=32)
    item_category: ItemCategory = "other"
    #: A risk score in 0..1 computed elsewhere (e.g. by the learned model), optional.
    score: float | None = Field(None, ge=0, le=1)
    items: list[ItemIn] = Field(min_length=1, max_length=200)


class ScreeningRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    declarations: list[DeclarationIn] = Field(min_length=1, max_length=MAX_DECLARATIONS)
    #: Also store the declarations (owned by the caller's agency) with their lane, so
    #: they appear in the inspection worklist.
    store: bool = False


class Instruction(BaseModel):
    rule: str
    lane: str
    rationale: str
    instructions: str


class Contribution(BaseModel):
    """One of the model's top contributing features for a declaration: how much the
    calibrated score drops when this feature alone takes its training median (numbers,
    flags) or is missing (categories). One at a time, an approximation, not SHAP."""

    feature: str
    contribution: float


class ScreeningOut(BaseModel):
    declaration_id: str
    score: float
    lane: Lane
    #: ``rules:…``, ``score:…``, ``capacity:red>yellow``, ``random``.
    reasons: list[str]
    rules: list[str]
    random: bool
    instructions: list[Instruction]
    #: The model's calibrated score (0..1), when a model is trained.
    model_score: float | None = None
    #: The model's top contributing features, for red and yellow declarations.
    top_features: list[Contribution] = []
    #: The stored declaration, when ``store`` was asked for.
    uuid: UUID | None = None


class ScreeningResponse(BaseModel):
    results: list[ScreeningOut]
    stored: int = 0


class InspectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    notes: str = Field("", max_length=4000)


class InspectionOut(BaseModel):
    declaration_uuid: UUID
    outcome: str
    notes: str
    inspected_by: str
    inspected_at: datetime
    #: Where to record the seizure, for firearms, parts or ammunition.
    seizure_url: str | None = None


class WorklistItem(BaseModel):
    uuid: UUID
    declaration_id: str
    flow: str
    office: str
    lodged_at: datetime
    score: float
    lane: str
    reasons: list[str]
    rules: list[str]
    random: bool
    instructions: list[Instruction]
    outcome: str | None = None
    model_score: float | None = None
    top_features: list[Contribution] = []


class HitRateRow(BaseModel):
    group: str
    key: str
    month: str
    inspected: int
    positive: int
    hit_rate: float | None
