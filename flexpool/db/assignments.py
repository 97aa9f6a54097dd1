"""Assignments (inzet): one worker booked on one shift. The exclusion constraint and the fill trigger in
the schema are the last guard; this module only writes and reads."""
from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.rows import many, one, referenced
from flexpool.db.shifts import Shift
from flexpool.db.workers import Worker
from flexpool.domain.vocabulary import AssignmentStatus, ShiftStatus
from flexpool.domain.worktime import Interval


class Assignment(msgspec.Struct, frozen=True, kw_only=True):
    """A worker booked on a shift, with whom, where and at which organisation."""

    id: UUID
    shift_id: UUID
    worker_id: UUID
    worker_no: int
    worker_name: str
    worker_function: str
    organisation_id: UUID  # the borrower: the shift's organisation
    organisation_name: str
    home_organisation_id: UUID  # the lender: the worker's employer
    site_id: UUID
    site_name: str
    site_address: str | None
    site_city: str | None
    function: str
    shift_status: ShiftStatus
    starts_at: datetime
    ends_at: datetime
    break_minutes: int
    paid_minutes: int
    status: AssignmentStatus
    booked_at: datetime
    booked_by: UUID | None
    cancelled_at: datetime | None
    cancelled_by: UUID | None
    cancel_reason: str | None
    late_cancellation_percent: int | None
    late_cancellation: bool  # generated: a late-cancellation percentage was set
    worker_cancel_window_minutes: int


_JOINED = {"worker_name": "u.name", "worker_function": "w.function", "site_id": "s.site_id", "function": "s.function",
           "shift_status": "s.status", "site_name": "si.name", "site_address": "si.address", "site_city": "si.city",
           "organisation_name": "o.name", "worker_cancel_window_minutes": "o.worker_cancel_window_minutes"}


def columns(**instead: str) -> str:
    """The select list of an Assignment; `instead` gives other expressions for some columns."""
    return ", ".join(f"{instead.get(f) or _JOINED.get(f) or 'a.' + f} AS {f}" for f in Assignment.__struct_fields__)


FROM = """FROM assignments a JOIN workers w ON w.id = a.worker_id JOIN users u ON u.id = w.user_id
JOIN shifts s ON s.id = a.shift_id JOIN sites si ON si.id = s.site_id JOIN organisations o ON o.id = a.organisation_id
"""
ASSIGNMENT_SELECT = f"SELECT {columns()}\n{FROM}"


async def insert(conn: Connection, *, shift: Shift, worker: Worker, now: datetime, booked_by: UUID,
                 request_key: str | None = None) -> UUID:
    return await conn.fetchval(
        "INSERT INTO assignments (shift_id, worker_id, worker_no, organisation_id, home_organisation_id, starts_at, "
        "ends_at, break_minutes, booked_at, booked_by, request_key) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        shift.id, worker.id, worker.no, shift.organisation_id, worker.organisation_id,
        shift.starts_at, shift.ends_at, shift.break_minutes, now, booked_by, request_key)


async def by_request(conn: Connection, booked_by: UUID, request_key: str | None, shift_id: UUID) -> Assignment | None:
    """The booking an earlier request with this Idempotency-Key made on this shift (its committed result)."""
    return one(Assignment, await conn.fetchrow(
        ASSIGNMENT_SELECT + " WHERE a.booked_by = $1 AND a.request_key = $2 AND a.shift_id = $3",
        booked_by, request_key, shift_id))


async def by_request_in_series(conn: Connection, booked_by: UUID, request_key: str, series_id: UUID) -> list[Assignment]:
    """The bookings an earlier series accept with this Idempotency-Key made (its committed result)."""
    return many(Assignment, await conn.fetch(
        ASSIGNMENT_SELECT + " WHERE a.booked_by = $1 AND a.request_key = $2 AND s.series_id = $3 ORDER BY a.starts_at, s.id",
        booked_by, request_key, series_id))


async def get(conn: Connection, assignment_id: UUID) -> Assignment | None:
    return one(Assignment, await conn.fetchrow(ASSIGNMENT_SELECT + " WHERE a.id = $1", assignment_id))


async def known(conn: Connection, assignment_id: UUID) -> Assignment:
    """An assignment this use case just wrote or was handed by a check that found it."""
    return referenced(await get(conn, assignment_id), "assignment", assignment_id)


async def for_shift(conn: Connection, shift_id: UUID) -> list[Assignment]:
    return many(Assignment, await conn.fetch(ASSIGNMENT_SELECT + " WHERE a.shift_id = $1 ORDER BY a.booked_at, a.id",
                                             shift_id))


async def for_worker(conn: Connection, worker_id: UUID, lo: datetime, hi: datetime,
                     statuses: tuple[str, ...] = ("booked",)) -> list[Assignment]:
    return many(Assignment, await conn.fetch(
        ASSIGNMENT_SELECT + " WHERE a.worker_id = $1 AND a.ends_at > $2 AND a.starts_at < $3 "
        "AND a.status = ANY($4::text[]) ORDER BY a.starts_at, a.id", worker_id, lo, hi, list(statuses)))


async def future_bookings(conn: Connection, worker_id: UUID, now: datetime) -> list[Assignment]:
    """Booked assignments of the worker that have not started, at any organisation."""
    return many(Assignment, await conn.fetch(ASSIGNMENT_SELECT + " WHERE a.worker_id = $1 AND a.status = 'booked' "
                                             "AND a.starts_at > $2 ORDER BY a.starts_at, a.id", worker_id, now))


async def booked_for_shift(conn: Connection, shift_id: UUID) -> list[Assignment]:
    return many(Assignment, await conn.fetch(ASSIGNMENT_SELECT + " WHERE a.shift_id = $1 AND a.status = 'booked' "
                                             "ORDER BY a.booked_at, a.id", shift_id))


async def cancel(conn: Connection, assignment_id: UUID, *, now: datetime, by: UUID, reason: str | None,
                 late_percent: int | None = None) -> None:
    """`late_percent`: the share of the planned minutes the lender is owed (None: not a late cancellation)."""
    await conn.execute(
        "UPDATE assignments SET status = 'cancelled', cancelled_at = $2, cancelled_by = $3, cancel_reason = $4, "
        "late_cancellation_percent = $5 WHERE id = $1 AND status = 'booked'",
        assignment_id, now, by, reason, late_percent)


class Work(msgspec.Struct, frozen=True):
    """A stretch of a worker's work: a home roster block (no shift), or a booking anywhere."""

    starts_at: datetime
    ends_at: datetime
    break_minutes: int
    shift_id: UUID | None


def work_between(worker: str, lo: str, hi: str) -> str:
    """SQL of a worker's Work overlapping [lo, hi) (each argument a SQL expression): the one definition the
    conflict checks and the accept's facts read."""
    return (f"SELECT r.starts_at, r.ends_at, r.break_minutes, NULL::uuid AS shift_id FROM roster_blocks r "
            f"WHERE r.worker_id = {worker} AND r.ends_at > {lo} AND r.starts_at < {hi} "
            f"UNION ALL SELECT a.starts_at, a.ends_at, a.break_minutes, a.shift_id FROM assignments a "
            f"WHERE a.worker_id = {worker} AND a.status = 'booked' AND a.ends_at > {lo} AND a.starts_at < {hi}")


async def timeline(conn: Connection, worker_id: UUID, lo: datetime, hi: datetime) -> list[Work]:
    """Everything the worker works in [lo, hi): home roster blocks and booked assignments anywhere."""
    return many(Work, await conn.fetch(work_between("$1", "$2", "$3"), worker_id, lo, hi))


def loaned_between(worker: str, home: str, lo: str, hi: str) -> str:
    """SQL of the minutes a worker works away from the home employer with a start in [lo, hi) (each argument
    a SQL expression): bookings at other organisations and secondment roster blocks, what the home
    employer's monthly loan limit counts."""
    return (f"((SELECT coalesce(sum(a.paid_minutes), 0) FROM assignments a WHERE a.worker_id = {worker} "
            f"AND a.status = 'booked' AND a.organisation_id <> {home} AND a.starts_at >= {lo} AND a.starts_at < {hi}) "
            f"+ (SELECT coalesce(sum(extract(epoch FROM r.ends_at - r.starts_at)::int / 60 - r.break_minutes), 0) "
            f"FROM roster_blocks r WHERE r.worker_id = {worker} AND r.secondment_id IS NOT NULL "
            f"AND r.starts_at >= {lo} AND r.starts_at < {hi}))::int")


async def loaned_minutes(conn: Connection, worker_id: UUID, home_organisation_id: UUID, month_start: datetime,
                         month_end: datetime) -> int:
    """Minutes the worker works away from the home employer with a start inside the month."""
    return await conn.fetchval("SELECT " + loaned_between("$1", "$2", "$3", "$4"), worker_id, home_organisation_id,
                               month_start, month_end)


async def is_booked_on(conn: Connection, shift_id: UUID, worker_id: UUID) -> bool:
    return bool(await conn.fetchval(
        "SELECT 1 FROM assignments WHERE shift_id = $1 AND worker_id = $2 AND status = 'booked'", shift_id, worker_id))


async def ever_on(conn: Connection, shift_id: UUID, worker_id: UUID) -> bool:
    """Booked, cancelled, applied or withdrawn: the worker has had something to do with this shift."""
    return bool(await conn.fetchval(
        "SELECT 1 FROM assignments WHERE shift_id = $1 AND worker_id = $2 UNION ALL "
        "SELECT 1 FROM applications WHERE shift_id = $1 AND worker_id = $2 LIMIT 1", shift_id, worker_id))



class BookingNotice(msgspec.Struct, frozen=True, kw_only=True):
    """A booking someone is to hear of (its worker, or the borrowing planners): which, when, where, who."""

    id: UUID
    shift_id: UUID
    organisation_id: UUID  # the borrower
    user_id: UUID  # the worker's account
    worker_name: str
    starts_at: datetime
    ends_at: datetime
    function: str
    site_name: str


_NOTICE = """SELECT a.id, a.shift_id, a.organisation_id, w.user_id, u.name AS worker_name, a.starts_at, a.ends_at,
       s.function, si.name AS site_name
FROM assignments a JOIN shifts s ON s.id = a.shift_id JOIN sites si ON si.id = s.site_id
JOIN workers w ON w.id = a.worker_id JOIN users u ON u.id = w.user_id
WHERE a.status = 'booked' AND """


async def starting_unreminded(conn: Connection, lo: datetime, hi: datetime) -> list[BookingNotice]:
    """Booked assignments starting in (lo, hi] whose worker has no reminder for them yet."""
    return many(BookingNotice, await conn.fetch(
        _NOTICE + "a.starts_at > $1 AND a.starts_at <= $2 AND NOT EXISTS (SELECT 1 FROM notifications n "
        "WHERE n.user_id = w.user_id AND n.dedupe_key = 'reminder:' || a.id::text)", lo, hi))


async def ended_without_hours(conn: Connection, now: datetime, within: timedelta) -> list[BookingNotice]:
    """Booked assignments that ended in the last `within` and have no timesheet yet."""
    return many(BookingNotice, await conn.fetch(
        _NOTICE + "a.ends_at <= $1 AND a.ends_at > $1::timestamptz - $2::interval "
        "AND NOT EXISTS (SELECT 1 FROM timesheets t WHERE t.assignment_id = a.id)", now, within))



async def booked_overlapping(conn: Connection, worker_id: UUID, blocks: list[Interval]) -> int:
    """How many of the worker's bookings overlap any of the blocks."""
    return await conn.fetchval(
        "SELECT count(*) FROM assignments a WHERE a.worker_id = $1 AND a.status = 'booked' AND "
        "EXISTS (SELECT 1 FROM unnest($2::timestamptz[], $3::timestamptz[]) AS b(s, e) "
        "        WHERE b.s < a.ends_at AND a.starts_at < b.e)",
        worker_id, [b.starts_at for b in blocks], [b.ends_at for b in blocks])


BALANCE = """
WITH a AS (
    SELECT a.*, t.no_show, t.worked_minutes
    FROM assignments a JOIN organisations o ON o.id = a.organisation_id
    LEFT JOIN timesheets t ON t.assignment_id = a.id
    WHERE o.region_id = $1 AND a.starts_at >= $2 AND a.starts_at < $3 AND a.home_organisation_id <> a.organisation_id
), worked AS (
    SELECT a.*, CASE WHEN a.status <> 'booked' OR coalesce(a.no_show, false) THEN 0
                     ELSE coalesce(a.worked_minutes, a.paid_minutes) END AS minutes
    FROM a
), seconded AS (  -- secondment roster blocks: lent and borrowed like shifts
    SELECT sd.lender_id, sd.borrower_id, extract(epoch FROM r.ends_at - r.starts_at)::int / 60 - r.break_minutes AS minutes
    FROM roster_blocks r JOIN secondments sd ON sd.id = r.secondment_id
    WHERE sd.region_id = $1 AND r.starts_at >= $2 AND r.starts_at < $3
)
SELECT o.id AS organisation_id, o.name,
       (coalesce((SELECT sum(minutes) FROM worked w WHERE w.home_organisation_id = o.id), 0)
        + coalesce((SELECT sum(minutes) FROM seconded x WHERE x.lender_id = o.id), 0))::int AS minutes_lent,
       (coalesce((SELECT sum(minutes) FROM worked w WHERE w.organisation_id = o.id), 0)
        + coalesce((SELECT sum(minutes) FROM seconded x WHERE x.borrower_id = o.id), 0))::int AS minutes_borrowed,
       (SELECT count(*) FROM shifts s WHERE s.organisation_id = o.id AND s.starts_at >= $2 AND s.starts_at < $3)::int
           AS shifts_published,
       (SELECT count(DISTINCT w.shift_id) FROM worked w WHERE w.organisation_id = o.id AND w.status = 'booked')::int
           AS shifts_filled_by_others,
       (SELECT count(*) FROM a WHERE a.organisation_id = o.id AND a.late_cancellation)::int AS late_cancellations_made,
       (SELECT count(*) FROM a WHERE a.home_organisation_id = o.id AND a.late_cancellation)::int
           AS late_cancellations_received,
       (SELECT count(*) FROM a WHERE a.home_organisation_id = o.id AND a.no_show)::int AS no_shows_of_own_workers,
       (SELECT count(*) FROM a WHERE a.organisation_id = o.id AND a.no_show)::int AS no_shows_at_own_shifts
FROM organisations o WHERE o.region_id = $1 AND ($4::uuid[] IS NULL OR o.id = ANY($4::uuid[]))
ORDER BY o.name, o.id
"""


class Balance(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Whether one organisation's exchange is mutual: minutes lent and borrowed (loans and secondments), shifts
    published and filled by others, late cancellations and no-shows on either side."""

    organisation_id: UUID
    name: str
    minutes_lent: int
    minutes_borrowed: int
    shifts_published: int
    shifts_filled_by_others: int
    late_cancellations_made: int
    late_cancellations_received: int
    no_shows_of_own_workers: int
    no_shows_at_own_shifts: int


async def balance(conn: Connection, region_id: UUID, lo: datetime, hi: datetime,
                  organisation_ids: list[UUID] | None = None) -> list[Balance]:
    """Per organisation, between lo and hi: whether the exchange is mutual (loans only, not own staff)."""
    return many(Balance, await conn.fetch(BALANCE, region_id, lo, hi, organisation_ids))


async def workers_booked_over(conn: Connection, blocks: list[tuple]) -> set:
    """Of (worker_id, start, end) blocks: the workers with a booking that overlaps one of theirs (one query
    for a whole roster import)."""
    if not blocks:
        return set()
    workers, starts, ends = zip(*blocks, strict=True)
    return {r["worker_id"] for r in await conn.fetch(
        "SELECT DISTINCT a.worker_id FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS b(w, s, e) "
        "JOIN assignments a ON a.worker_id = b.w AND a.status = 'booked' AND b.s < a.ends_at AND a.starts_at < b.e",
        list(workers), list(starts), list(ends))}
