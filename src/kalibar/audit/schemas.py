"""API shape of audit entries."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from kalibar.audit.models import AuditEntry


class AuditEntryOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    agency: str
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any]
    request_id: str
    hash: str

    @classmethod
    def of(cls, e: AuditEntry) -> AuditEntryOut:
        return cls(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            agency=e.agency,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            changes=json.loads(e.changes),
            request_id=e.request_id,
            hash=e.hash,
        )
