"""The application factory: every slice's routers, label tables and middleware."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from kalibar import __version__
from kalibar.agencies import api as agencies_api
from kalibar.agencies import views as agencies_views
from kalibar.analysis import api as analysis_api
from kalibar.analysis import views as analysis_views
from kalibar.app import assemble, dashboard
from kalibar.audit import api as audit_api
from kalibar.audit import views as audit_views
from kalibar.auth import admin_views as users_views
from kalibar.auth import api as auth_api
from kalibar.auth import views as auth_views
from kalibar.db.session import default_engine
from kalibar.federation import api as federation_api
from kalibar.federation import loop as federation_loop
from kalibar.federation import views as federation_views
from kalibar.indicators import api as indicators_api
from kalibar.indicators import views as indicators_views
from kalibar.links import api as links_api
from kalibar.links import views as links_views
from kalibar.matching import api as matching_api
from kalibar.matching import views as matching_views
from kalibar.operations import api as operations_api
from kalibar.operations import views as operations_views
from kalibar.operations.labels import TEMPLATE_GLOBALS as OPERATION_LABELS
from kalibar.programme import api as programme_api
from kalibar.programme import views as programme_views
from kalibar.records import api as records_api
from kalibar.records import io_api as records_io_api
from kalibar.records import io_views as records_io_views
from kalibar.records import views as records_views
from kalibar.records.labels import TEMPLATE_GLOBALS as RECORD_LABELS
from kalibar.reference import api as reference_api
from kalibar.reference import views as reference_views
from kalibar.reports import api as reports_api
from kalibar.reports import views as reports_views
from kalibar.seizures import api as seizures_api
from kalibar.seizures import api_files as seizures_api_files
from kalibar.seizures import api_items as seizures_api_items
from kalibar.seizures import procedure_views as seizures_procedure_views
from kalibar.seizures import views as seizures_views
from kalibar.seizures.labels import TEMPLATE_GLOBALS as SEIZURE_LABELS
from kalibar.sharing import api as sharing_api
from kalibar.sharing import views as sharing_views
from kalibar.targeting import api as targeting_api
from kalibar.targeting import capacity_web as targeting_capacity_web
from kalibar.targeting import feature_labels as targeting_feature_labels
from kalibar.targeting import model_web as targeting_model_web
from kalibar.targeting import rules_web as targeting_rules_web
from kalibar.targeting import views as targeting_views
from kalibar.tracing import api as tracing_api
from kalibar.tracing import views as tracing_views
from kalibar.tracing.labels import TEMPLATE_GLOBALS as TRACING_LABELS
from kalibar.web import busy, errors, shell
from kalibar.web.body_limit import BodyLimitMiddleware
from kalibar.web.context import RequestContextMiddleware
from kalibar.web.head import HeadAsGetMiddleware
from kalibar.web.openapi import API_ERROR_RESPONSES
from kalibar.web.templating import env as template_env
from kalibar.web.text_guard import reject_nul

STATIC = shell.STATIC
API_PREFIX = "/api/v1"

API_ROUTERS: list[APIRouter] = [
    auth_api.router,
    agencies_api.router,
    audit_api.router,
    records_io_api.router,  # before records_api: /records/export is not a record id
    records_api.router,
    reference_api.router,
    matching_api.router,
    indicators_api.router,
    reports_api.router,
    analysis_api.router,
    tracing_api.router,
    targeting_rules_web.api_router,  # before targeting_api: fixed paths under /targeting
    targeting_capacity_web.api_router,
    targeting_api.router,
    seizures_api_files.router,  # before seizures_api: fixed paths are not seizure ids
    seizures_api_items.router,
    seizures_api.router,
    federation_api.router,
    links_api.router,
    sharing_api.router,
    operations_api.router,
    programme_api.router,
]
PAGE_ROUTERS: list[APIRouter] = [
    shell.router,
    dashboard.router,
    auth_views.router,
    agencies_views.router,
    users_views.router,
    audit_views.router,
    records_io_views.router,  # before records_views: /records/import is not a record id
    records_views.router,
    reference_views.router,
    seizures_procedure_views.router,
    seizures_views.router,
    matching_views.router,
    indicators_views.router,
    reports_views.router,
    analysis_views.router,
    tracing_views.router,
    targeting_rules_web.page_router,
    targeting_capacity_web.page_router,
    targeting_model_web.page_router,
    targeting_views.router,
    federation_views.router,
    federation_api.feed_router,  # /federation/v1: signed peers, not users
    links_views.router,
    sharing_views.router,
    operations_views.router,
    programme_views.router,
]
#: Label tables the slices contribute to every template.
TEMPLATE_GLOBALS = [
    RECORD_LABELS,
    TRACING_LABELS,
    SEIZURE_LABELS,
    targeting_capacity_web.TEMPLATE_GLOBALS,
    targeting_feature_labels.TEMPLATE_GLOBALS,
    OPERATION_LABELS,
]


def create_app(engine: Engine | None = None, **_: Any) -> FastAPI:
    """Build the ASGI app on ``engine`` (default: the configured database)."""
    assemble()
    app = FastAPI(
        title="Kalibar",
        version=__version__,
        description="Detect, record, identify, match and trace illicit small arms.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # Swagger UI would load from a CDN; closed networks have none
        redoc_url=None,
    )
    app.state.engine = engine or default_engine()
    federation_loop.install(app)  # background pulls when KALIBAR_FEDERATION_SYNC_SECONDS > 0
    errors.install(app)
    busy.install(app)
    for extra in TEMPLATE_GLOBALS:
        template_env.globals.update(extra)
    for router in API_ROUTERS:
        app.include_router(
            router,
            prefix=API_PREFIX,
            responses=API_ERROR_RESPONSES,
            dependencies=[Depends(reject_nul)],
        )
    for router in PAGE_ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.add_middleware(BodyLimitMiddleware)  # inside: errors get the request's language
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(HeadAsGetMiddleware)  # outermost: HEAD is a GET without the body
    return app
