"""The accept path in three statements: load every fact of a decision, lock, and book in one write.

An accept storm is mostly taps on shifts that are already full: `facts` answers those from one read without
a lock or a transaction. When a place looks free the service locks (worker first, then shift, as every
booking path does), reads the facts again, decides again, and `book` writes the assignment, its audit event
and its notifications in one statement. The lock is its own statement: in READ COMMITTED a statement's
snapshot is taken before it waits for a lock, so facts read by the locking statement could miss the booking
it waited for.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db import assignments, workers
from flexpool.db.assignments import Assignment
from flexpool.db.outbox import CHANNEL
from flexpool.db.shifts import SHIFT_SELECT, Shift
from flexpool.db.workers import AcceptingWorker

# The worker's timeline spans HORIZON around the shift (the longest rule looks 16 weeks back and ahead).
FACTS = f"""
WITH wk AS (
    SELECT {workers.columns(AcceptingWorker)}
    FROM workers w JOIN users u ON u.id = w.user_id
    WHERE w.user_id = $1 AND w.ended_at IS NULL
), sh AS (
    {SHIFT_SELECT} WHERE s.id = $2 AND s.region_id = (SELECT region_id FROM wk)
), timeline AS (
    SELECT t.* FROM wk, sh, LATERAL ({assignments.work_between("wk.id", "sh.starts_at - $3::interval",
                                                             "sh.ends_at + $3::interval")}) t
)
SELECT {", ".join(f"wk.{f} AS w_{f}" for f in AcceptingWorker.__struct_fields__)},
       {", ".join(f"sh.{f} AS s_{f}" for f in Shift.__struct_fields__)},
       ARRAY(SELECT p.partner_id FROM partners p WHERE p.organisation_id = sh.organisation_id) AS partner_ids,
       (SELECT settings FROM regions WHERE id = wk.region_id) AS region_settings,
       ARRAY(SELECT t.starts_at FROM timeline t ORDER BY t.starts_at) AS timeline_starts,
       ARRAY(SELECT t.ends_at FROM timeline t ORDER BY t.starts_at) AS timeline_ends,
       ARRAY(SELECT t.break_minutes FROM timeline t ORDER BY t.starts_at) AS timeline_breaks,
       ARRAY(SELECT t.shift_id FROM timeline t ORDER BY t.starts_at) AS timeline_shifts,
       {assignments.loaned_between(
           "wk.id", "wk.organisation_id",
           "date_trunc('month', sh.starts_at AT TIME ZONE 'Europe/Amsterdam') AT TIME ZONE 'Europe/Amsterdam'",
           "(date_trunc('month', sh.starts_at AT TIME ZONE 'Europe/Amsterdam') + interval '1 month') "
           "AT TIME ZONE 'Europe/Amsterdam'")} AS loaned_minutes,
       EXISTS (SELECT 1 FROM assignments a WHERE a.shift_id = sh.id AND a.worker_id = wk.id AND a.status = 'booked')
           AS already_booked,
       (SELECT a.id FROM assignments a WHERE a.booked_by = $1 AND a.request_key = $4 AND a.shift_id = sh.id)
           AS done_id,
       EXISTS (SELECT 1 FROM applications ap WHERE ap.worker_id = wk.id AND ap.status = 'pending'
                 AND ap.shift_id <> sh.id) AS other_applications
FROM wk LEFT JOIN sh ON true
"""


class Facts(msgspec.Struct, frozen=True, kw_only=True):
    """Everything an accept decides on, read in one statement."""

    worker: AcceptingWorker
    shift: Shift | None  # None: no such shift in the worker's region
    partner_ids: list[UUID]
    region_settings: dict[str, Any]
    timeline: list[tuple[datetime, datetime, int, UUID | None]]  # the worker's work around the shift (shift id)
    loaned_minutes: int  # at other organisations in the shift's calendar month
    already_booked: bool
    done_id: UUID | None  # the booking this request (its Idempotency-Key) already made
    other_applications: bool  # pending applications elsewhere, which a booking may withdraw


async def facts(conn: Connection, user_id: UUID, shift_id: UUID, horizon: timedelta,
                request_key: str | None) -> Facts | None:
    """The caller's worker profile (None when they are not a worker), the shift in the worker's region, and
    everything around them a decision needs."""
    row = await conn.fetchrow(FACTS, user_id, shift_id, horizon, request_key)
    if row is None:
        return None
    return Facts(
        worker=AcceptingWorker(**{f: row["w_" + f] for f in AcceptingWorker.__struct_fields__}),
        shift=Shift(**{f: row["s_" + f] for f in Shift.__struct_fields__}) if row["s_id"] is not None else None,
        partner_ids=row["partner_ids"], region_settings=row["region_settings"] or {},
        timeline=list(zip(row["timeline_starts"], row["timeline_ends"], row["timeline_breaks"], row["timeline_shifts"],
                          strict=True)),
        loaned_minutes=row["loaned_minutes"], already_booked=row["already_booked"], done_id=row["done_id"],
        other_applications=row["other_applications"])


LOCK = """
WITH worker AS (SELECT id FROM workers WHERE id = $1 FOR UPDATE)
SELECT 1 FROM shifts s, worker WHERE s.id = $2 FOR UPDATE OF s
"""


async def lock(conn: Connection, worker_id: UUID, shift_id: UUID) -> None:
    """The worker's row, then the shift's: the CTE runs before the outer row is locked."""
    await conn.execute(LOCK, worker_id, shift_id)


BOOK = f"""
WITH a AS (
    INSERT INTO assignments (shift_id, worker_id, worker_no, organisation_id, home_organisation_id, starts_at,
                             ends_at, break_minutes, booked_at, booked_by, request_key)
    SELECT s.id, $1, $2, s.organisation_id, $3, s.starts_at, s.ends_at, s.break_minutes, $4, $5, $6
    FROM shifts s WHERE s.id = $7
    RETURNING *
), audit AS (
    INSERT INTO audit_events (organisation_id, shift_id, subject_type, subject_id, action, actor_user_id, data, at)
    SELECT a.organisation_id, a.shift_id, 'assignment', a.id, 'booked', $5, jsonb_build_object('workerId', $1::text), $4
    FROM a
), told AS (
    SELECT $8::uuid AS user_id, 'booked' AS kind
    UNION
    SELECT m.user_id, 'accepted' FROM memberships m, a WHERE m.organisation_id = a.organisation_id
                                                        AND m.role = 'planner'
), outbox AS (
    INSERT INTO notifications (user_id, kind, dedupe_key, urgent, data, created_at, due_at)
    SELECT told.user_id, told.kind, told.kind || ':' || a.id::text, false,
           $9::jsonb || jsonb_build_object('assignmentId', a.id::text), $4, $4
    FROM told, a
    ON CONFLICT (user_id, dedupe_key) DO NOTHING
), wake AS (
    SELECT pg_notify('{CHANNEL}', '')
)
SELECT {assignments.columns(worker_name="$10::text", worker_function="$11::text",
                             shift_status="CASE WHEN s.places_filled + 1 >= s.places THEN 'filled' ELSE s.status END")}
FROM a CROSS JOIN wake JOIN shifts s ON s.id = a.shift_id JOIN sites si ON si.id = s.site_id
JOIN organisations o ON o.id = a.organisation_id
"""


async def book(conn: Connection, *, worker: AcceptingWorker, shift_id: UUID, now: datetime, booked_by: UUID,
               request_key: str | None,
               data: dict) -> Assignment:
    """The assignment with its audit event and its notifications (the worker's "booked", the shift's
    planners' "accepted"), written together and read back as ASSIGNMENT_SELECT reads it. The fill trigger
    and the exclusion constraint raise here when the database refuses."""
    return Assignment(**await conn.fetchrow(
        BOOK, worker.id, worker.no, worker.organisation_id, now, booked_by, request_key, shift_id,
        worker.user_id, json.loads(json.dumps(data, default=str)), worker.name, worker.function))
