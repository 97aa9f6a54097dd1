"""Hours: the borrowing organisation confirms what was worked after a shift (or a no-show)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from asyncpg import Connection
from litestar import Controller, get, put
from litestar.params import Parameter

from api.hours.schemas import Timesheet, TimesheetIn, TimesheetRow, timesheet_out, timesheet_row
from api.pagination import Cursor, Limit, Page, decode_cursor, page
from api.wire import When
from flexpool.domain.hours import Hours, HoursWorked, NoShow
from flexpool.services import hours
from flexpool.services.principal import Principal


class HoursController(Controller):
    path = "/v1"
    tags = ["hours"]

    @put("/assignments/{assignment_id:uuid}/timesheet",
         summary="Confirm the hours worked, or a no-show (borrower's planner)")
    async def timesheet(self, conn: Connection, p: Principal, now: datetime, assignment_id: UUID,
                        data: TimesheetIn) -> Timesheet:
        confirmed: Hours | None = NoShow() if data.no_show else \
            HoursWorked(data.started_at, data.ended_at, data.break_minutes) if data.started_at and data.ended_at else None
        t = await hours.confirm(conn, p, assignment_id, now, confirmed)
        return timesheet_out(t)

    @get("/timesheets", summary="Hours to confirm (or confirmed) at the planner's organisation, oldest first")
    async def timesheets(self, conn: Connection, p: Principal, now: datetime,
                         status: Literal["unconfirmed", "confirmed", "all"] = "unconfirmed",
                         from_: When = Parameter(query="from", default=None), to: When = None,
                         organisation_id: UUID | None = Parameter(query="organisationId", default=None),
                         limit: Limit = 50, cursor: Cursor = None) -> Page[TimesheetRow]:
        after = decode_cursor(cursor, datetime, UUID)
        rows = await hours.timesheets(conn, p, lo=from_ or now - timedelta(days=62), hi=to or now, now=now,
                                      state=status, organisation_id=organisation_id,
                                      after=after,
                                      limit=limit + 1)
        return page(rows, limit, timesheet_row, lambda r: (r.starts_at.isoformat(), r.assignment_id))
