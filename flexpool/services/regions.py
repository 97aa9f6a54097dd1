"""The region: creating it with its first coordinator, and its policy (working time, waves, settling hours)."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db import audit as audit_db
from flexpool.db import regions as regions_db
from flexpool.db import users as users_db
from flexpool.db.audit import AuditEvent
from flexpool.db.regions import Region
from flexpool.domain import policy as region_policy
from flexpool.domain.events import Event
from flexpool.domain.policy import RegionPolicy
from flexpool.services import effects, identity
from flexpool.services.errors import Invalid, NotFound
from flexpool.services.principal import Principal


async def create_region(conn: Connection, name: str, coordinator_email: str) -> Region:
    async with conn.transaction():
        region = await regions_db.by_name(conn, name) or await regions_db.create(conn, name)
        user = await users_db.get_or_create(conn, coordinator_email, coordinator_email.split("@")[0].title())
        await identity.join_region(conn, user.id, region.id)
        await users_db.grant(conn, user.id, region.id, None, "coordinator")
    return region


async def policy(conn: Connection, region_id: UUID | None) -> RegionPolicy:
    """The one way services read a region's rules (working time, waves, settling)."""
    region = await regions_db.get(conn, region_id) if region_id else None
    return region_policy.from_settings(region.settings if region else None)


class RegionRules(msgspec.Struct, frozen=True):
    """A region and the rules in effect there (its settings over the defaults)."""

    region: Region
    policy: RegionPolicy


async def region(conn: Connection, p: Principal) -> RegionRules:
    """The caller's region and its rules: the rules are no secret to anyone working under them."""
    row = await regions_db.get(conn, p.region_id) if p.region_id else None
    if row is None:
        raise NotFound("region")
    return RegionRules(row, region_policy.from_settings(row.settings))


async def set_policy(conn: Connection, p: Principal, new: RegionPolicy, now: datetime) -> RegionRules:
    """Applies to what happens from now on: shifts already published keep their waves, closed months their
    statements; open months are recomputed with it."""
    region_id = p.require_coordinator()
    errors = region_policy.problems(new)
    if errors:
        raise Invalid(errors)
    async with conn.transaction():
        await regions_db.set_settings(conn, region_id, region_policy.to_settings(new))
        await effects.record(conn, Event(subject_type="region", subject_id=region_id, action="settings-changed",
                                         actor=p.user_id, at=now, data=region_policy.to_settings(new),
                                         region_id=region_id))
    return await region(conn, p)


async def history(conn: Connection, p: Principal, *, before_id: int | None = None,
                  limit: int = 50) -> list[AuditEvent]:
    region = p.require_coordinator()
    return await audit_db.for_region(conn, region, before_id=before_id, limit=limit)
