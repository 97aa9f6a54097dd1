"""Timesheets (urenregistratie) of assignments, as the borrowing organisation's planners see them."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from asyncpg import Connection, Record

from flexpool.db.rows import many, one
from flexpool.domain.hours import Hours, HoursWorked


class Timesheet(msgspec.Struct, frozen=True, kw_only=True):
    """The hours confirmed for an assignment (urenregistratie); a later confirmation replaces it."""

    assignment_id: UUID
    started_at: datetime | None  # None for a no-show
    ended_at: datetime | None
    break_minutes: int
    no_show: bool
    worked_minutes: int
    auto: bool  # confirmed as planned 72 h after the end
    confirmed_by: UUID | None
    confirmed_at: datetime


class TimesheetLine(msgspec.Struct, frozen=True, kw_only=True):
    """A started assignment as the borrowing planners confirm it, with its timesheet once there is one."""

    assignment_id: UUID
    shift_id: UUID
    worker_id: UUID
    worker_name: str
    organisation_id: UUID
    home_organisation_id: UUID
    home_organisation_name: str
    function: str
    site_name: str
    starts_at: datetime
    ends_at: datetime
    break_minutes: int
    timesheet: Timesheet | None


LIST = """
SELECT a.id AS assignment_id, a.shift_id, a.worker_id, a.organisation_id, a.home_organisation_id,
       a.starts_at, a.ends_at, a.break_minutes, u.name AS worker_name, h.name AS home_organisation_name,
       s.function, si.name AS site_name,
       t.started_at, t.ended_at, t.break_minutes AS worked_break, t.no_show, t.worked_minutes, t.auto,
       t.confirmed_by, t.confirmed_at
FROM assignments a
JOIN shifts s ON s.id = a.shift_id JOIN sites si ON si.id = s.site_id
JOIN workers w ON w.id = a.worker_id JOIN users u ON u.id = w.user_id
JOIN organisations h ON h.id = a.home_organisation_id
LEFT JOIN timesheets t ON t.assignment_id = a.id
WHERE a.organisation_id = ANY($1::uuid[]) AND a.status = 'booked'
  AND a.starts_at >= $2 AND a.starts_at < $3 AND a.starts_at <= $4
  AND ($5::text = 'all' OR ($5 = 'unconfirmed') = (t.assignment_id IS NULL))
  AND ($6::timestamptz IS NULL OR (a.starts_at, a.id) > ($6, $7::uuid))
ORDER BY a.starts_at, a.id
LIMIT $8
"""


async def for_organisations(conn: Connection, organisation_ids: list[UUID], lo: datetime, hi: datetime, now: datetime,
                            state: str,
                            after: tuple[datetime, UUID] | None,
                            limit: int) -> list[TimesheetLine]:
    """Booked assignments that have started, with their timesheet if any; `state`: unconfirmed, confirmed, all."""
    after_at, after_id = after if after else (None, None)
    return [_line(r) for r in await conn.fetch(LIST, list(organisation_ids), lo, hi, now, state, after_at, after_id,
                                               limit)]


def _line(r: Record) -> TimesheetLine:
    sheet = Timesheet(assignment_id=r["assignment_id"], started_at=r["started_at"], ended_at=r["ended_at"],
                      break_minutes=r["worked_break"], no_show=r["no_show"], worked_minutes=r["worked_minutes"],
                      auto=r["auto"], confirmed_by=r["confirmed_by"], confirmed_at=r["confirmed_at"]) \
        if r["confirmed_at"] is not None else None
    return TimesheetLine(**{f: r[f] for f in TimesheetLine.__struct_fields__ if f != "timesheet"}, timesheet=sheet)


async def get(conn: Connection, assignment_id: UUID) -> Timesheet | None:
    return one(Timesheet, await conn.fetchrow("SELECT * FROM timesheets WHERE assignment_id = $1", assignment_id))


async def confirm(conn: Connection, assignment_id: UUID, hours: Hours, *, by: UUID, at: datetime) -> None:
    """The planner's confirmation; a later one replaces it (the audit trail keeps both)."""
    worked = hours if isinstance(hours, HoursWorked) else None
    await conn.execute(
        "INSERT INTO timesheets (assignment_id, started_at, ended_at, break_minutes, no_show, worked_minutes, "
        "auto, confirmed_by, confirmed_at) VALUES ($1, $2, $3, $4, $5, $6, false, $7, $8) "
        "ON CONFLICT (assignment_id) DO UPDATE SET started_at = $2, ended_at = $3, break_minutes = $4, "
        "no_show = $5, worked_minutes = $6, auto = false, confirmed_by = $7, confirmed_at = $8",
        assignment_id, worked.started_at if worked else None, worked.ended_at if worked else None,
        worked.break_minutes if worked else 0, worked is None, hours.worked_minutes, by, at)


class AutoConfirmed(msgspec.Struct, frozen=True):
    assignment_id: UUID
    organisation_id: UUID
    shift_id: UUID


async def confirm_as_planned(conn: Connection, ended_before: datetime, at: datetime) -> list[AutoConfirmed]:
    """Every booked assignment that ended before `ended_before` without a timesheet gets one as planned
    (absolute minutes); written once however many schedulers run. Returns (assignment, organisation, shift)."""
    return many(AutoConfirmed, await conn.fetch(
        "WITH confirmed AS ("
        "  INSERT INTO timesheets (assignment_id, started_at, ended_at, break_minutes, no_show, worked_minutes, auto, "
        "  confirmed_at) SELECT a.id, a.starts_at, a.ends_at, a.break_minutes, false, "
        "  a.paid_minutes, true, $1 "
        "  FROM assignments a WHERE a.status = 'booked' AND a.ends_at <= $2 "
        "  AND NOT EXISTS (SELECT 1 FROM timesheets t WHERE t.assignment_id = a.id) "
        "  ON CONFLICT (assignment_id) DO NOTHING RETURNING assignment_id) "
        "SELECT c.assignment_id, a.organisation_id, a.shift_id FROM confirmed c "
        "JOIN assignments a ON a.id = c.assignment_id", at, ended_before))


async def unconfirmed_loans(conn: Connection, region_id: UUID, lo: datetime, hi: datetime) -> int:
    """Loans starting in [lo, hi) whose hours nobody confirmed yet (a month cannot close with them)."""
    return await conn.fetchval(
        "SELECT count(*) FROM assignments a JOIN organisations o ON o.id = a.organisation_id "
        "WHERE o.region_id = $1 AND a.status = 'booked' AND a.starts_at >= $2 AND a.starts_at < $3 "
        "AND a.home_organisation_id <> a.organisation_id "
        "AND NOT EXISTS (SELECT 1 FROM timesheets t WHERE t.assignment_id = a.id)", region_id, lo, hi)

