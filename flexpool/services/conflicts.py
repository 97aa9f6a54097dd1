"""Load what the conflict checks need for one worker, and turn database rows into domain values."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from uuid import UUID

from asyncpg import Connection

from flexpool.db import assignments as assignments_db
from flexpool.db import organisations as orgs_db
from flexpool.db.assignments import Work
from flexpool.db.shifts import Shift
from flexpool.db.workers import AcceptingWorker
from flexpool.domain import worktime
from flexpool.domain.booking import SeriesPart, assess, assess_series
from flexpool.domain.catalogue import DEFAULT as CATALOGUE
from flexpool.domain.clock import age_on, local, month_instants, month_of
from flexpool.domain.eligibility import Candidate, Offer
from flexpool.domain.model import Blocker, Credential
from flexpool.domain.shifts import paid_minutes

# The longest rule looks 16 weeks back and ahead; one more week covers partial weeks at both ends.
HORIZON = timedelta(weeks=17)


def candidate(worker: AcceptingWorker) -> Candidate:
    home = (worker.home_latitude, worker.home_longitude) \
        if worker.home_latitude is not None and worker.home_longitude is not None else None
    return Candidate(
        home_organisation_id=str(worker.organisation_id), function=worker.function,
        skills=frozenset(worker.skills),
        credentials=tuple(Credential(c["kind"], c["number"], date.fromisoformat(c["validUntil"])
                                     if c["validUntil"] else None) for c in worker.credentials),
        opted_in=worker.opted_in, max_loan_minutes_per_month=worker.max_loan_minutes_per_month,
        excluded_organisation_ids=frozenset(map(str, worker.excluded_organisation_ids)),
        blocked_by=frozenset(map(str, worker.blocked_by)), home=home, max_travel_km=worker.max_travel_km,
        favourite_of=frozenset(map(str, worker.favourite_of)),
        student_supervisor_function=worker.student_supervisor_function)


def person(birth: date | None, nights: bool, day: date) -> worktime.Person:
    """Who works on `day`, as the working-time rules see them: their age then, and whether they take nights."""
    return worktime.Person(age=age_on(birth, day) if birth else None, nights=nights)


def offer(shift: Shift, partner_ids: Iterable[UUID] | None) -> Offer:
    site = (shift.site_latitude, shift.site_longitude) \
        if shift.site_latitude is not None and shift.site_longitude is not None else None
    return Offer(organisation_id=str(shift.organisation_id), function=shift.function,
                 skills=frozenset(shift.skills), starts_at=shift.starts_at, ends_at=shift.ends_at,
                 paid_minutes=paid_minutes(shift.starts_at, shift.ends_at, shift.break_minutes),
                 partners_at=shift.partners_at, region_at=shift.region_at,
                 partner_organisation_ids=frozenset(map(str, partner_ids or ())), site=site,
                 students_welcome=shift.students_welcome, supervisor_function=shift.supervisor_function)


class WorkerContext:
    """A worker's timeline and monthly loans, loaded once and reused for many shifts (offers)."""

    def __init__(self, worker: AcceptingWorker, rows: list[Work], loans: dict[date, int]):
        self.worker = worker
        self.rows = rows
        self.loans = loans

    @classmethod
    async def load(cls, conn: Connection, worker: AcceptingWorker, lo: datetime, hi: datetime) -> WorkerContext:
        rows = await assignments_db.timeline(conn, worker.id, lo - HORIZON, hi + HORIZON)
        return cls(worker, rows, {})

    def existing(self, except_shift_id: UUID | None = None) -> list[worktime.Interval]:
        return [worktime.Interval(r.starts_at, r.ends_at, r.break_minutes) for r in self.rows
                if except_shift_id is None or r.shift_id != except_shift_id]

    async def loaned(self, conn: Connection, starts_at: datetime) -> int:
        month = month_of(starts_at)
        if month not in self.loans:
            first, nxt = month_instants(month)
            self.loans[month] = await assignments_db.loaned_minutes(conn, self.worker.id,
                                                                    self.worker.organisation_id, first, nxt)
        return self.loans[month]


async def blockers(conn: Connection, ctx: WorkerContext, shift: Shift, now: datetime, *, rules: worktime.Rules,
                   partner_ids: list[UUID] | None = None, check_audience: bool = True) -> list[Blocker]:
    if partner_ids is None:
        partner_ids = await orgs_db.partners(conn, shift.organisation_id)
    return assess(shift=offer(shift, partner_ids), shift_status=shift.status, places=shift.places,
                  places_filled=shift.places_filled, worker=candidate(ctx.worker),
                  person=person(ctx.worker.date_of_birth, ctx.worker.nights, local(shift.starts_at).date()),
                  existing=ctx.existing(except_shift_id=shift.id), break_minutes=shift.break_minutes,
                  loaned_minutes_that_month=await ctx.loaned(conn, shift.starts_at), now=now,
                  catalogue=CATALOGUE, rules=rules, check_audience=check_audience)


async def series_blockers(conn: Connection, worker: AcceptingWorker, shifts: list[Shift], now: datetime, *, rules: worktime.Rules,
                          check_audience: bool = True,
                          partner_ids: list[UUID] | None = None) -> dict[UUID, list[Blocker]]:
    """Every check of an accept for each shift of a series taken as a whole (flexpool.domain.booking): each
    shift judged with the worker's other work and the series' other shifts. {shift id: blockers} of the
    shifts that cannot be taken; empty when the whole series can."""
    ctx = await WorkerContext.load(conn, worker, shifts[0].starts_at, max(s.ends_at for s in shifts))
    ids = {s.id for s in shifts}
    existing = [worktime.Interval(r.starts_at, r.ends_at, r.break_minutes) for r in ctx.rows if r.shift_id not in ids]
    booked = {r.shift_id for r in ctx.rows if r.shift_id in ids}
    loaned = {month_of(s.starts_at): await ctx.loaned(conn, s.starts_at) for s in shifts}
    if partner_ids is None:
        partner_ids = await orgs_db.partners(conn, shifts[0].organisation_id)
    parts = [SeriesPart(shift_id=s.id, offer=offer(s, partner_ids), status=s.status, places=s.places,
                        places_filled=s.places_filled, break_minutes=s.break_minutes,
                        person=person(worker.date_of_birth, worker.nights, local(s.starts_at).date()),
                        already_booked=s.id in booked) for s in shifts]
    return assess_series(parts=parts, worker=candidate(worker), existing=existing, loaned_by_month=loaned, now=now,
                         catalogue=CATALOGUE, rules=rules, check_audience=check_audience)
