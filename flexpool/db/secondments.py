"""Secondments (detachering) and their roster blocks (rows of roster_blocks that carry the secondment's id)."""
from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.rows import many, one
from flexpool.domain.secondments import SecondmentProposal
from flexpool.domain.vocabulary import SecondmentStatus
from flexpool.domain.worktime import Interval


class Secondment(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    worker_id: UUID
    worker_user_id: UUID
    worker_name: str
    lender_id: UUID  # the worker's home employer, which keeps employing and paying them
    lender_name: str
    borrower_id: UUID
    borrower_name: str
    site_id: UUID
    site_name: str
    function: str
    starts_on: date
    ends_on: date  # the last day
    minutes_per_week: int
    note: str | None
    status: SecondmentStatus
    proposed_at: datetime
    lender_approved_at: datetime | None
    worker_approved_at: datetime | None
    declined_at: datetime | None
    ended_at: datetime | None


class Block(msgspec.Struct, frozen=True):
    id: UUID
    starts_at: datetime
    ends_at: datetime
    break_minutes: int


SELECT = """
SELECT sd.id, sd.region_id, sd.worker_id, w.user_id AS worker_user_id, u.name AS worker_name, sd.lender_id,
       l.name AS lender_name, sd.borrower_id, b.name AS borrower_name, sd.site_id, si.name AS site_name, sd.function,
       sd.starts_on, sd.ends_on, sd.minutes_per_week, sd.note, sd.status, sd.proposed_at, sd.lender_approved_at,
       sd.worker_approved_at, sd.declined_at, sd.ended_at
FROM secondments sd JOIN workers w ON w.id = sd.worker_id JOIN users u ON u.id = w.user_id
JOIN organisations l ON l.id = sd.lender_id JOIN organisations b ON b.id = sd.borrower_id
JOIN sites si ON si.id = sd.site_id
"""


async def insert(conn: Connection, proposal: SecondmentProposal, *, region_id: UUID, lender_id: UUID,
                 borrower_id: UUID, proposed_by: UUID, now: datetime, request_key: str | None) -> UUID:
    return await conn.fetchval(
        "INSERT INTO secondments (region_id, worker_id, lender_id, borrower_id, site_id, function, starts_on, ends_on, "
        "minutes_per_week, note, proposed_by, proposed_at, request_key) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        region_id, proposal.worker_id, lender_id, borrower_id, proposal.site_id, proposal.function, proposal.starts_on,
        proposal.ends_on, proposal.minutes_per_week, proposal.note, proposed_by, now, request_key)


async def by_request(conn: Connection, proposed_by: UUID, request_key: str) -> UUID | None:
    return await conn.fetchval("SELECT id FROM secondments WHERE proposed_by = $1 AND request_key = $2",
                               proposed_by, request_key)


async def get(conn: Connection, secondment_id: UUID, region_id: UUID | None) -> Secondment | None:
    return one(Secondment, await conn.fetchrow(SELECT + " WHERE sd.id = $1 AND sd.region_id = $2", secondment_id,
                                               region_id))


async def lock(conn: Connection, secondment_id: UUID) -> None:
    await conn.execute("SELECT 1 FROM secondments WHERE id = $1 FOR UPDATE", secondment_id)


async def visible_to(conn: Connection, region_id: UUID, *, organisation_ids: list[UUID] | None, worker_id: UUID | None,
                     status: str | None, after: tuple | None, limit: int) -> list[Secondment]:
    """The region's secondments (organisation_ids None: all of them, for the coordinator), else those in which
    one of the organisations lends or borrows, or the worker is seconded; newest first."""
    return many(Secondment, await conn.fetch(
        SELECT + " WHERE sd.region_id = $1 AND ($2::uuid[] IS NULL OR sd.lender_id = ANY($2) OR sd.borrower_id = ANY($2) "
        "OR sd.worker_id = $3) AND ($4::text IS NULL OR sd.status = $4) "
        "AND ($5::timestamptz IS NULL OR (sd.proposed_at, sd.id) < ($5, $6::uuid)) "
        "ORDER BY sd.proposed_at DESC, sd.id DESC LIMIT $7",
        region_id, organisation_ids, worker_id, status, after[0] if after else None, after[1] if after else None,
        limit))


async def open_for_worker(conn: Connection, worker_id: UUID) -> list[Secondment]:
    """The worker's secondments still proposed or active."""
    return many(Secondment, await conn.fetch(SELECT + " WHERE sd.worker_id = $1 AND sd.status IN ('proposed', 'active') "
                                             "ORDER BY sd.proposed_at", worker_id))


async def approve_as_lender(conn: Connection, secondment_id: UUID, by: UUID, now: datetime) -> None:
    await conn.execute("UPDATE secondments SET lender_approved_by = $2, lender_approved_at = $3 WHERE id = $1",
                       secondment_id, by, now)


async def approve_as_worker(conn: Connection, secondment_id: UUID, now: datetime) -> None:
    await conn.execute("UPDATE secondments SET worker_approved_at = $2 WHERE id = $1", secondment_id, now)


async def set_status(conn: Connection, secondment_id: UUID, status: SecondmentStatus) -> None:
    await conn.execute("UPDATE secondments SET status = $2 WHERE id = $1", secondment_id, status)


async def decline(conn: Connection, secondment_id: UUID, by: UUID, now: datetime) -> None:
    await conn.execute("UPDATE secondments SET status = 'declined', declined_by = $2, declined_at = $3 WHERE id = $1",
                       secondment_id, by, now)


async def end(conn: Connection, secondment_id: UUID, last_day: date, cut_from: datetime, by: UUID, now: datetime) -> None:
    """Ended early: the last day moves forward and the blocks after it go."""
    await conn.execute("DELETE FROM roster_blocks WHERE secondment_id = $1 AND starts_at >= $2", secondment_id, cut_from)
    await conn.execute("UPDATE secondments SET status = 'ended', ends_on = $2, ended_by = $3, ended_at = $4 "
                       "WHERE id = $1", secondment_id, last_day, by, now)


async def blocks(conn: Connection, secondment_id: UUID, lo: datetime | None = None,
                 hi: datetime | None = None) -> list[Block]:
    return many(Block, await conn.fetch(
        "SELECT id, starts_at, ends_at, break_minutes FROM roster_blocks WHERE secondment_id = $1 "
        "AND ($2::timestamptz IS NULL OR starts_at >= $2) AND ($3::timestamptz IS NULL OR starts_at < $3) "
        "ORDER BY starts_at", secondment_id, lo, hi))


async def replace_blocks(conn: Connection, secondment_id: UUID, worker_id: UUID, worker_no: int, lo: datetime,
                         hi: datetime, new: list[Interval]) -> None:
    """The secondment's blocks starting in [lo, hi) become `new`; the roster's exclusion constraint refuses
    a block over another block of the worker (home roster or another secondment)."""
    await conn.execute("DELETE FROM roster_blocks WHERE secondment_id = $1 AND starts_at >= $2 AND starts_at < $3",
                       secondment_id, lo, hi)
    await conn.executemany(
        "INSERT INTO roster_blocks (worker_id, worker_no, starts_at, ends_at, break_minutes, secondment_id) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        [(worker_id, worker_no, b.starts_at, b.ends_at, b.break_minutes, secondment_id) for b in new])


class WorkerBlock(msgspec.Struct, frozen=True, kw_only=True):
    """A secondment block as the seconded worker's calendar shows it."""

    id: UUID
    starts_at: datetime
    ends_at: datetime
    break_minutes: int
    borrower_name: str
    site_name: str
    site_address: str | None
    site_city: str | None
    function: str
    agreed_at: datetime


async def blocks_of_worker(conn: Connection, worker_id: UUID, lo: datetime, hi: datetime) -> list[WorkerBlock]:
    """The worker's secondment shifts in [lo, hi), with for whom and where: their calendar feed lists them."""
    return many(WorkerBlock, await conn.fetch(
        "SELECT r.id, r.starts_at, r.ends_at, r.break_minutes, b.name AS borrower_name, si.name AS site_name, "
        "       si.address AS site_address, si.city AS site_city, sd.function, "
        "       coalesce(greatest(sd.lender_approved_at, sd.worker_approved_at), sd.proposed_at) AS agreed_at "
        "FROM roster_blocks r JOIN secondments sd ON sd.id = r.secondment_id JOIN organisations b ON b.id = sd.borrower_id "
        "JOIN sites si ON si.id = sd.site_id "
        "WHERE r.worker_id = $1 AND r.starts_at < $3 AND r.ends_at > $2 ORDER BY r.starts_at", worker_id, lo, hi))
