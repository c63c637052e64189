"""The words for an operation's codes (status, member role, kind of link, task status),
translated when shown; templates read them through ``TEMPLATE_GLOBALS``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kalibar.i18n import N_

STATUS = {"planned": N_("planned"), "active": N_("active"), "closed": N_("closed")}
ROLE = {"lead": N_("lead agency"), "member": N_("member"), "observer": N_("observer")}
KIND = {
    "seizure": N_("seizure"),
    "record": N_("firearm record"),
    "entity": N_("person, company, vehicle or phone"),
    "declaration": N_("declaration"),
    "trace": N_("trace request"),
}
TASK_STATUS = {"open": N_("open"), "done": N_("done"), "cancelled": N_("cancelled")}


def word(table: Mapping[str, Any], code: str) -> str:
    """The code's word in the reader's language (the code itself if it has none)."""
    found = table.get(code)
    return str(found) if found is not None else code


TEMPLATE_GLOBALS = {
    "operation_status_labels": STATUS,
    "operation_role_labels": ROLE,
    "operation_kind_labels": KIND,
    "operation_task_labels": TASK_STATUS,
}
