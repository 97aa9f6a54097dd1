"""Confirming hours (timesheets): by the borrower's planner, or as planned 72 h after the end."""
from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from asyncpg import Connection

from flexpool.db import timesheets as timesheets_db
from flexpool.db.timesheets import Timesheet, TimesheetLine
from flexpool.domain import hours as rules
from flexpool.domain.events import Event
from flexpool.domain.hours import Hours, NoShow
from flexpool.domain.vocabulary import ProblemType
from flexpool.services import access, effects
from flexpool.services.errors import Conflict, Forbidden, Invalid
from flexpool.services.principal import Principal

AUTO_CONFIRM_AFTER = timedelta(hours=72)
PLANNING = ("planner", "orgAdmin")


async def timesheets(conn: Connection, p: Principal, *, lo: datetime, hi: datetime, now: datetime, state: str,
                     organisation_id: UUID | None = None, after: tuple[datetime, UUID] | None = None,
                     limit: int = 50) -> list[TimesheetLine]:
    """The planner's list of hours: what still waits for confirmation (and is confirmed as planned at
    `ends_at` + 72 h), or what was confirmed."""
    orgs = p.organisations(*PLANNING)
    if organisation_id is not None:
        await access.organisation(conn, p, organisation_id, *PLANNING, delegated=True)
        orgs = [organisation_id]
    if not orgs:
        raise Forbidden("Timesheets are for the borrowing organisation's planners.")
    return await timesheets_db.for_organisations(conn, orgs, lo, hi, now, state, after, limit)


async def confirm(conn: Connection, p: Principal, assignment_id: UUID, now: datetime, hours: Hours | None) -> Timesheet:
    """The borrower's planner confirms the hours worked, or a no-show (None: the request named neither); a
    second confirmation changes them (after the month closed, as a correction in the next open month)."""
    a = await access.assignment(conn, p, assignment_id, *PLANNING, delegated=True)
    if a.status != "booked":
        raise Conflict(ProblemType.CONFLICT, "This assignment was cancelled; there are no hours to confirm.")
    if a.starts_at > now:
        raise Conflict(ProblemType.CONFLICT, "The shift has not started yet.")
    if hours is None:
        raise Invalid([("startedAt", "give startedAt and endedAt, or noShow: true")])
    errors = rules.problems(hours, a.starts_at, now)
    if errors:
        raise Invalid([(e.field, e.message) for e in errors])
    no_show = isinstance(hours, NoShow)
    async with conn.transaction():
        before = await timesheets_db.get(conn, assignment_id)
        await timesheets_db.confirm(conn, assignment_id, hours, by=p.user_id, at=now)
        await effects.record(conn, Event(organisation_id=a.organisation_id, shift_id=a.shift_id,
                                         subject_type="assignment", subject_id=assignment_id,
                                         action="no-show" if no_show else ("hours-changed" if before else "hours-confirmed"),
                                         actor=p.user_id, at=now,
                                         data={"workedMinutes": hours.worked_minutes,
                                               "previousWorkedMinutes": before.worked_minutes if before else None,
                                               **access.on_behalf(p, a.organisation_id)}))
    confirmed = await timesheets_db.get(conn, assignment_id)
    assert confirmed is not None, "written in the transaction above"
    return confirmed


async def auto_confirm(conn: Connection, now: datetime) -> int:
    """Unconfirmed timesheets become the planned hours 72 h after the end (written once)."""
    rows = await timesheets_db.confirm_as_planned(conn, now - AUTO_CONFIRM_AFTER, now)
    for r in rows:
        await effects.record(conn, Event(organisation_id=r.organisation_id, shift_id=r.shift_id,
                                         subject_type="assignment", subject_id=r.assignment_id,
                                         action="hours-auto-confirmed", actor=None, at=now))
    return len(rows)
