"""Shifts: publish, read, lock, cancel, and the offers query for one worker."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.rows import many, one, referenced
from flexpool.domain.shifts import ShiftDraft
from flexpool.domain.vocabulary import ShiftStatus


class Shift(ShiftDraft, frozen=True, kw_only=True):
    """A published shift: the draft it was, with its place in the region, its fill and its waves, and where
    it is and whose it is."""

    id: UUID
    region_id: UUID
    organisation_id: UUID
    places_filled: int
    status: ShiftStatus  # as stored: open, filled or cancelled
    published_at: datetime
    partners_at: datetime
    region_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str | None
    paid_minutes: int
    organisation_name: str
    site_name: str
    site_address: str | None
    site_city: str | None
    site_latitude: float | None
    site_longitude: float | None
    series_id: UUID | None  # published as part of a series: taken with the series' other shifts, or not at all


_SITE = {"site_name": "si.name", "site_address": "si.address", "site_city": "si.city",
         "site_latitude": "si.latitude", "site_longitude": "si.longitude", "organisation_name": "o.name"}
COLUMNS = ", ".join(f"{_SITE[f]} AS {f}" if f in _SITE else f"s.{f}" for f in Shift.__struct_fields__)
SHIFT_SELECT = f"""
SELECT {COLUMNS}
FROM shifts s JOIN sites si ON si.id = s.site_id JOIN organisations o ON o.id = s.organisation_id
"""


async def insert(conn: Connection, d: ShiftDraft, *, region_id: UUID, organisation_id: UUID, published_at: datetime,
                 partners_at: datetime, region_at: datetime,
                 created_by: UUID, request_key: str | None = None, series_id: UUID | None = None) -> UUID:
    return await conn.fetchval(
        "INSERT INTO shifts (region_id, organisation_id, site_id, function, skills, starts_at, ends_at, "
        "break_minutes, places, booking, description, urgent, published_at, partners_at, region_at, created_by, "
        "request_key, students_welcome, supervisor_function, series_id) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
        region_id, organisation_id, d.site_id, d.function, d.skills, d.starts_at, d.ends_at, d.break_minutes, d.places,
        d.booking, d.description, d.urgent, published_at, partners_at, region_at, created_by,
        request_key, d.students_welcome, d.supervisor_function, series_id)


async def by_request(conn: Connection, created_by: UUID, request_key: str, region_id: UUID | None) -> list[Shift]:
    """The shifts an earlier request with this Idempotency-Key published (its committed result)."""
    return many(Shift, await conn.fetch(SHIFT_SELECT + " WHERE s.created_by = $1 AND s.request_key = $2 "
                                        "AND s.region_id = $3 ORDER BY s.published_at, s.starts_at, s.id",
                                        created_by, request_key, region_id))


async def get(conn: Connection, shift_id: UUID, region_id: UUID | None) -> Shift | None:
    return one(Shift, await conn.fetchrow(SHIFT_SELECT + " WHERE s.id = $1 AND s.region_id = $2", shift_id, region_id))


async def by_id(conn: Connection, shift_id: UUID) -> Shift | None:
    """For background work that acts on a shift whatever its region (waves, reopening)."""
    return one(Shift, await conn.fetchrow(SHIFT_SELECT + " WHERE s.id = $1", shift_id))


async def known(conn: Connection, shift_id: UUID) -> Shift:
    """A shift the caller reached through a row that points at it (an assignment, an application) or through
    the access check it just passed: it exists (shifts are cancelled, never deleted)."""
    return referenced(await by_id(conn, shift_id), "shift", shift_id)


async def lock(conn: Connection, shift_id: UUID) -> None:
    """Row lock taken after the worker's lock (always in that order, so no deadlocks)."""
    await conn.execute("SELECT 1 FROM shifts WHERE id = $1 FOR UPDATE", shift_id)


async def list_for_organisation(conn: Connection, organisation_id: UUID, *, status: str | None = None, lo: datetime | None = None,
                                hi: datetime | None = None,
                                site_id: UUID | None = None, now: datetime,
                                after: tuple[datetime, UUID] | None = None, limit: int = 50) -> list[Shift]:
    clauses: list[str] = ["s.organisation_id = $1"]
    args: list[object] = [organisation_id]

    def arg(value: object) -> str:
        args.append(value)
        return f"${len(args)}"

    if status == "cancelled":
        clauses.append("s.status = 'cancelled'")
    elif status == "completed":
        clauses.append(f"s.status <> 'cancelled' AND s.ends_at <= {arg(now)}")
    elif status in ("open", "filled"):
        clauses.append(f"s.status = {arg(status)} AND s.ends_at > {arg(now)}")
    if lo is not None:
        clauses.append(f"s.starts_at >= {arg(lo)}")
    if hi is not None:
        clauses.append(f"s.starts_at < {arg(hi)}")
    if site_id is not None:
        clauses.append(f"s.site_id = {arg(site_id)}")
    if after is not None:
        clauses.append(f"(s.starts_at, s.id) > ({arg(after[0])}, {arg(after[1])})")
    sql = SHIFT_SELECT + " WHERE " + " AND ".join(clauses) + f" ORDER BY s.starts_at, s.id LIMIT {arg(limit)}"
    return many(Shift, await conn.fetch(sql, *args))


async def cancel(conn: Connection, shift_id: UUID, now: datetime, reason: str | None) -> None:
    await conn.execute("UPDATE shifts SET status = 'cancelled', cancelled_at = $2, cancel_reason = $3 WHERE id = $1",
                       shift_id, now, reason)


# Offers: open shifts of the region that reached the worker now, on the worker's track, not from an
# organisation that excluded or blocked them, within their travel distance. Served by
# shifts_open_region_starts_idx (region_id, starts_at) WHERE status = 'open'.
OFFERS = SHIFT_SELECT + """
WHERE s.region_id = $1 AND s.status = 'open' AND s.starts_at > $2 AND s.starts_at >= $3 AND s.starts_at < $4
  AND s.function = ANY($5::text[])
  AND (s.organisation_id = $6 OR s.region_at <= $2
       OR EXISTS (SELECT 1 FROM favourites f WHERE f.organisation_id = s.organisation_id AND f.worker_id = $8)
       OR (s.partners_at <= $2 AND EXISTS (SELECT 1 FROM partners p
                                            WHERE p.organisation_id = s.organisation_id AND p.partner_id = $6)))
  AND NOT (s.organisation_id = ANY($7::uuid[]))
  AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.shift_id = s.id AND a.worker_id = $8 AND a.status = 'booked')
  AND ($9::float8 IS NULL OR $10::float8 IS NULL OR $11::float8 IS NULL OR si.latitude IS NULL OR
       flexpool_km($9, $10, si.latitude, si.longitude) <= $11)
  AND ($12::timestamptz IS NULL OR (s.starts_at, s.id) > ($12, $13::uuid))
  AND (NOT $15::bool OR s.students_welcome)
  -- A series is offered once, by its first shift still ahead.
  AND (s.series_id IS NULL OR s.id = (SELECT f.id FROM shifts f WHERE f.series_id = s.series_id
                                      AND f.status <> 'cancelled' AND f.starts_at > $2 ORDER BY f.starts_at, f.id LIMIT 1))
ORDER BY s.starts_at, s.id
LIMIT $14
"""


async def offers(conn: Connection, *, region_id: UUID, now: datetime, lo: datetime, hi: datetime, functions: list[str],
                 home_organisation_id: UUID,
                 hidden_organisation_ids: list[UUID], worker_id: UUID,
                 home: tuple[float, float] | None, max_travel_km: int | None,
                 after: tuple[datetime, UUID] | None, limit: int,
                 student: bool = False) -> list[Shift]:
    lat, lon = home if home else (None, None)
    return many(Shift, await conn.fetch(
        OFFERS, region_id, now, lo, hi, functions, home_organisation_id, hidden_organisation_ids, worker_id, lat, lon,
        float(max_travel_km) if max_travel_km is not None else None, after[0] if after else None,
        after[1] if after else None, limit, student))



class FillFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What the fill-rate report counts of one shift: its state, and when its last place was filled."""

    id: UUID
    status: ShiftStatus
    places: int
    places_filled: int
    published_at: datetime
    filled_at: datetime | None


async def fill_facts(conn: Connection, region_id: UUID, organisation_id: UUID | None, lo: datetime,
                     hi: datetime) -> list[FillFacts]:
    """Per shift starting in [lo, hi): status, places, and when its last place was filled."""
    return many(FillFacts, await conn.fetch(
        "SELECT s.id, s.status, s.places, s.places_filled, s.published_at, "
        "       (SELECT max(a.booked_at) FROM assignments a WHERE a.shift_id = s.id AND a.status = 'booked') AS filled_at "
        "FROM shifts s WHERE s.region_id = $1 AND ($2::uuid IS NULL OR s.organisation_id = $2) "
        "AND s.starts_at >= $3 AND s.starts_at < $4", region_id, organisation_id, lo, hi))


async def board(conn: Connection, region_id: UUID, lo: datetime, hi: datetime, *, limit: int,
                after: tuple[datetime, UUID] | None = None) -> list[Shift]:
    """Open shifts of the region with places left, soonest first (the region's planning board)."""
    return many(Shift, await conn.fetch(
        SHIFT_SELECT + " WHERE s.region_id = $1 AND s.status = 'open' AND s.places_filled < s.places "
        "AND s.starts_at >= $2 AND s.starts_at < $3 AND ($4::timestamptz IS NULL OR (s.starts_at, s.id) > ($4, $5::uuid)) "
        "ORDER BY s.starts_at, s.id LIMIT $6", region_id, lo, hi, after[0] if after else None,
        after[1] if after else None, limit))


async def open_urgent_starting(conn: Connection, lo: datetime, hi: datetime) -> list[Shift]:
    """Urgent shifts with places still open that start in [lo, hi): the region planners hear of them."""
    return many(Shift, await conn.fetch(
        SHIFT_SELECT + " WHERE s.status = 'open' AND s.urgent AND s.places_filled < s.places "
        "AND s.starts_at >= $1 AND s.starts_at < $2 ORDER BY s.starts_at", lo, hi))
