"""Series (reeks): shifts of one organisation published together and taken as a whole."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.rows import many, one
from flexpool.db.shifts import SHIFT_SELECT, Shift
from flexpool.domain.vocabulary import BookingMode


class Series(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    organisation_id: UUID
    organisation_name: str
    booking: BookingMode
    created_at: datetime


_SELECT = ("SELECT r.id, r.region_id, r.organisation_id, o.name AS organisation_name, r.booking, r.created_at "
           "FROM series r JOIN organisations o ON o.id = r.organisation_id ")


async def insert(conn: Connection, *, region_id: UUID, organisation_id: UUID, booking: str, created_by: UUID,
                 now: datetime, request_key: str | None) -> UUID:
    return await conn.fetchval(
        "INSERT INTO series (region_id, organisation_id, booking, created_by, created_at, request_key) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", region_id, organisation_id, booking, created_by, now, request_key)


async def by_request(conn: Connection, created_by: UUID, request_key: str) -> UUID | None:
    """The series an earlier request with this Idempotency-Key published."""
    return await conn.fetchval("SELECT id FROM series WHERE created_by = $1 AND request_key = $2", created_by,
                               request_key)


async def get(conn: Connection, series_id: UUID, region_id: UUID | None) -> Series | None:
    return one(Series, await conn.fetchrow(_SELECT + "WHERE r.id = $1 AND r.region_id = $2", series_id, region_id))


async def shifts(conn: Connection, series_id: UUID) -> list[Shift]:
    """Every shift of the series, first first."""
    return many(Shift, await conn.fetch(SHIFT_SELECT + " WHERE s.series_id = $1 ORDER BY s.starts_at, s.id", series_id))


async def lock_shifts(conn: Connection, series_id: UUID) -> None:
    """Row locks on every shift of the series, in one order (by id) for every booking path: taken after the
    worker's lock, as a single booking takes its shift's."""
    await conn.execute("SELECT 1 FROM shifts WHERE series_id = $1 ORDER BY id FOR UPDATE", series_id)


async def first_open(conn: Connection, series_id: UUID, now: datetime) -> Shift | None:
    """The series' first shift that has not started and is not cancelled: whose window a cancellation follows,
    and the one that carries the series' offer."""
    return one(Shift, await conn.fetchrow(
        SHIFT_SELECT + " WHERE s.series_id = $1 AND s.status <> 'cancelled' AND s.starts_at > $2 "
        "ORDER BY s.starts_at, s.id LIMIT 1", series_id, now))
