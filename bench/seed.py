"""Bulk seeding in SQL for benchmarks: a region of many workers and open shifts in seconds."""
from __future__ import annotations

from datetime import datetime, timedelta

from flexpool.domain import waves


async def region(conn, *, organisations: int, workers: int, function: str = "helpende"):
    """Returns (region_id, [organisation ids], planner emails); workers spread evenly, all opted in, with a VOG."""
    region_id = await conn.fetchval("INSERT INTO regions (name) VALUES ('Bench') RETURNING id")
    orgs = []
    for i in range(organisations):
        org = await conn.fetchval("INSERT INTO organisations (region_id, name, kvk_number) VALUES ($1, $2, $3) "
                                  "RETURNING id", region_id, f"Org {i}", f"{10000000 + i}")
        orgs.append(org)
        await conn.execute("INSERT INTO sites (organisation_id, name, latitude, longitude) VALUES ($1, 'Site', 52.09, 5.12)",
                           org)
        user = await conn.fetchval("INSERT INTO users (email, name, region_id) VALUES ($1, 'Planner', $2) "
                                   "RETURNING id", f"planner{i}@bench.test", region_id)
        await conn.execute("INSERT INTO memberships (user_id, region_id, organisation_id, role) "
                           "VALUES ($1, $2, $3, 'planner')", user, region_id, org)
    await conn.execute("""
        WITH u AS (
            INSERT INTO users (email, name, region_id)
            SELECT 'w' || g || '@bench.test', 'Worker ' || g, $2 FROM generate_series(1, $1) g RETURNING id, email
        ), w AS (
            INSERT INTO workers (user_id, organisation_id, region_id, function, contract_minutes_per_week, employer_opt_in,
                                 date_of_birth, home_latitude, home_longitude, max_travel_km)
            SELECT u.id, ($3::uuid[])[1 + (substring(u.email from 2 for length(u.email) - 12)::int % $4)], $2, $5,
                   1440, true, date '1990-01-01', 52.09, 5.12, 50
            FROM u RETURNING id, user_id, organisation_id
        ), m AS (
            INSERT INTO memberships (user_id, region_id, organisation_id, role)
            SELECT user_id, $2, organisation_id, 'worker' FROM w
        )
        INSERT INTO credentials (worker_id, kind) SELECT id, 'vog' FROM w
    """, workers, region_id, orgs, len(orgs), function)
    return region_id, orgs


async def open_shifts(conn, region_id, orgs, *, count: int, now: datetime, function: str = "helpende",
                      spread_hours: int = 24 * 14, places: int = 1):
    """`count` open shifts spread over the coming weeks, already at the region tier."""
    rows = []
    for i in range(count):
        org = orgs[i % len(orgs)]
        start = (now + timedelta(hours=13 + (i * 7) % spread_hours)).replace(minute=0, second=0, microsecond=0)
        rows.append((org, start, start + timedelta(hours=8)))
    site = {o: await conn.fetchval("SELECT id FROM sites WHERE organisation_id = $1", o) for o in orgs}
    published = now - timedelta(days=5)
    ids = []
    for org, start, end in rows:
        s = waves.schedule(published, published, True, False)
        ids.append(await conn.fetchval(
            "INSERT INTO shifts (region_id, organisation_id, site_id, function, starts_at, ends_at, break_minutes, "
            "places, published_at, partners_at, region_at) VALUES ($1, $2, $3, $4, $5, $6, 30, $7, $8, $9, $10) "
            "RETURNING id", region_id, org, site[org], function, start, end, places, published, s.partners_at,
            s.region_at))
    return ids
