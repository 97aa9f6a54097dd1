"""Workers of a home employer and their home roster."""
from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec
from asyncpg import Connection
from litestar import Controller, Response, delete, get, patch, post, put
from litestar.params import Parameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from api.organisations.schemas import (
    INVITED,
    Block,
    Erasure,
    Invitation,
    Roster,
    RosterIn,
    Worker,
    WorkerIn,
    WorkerPatch,
    invitation_out,
    worker_out,
)
from api.pagination import Cursor, Limit, Page, decode_cursor, page
from api.shifts.routes import When
from api.wire import at
from flexpool.services import directory, leavers
from flexpool.services.principal import Principal


def _fields(data, base: dict | None = None) -> dict:
    """Map the wire shape onto worker columns, leaving out what a PATCH did not send."""
    out = dict(base or {})
    for attr, col in (("function", "function"), ("contract_minutes_per_week", "contract_minutes_per_week"),
                      ("date_of_birth", "date_of_birth"), ("skills", "skills"),
                      ("employee_number", "employee_number")):
        value = getattr(data, attr)
        if value is not msgspec.UNSET:
            out[col] = value
    if data.home is not msgspec.UNSET:
        home = data.home
        out["home_postcode"] = home.postcode if home else None
        out["home_latitude"] = home.latitude if home else None
        out["home_longitude"] = home.longitude if home else None
    if data.student is not msgspec.UNSET:
        student = data.student
        out["student_school"] = student.school if student else None
        out["student_level"] = student.level if student else None
        out["student_supervisor_function"] = student.supervisor_function if student else None
    if data.pool is not msgspec.UNSET:
        for attr, col in (("opted_in", "employer_opt_in"), ("max_loan_minutes_per_month", "max_loan_minutes_per_month")):
            value = getattr(data.pool, attr)
            if value is not msgspec.UNSET:
                out[col] = value
    return out


def _credentials(items) -> list[dict]:
    return [{"kind": c.kind, "number": c.number, "valid_until": c.valid_until} for c in items]


class WorkerController(Controller):
    path = "/v1/organisations/{org_id:uuid}/workers"
    tags = ["workers"]

    @post("/", summary="Add a worker to the home employer (orgAdmin): 201 Worker; 202 Invitation when the "
                       "account belongs to another organisation",
          responses=INVITED)
    async def create(self, conn: Connection, p: Principal, now: datetime, org_id: UUID,
                     data: WorkerIn) -> Response[Worker | Invitation]:
        result = await directory.create_worker(conn, p, org_id, email=data.email, name=data.name,
                                               fields=_fields(data), credentials=_credentials(data.credentials),
                                               excluded=data.pool.excluded_organisation_ids, now=now)
        if isinstance(result, directory.Invited):
            return Response(invitation_out(result.invitation), status_code=HTTP_202_ACCEPTED)
        return Response(worker_out(result.worker), status_code=HTTP_201_CREATED)

    @delete("/{worker_id:uuid}", status_code=HTTP_204_NO_CONTENT,
            summary="End a worker (orgAdmin): the worker role, the pool and future bookings anywhere end at once "
                    "(released without a late-cancellation charge); worked hours stay in settlement")
    async def end(self, conn: Connection, p: Principal, now: datetime, org_id: UUID, worker_id: UUID) -> None:
        await leavers.end_worker(conn, p, org_id, worker_id, now)

    @post("/{worker_id:uuid}/erase", status_code=200,
          summary="Erase an ended worker's personal data (orgAdmin): profile, contact, devices, rosters and "
                  "credentials go; what the law keeps is pseudonymised")
    async def erase(self, conn: Connection, p: Principal, now: datetime, org_id: UUID, worker_id: UUID) -> Erasure:
        return Erasure(**await leavers.erase_worker(conn, p, org_id, worker_id, now))

    @get("/", summary="Workers of the organisation (orgAdmin, planner)")
    async def list(self, conn: Connection, p: Principal, org_id: UUID, limit: Limit = 50, cursor: Cursor = None) -> Page[Worker]:
        after = decode_cursor(cursor, str, UUID)
        rows = await directory.workers(conn, p, org_id, after=after,
                                       limit=limit + 1)
        return page(rows, limit, worker_out, lambda w: (w.name, w.id))

    @get("/{worker_id:uuid}", summary="One worker")
    async def detail(self, conn: Connection, p: Principal, org_id: UUID, worker_id: UUID) -> Worker:
        return worker_out(await directory.worker(conn, p, org_id, worker_id))

    @patch("/{worker_id:uuid}", summary="Update a worker (orgAdmin)")
    async def update(self, conn: Connection, p: Principal, org_id: UUID, worker_id: UUID, data: WorkerPatch) -> Worker:
        pool = data.pool if data.pool is not msgspec.UNSET else None
        excluded = pool.excluded_organisation_ids if pool and pool.excluded_organisation_ids is not msgspec.UNSET \
            else None
        row = await directory.update_worker(
            conn, p, org_id, worker_id, name=data.name if data.name is not msgspec.UNSET else None,
            fields=_fields(data),
            credentials=_credentials(data.credentials) if data.credentials is not msgspec.UNSET else None,
            excluded=excluded)
        return worker_out(row)

    @get("/{worker_id:uuid}/roster", summary="The home roster blocks inside [from, to) (default: the next 4 weeks)")
    async def roster(self, conn: Connection, p: Principal, now: datetime, org_id: UUID, worker_id: UUID,
                     from_: When = Parameter(query="from", default=None), to: When = None) -> Roster:
        lo = from_ or now
        hi = to or lo + timedelta(weeks=4)
        rows = await directory.roster(conn, p, org_id, worker_id, lo, hi)
        return Roster(worker_id, at(lo), at(hi), [Block(at(r.starts_at), at(r.ends_at)) for r in rows])

    @put("/{worker_id:uuid}/roster", summary="Replace the home roster blocks inside [from, to)")
    async def replace_roster(self, conn: Connection, p: Principal, org_id: UUID, worker_id: UUID, data: RosterIn) -> Roster:
        rows = await directory.replace_roster(conn, p, org_id, worker_id, data.from_, data.to,
                                              [(b.starts_at, b.ends_at) for b in data.blocks])
        return Roster(worker_id, at(data.from_), at(data.to), [Block(at(r.starts_at), at(r.ends_at)) for r in rows])
