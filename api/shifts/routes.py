"""Shifts for planners; accept for workers; applications."""
from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from asyncpg import Connection
from litestar import Controller, Request, Response, delete, get, post
from litestar.params import Parameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from api.metrics import counted_accept
from api.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor, page, page_of
from api.shifts.schemas import (
    Application,
    AssignIn,
    Assignment,
    Candidate,
    HistoryEvent,
    Shift,
    ShiftBatchIn,
    ShiftIn,
    application_out,
    assignment_out,
    history_out,
    shift_out,
)
from api.wire import OptionalReason, Reason, When
from flexpool.services import booking, shifts
from flexpool.services import candidates as candidates_service
from flexpool.services.errors import Invalid
from flexpool.services.principal import Principal


# An instant in a query must carry its offset (RFC 3339), like every instant of the API: api.input's
# `instants_have_offsets` refuses a naive one with 422 before any handler runs.
def request_key(request: Request) -> str | None:
    """The Idempotency-Key of the request (CONTRACT.md conventions), handed to the use cases that create."""
    key = request.headers.get("idempotency-key")
    return key if key and len(key) <= 255 else None




def draft(s: ShiftIn) -> shifts.ShiftDraft:
    return shifts.ShiftDraft(site_id=s.site_id, function=s.function, skills=s.skills, starts_at=s.starts_at,
                             ends_at=s.ends_at, break_minutes=s.break_minutes, places=s.places, booking=s.booking,
                             description=s.description, urgent=s.urgent, students_welcome=s.students_welcome,
                             supervisor_function=s.supervisor_function)


class ShiftController(Controller):
    path = "/v1/shifts"
    tags = ["shifts"]

    @post("/", summary="Publish a shift (planner); it goes out in waves at once")
    async def publish(self, request: Request, conn: Connection, p: Principal, now: datetime, data: ShiftIn) -> Shift:
        rows = await shifts.publish(conn, p, [draft(data)], now, organisation_id=data.organisation_id,
                                    request_key=request_key(request))
        return shift_out(rows[0], now)

    @post("/batch", summary="Publish many shifts, all or nothing (422 names the item)")
    async def publish_batch(self, request: Request, conn: Connection, p: Principal, now: datetime,
                            data: ShiftBatchIn) -> Page[Shift]:
        orgs = {s.organisation_id for s in data.shifts}
        if len(orgs) > 1:
            raise Invalid([("shifts", "all shifts of a batch belong to one organisation")])
        rows = await shifts.publish(conn, p, [draft(s) for s in data.shifts], now, organisation_id=orgs.pop(),
                                    batch=True, request_key=request_key(request))
        return Page(items=[shift_out(r, now) for r in rows])

    @get("/", summary="The planner's shifts, soonest first")
    async def list(self, conn: Connection, p: Principal, now: datetime,
                   status: Literal["open", "filled", "completed", "cancelled"] | None = None,
                   from_: When = Parameter(query="from", default=None), to: When = None,
                   site_id: UUID | None = Parameter(query="siteId", default=None),
                   organisation_id: UUID | None = Parameter(query="organisationId", default=None),
                   limit: Limit = 50, cursor: Cursor = None) -> Page[Shift]:
        after = decode_cursor(cursor, datetime, UUID)
        rows = await shifts.list_for_planner(
            conn, p, organisation_id=organisation_id, status=status, lo=from_, hi=to, site_id=site_id, now=now,
            after=after, limit=limit + 1)
        return page(rows, limit, lambda r: shift_out(r, now), lambda s: (s.starts_at.isoformat(), s.id))

    @get("/{shift_id:uuid}", summary="One shift; planners also get its assignments and applications")
    async def detail(self, conn: Connection, p: Principal, now: datetime, shift_id: UUID) -> Shift:
        found = await shifts.detail(conn, p, shift_id, now)
        return shift_out(found.shift, now, found.assignments, found.applications)

    @get("/{shift_id:uuid}/history", summary="Audit trail of the shift (its organisation only)")
    async def history(
        self, conn: Connection, p: Principal, shift_id: UUID, limit: Limit = 50, cursor: Cursor = None
    ) -> Page[HistoryEvent]:
        return page_of([history_out(r) for r in await shifts.history(conn, p, shift_id)], limit, cursor,
                       lambda e: (f"{e.id:013d}",), parts=1)

    @post("/{shift_id:uuid}/cancel", status_code=200, summary="Cancel the shift; booked workers are released")
    async def cancel(self, request: Request, conn: Connection, p: Principal, now: datetime, shift_id: UUID,
                     data: Reason) -> Shift:
        return shift_out(await shifts.cancel(conn, p, shift_id, data.reason, now, request_key(request)), now)

    @get("/{shift_id:uuid}/candidates",
         summary="Workers the planner could book directly now, nearest first (every check but the tier)")
    async def candidates(self, conn: Connection, p: Principal, now: datetime, shift_id: UUID,
                         limit: Limit = 50, cursor: Cursor = None) -> Page[Candidate]:
        """Nearest first, computed anew for every page: the cursor says how many were served before."""
        served = decode_cursor(cursor, int)
        offset = min(served[0], 500) if served else 0
        rows = await candidates_service.candidates(conn, p, shift_id, now, offset + limit + 1)
        items = [Candidate(worker_id=b.worker.id, name=b.worker.name, function=b.worker.function,
                           home_organisation_id=b.worker.organisation_id, home_organisation_name=b.home_organisation_name,
                           distance_km=round(b.km) if b.km is not None else None,
                           within_availability=b.within_availability)
                 for b in rows[offset:offset + limit]]
        more = len(rows) > offset + limit and offset + limit < 500
        return Page(items=items, next_cursor=encode_cursor(offset + limit) if more else None)

    @post("/{shift_id:uuid}/assign", summary="Book a pool worker directly (planner); all checks but the tier")
    async def assign(self, request: Request, conn: Connection, p: Principal, now: datetime, shift_id: UUID,
                     data: AssignIn) -> Assignment:
        return assignment_out(await booking.assign(conn, p, shift_id, data.worker_id, now, request_key(request)))

    @post("/{shift_id:uuid}/accept", summary="Accept: 201 booked, 202 pending approval, 409 with blockers",
          responses=None)
    async def accept(self, request: Request, conn: Connection, p: Principal, now: datetime,
                     shift_id: UUID) -> Response[Assignment | Application]:
        result = await counted_accept(booking.accept(conn, p, shift_id, now, request_key(request)),
                                      lambda r: isinstance(r, booking.Applied))
        if isinstance(result, booking.Applied):
            return Response(application_out(result.application), status_code=HTTP_202_ACCEPTED)
        return Response(assignment_out(result.assignment), status_code=HTTP_201_CREATED)

    @get("/{shift_id:uuid}/applications", summary="Applications for the shift (planner)")
    async def applications(
        self, conn: Connection, p: Principal, shift_id: UUID, limit: Limit = 50, cursor: Cursor = None
    ) -> Page[Application]:
        rows = await booking.applications_for_shift(conn, p, shift_id)
        return page_of([application_out(r) for r in rows], limit, cursor,
                       lambda a: (a.created_at.isoformat(), str(a.id)))


class ApplicationController(Controller):
    path = "/v1/applications"
    tags = ["applications"]

    @post("/{application_id:uuid}/approve", summary="Approve: all checks run again; 201 Assignment or 409")
    async def approve(self, request: Request, conn: Connection, p: Principal, now: datetime,
                      application_id: UUID) -> Assignment:
        return assignment_out(await booking.approve(conn, p, application_id, now, request_key(request)))

    @post("/{application_id:uuid}/decline", status_code=200, summary="Decline an application")
    async def decline(self, request: Request, conn: Connection, p: Principal, now: datetime, application_id: UUID,
                      data: OptionalReason | None = None) -> Application:
        return application_out(await booking.decline(conn, p, application_id, now, data.reason if data else None,
                                                     request_key(request)))

    @delete("/{application_id:uuid}", status_code=HTTP_204_NO_CONTENT, summary="The worker withdraws")
    async def withdraw(self, conn: Connection, p: Principal, now: datetime, application_id: UUID) -> None:
        await booking.withdraw(conn, p, application_id, now)
