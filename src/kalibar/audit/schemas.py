"""API shape of audit entries."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from kalibar.audit.models import AuditEntry

if TYPE_CHECKING:
    from kalibar.audit.service import AuditRow


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
    #: True when the viewer's agency may not see the object: its id and fields are withheld.
    redacted: bool = False

    @classmethod
    def of(cls, e: AuditEntry | AuditRow) -> AuditEntryOut:
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
            redacted=getattr(e, "redacted", False),
        )
