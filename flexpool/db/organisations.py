"""Organisations, their sites, preferred partners and blocked workers."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.callers import changes_callers
from flexpool.db.rows import many, one, referenced
from flexpool.domain.directory import NewSite
from flexpool.domain.vocabulary import Cao, OrganisationKind


class Organisation(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    name: str
    kind: OrganisationKind
    cao: Cao
    kvk_number: str | None
    iban: str | None
    vat_number: str | None
    address: str | None
    postcode: str | None
    city: str | None
    waadi_registered: bool
    waadi_exempt: bool
    worker_cancel_window_minutes: int  # a worker may cancel until this long before the start
    late_cancel_window_minutes: int  # a release by the planner inside it is a late cancellation
    late_cancellation_percent: int  # of the planned minutes, owed to the lender for a late cancellation
    delegates_planning: bool  # region planners may plan for it
    created_at: datetime


class SiteFields(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Where an organisation's shifts are worked, as stored and as the API shows it (api.organisations)."""

    id: UUID
    organisation_id: UUID
    name: str
    address: str | None
    postcode: str | None
    city: str | None
    latitude: float | None
    longitude: float | None


class Site(SiteFields, frozen=True, kw_only=True):
    created_at: datetime


class BlockedWorker(msgspec.Struct, frozen=True, kw_only=True):
    organisation_id: UUID
    worker_id: UUID
    reason: str
    created_by: UUID | None
    created_at: datetime


class Favourite(msgspec.Struct, frozen=True, kw_only=True):
    worker_id: UUID
    name: str
    home_organisation_id: UUID
    home_organisation_name: str
    opted_in: bool
    created_at: datetime


ORGANISATION = ("SELECT " + ", ".join(Organisation.__struct_fields__) + " FROM organisations")
SITE = "SELECT " + ", ".join(Site.__struct_fields__) + " FROM sites"


async def create(conn: Connection, region_id: UUID, *, name: str, kvk_number: str | None = None,
                 iban: str | None = None, kind: str = "vvt", cao: str = "vvt") -> Organisation:
    new_id = await conn.fetchval(
        "INSERT INTO organisations (region_id, name, kvk_number, iban, kind, cao) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", region_id, name, kvk_number, iban, kind, cao)
    created = await get(conn, new_id, region_id)
    assert created is not None
    return created


async def get(conn: Connection, organisation_id: UUID, region_id: UUID | None) -> Organisation | None:
    return one(Organisation, await conn.fetchrow(ORGANISATION + " WHERE id = $1 AND region_id = $2",
                                                 organisation_id, region_id))


async def list_in_region(conn: Connection, region_id: UUID) -> list[Organisation]:
    return many(Organisation, await conn.fetch(ORGANISATION + " WHERE region_id = $1 ORDER BY name, id", region_id))


async def create_site(conn: Connection, organisation_id: UUID, new: NewSite) -> Site:
    return Site(**await conn.fetchrow(
        "INSERT INTO sites (organisation_id, name, address, postcode, city, latitude, longitude) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + ", ".join(Site.__struct_fields__),
        organisation_id, new.name, new.address, new.postcode, new.city, new.latitude, new.longitude))


async def sites(conn: Connection, organisation_id: UUID) -> list[Site]:
    return many(Site, await conn.fetch(SITE + " WHERE organisation_id = $1 ORDER BY name, id", organisation_id))


async def site(conn: Connection, site_id: UUID, organisation_id: UUID) -> Site | None:
    return one(Site, await conn.fetchrow(SITE + " WHERE id = $1 AND organisation_id = $2", site_id, organisation_id))


async def set_partners(conn: Connection, organisation_id: UUID, partner_ids: list[UUID]) -> None:
    await conn.execute("DELETE FROM partners WHERE organisation_id = $1", organisation_id)
    await conn.executemany("INSERT INTO partners (organisation_id, partner_id) VALUES ($1, $2)",
                           [(organisation_id, p) for p in partner_ids])


async def partners(conn: Connection, organisation_id: UUID) -> list:
    return [r["partner_id"] for r in await conn.fetch(
        "SELECT partner_id FROM partners WHERE organisation_id = $1 ORDER BY partner_id", organisation_id)]


async def block_worker(conn: Connection, organisation_id: UUID, worker_id: UUID, reason: str | None,
                       user_id: UUID) -> BlockedWorker:
    return BlockedWorker(**await conn.fetchrow(
        "INSERT INTO blocked_workers (organisation_id, worker_id, reason, created_by) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (organisation_id, worker_id) DO UPDATE SET reason = EXCLUDED.reason "
        "RETURNING organisation_id, worker_id, reason, created_by, created_at",
        organisation_id, worker_id, reason, user_id))


async def unblock_worker(conn: Connection, organisation_id: UUID, worker_id: UUID) -> bool:
    return await conn.execute("DELETE FROM blocked_workers WHERE organisation_id = $1 AND worker_id = $2",
                              organisation_id, worker_id) != "DELETE 0"


async def blocked_workers(conn: Connection, organisation_id: UUID) -> list[BlockedWorker]:
    return many(BlockedWorker, await conn.fetch(
        "SELECT organisation_id, worker_id, reason, created_by, created_at FROM blocked_workers "
        "WHERE organisation_id = $1 ORDER BY created_at", organisation_id))


async def known(conn: Connection, organisation_id: UUID) -> Organisation:
    """An organisation reached through a row that points at it (an assignment's borrower, a worker's employer)."""
    found = one(Organisation, await conn.fetchrow(ORGANISATION + " WHERE id = $1", organisation_id))
    return referenced(found, "organisation", organisation_id)



async def admins(conn: Connection, organisation_id: UUID) -> list:
    return [r["user_id"] for r in await conn.fetch(
        "SELECT user_id FROM memberships WHERE organisation_id = $1 AND role = 'orgAdmin'", organisation_id)]



@changes_callers
async def update(conn: Connection, organisation_id: UUID, changes: dict) -> None:
    """`changes` maps columns to values: the given fields of an OrganisationChange, whose names are columns."""
    sets = ", ".join(f"{column} = ${i}" for i, column in enumerate(changes, start=2))
    await conn.execute(f"UPDATE organisations SET {sets} WHERE id = $1", organisation_id, *changes.values())


async def set_favourites(conn: Connection, organisation_id: UUID, worker_ids: list[UUID], added_by: UUID | None) -> None:
    await conn.execute("DELETE FROM favourites WHERE organisation_id = $1 AND NOT (worker_id = ANY($2::uuid[]))",
                       organisation_id, worker_ids)
    await conn.execute("INSERT INTO favourites (organisation_id, worker_id, added_by) SELECT $1, w, $3 "
                       "FROM unnest($2::uuid[]) w ON CONFLICT DO NOTHING", organisation_id, worker_ids, added_by)


async def favourites(conn: Connection, organisation_id: UUID) -> list[Favourite]:
    return many(Favourite, await conn.fetch(
        "SELECT f.worker_id, u.name, w.organisation_id AS home_organisation_id, o.name AS home_organisation_name, "
        "w.opted_in, f.created_at FROM favourites f JOIN workers w ON w.id = f.worker_id JOIN users u ON u.id = w.user_id "
        "JOIN organisations o ON o.id = w.organisation_id WHERE f.organisation_id = $1 AND w.ended_at IS NULL "
        "ORDER BY u.name, f.worker_id", organisation_id))


async def current_workers_in_region(conn: Connection, region_id: UUID, worker_ids: list[UUID]) -> set:
    return {r["id"] for r in await conn.fetch(
        "SELECT id FROM workers WHERE region_id = $1 AND id = ANY($2::uuid[]) AND ended_at IS NULL",
        region_id, worker_ids)}
