"""The caller, with the roles FlexPool's own data gives them (never the token's claims)."""
from __future__ import annotations

from uuid import UUID

import msgspec

from flexpool.services.errors import Forbidden, NotFound


class Role(msgspec.Struct, frozen=True):
    role: str
    organisation_id: UUID | None
    region_id: UUID
    organisation_name: str | None = None


class Principal(msgspec.Struct, frozen=True):
    user_id: UUID
    email: str
    name: str
    language: str
    roles: tuple[Role, ...]
    home_region_id: UUID | None = None  # users.region_id: set by the first grant or accepted invitation

    @property
    def region_id(self) -> UUID | None:
        """A user belongs to one region (the database guarantees it)."""
        return self.home_region_id or (self.roles[0].region_id if self.roles else None)

    @property
    def is_coordinator(self) -> bool:
        return any(r.role == "coordinator" for r in self.roles)

    @property
    def is_region_planner(self) -> bool:
        """The region's planning desk: plans for organisations that delegate their planning."""
        return any(r.role == "regionPlanner" for r in self.roles)

    def organisations(self, *roles: str) -> list[UUID]:
        return sorted({r.organisation_id for r in self.roles if r.organisation_id and (not roles or r.role in roles)})

    def has(self, organisation_id: UUID | None, *roles: str) -> bool:
        return any(r.organisation_id == organisation_id and r.role in roles for r in self.roles)

    def is_member_of(self, organisation_id: UUID | None) -> bool:
        return any(r.organisation_id == organisation_id for r in self.roles)

    def authorise(self, organisation_id: UUID | None, *roles: str, region_id: UUID | None, coordinator: bool = False,
                  delegated: bool = False) -> None:
        """The one rule every gate applies, given the region the organisation belongs to:
        outside the caller's region 404 for everyone (coordinators included); in it, the role or (where
        allowed) the region's coordinator passes; a member of the organisation or the region's coordinator
        without the right gets 403; everyone else 404, so that existence is not leaked."""
        if region_id is None or region_id != self.region_id:
            raise NotFound("organisation")
        if self.has(organisation_id, *roles) or (coordinator and self.is_coordinator) or \
                (delegated and self.is_region_planner):
            return
        if self.is_member_of(organisation_id) or self.is_coordinator or self.is_region_planner:
            raise Forbidden()
        raise NotFound("organisation")

    def require_coordinator(self) -> UUID:
        """The coordinator's region; Forbidden for everyone else."""
        region = next((r.region_id for r in self.roles if r.role == "coordinator"), None)
        if region is None:
            raise Forbidden("Only the region's coordinator may do this.")
        return region

    def require_region(self) -> UUID:
        """The caller's region; Forbidden for someone who holds no role anywhere yet (they can see nothing)."""
        if self.region_id is None:
            raise Forbidden("This account has no role in a region yet.")
        return self.region_id

    def require_any(self, *roles: str) -> None:
        if not any(r.role in roles for r in self.roles):
            raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.")
