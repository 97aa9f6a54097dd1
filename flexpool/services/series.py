"""Series (reeks): shifts published together and taken as a whole, all or none.

A series accept is a single accept over several shifts: the worker's lock, then every shift's lock (in id
order, as every series path takes them), then every check of an accept for each shift, judged together
with the worker's other work and the series' other shifts; then one assignment per shift in the same
transaction. The fill trigger and the exclusion constraint guard each of them, so a place lost to a
racing accept rolls the whole series back: one worker gets all of it, the other none.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import asyncpg
import msgspec
from asyncpg import Connection

from flexpool.db import applications as applications_db
from flexpool.db import assignments as assignments_db
from flexpool.db import organisations as orgs_db
from flexpool.db import outbox
from flexpool.db import series as series_db
from flexpool.db import shifts as shifts_db
from flexpool.db import workers as workers_db
from flexpool.db.applications import Application
from flexpool.db.assignments import Assignment
from flexpool.db.series import Series
from flexpool.db.shifts import Shift
from flexpool.db.workers import Worker
from flexpool.domain.eligibility import never_reaches
from flexpool.domain.events import Event, Notice, Planners, Users
from flexpool.domain.model import Blocker, towards_other_organisation
from flexpool.domain.vocabulary import (
    ApplicationStatus,
    AssignmentStatus,
    BlockerType,
    BookingMode,
    NotificationKind,
    ProblemType,
    Reason,
    ShiftStatus,
)
from flexpool.services import access, announcements, conflicts, effects, regions, withdrawals
from flexpool.services.errors import Conflict, Forbidden, NotFound, problem_type
from flexpool.services.offers import may_see
from flexpool.services.principal import Principal


class SeriesView(msgspec.Struct, frozen=True):
    series: Series
    shifts: list[Shift]


class SeriesBooking(msgspec.Struct, frozen=True):
    """What a series accept did: the worker booked on every open shift, or (approval) applied for each."""

    series_id: UUID
    assignments: list[Assignment]
    applications: list[Application]


class SeriesRefused(Conflict):
    """A refused series accept: the first refusal is the problem, and every shift that cannot be taken is
    named with its blockers."""

    def __init__(self, per_shift: dict[UUID, list[Blocker]], voice: str = "worker"):
        first = next(iter(per_shift.values()))
        super().__init__(problem_type(first[0]), first[0].detail, first, voice)
        self.per_shift: dict[UUID, list[Blocker]] | None = per_shift


async def detail(conn: Connection, p: Principal, series_id: UUID, now: datetime) -> SeriesView:
    """A series for its organisation's staff (and the coordinator), or for a worker it is offered to or who
    is booked on it; 404 for everyone else."""
    found = await series_db.get(conn, series_id, p.region_id) if p.region_id else None
    if found is None:
        raise NotFound("series")
    shifts = await series_db.shifts(conn, series_id)
    try:
        await access.organisation(conn, p, found.organisation_id, *access.STAFF, coordinator=True, delegated=True)
        return SeriesView(found, shifts)
    except (NotFound, Forbidden):
        pass
    for s in shifts:
        if await may_see(conn, p, s, now):
            return SeriesView(found, shifts)
    raise NotFound("series")


def open_part(shifts: list[Shift], now: datetime) -> list[Shift]:
    """The shifts a series accept books: those not cancelled and not started."""
    return [s for s in shifts if s.status != ShiftStatus.CANCELLED and s.starts_at > now]


async def blockers(conn: Connection, worker: Worker, shifts: list[Shift], now: datetime, *,
                   check_audience: bool = True) -> dict[UUID, list[Blocker]]:
    rules = (await regions.policy(conn, worker.region_id)).rules
    return await conflicts.series_blockers(conn, worker, shifts, now, rules=rules, check_audience=check_audience)


async def accept(conn: Connection, p: Principal, series_id: UUID, now: datetime,
                 request_key: str | None = None) -> SeriesBooking:
    """All or none: booked on every open shift of the series (instant), or applied for each (approval)."""
    worker = await workers_db.by_user(conn, p.user_id)
    found = await series_db.get(conn, series_id, p.region_id) if p.region_id else None
    if worker is None:  # 403 for the series' own organisation (and coordinator), 404 for everyone else
        if found is None:
            raise NotFound("series")
        await access.organisation(conn, p, found.organisation_id, *access.STAFF, coordinator=True)
        raise Forbidden("Only pool workers accept shifts.")
    if found is None:
        raise NotFound("series")
    shifts = open_part(await series_db.shifts(conn, series_id), now)
    if shifts and never_reaches(conflicts.candidate(worker), conflicts.offer(shifts[0], ())):
        raise NotFound("series")
    if request_key:
        done = await _done(conn, p, found, worker, request_key)
        if done is not None:
            return done
    async with conn.transaction():
        await workers_db.lock(conn, worker.id)
        await series_db.lock_shifts(conn, series_id)
        worker = await workers_db.known(conn, worker.id)
        shifts = open_part(await series_db.shifts(conn, series_id), now)
        if not shifts:
            raise Conflict(ProblemType.SHIFT_NOT_OPEN, Blocker(BlockerType.SHIFT_NOT_OPEN, Reason.NOT_OPEN).detail,
                           [Blocker(BlockerType.SHIFT_NOT_OPEN, Reason.NOT_OPEN)])
        if found.booking == BookingMode.APPROVAL:
            return await _apply(conn, p, found, worker, shifts, now)
        refused = await blockers(conn, worker, shifts, now)
        if refused:
            raise SeriesRefused(refused)
        booked = await book(conn, p.user_id, worker, found, shifts, now, action="booked", request_key=request_key)
        return SeriesBooking(series_id, booked, [])


async def _done(conn: Connection, p: Principal, found: Series, worker: Worker, request_key: str) -> SeriesBooking | None:
    """What an earlier request with this Idempotency-Key did on this series (its committed result)."""
    made = await assignments_db.by_request_in_series(conn, p.user_id, request_key, found.id)
    if made:
        return SeriesBooking(found.id, made, [])
    if found.booking == BookingMode.APPROVAL:
        pending = [a for a in await applications_db.in_series(conn, found.id, worker.id)
                   if a.status == ApplicationStatus.PENDING]
        if pending:
            return SeriesBooking(found.id, [], pending)
    return None


async def book(conn: Connection, actor: UUID, worker: Worker, found: Series, shifts: list[Shift], now: datetime, *,
               action: str, request_key: str | None = None, voice: str = "worker") -> list[Assignment]:
    """Inside the transaction that holds the locks and decided: one assignment per shift, or none (the
    constraints refuse a place taken or time booked meanwhile, and the savepoint rolls every one back)."""
    ids = []
    try:
        async with conn.transaction():
            for s in shifts:
                ids.append(await assignments_db.insert(conn, shift=s, worker=worker, now=now, booked_by=actor,
                                                       request_key=request_key))
    except asyncpg.CheckViolationError:
        raise SeriesRefused({shifts[0].id: [Blocker(BlockerType.SHIFT_FULL, Reason.FULL)]}, voice) from None
    except asyncpg.ExclusionViolationError:
        raise SeriesRefused({shifts[0].id: [Blocker(BlockerType.OVERLAP, Reason.OVERLAP)]}, voice) from None
    first = shifts[0]
    data = outbox.shift_data(first, seriesId=found.id, seriesShifts=len(shifts), workerName=worker.name)
    kind = NotificationKind.APPROVED if action == "approved" else NotificationKind.BOOKED
    for i, (s, assignment_id) in enumerate(zip(shifts, ids, strict=True)):
        notices: tuple[Notice, ...] = ()
        if i == 0:  # the series is one booking to the people who hear of it
            notices = (Notice(to=Users((worker.user_id,)), kind=kind, key=f"{kind}:series:{found.id}:{worker.id}",
                              data=data),)
            if action == "booked":
                notices += (Notice(to=Planners(found.organisation_id), kind=NotificationKind.ACCEPTED,
                                   key=f"accepted:series:{found.id}:{worker.id}", data=data),)
        await effects.record(conn, Event(
            subject_type="assignment", subject_id=assignment_id, action=action, actor=actor, at=now,
            organisation_id=s.organisation_id, shift_id=s.id,
            data={"workerId": str(worker.id), "seriesId": str(found.id),
                  **({"requestKey": request_key} if request_key else {})}, notices=notices))
    for s in shifts:
        await withdrawals.conflicting_applications(conn, worker, s.id, now, worker.region_id)
    return [await assignments_db.known(conn, i) for i in ids]


async def _apply(conn: Connection, p: Principal, found: Series, worker: Worker, shifts: list[Shift],
                 now: datetime) -> SeriesBooking:
    """Approval booking: the worker applies for the series (one application per shift, decided together)."""
    pending = [a for a in await applications_db.in_series(conn, found.id, worker.id)
               if a.status == ApplicationStatus.PENDING]
    if pending:
        return SeriesBooking(found.id, [], pending)
    refused = await blockers(conn, worker, shifts, now)
    if refused:
        raise SeriesRefused(refused)
    ids = [await applications_db.insert(conn, s.id, worker.id, now, series_id=found.id) for s in shifts]
    data = outbox.shift_data(shifts[0], seriesId=found.id, seriesShifts=len(shifts), workerName=worker.name)
    for i, (s, app_id) in enumerate(zip(shifts, ids, strict=True)):
        await effects.record(conn, Event(
            subject_type="application", subject_id=app_id, action="applied", actor=p.user_id, at=now,
            organisation_id=s.organisation_id, shift_id=s.id, data={"seriesId": str(found.id)},
            notices=(Notice(to=Planners(s.organisation_id), kind=NotificationKind.APPLICATION,
                            key=f"application:series:{found.id}:{worker.id}", data=data),) if i == 0 else ()))
    return SeriesBooking(found.id, [], [a for a in await applications_db.in_series(conn, found.id, worker.id)
                                        if a.status == ApplicationStatus.PENDING])


async def approve(conn: Connection, p: Principal, ap: Application, now: datetime) -> list[Assignment]:
    """Inside the approval's transaction (the worker locked): book the worker on every shift the series
    application is for, all checks again but the tier, or refuse the whole series."""
    found = await series_db.get(conn, ap.series_id, ap.region_id) if ap.series_id else None
    if found is None:
        raise NotFound("application")
    await series_db.lock_shifts(conn, found.id)
    pending = [a for a in await applications_db.in_series(conn, found.id, ap.worker_id)
               if a.status == ApplicationStatus.PENDING]
    wanted = {a.shift_id for a in pending}
    shifts = [s for s in open_part(await series_db.shifts(conn, found.id), now) if s.id in wanted]
    if not shifts:
        raise Conflict(ProblemType.SHIFT_NOT_OPEN, "The shifts of this series application are over or cancelled.")
    worker = await workers_db.known(conn, ap.worker_id)
    refused = await blockers(conn, worker, shifts, now, check_audience=False)
    if refused:
        if worker.organisation_id != found.organisation_id:
            refused = {k: towards_other_organisation(v) for k, v in refused.items()}
        raise SeriesRefused(refused, "planner")
    booked = await book(conn, p.user_id, worker, found, shifts, now, action="approved", voice="planner")
    for a in pending:
        await applications_db.decide(conn, a.id, ApplicationStatus.APPROVED, now=now, by=p.user_id)
        await effects.record(conn, Event(subject_type="application", subject_id=a.id, action="approved",
                                         actor=p.user_id, at=now, organisation_id=a.organisation_id,
                                         shift_id=a.shift_id))
    return booked


async def decide_all(conn: Connection, ap: Application, status: ApplicationStatus, now: datetime, by: UUID | None,
                     reason: str | None = None) -> list[Application]:
    """Decline or withdraw the rest of a series application together with this one."""
    assert ap.series_id is not None
    others = [a for a in await applications_db.in_series(conn, ap.series_id, ap.worker_id)
              if a.status == ApplicationStatus.PENDING and a.id != ap.id]
    for a in others:
        await applications_db.decide(conn, a.id, status, now=now, by=by, reason=reason)
        await effects.record(conn, Event(subject_type="application", subject_id=a.id, action=str(status), actor=by,
                                         at=now, organisation_id=a.organisation_id, shift_id=a.shift_id, reason=reason))
    return others


async def cancel_booking(conn: Connection, p: Principal, a: Assignment, reason: str, now: datetime,
                         request_key: str | None) -> None:
    """The worker cancels a series booking: every shift of it still ahead, or none. Inside the worker's lock;
    the window is the borrower's, counted from the series' first open shift."""
    shift = await shifts_db.known(conn, a.shift_id)
    assert shift.series_id is not None
    await series_db.lock_shifts(conn, shift.series_id)
    first = await series_db.first_open(conn, shift.series_id, now)
    window = (await orgs_db.known(conn, a.organisation_id)).worker_cancel_window_minutes
    if first is not None and first.starts_at - now < timedelta(minutes=window):
        refusal = Blocker(ProblemType.CANCELLATION_WINDOW, Reason.CANCELLATION_WINDOW,
                          {"hours": window // 60, "organisation": a.organisation_name})
        raise Conflict(ProblemType.CANCELLATION_WINDOW, refusal.detail, wording=refusal)
    mine = [x for s in await series_db.shifts(conn, shift.series_id) if s.starts_at > now
            for x in await assignments_db.for_shift(conn, s.id)
            if x.worker_id == a.worker_id and x.status == AssignmentStatus.BOOKED]
    for i, x in enumerate(mine):
        await assignments_db.cancel(conn, x.id, now=now, by=p.user_id, reason=reason)
        await effects.record(conn, Event(
            subject_type="assignment", subject_id=x.id, action="cancelled-by-worker", actor=p.user_id, at=now,
            organisation_id=x.organisation_id, shift_id=x.shift_id, reason=reason,
            data={"seriesId": str(shift.series_id), **({"requestKey": request_key} if request_key else {})},
            notices=(Notice(to=Planners(x.organisation_id), kind=NotificationKind.WORKER_CANCELLED,
                            key=f"worker-cancelled:series:{shift.series_id}:{a.worker_id}:{now.isoformat()}",
                            data=outbox.shift_data(shift, seriesId=shift.series_id, seriesShifts=len(mine),
                                                   workerName=a.worker_name, reason=reason)),) if i == 0 else ()))
        if i == 0:  # the series is offered again once, by its first shift ahead
            await announcements.announce_reopened(conn, x.shift_id, x.id, now)
