"""The hit check after a bulk import of records, as the records slice asks for it.

A bulk import inserts rows without the ORM flush the hit detector watches, so its edges
(the ``kalibar records import`` command, the upload page and API) ask for the records
created since the import began to be checked against the register, in the same
transaction. The check belongs to the matching slice, a floor above records (it reads
them); the records slice does not import it: the composition root installs it at assembly
(:func:`kalibar.app.ports.install` passes ``matching.hits.scan_created_since``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session


class Scan(Protocol):
    def __call__(
        self, session: Session, since: datetime, *, progress: Callable[[int], None] | None = ...
    ) -> int: ...


_scan: list[Scan] = []


def install(scan: Scan) -> None:
    """Set the check (the composition root does, once per process)."""
    _scan[:] = [scan]


def check_created_since(
    session: Session, since: datetime, *, progress: Callable[[int], None] | None = None
) -> int:
    """Hits raised by the records created at or after ``since``; the number made."""
    if not _scan:
        raise RuntimeError("kalibar.app.assemble() must run before records are imported")
    return _scan[0](session, since, progress=progress)
