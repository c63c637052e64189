"""Seizure pages, assembled from one module per part of the page (see ``views_*``).

Order matters: fixed paths (``/seizures/new``) come before ``/seizures/{seizure_id}``.
"""

from __future__ import annotations

from fastapi import APIRouter

from kalibar.seizures import (
    views_custody,
    views_detail,
    views_form,
    views_list,
    views_people,
    views_steps,
)

router = APIRouter(include_in_schema=False)
for _part in (views_list, views_form, views_detail, views_people, views_steps, views_custody):
    router.include_router(_part.router)
