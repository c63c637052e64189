"""The acting user, resolved once per request or command."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """Everything the visibility filter and the audit hook need to know about the caller."""

    user_id: int | None
    username: str
    agency_id: int | None
    agency_code: str
    country: str
    roles: frozenset[str] = frozenset()
    partner_countries: frozenset[str] = frozenset()
    group_ids: frozenset[int] = field(default_factory=frozenset)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


SYSTEM = Actor(user_id=None, username="system", agency_id=None, agency_code="", country="")
