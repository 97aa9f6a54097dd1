"""Applications for shifts with approval booking."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.rows import many, one
from flexpool.domain.vocabulary import ApplicationStatus


class Application(msgspec.Struct, frozen=True, kw_only=True):
    """An application with what its readers show: who applied, and the shift's organisation and region."""

    id: UUID
    shift_id: UUID
    worker_id: UUID
    status: ApplicationStatus
    created_at: datetime
    decided_at: datetime | None
    decided_by: UUID | None
    reason: str | None
    worker_name: str
    worker_function: str
    organisation_id: UUID
    region_id: UUID
    series_id: UUID | None  # one of a series' applications: decided together


class PendingApplication(msgspec.Struct, frozen=True, kw_only=True):
    """A worker's open application, with the shift's time (to see whether a booking now conflicts with it)."""

    id: UUID
    shift_id: UUID
    organisation_id: UUID
    starts_at: datetime
    ends_at: datetime
    break_minutes: int


SELECT = """
SELECT ap.id, ap.shift_id, ap.worker_id, ap.status, ap.created_at, ap.decided_at, ap.decided_by, ap.reason,
       u.name AS worker_name, w.function AS worker_function, s.organisation_id, s.region_id, ap.series_id
FROM applications ap JOIN workers w ON w.id = ap.worker_id JOIN users u ON u.id = w.user_id
JOIN shifts s ON s.id = ap.shift_id
"""


async def insert(conn: Connection, shift_id: UUID, worker_id: UUID, now: datetime, series_id: UUID | None = None) -> UUID:
    return await conn.fetchval("INSERT INTO applications (shift_id, worker_id, created_at, series_id) "
                               "VALUES ($1, $2, $3, $4) RETURNING id", shift_id, worker_id, now, series_id)


async def in_series(conn: Connection, series_id: UUID, worker_id: UUID) -> list[Application]:
    """The worker's applications for the shifts of a series (one per shift), first shift first."""
    return many(Application, await conn.fetch(
        SELECT + " WHERE ap.series_id = $1 AND ap.worker_id = $2 ORDER BY s.starts_at, ap.id", series_id, worker_id))


async def get(conn: Connection, application_id: UUID) -> Application | None:
    return one(Application, await conn.fetchrow(SELECT + " WHERE ap.id = $1", application_id))


async def pending(conn: Connection, shift_id: UUID, worker_id: UUID) -> Application | None:
    return one(Application, await conn.fetchrow(
        SELECT + " WHERE ap.shift_id = $1 AND ap.worker_id = $2 AND ap.status = 'pending'", shift_id, worker_id))


async def for_shift(conn: Connection, shift_id: UUID) -> list[Application]:
    return many(Application, await conn.fetch(SELECT + " WHERE ap.shift_id = $1 ORDER BY ap.created_at, ap.id",
                                              shift_id))


async def pending_for_worker(conn: Connection, worker_id: UUID) -> list[PendingApplication]:
    return many(PendingApplication, await conn.fetch(
        "SELECT ap.id, ap.shift_id, s.organisation_id, s.starts_at, s.ends_at, s.break_minutes FROM applications ap "
        "JOIN shifts s ON s.id = ap.shift_id WHERE ap.worker_id = $1 AND ap.status = 'pending'", worker_id))


async def pending_ids_for_shift(conn: Connection, shift_id: UUID) -> list[UUID]:
    return [r["id"] for r in await conn.fetch(
        "SELECT id FROM applications WHERE shift_id = $1 AND status = 'pending' ORDER BY id", shift_id)]


async def decide(conn: Connection, application_id: UUID, status: ApplicationStatus, *, now: datetime,
                 by: UUID | None, reason: str | None = None) -> None:
    await conn.execute("UPDATE applications SET status = $2, decided_at = $3, decided_by = $4, reason = $5 "
                       "WHERE id = $1 AND status = 'pending'", application_id, status, now, by, reason)
