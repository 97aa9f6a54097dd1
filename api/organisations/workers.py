"""Workers of a home employer and their home roster."""
from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec
from asyncpg import Connection
from litestar import Controller, Response, delete, get, patch, post, put
from litestar.params import Parameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from api.organisations.schemas import (
    INVITED,
    Block,
    CredentialIn,
    Erasure,
    Invitation,
    Roster,
    RosterIn,
    Worker,
    WorkerIn,
    WorkerPatch,
    created_or_invited,
    worker_out,
)
from api.pagination import Cursor, Limit, Page, decode_cursor, page
from api.shifts.routes import When
from api.wire import at
from flexpool.domain.workers import CredentialRecord, HomeRoster, NewWorker, WorkerChange, WorkerDetails
from flexpool.domain.worktime import Interval
from flexpool.services import directory, leavers
from flexpool.services.principal import Principal


def _details(data: WorkerIn | WorkerPatch) -> WorkerDetails:
    """The wire shape as worker details, leaving UNSET what a PATCH did not send."""
    home, student, pool = data.home, data.student, data.pool
    unset = msgspec.UNSET
    return WorkerDetails(
        function=data.function, contract_minutes_per_week=data.contract_minutes_per_week,
        date_of_birth=data.date_of_birth, skills=data.skills, employee_number=data.employee_number,
        home_postcode=unset if home is unset else home.postcode if home else None,
        home_latitude=unset if home is unset else home.latitude if home else None,
        home_longitude=unset if home is unset else home.longitude if home else None,
        student_school=unset if student is unset else student.school if student else None,
        student_level=unset if student is unset else student.level if student else None,
        student_supervisor_function=unset if student is unset else student.supervisor_function if student else None,
        employer_opt_in=unset if pool is unset else pool.opted_in,
        max_loan_minutes_per_month=unset if pool is unset else pool.max_loan_minutes_per_month)


def _credentials(items: list[CredentialIn]) -> list[CredentialRecord]:
    return [CredentialRecord(c.kind, c.number, c.valid_until) for c in items]


def _new_worker(data: WorkerIn) -> NewWorker:
    return NewWorker(email=data.email, name=data.name, details=_details(data),
                     credentials=_credentials(data.credentials),
                     excluded_organisation_ids=data.pool.excluded_organisation_ids)


class WorkerController(Controller):
    path = "/v1/organisations/{org_id:uuid}/workers"
    tags = ["workers"]

    @post("/", summary="Add a worker to the home employer (orgAdmin): 201 Worker; 202 Invitation when the "
                       "account belongs to another organisation",
          responses=INVITED)
    async def create(self, conn: Connection, p: Principal, now: datetime, org_id: UUID,
                     data: WorkerIn) -> Response[Worker | Invitation]:
        result = await directory.create_worker(conn, p, org_id, _new_worker(data), now)
        return created_or_invited(result, lambda w: worker_out(w.worker))

    @delete("/{worker_id:uuid}", status_code=HTTP_204_NO_CONTENT,
            summary="End a worker (orgAdmin): the worker role, the pool and future bookings anywhere end at once "
                    "(released without a late-cancellation charge); worked hours stay in settlement")
    async def end(self, conn: Connection, p: Principal, now: datetime, org_id: UUID, worker_id: UUID) -> None:
        await leavers.end_worker(conn, p, org_id, worker_id, now)

    @post("/{worker_id:uuid}/erase", status_code=200,
          summary="Erase an ended worker's personal data (orgAdmin): profile, contact, devices, rosters and "
                  "credentials go; what the law keeps is pseudonymised")
    async def erase(self, conn: Connection, p: Principal, now: datetime, org_id: UUID, worker_id: UUID) -> Erasure:
        erased = await leavers.erase_worker(conn, p, org_id, worker_id, now)
        return Erasure(erased.worker_id, erased.erased_at, erased.removed, erased.kept)

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
        row = await directory.update_worker(conn, p, org_id, worker_id, WorkerChange(
            name=data.name if data.name is not msgspec.UNSET else None, details=_details(data),
            credentials=_credentials(data.credentials) if data.credentials is not msgspec.UNSET else None,
            excluded_organisation_ids=excluded))
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
        rows = await directory.replace_roster(conn, p, org_id, worker_id, HomeRoster(
            data.from_, data.to, [Interval(b.starts_at, b.ends_at) for b in data.blocks]))
        return Roster(worker_id, at(data.from_), at(data.to), [Block(at(r.starts_at), at(r.ends_at)) for r in rows])
