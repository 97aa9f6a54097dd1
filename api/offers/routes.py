"""The worker's side: offers, own assignments, cancelling."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from asyncpg import Connection
from litestar import Controller, Request, get, post
from litestar.params import Parameter

from api.offers.schemas import Offer, SeriesOffer
from api.pagination import Cursor, Limit, Page, decode_cursor, page, page_of
from api.shifts.routes import When, request_key
from api.shifts.schemas import Assignment, assignment_out, shift_out
from api.wire import Reason, blockers_out, per_shift_out
from flexpool.services import booking, offers
from flexpool.services.principal import Principal


class OfferController(Controller):
    path = "/v1/offers"
    tags = ["worker"]

    @get("/", summary="Open shifts the worker may see now, soonest first, with canAccept and blockers")
    async def offers(self, conn: Connection, p: Principal, now: datetime,
                     from_: When = Parameter(query="from", default=None), to: When = None, limit: Limit = 50,
                     cursor: Cursor = None) -> Page[Offer]:
        after = decode_cursor(cursor, datetime, UUID)
        rows = await offers.offers(conn, p, from_ or now, to or now + timedelta(days=42), now,
                                   after=after,
                                   limit=limit + 1)
        def out(o: offers.Offered) -> Offer:
            series = SeriesOffer(id=o.shift.series_id, shifts=[shift_out(s, now) for s in o.series],
                                 blockers=per_shift_out(o.series_blockers, p.language)) \
                if o.series is not None and o.shift.series_id is not None else None
            return Offer(shift=shift_out(o.shift, now), can_accept=not o.blockers,
                         blockers=blockers_out(o.blockers, p.language),
                         within_availability=o.within_availability, series=series)

        return page(rows, limit, out, lambda o: (o.shift.starts_at.isoformat(), o.shift.id))


class AssignmentController(Controller):
    path = "/v1"
    tags = ["worker"]

    @get("/me/assignments", summary="The worker's assignments")
    async def mine(self, conn: Connection, p: Principal, now: datetime,
                   from_: When = Parameter(query="from", default=None), to: When = None,
                   status: Literal["booked", "cancelled", "all"] = "booked", limit: Limit = 50,
                   cursor: Cursor = None) -> Page[Assignment]:
        statuses = ("booked", "cancelled") if status == "all" else (status,)
        rows = await booking.my_assignments(conn, p, from_ or now - timedelta(days=7), to or now + timedelta(days=90),
                                            statuses)
        return page_of([assignment_out(r) for r in rows], limit, cursor,
                       lambda a: (a.starts_at.isoformat(), str(a.id)))

    @post("/assignments/{assignment_id:uuid}/cancel", status_code=200,
          summary="Worker cancels (outside the window) or the borrower's planner releases")
    async def cancel(self, request: Request, conn: Connection, p: Principal, now: datetime, assignment_id: UUID,
                     data: Reason) -> Assignment:
        return assignment_out(await booking.cancel_assignment(conn, p, assignment_id, data.reason, now,
                                                              request_key(request)))
