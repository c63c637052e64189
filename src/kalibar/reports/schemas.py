"""API shapes of the reports (codes as stored; labels in the request's language)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kalibar.reports import drill, iafq, roadmap, sdg_period
from kalibar.reports import labels as words


class ArmsRowOut(BaseModel):
    key: str
    label: str
    seized: int
    found: int
    surrendered: int
    total: int


class QuantityRowOut(BaseModel):
    key: str
    unit: str
    lines: int
    quantity: float


class RouteRowOut(BaseModel):
    origin: str
    transit: str
    destination: str
    seizures: int
    firearms: int


class TraceRowOut(BaseModel):
    country: str
    traced: int
    partly_traced: int
    not_traced: int
    pending: int
    total: int


class SdgOut(BaseModel):
    denominator: int
    numerator: int
    excluded_antiques: int
    ratio: float | None


class IafqOut(BaseModel):
    year: int
    scope: str
    scope_kind: str
    arms: dict[str, list[ArmsRowOut]]
    parts: list[QuantityRowOut]
    ammunition: list[QuantityRowOut]
    routes: list[RouteRowOut]
    significant_seizures: int
    traces_sent: list[TraceRowOut]
    traces_received: list[TraceRowOut]
    sdg_16_4_2: SdgOut

    @classmethod
    def of(cls, r: iafq.Iafq) -> IafqOut:
        def arms(dim: str, row: iafq.ArmsRow) -> ArmsRowOut:
            return ArmsRowOut(
                key=row.key, label=words.key_label(dim, row.key), total=row.total, **row.counts
            )

        def traces(rows: list[iafq.TraceRow]) -> list[TraceRowOut]:
            return [TraceRowOut(country=t.country, total=t.total, **t.counts) for t in rows]

        assert r.sdg is not None
        return cls(
            year=r.period.year,
            scope=r.scope.label,
            scope_kind=r.scope.kind,
            arms={d: [arms(d, row) for row in r.arms[d]] for d in iafq.DIMENSIONS},
            parts=[QuantityRowOut(**vars(p)) for p in r.parts],
            ammunition=[QuantityRowOut(**vars(p)) for p in r.ammunition],
            routes=[RouteRowOut(**vars(x)) for x in r.routes],
            significant_seizures=len(r.significant),
            traces_sent=traces(r.traces_sent),
            traces_received=traces(r.traces_received),
            sdg_16_4_2=SdgOut(
                denominator=r.sdg.denominator,
                numerator=r.sdg.numerator,
                excluded_antiques=r.sdg.excluded_antiques,
                ratio=r.sdg.ratio,
            ),
        )


class DrillOut(BaseModel):
    table: str
    key: str
    total: int
    visible: int
    hidden: int
    references: list[str]

    @classmethod
    def of(cls, d: drill.Drill) -> DrillOut:
        refs = [(row[1].reference if d.kind == "item" else row.reference) for row in d.rows]
        return cls(
            table=d.cell.table,
            key=d.cell.key,
            total=d.total,
            visible=d.visible,
            hidden=d.hidden,
            references=refs,
        )


class SdgPeriodOut(BaseModel):
    period: str
    seized: int
    found: int
    surrendered: int
    denominator: int
    excluded_antiques: int
    established_by_tracing: int
    established_otherwise: int
    numerator: int
    ratio: float | None

    @classmethod
    def of(cls, p: sdg_period.SdgPeriod) -> SdgPeriodOut:
        return cls(period=p.period.code, ratio=p.ratio, **p.figures)


class KpiOut(BaseModel):
    id: str
    goal: str
    title: str
    manual: bool
    value: str
    evidence: str
    source: str


class RoadmapOut(BaseModel):
    period: str
    owner: str
    scope: str
    status: str
    kpis: list[KpiOut]

    @classmethod
    def of(cls, p: roadmap.Progress) -> RoadmapOut:
        return cls(
            period=p.period.code,
            owner=p.owner,
            scope=p.scope.kind,
            status=p.status,
            kpis=[
                KpiOut(
                    id=line.kpi.id,
                    goal=line.kpi.goal,
                    title=line.kpi.title,
                    manual=line.kpi.manual,
                    value=line.value,
                    evidence=line.evidence,
                    source=line.source,
                )
                for _g, lines in p.by_goal()
                for line in lines
            ],
        )


class ManualValueIn(BaseModel):
    value: str = Field(max_length=200)
    evidence: str = Field(max_length=4000)
