"""API shapes for the indicators."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kalibar.i18n import _
from kalibar.indicators import sdg, tracing_stats
from kalibar.records.labels import STATUS_LABELS, TYPE_LABELS
from kalibar.reference.countries import country_label
from kalibar.seizures.labels import label as seizure_label


class Period(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from")
    to: date


class SdgCellOut(BaseModel):
    key: str
    label: str
    denominator: int
    numerator: int
    ratio: float | None


class SdgReportOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    indicator: str = "16.4.2"
    period: Period
    country: str | None
    agency: str | None
    viewer: str = Field(description="whose visibility the figures are computed for")
    denominator: int
    numerator: int
    ratio: float | None
    by_weapon_type: list[SdgCellOut]
    by_context: list[SdgCellOut]
    by_agency: list[SdgCellOut]
    by_country_of_manufacture: list[SdgCellOut] = Field(
        description="as stamped (former states such as SU and YU kept), named in the"
        " request's language"
    )
    excluded_antiques: int

    @classmethod
    def of(cls, report: sdg.SdgReport) -> SdgReportOut:
        q = report.query
        return cls(
            period=Period(from_=q.date_from, to=q.date_to),
            country=q.country,
            agency=q.agency,
            viewer=report.viewer,
            denominator=report.denominator,
            numerator=report.numerator,
            ratio=report.ratio,
            by_weapon_type=[_cell(c, type_label(c.key)) for c in report.by_weapon_type],
            by_context=[_cell(c, context_label(c.key)) for c in report.by_context],
            by_agency=[_cell(c, c.key) for c in report.by_agency],
            by_country_of_manufacture=[
                _cell(c, made_label(c.key)) for c in report.by_country_of_manufacture
            ],
            excluded_antiques=report.excluded_antiques,
        )


def made_label(key: str) -> str:
    if key == sdg.UNKNOWN:
        return _("country not known")
    return country_label(key)


def type_label(key: str) -> str:
    if key == sdg.UNKNOWN:
        return _("type not known")
    return str(TYPE_LABELS[key]) if key in TYPE_LABELS else key


def context_label(key: str) -> str:
    """A seizure context (border check, postal inspection …) or, outside seizures, a status."""
    if key in STATUS_LABELS:
        return str(STATUS_LABELS[key])
    return seizure_label("context", key)


def _cell(cell: sdg.Cell, label: str) -> SdgCellOut:
    return SdgCellOut(
        key=cell.key,
        label=label,
        denominator=cell.denominator,
        numerator=cell.numerator,
        ratio=cell.ratio,
    )


class OriginIn(BaseModel):
    established: bool
    source: Literal["other"] = "other"
    note: str = Field("", max_length=2000)


class OriginOut(BaseModel):
    record_id: uuid.UUID
    reference: str
    origin_established: bool
    origin_source: str | None
    origin_established_at: date | None
    origin_note: str


class CountryDelaysOut(BaseModel):
    country: str
    requests: int
    acknowledged: int
    answered: int
    median_ack_days: float | None
    median_answer_days: float | None


class TimeToCrimeOut(BaseModel):
    record_id: uuid.UUID | None
    reference: str
    diversion_date: date
    event_date: date
    days: int
    years: float


class TracingStatsOut(BaseModel):
    period: Period
    recipient_country: str | None
    viewer: str
    sent: int
    received: int
    answered_sent: int
    answered_received: int
    overdue_sent: int
    overdue_received: int
    by_status: dict[str, int]
    by_result: dict[str, int]
    by_recipient_country: list[CountryDelaysOut]
    median_time_to_crime_years: float | None
    time_to_crime_bands: dict[str, int]
    time_to_crime: list[TimeToCrimeOut]

    @classmethod
    def of(cls, stats: tracing_stats.TracingStats) -> TracingStatsOut:
        q = stats.query
        return cls(
            period=Period(from_=q.date_from, to=q.date_to),
            recipient_country=q.country,
            viewer=stats.viewer,
            sent=stats.sent,
            received=stats.received,
            answered_sent=stats.answered_sent,
            answered_received=stats.answered_received,
            overdue_sent=stats.overdue_sent,
            overdue_received=stats.overdue_received,
            by_status=stats.by_status,
            by_result=stats.by_result,
            by_recipient_country=[CountryDelaysOut(**vars(c)) for c in stats.by_country],
            median_time_to_crime_years=stats.median_time_to_crime_years,
            time_to_crime_bands=dict(stats.time_to_crime_bands),
            time_to_crime=[TimeToCrimeOut(**vars(t), years=t.years) for t in stats.time_to_crime],
        )
