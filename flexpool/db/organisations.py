"""Organisations, their sites, preferred partners and blocked workers."""
from __future__ import annotations

from asyncpg import Connection


async def create(conn: Connection, region_id, *, name, kvk_number=None, iban=None, kind="vvt", cao="vvt"):
    return await conn.fetchrow(
        "INSERT INTO organisations (region_id, name, kvk_number, iban, kind, cao) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING *", region_id, name, kvk_number, iban, kind, cao)


async def get(conn: Connection, organisation_id, region_id):
    return await conn.fetchrow("SELECT * FROM organisations WHERE id = $1 AND region_id = $2",
                               organisation_id, region_id)


async def region_of(conn: Connection, organisation_id):
    return await conn.fetchval("SELECT region_id FROM organisations WHERE id = $1", organisation_id)


async def list_in_region(conn: Connection, region_id):
    return await conn.fetch("SELECT * FROM organisations WHERE region_id = $1 ORDER BY name, id", region_id)


async def create_site(conn: Connection, organisation_id, *, name, address, postcode, city, latitude, longitude):
    return await conn.fetchrow(
        "INSERT INTO sites (organisation_id, name, address, postcode, city, latitude, longitude) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *",
        organisation_id, name, address, postcode, city, latitude, longitude)


async def sites(conn: Connection, organisation_id):
    return await conn.fetch("SELECT * FROM sites WHERE organisation_id = $1 ORDER BY name, id", organisation_id)


async def site(conn: Connection, site_id, organisation_id):
    return await conn.fetchrow("SELECT * FROM sites WHERE id = $1 AND organisation_id = $2", site_id, organisation_id)


async def set_partners(conn: Connection, organisation_id, partner_ids) -> None:
    await conn.execute("DELETE FROM partners WHERE organisation_id = $1", organisation_id)
    await conn.executemany("INSERT INTO partners (organisation_id, partner_id) VALUES ($1, $2)",
                           [(organisation_id, p) for p in partner_ids])


async def partners(conn: Connection, organisation_id) -> list:
    return [r["partner_id"] for r in await conn.fetch(
        "SELECT partner_id FROM partners WHERE organisation_id = $1 ORDER BY partner_id", organisation_id)]


async def block_worker(conn: Connection, organisation_id, worker_id, reason, user_id):
    return await conn.fetchrow(
        "INSERT INTO blocked_workers (organisation_id, worker_id, reason, created_by) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (organisation_id, worker_id) DO UPDATE SET reason = EXCLUDED.reason RETURNING *",
        organisation_id, worker_id, reason, user_id)


async def unblock_worker(conn: Connection, organisation_id, worker_id) -> bool:
    return await conn.execute("DELETE FROM blocked_workers WHERE organisation_id = $1 AND worker_id = $2",
                              organisation_id, worker_id) != "DELETE 0"


async def blocked_workers(conn: Connection, organisation_id):
    return await conn.fetch("SELECT * FROM blocked_workers WHERE organisation_id = $1 ORDER BY created_at",
                            organisation_id)


async def cancellation_policy(conn: Connection, organisation_id):
    """The borrower's windows (minutes before the start) and the share of a late cancellation it owes."""
    return await conn.fetchrow("SELECT worker_cancel_window_minutes, late_cancel_window_minutes, "
                               "late_cancellation_percent FROM organisations WHERE id = $1", organisation_id)



async def admins(conn: Connection, organisation_id) -> list:
    return [r["user_id"] for r in await conn.fetch(
        "SELECT user_id FROM memberships WHERE organisation_id = $1 AND role = 'orgAdmin'", organisation_id)]



async def update(conn: Connection, organisation_id, changes: dict) -> None:
    """`changes` maps column names (checked by the caller against a fixed list) to values."""
    sets = ", ".join(f"{column} = ${i}" for i, column in enumerate(changes, start=2))
    await conn.execute(f"UPDATE organisations SET {sets} WHERE id = $1", organisation_id, *changes.values())


async def set_favourites(conn: Connection, organisation_id, worker_ids, added_by) -> None:
    await conn.execute("DELETE FROM favourites WHERE organisation_id = $1 AND NOT (worker_id = ANY($2::uuid[]))",
                       organisation_id, worker_ids)
    await conn.execute("INSERT INTO favourites (organisation_id, worker_id, added_by) SELECT $1, w, $3 "
                       "FROM unnest($2::uuid[]) w ON CONFLICT DO NOTHING", organisation_id, worker_ids, added_by)


async def favourites(conn: Connection, organisation_id):
    return await conn.fetch(
        "SELECT f.worker_id, u.name, w.organisation_id AS home_organisation_id, o.name AS home_organisation_name, "
        "w.opted_in, f.created_at FROM favourites f JOIN workers w ON w.id = f.worker_id JOIN users u ON u.id = w.user_id "
        "JOIN organisations o ON o.id = w.organisation_id WHERE f.organisation_id = $1 AND w.ended_at IS NULL "
        "ORDER BY u.name, f.worker_id", organisation_id)


async def current_workers_in_region(conn: Connection, region_id, worker_ids) -> set:
    return {r["id"] for r in await conn.fetch(
        "SELECT id FROM workers WHERE region_id = $1 AND id = ANY($2::uuid[]) AND ended_at IS NULL",
        region_id, worker_ids)}
