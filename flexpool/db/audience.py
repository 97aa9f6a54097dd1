"""Who a wave of a shift reaches: every check of an accept that fails for certain, in one query
(flexpool.domain.audience says which); then each candidate's work around the shift, for the full
working-time judgement the wave runs before anyone is notified."""
from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.assignments import loaned_between
from flexpool.db.rows import many
from flexpool.db.shifts import Shift
from flexpool.domain.audience import AudienceTerms
from flexpool.domain.catalogue import DEFAULT as CATALOGUE


class AudienceQuery(msgspec.Struct, frozen=True):
    """What the audience query asks of one shift, computed once for all its waves: the organisation's partners,
    the shift's terms under the region's rules, and the month and week (as instants) its limits count in."""

    partner_ids: list[UUID]
    terms: AudienceTerms
    month: tuple[datetime, datetime]
    week: tuple[datetime, datetime]


class Reached(msgspec.Struct, frozen=True):
    """A pool worker the query lets through, and how far away they live (None: unknown)."""

    worker_id: UUID
    user_id: UUID
    km: float | None


class Timeline(msgspec.Struct, frozen=True):
    """What the working-time rules need of a worker: age and nights by choice, and their work in a window."""

    worker_id: UUID
    date_of_birth: date | None
    nights: bool
    work: list[tuple[datetime, datetime, int]]  # (start, end, break minutes), home roster and bookings anywhere


WORK = """(SELECT r.starts_at, r.ends_at FROM roster_blocks r WHERE r.worker_id = w.id
           UNION ALL SELECT a.starts_at, a.ends_at FROM assignments a WHERE a.worker_id = w.id AND a.status = 'booked')"""

DISTANCE = "flexpool_km(w.home_latitude, w.home_longitude, $7, $8)"

# $4 is the tier a wave reaches, or 'any' for a planner looking for someone to book directly (who may also
# call in their own workers outside the pool, and for whom the worker's wishes are shown, not applied: $28).
AUDIENCE = f"""
SELECT w.id AS worker_id, w.user_id, CASE WHEN w.home_latitude IS NULL OR $7::float8 IS NULL THEN NULL
                                          ELSE {DISTANCE} END AS km
FROM workers w
WHERE w.region_id = $1 AND (w.opted_in OR ($4::text = 'any' AND w.organisation_id = $5))
  AND w.function = ANY($2::text[])
  AND w.skills @> $3::text[]
  AND CASE $4::text WHEN 'any' THEN true
                    WHEN 'organisation' THEN w.organisation_id = $5
                         OR EXISTS (SELECT 1 FROM favourites f WHERE f.organisation_id = $5 AND f.worker_id = w.id)
                    WHEN 'partners' THEN w.organisation_id = ANY($6::uuid[])
                    ELSE w.organisation_id <> $5 AND NOT (w.organisation_id = ANY($6::uuid[])) END
  AND NOT EXISTS (SELECT 1 FROM worker_excluded_organisations e WHERE e.worker_id = w.id AND e.organisation_id = $5)
  AND NOT EXISTS (SELECT 1 FROM blocked_workers b WHERE b.worker_id = w.id AND b.organisation_id = $5)
  AND (w.max_travel_km IS NULL OR w.home_latitude IS NULL OR $7::float8 IS NULL OR {DISTANCE} <= w.max_travel_km)
  -- No overlapping work, and the nearest work before and after leaves no gap shorter than the shortest
  -- rest the law ever allows (touching work merges into one duty and is judged in full later).
  AND NOT EXISTS (SELECT 1 FROM roster_blocks r WHERE r.worker_id = w.id AND r.starts_at < $10 AND r.ends_at > $9)
  AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.worker_id = w.id AND a.status = 'booked'
                  AND a.starts_at < $10 AND a.ends_at > $9)
  AND coalesce((SELECT max(x.ends_at) FROM {WORK} x WHERE x.ends_at <= $9 AND x.ends_at > $9 - $13::interval), $9) = $9
  AND coalesce((SELECT min(x.starts_at) FROM {WORK} x WHERE x.starts_at >= $10 AND x.starts_at < $10 + $13::interval),
               $10) = $10
  -- Certificates: a VOG, each skill's credential valid until the last day, a BIG registration on the first.
  AND EXISTS (SELECT 1 FROM credentials c WHERE c.worker_id = w.id AND c.kind = 'vog'
              AND (c.valid_until IS NULL OR c.valid_until >= $14::date))
  AND NOT EXISTS (SELECT 1 FROM unnest($15::text[]) AS k(kind) WHERE NOT EXISTS (
                  SELECT 1 FROM credentials c WHERE c.worker_id = w.id AND c.kind = k.kind
                  AND (c.valid_until IS NULL OR c.valid_until >= $14::date)))
  AND (NOT $11::boolean OR EXISTS (SELECT 1 FROM credentials c WHERE c.worker_id = w.id AND c.kind = 'big'
                                   AND (c.valid_until IS NULL OR c.valid_until >= $12::date)))
  -- Ages: nights from 55 only by choice; minors not at night nor on long shifts.
  AND (NOT $16::boolean OR w.nights OR w.date_of_birth IS NULL OR w.date_of_birth > $17::date)
  AND (NOT $18::boolean OR w.date_of_birth IS NULL OR w.date_of_birth <= $19::date)
  -- The home employer's monthly loan limit (bookings elsewhere and secondments).
  AND (w.max_loan_minutes_per_month IS NULL OR w.organisation_id = $5
       OR $20::int + {loaned_between("w.id", "w.organisation_id", "$21", "$22")} <= w.max_loan_minutes_per_month)
  -- Students only where students are welcome, supervised as high as their school asks.
  AND (w.student_school IS NULL OR ($29::boolean AND w.student_supervisor_function = ANY($30::text[])))
  -- The worker's wishes: inside an availability window (of that day, or the day before running past
  -- midnight), and within the weekly cap of extra minutes booked through FlexPool.
  AND (NOT $28::boolean OR NOT EXISTS (SELECT 1 FROM availability_windows v WHERE v.worker_id = w.id)
       OR EXISTS (SELECT 1 FROM availability_windows v WHERE v.worker_id = w.id AND (
           (v.weekday = $23 AND v.start_minute <= $24 AND $24 + $25 <= v.start_minute + v.length_minutes)
           OR (v.weekday = ($23::int + 6) % 7 AND v.start_minute <= $24 + 1440
               AND $24 + 1440 + $25 <= v.start_minute + v.length_minutes))))
  AND (NOT $28::boolean OR w.max_extra_minutes_per_week IS NULL OR $20::int + (
       SELECT coalesce(sum(a.paid_minutes), 0)
       FROM assignments a WHERE a.worker_id = w.id AND a.status = 'booked'
       AND a.starts_at >= $26 AND a.starts_at < $27) <= w.max_extra_minutes_per_week)
"""


async def _fetch(conn: Connection, shift: Shift, tier: str, query: AudienceQuery, wishes: bool,
                 tail: str = "", *extra: object) -> list[Reached]:
    partner_ids, terms, month, week = query.partner_ids, query.terms, query.month, query.week
    return many(Reached, await conn.fetch(
        AUDIENCE + tail, shift.region_id, terms.functions, list(shift.skills), tier, shift.organisation_id,
        partner_ids, shift.site_latitude, shift.site_longitude, shift.starts_at, shift.ends_at,
        terms.needs_big, terms.first_day, terms.rest_window, terms.last_day, terms.credential_kinds, terms.night,
        terms.born_by_55, terms.refuses_minors, terms.born_by_18, terms.paid_minutes, *month, terms.weekday,
        terms.start_minute, terms.clock_minutes, *week, wishes, shift.students_welcome,
        CATALOGUE.supervised_by(shift.supervisor_function), *extra))


async def reached(conn: Connection, shift: Shift, tier: str, query: AudienceQuery) -> list[Reached]:
    """The workers a wave of this tier may notify, before the working-time judgement: (worker_id, user_id)."""
    return await _fetch(conn, shift, tier, query, True)


async def timelines(conn: Connection, worker_ids: list, lo: datetime, hi: datetime) -> list[Timeline]:
    """For each worker: what the working-time rules need (age, nights by choice) and all their work in
    [lo, hi), home roster and bookings anywhere, as parallel arrays. One query for a whole batch."""
    rows = await conn.fetch("""
        WITH work AS (
            SELECT r.worker_id, r.starts_at, r.ends_at, r.break_minutes FROM roster_blocks r
            WHERE r.worker_id = ANY($1::uuid[]) AND r.ends_at > $2 AND r.starts_at < $3
            UNION ALL
            SELECT a.worker_id, a.starts_at, a.ends_at, a.break_minutes FROM assignments a
            WHERE a.worker_id = ANY($1::uuid[]) AND a.status = 'booked' AND a.ends_at > $2 AND a.starts_at < $3
        )
        SELECT w.id AS worker_id, w.date_of_birth, w.nights,
               coalesce(array_agg(x.starts_at ORDER BY x.starts_at) FILTER (WHERE x.worker_id IS NOT NULL), '{}')
                   AS starts,
               coalesce(array_agg(x.ends_at ORDER BY x.starts_at) FILTER (WHERE x.worker_id IS NOT NULL), '{}')
                   AS ends,
               coalesce(array_agg(x.break_minutes ORDER BY x.starts_at) FILTER (WHERE x.worker_id IS NOT NULL), '{}')
                   AS breaks
        FROM workers w LEFT JOIN work x ON x.worker_id = w.id
        WHERE w.id = ANY($1::uuid[])
        GROUP BY w.id
    """, worker_ids, lo, hi)
    return [Timeline(r["worker_id"], r["date_of_birth"], r["nights"],
                     list(zip(r["starts"], r["ends"], r["breaks"], strict=True))) for r in rows]


async def candidates(conn: Connection, shift: Shift, query: AudienceQuery, limit: int) -> list[Reached]:
    """Workers a planner could book directly, nearest first: (worker_id, user_id, km)."""
    return await _fetch(conn, shift, "any", query, False, " ORDER BY km NULLS LAST, w.id LIMIT $31", limit)
