"""Applications for shifts with approval booking."""
from __future__ import annotations

APPLICATION_SELECT = """
SELECT ap.*, u.name AS worker_name, w.function AS worker_function, s.organisation_id, s.region_id
FROM applications ap JOIN workers w ON w.id = ap.worker_id JOIN users u ON u.id = w.user_id
JOIN shifts s ON s.id = ap.shift_id
"""


async def insert(conn, shift_id, worker_id, now):
    return await conn.fetchval("INSERT INTO applications (shift_id, worker_id, created_at) VALUES ($1, $2, $3) "
                               "RETURNING id", shift_id, worker_id, now)


async def get(conn, application_id):
    return await conn.fetchrow(APPLICATION_SELECT + " WHERE ap.id = $1", application_id)


async def pending(conn, shift_id, worker_id):
    return await conn.fetchrow(APPLICATION_SELECT + " WHERE ap.shift_id = $1 AND ap.worker_id = $2 "
                               "AND ap.status = 'pending'", shift_id, worker_id)


async def for_shift(conn, shift_id):
    return await conn.fetch(APPLICATION_SELECT + " WHERE ap.shift_id = $1 ORDER BY ap.created_at, ap.id", shift_id)


async def pending_for_worker(conn, worker_id):
    return await conn.fetch(
        "SELECT ap.*, s.starts_at, s.ends_at, s.break_minutes, s.organisation_id FROM applications ap "
        "JOIN shifts s ON s.id = ap.shift_id WHERE ap.worker_id = $1 AND ap.status = 'pending'", worker_id)


async def pending_for_shift(conn, shift_id):
    return await conn.fetch("SELECT * FROM applications WHERE shift_id = $1 AND status = 'pending'", shift_id)


async def decide(conn, application_id, status, *, now, by, reason=None) -> None:
    await conn.execute("UPDATE applications SET status = $2, decided_at = $3, decided_by = $4, reason = $5 "
                       "WHERE id = $1 AND status = 'pending'", application_id, status, now, by, reason)
