"""Series (reeks): publish shifts taken as a whole, read one, accept all or none."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

from asyncpg import Connection
from litestar import Controller, Request, Response, get, post
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED

from api.metrics import counted_accept
from api.series.schemas import Series, SeriesAccepted, SeriesIn, booking_out, series_out
from api.shifts.routes import draft, request_key
from flexpool.domain.vocabulary import ProblemType
from flexpool.services import series, shifts
from flexpool.services.errors import Conflict
from flexpool.services.principal import Principal


class SeriesController(Controller):
    path = "/v1/series"
    tags = ["series"]

    @post("/", summary="Publish a series (planner): shifts a worker takes as a whole; offered once, in the waves "
                       "of its first shift")
    async def publish(self, request: Request, conn: Connection, p: Principal, now: datetime, data: SeriesIn) -> Series:
        published = await shifts.publish(conn, p, [draft(s) for s in data.shifts], now,
                                         organisation_id=data.organisation_id, batch=True,
                                         request_key=request_key(request), series=data.booking)
        series_id = published[0].series_id
        if series_id is None:  # the Idempotency-Key published single shifts before
            raise Conflict(ProblemType.IDEMPOTENCY_KEY_REUSE, "This Idempotency-Key was used for another request.")
        return series_out(await series.detail(conn, p, series_id, now), now)

    @get("/{series_id:uuid}", summary="One series with its shifts (its organisation's staff, or a worker it is "
                                      "offered to or booked on)")
    async def detail(self, conn: Connection, p: Principal, now: datetime, series_id: UUID) -> Series:
        return series_out(await series.detail(conn, p, series_id, now), now)

    @post("/{series_id:uuid}/accept", summary="Accept the whole series: 201 booked on every shift still ahead, "
                                              "202 pending approval, 409 with the blockers per shift",
          responses=None)
    async def accept(self, request: Request, conn: Connection, p: Principal, now: datetime,
                     series_id: UUID) -> Response[SeriesAccepted]:
        done = await counted_accept(series.accept(conn, p, series_id, now, request_key(request)),
                                    lambda d: bool(d.applications))
        return Response(booking_out(done), status_code=HTTP_202_ACCEPTED if done.applications else HTTP_201_CREATED)
