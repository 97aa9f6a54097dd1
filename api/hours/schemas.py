"""Timesheets: the hours the borrowing organisation confirms after a shift."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from api.wire import Camel, Code, Instant, Out, at
from flexpool.db import timesheets as timesheets_db
from flexpool.services import hours


class TimesheetIn(Camel):
    started_at: Instant | None = None
    ended_at: Instant | None = None
    break_minutes: Annotated[int, msgspec.Meta(ge=0, le=720)] = 0
    no_show: bool = False


class Timesheet(Out):
    assignment_id: UUID
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    break_minutes: int
    no_show: bool
    worked_minutes: int
    auto: bool
    confirmed_at: datetime


class TimesheetRow(Out):
    """One booked assignment that has started, with its hours as confirmed (or null while unconfirmed)."""

    assignment_id: UUID
    shift_id: UUID
    worker_id: UUID
    worker_name: str
    home_organisation_id: UUID
    home_organisation_name: str
    site_name: str
    function: Code
    starts_at: datetime
    ends_at: datetime
    break_minutes: int
    status: Literal["unconfirmed", "confirmed"]
    auto_confirm_at: datetime | None
    timesheet: Timesheet | None


def timesheet_out(t: timesheets_db.Timesheet) -> Timesheet:
    return Timesheet(assignment_id=t.assignment_id, status="confirmed", started_at=at(t.started_at),
                     ended_at=at(t.ended_at), break_minutes=t.break_minutes, no_show=t.no_show,
                     worked_minutes=t.worked_minutes, auto=t.auto, confirmed_at=at(t.confirmed_at))


def timesheet_row(r: timesheets_db.TimesheetLine) -> TimesheetRow:
    return TimesheetRow(
        assignment_id=r.assignment_id, shift_id=r.shift_id, worker_id=r.worker_id, worker_name=r.worker_name,
        home_organisation_id=r.home_organisation_id, home_organisation_name=r.home_organisation_name,
        site_name=r.site_name, function=r.function, starts_at=at(r.starts_at), ends_at=at(r.ends_at),
        break_minutes=r.break_minutes, status="confirmed" if r.timesheet else "unconfirmed",
        auto_confirm_at=None if r.timesheet else at(r.ends_at + hours.AUTO_CONFIRM_AFTER),
        timesheet=timesheet_out(r.timesheet) if r.timesheet else None)
