"""Accept, assign, approve, decline, withdraw and cancel: each one transaction, worker lock first.

Every booking path locks the worker row, then the shift row, then decides with the domain. The database
constraints (fill trigger with CHECK, exclusion on the worker's booked time) stay the last guard: a
violation that slips past the checks still ends as a clean 409, never as a double booking.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import asyncpg
import msgspec
from asyncpg import Connection

from flexpool.db import accepts as accepts_db
from flexpool.db import applications as applications_db
from flexpool.db import assignments as assignments_db
from flexpool.db import audit as audit_db
from flexpool.db import organisations as orgs_db
from flexpool.db import outbox
from flexpool.db import shifts as shifts_db
from flexpool.db import workers as workers_db
from flexpool.db.applications import Application
from flexpool.db.assignments import Assignment
from flexpool.db.shifts import Shift
from flexpool.db.workers import AcceptingWorker, Worker
from flexpool.domain import policy as region_policy
from flexpool.domain import worktime
from flexpool.domain.booking import assess
from flexpool.domain.catalogue import DEFAULT as CATALOGUE
from flexpool.domain.clock import local
from flexpool.domain.eligibility import never_reaches
from flexpool.domain.events import Event, Notice, Planners, Users, WorkerOf
from flexpool.domain.model import Blocker, towards_other_organisation
from flexpool.domain.vocabulary import ApplicationStatus, BlockerType, NotificationKind, ProblemType, Reason
from flexpool.services import access, announcements, conflicts, effects, regions, withdrawals
from flexpool.services import series as series_service
from flexpool.services.errors import Conflict, Forbidden, NotFound, refusal
from flexpool.services.principal import Principal

PLANNING = ("planner", "orgAdmin")


class Booked(msgspec.Struct, frozen=True):
    """An accept booked the worker (instant booking)."""

    assignment: Assignment


class Applied(msgspec.Struct, frozen=True):
    """An accept became an application the shift's planners decide (approval booking)."""

    application: Application


async def _worker_of(conn: Connection, p: Principal) -> Worker:
    worker = await workers_db.by_user(conn, p.user_id)
    if worker is None:
        raise Forbidden("Only pool workers accept shifts.")
    return worker


async def _rules(conn: Connection, region_id: UUID | None) -> worktime.Rules:
    return (await regions.policy(conn, region_id)).rules


def _key(request_key: str | None) -> dict:
    """Audit data naming the request, so that its retry recognises what it did."""
    return {"requestKey": request_key} if request_key else {}


def _already(reason: Reason) -> Conflict:
    """A request that came too late for the state it found, in the caller's words."""
    said = Blocker(ProblemType.CONFLICT, reason)
    return Conflict(ProblemType.CONFLICT, said.detail, wording=said)


async def _book(conn: Connection, actor_id: UUID, worker_id: UUID, shift_id: UUID, now: datetime, *, check_audience: bool,
                action: str, region_id: UUID | None, on_behalf: dict[str, str] | None = None,
                request_key: str | None = None) -> UUID:
    """Inside a transaction: lock, check everything, write the assignment. Raises Conflict, worded for the
    worker who accepts or for the planner who assigns or approves."""
    voice = "worker" if action == "booked" else "planner"
    await workers_db.lock(conn, worker_id)
    await shifts_db.lock(conn, shift_id)
    worker = await workers_db.known(conn, worker_id)
    shift = await shifts_db.known(conn, shift_id)
    if await assignments_db.is_booked_on(conn, shift_id, worker_id):
        raise refusal([Blocker(BlockerType.OVERLAP, Reason.ALREADY_BOOKED)], voice)
    ctx = await conflicts.WorkerContext.load(conn, worker, shift.starts_at, shift.ends_at)
    blockers = await conflicts.blockers(conn, ctx, shift, now, rules=await _rules(conn, region_id),
                                        check_audience=check_audience)
    if blockers:
        if voice == "planner" and worker.organisation_id != shift.organisation_id:
            blockers = towards_other_organisation(blockers)
        raise refusal(blockers, voice)
    try:
        async with conn.transaction():  # savepoint: the constraint is the last guard
            assignment_id = await assignments_db.insert(conn, shift=shift, worker=worker, now=now, booked_by=actor_id,
                                                        request_key=request_key)
    except asyncpg.CheckViolationError:
        raise refusal([Blocker(BlockerType.SHIFT_FULL, Reason.FULL)], voice) from None
    except asyncpg.ExclusionViolationError:
        raise refusal([Blocker(BlockerType.OVERLAP, Reason.OVERLAP)], voice) from None
    data = outbox.shift_data(shift, assignmentId=assignment_id, workerName=worker.name)
    notices = [Notice(to=Users((worker.user_id,)), key=f"booked:{assignment_id}", data=data,
                      kind=NotificationKind.APPROVED if action == "approved" else NotificationKind.BOOKED)]
    if action == "booked":  # the worker accepted: the shift's planners hear of it
        notices.append(Notice(to=Planners(shift.organisation_id), kind=NotificationKind.ACCEPTED,
                              key=f"accepted:{assignment_id}", data=data))
    await effects.record(conn, Event(
        subject_type="assignment", subject_id=assignment_id, action=action, actor=actor_id, at=now,
        organisation_id=shift.organisation_id, shift_id=shift_id,
        data={"workerId": str(worker_id), **(on_behalf or {})}, notices=tuple(notices)))
    await withdrawals.conflicting_applications(conn, worker, shift_id, now, region_id)
    return assignment_id


def _decide(facts: accepts_db.Facts, worker: AcceptingWorker, shift: Shift, now: datetime) -> list[Blocker]:
    """Every check of an accept over the loaded facts: the pure domain, no database."""
    existing = [worktime.Interval(a, b, m) for a, b, m, sid in facts.timeline if sid != shift.id]
    rules = region_policy.from_settings(facts.region_settings).rules
    return assess(shift=conflicts.offer(shift, facts.partner_ids), shift_status=shift.status,
                  places=shift.places, places_filled=shift.places_filled, worker=conflicts.candidate(worker),
                  person=conflicts.person(worker.date_of_birth, worker.nights, local(shift.starts_at).date()), existing=existing,
                  break_minutes=shift.break_minutes, loaned_minutes_that_month=facts.loaned_minutes, now=now,
                  catalogue=CATALOGUE, rules=rules)


async def _done_or_refused(conn: Connection, facts: accepts_db.Facts, worker: AcceptingWorker, shift: Shift,
                           now: datetime) -> Assignment | None:
    """The booking this request (its Idempotency-Key) already made, or None when the worker may book now;
    a refusal otherwise."""
    if facts.done_id is not None:
        return await assignments_db.get(conn, facts.done_id)
    if facts.already_booked:
        raise refusal([Blocker(BlockerType.OVERLAP, Reason.ALREADY_BOOKED)])
    blockers = _decide(facts, worker, shift, now)
    if blockers:
        raise refusal(blockers)
    return None


async def accept(conn: Connection, p: Principal, shift_id: UUID, now: datetime,
                 request_key: str | None = None) -> Booked | Applied:
    """Booked for instant booking, Applied for approval booking. A retry of a
    committed request (same Idempotency-Key) gets that booking back instead of "already booked".

    Instant booking is the accept storm's path: one read decides most taps (a full shift, a refusal) with no
    lock; a place that looks free is locked, decided again on fresh facts and booked in one write."""
    facts = await accepts_db.facts(conn, p.user_id, shift_id, conflicts.HORIZON, request_key)
    if facts is None:  # not a worker: 403 for the shift's own organisation, 404 for everyone else
        await access.shift(conn, p, shift_id)
        raise Forbidden("Only pool workers accept shifts.")
    worker, shift = facts.worker, facts.shift
    if shift is None or never_reaches(conflicts.candidate(worker), conflicts.offer(shift, ())):
        raise NotFound("shift")
    if shift.series_id is not None:  # taken with the rest of its series (POST /v1/series/{id}/accept)
        raise _already(Reason.PART_OF_SERIES)
    if shift.booking == "approval":
        return await _apply(conn, p, await _worker_of(conn, p), shift_id, now)
    done = await _done_or_refused(conn, facts, worker, shift, now)
    if done is not None:
        return Booked(done)
    async with conn.transaction():
        await accepts_db.lock(conn, worker.id, shift_id)
        again = await accepts_db.facts(conn, p.user_id, shift_id, conflicts.HORIZON, request_key)
        if again is None or again.shift is None:  # ended, or removed from the region, before the lock
            raise NotFound("shift")
        facts, worker, shift = again, again.worker, again.shift
        done = await _done_or_refused(conn, facts, worker, shift, now)  # again, on what the lock let through
        if done is not None:
            return Booked(done)
        data = outbox.shift_data(shift, workerName=worker.name)
        try:
            assignment = await accepts_db.book(conn, worker=worker, shift_id=shift_id, now=now, booked_by=p.user_id,
                                               request_key=request_key, data=data)
        except asyncpg.CheckViolationError:
            raise refusal([Blocker(BlockerType.SHIFT_FULL, Reason.FULL)]) from None
        except asyncpg.ExclusionViolationError:
            raise refusal([Blocker(BlockerType.OVERLAP, Reason.OVERLAP)]) from None
        if facts.other_applications:
            await withdrawals.conflicting_applications(conn, worker, shift_id, now, worker.region_id)
        return Booked(assignment)


async def _apply(conn: Connection, p: Principal, worker: Worker, shift_id: UUID, now: datetime) -> Applied:
    """Approval booking: the worker applies, the shift's planners decide."""
    async with conn.transaction():
        await workers_db.lock(conn, worker.id)
        await shifts_db.lock(conn, shift_id)
        existing = await applications_db.pending(conn, shift_id, worker.id)
        if existing:
            return Applied(existing)
        shift = await shifts_db.known(conn, shift_id)
        ctx = await conflicts.WorkerContext.load(conn, worker, shift.starts_at, shift.ends_at)
        blockers = await conflicts.blockers(conn, ctx, shift, now, rules=await _rules(conn, worker.region_id))
        if blockers:
            raise refusal(blockers)
        app_id = await applications_db.insert(conn, shift_id, worker.id, now)
        await effects.record(conn, Event(
            subject_type="application", subject_id=app_id, action="applied", actor=p.user_id, at=now,
            organisation_id=shift.organisation_id, shift_id=shift_id,
            notices=(Notice(to=Planners(shift.organisation_id), kind=NotificationKind.APPLICATION,
                            key=f"application:{app_id}",
                            data=outbox.shift_data(shift, applicationId=app_id, workerName=worker.name)),)))
        return Applied(await _application(conn, app_id))


async def planned_shift(conn: Connection, p: Principal, shift_id: UUID) -> Shift:
    """A shift of the caller's planning organisation: 403 for its other members, 404 for everyone else."""
    return await access.shift(conn, p, shift_id, *PLANNING, delegated=True)


async def assign(conn: Connection, p: Principal, shift_id: UUID, worker_id: UUID, now: datetime,
                 request_key: str | None = None) -> Assignment:
    """A planner books a pool worker directly: every check of an accept except the audience tier."""
    shift = await planned_shift(conn, p, shift_id)
    worker = await workers_db.in_region(conn, worker_id, p.region_id)
    if worker is None:
        raise NotFound("worker")
    if not worker.opted_in and worker.organisation_id != shift.organisation_id:
        raise refusal([Blocker(BlockerType.NOT_IN_AUDIENCE, Reason.WORKER_NOT_IN_POOL)], "planner")
    async with conn.transaction():
        if request_key:
            done = await assignments_db.by_request(conn, p.user_id, request_key, shift_id)
            if done is not None:
                return done
        assignment_id = await _book(conn, p.user_id, worker_id, shift_id, now, check_audience=False,
                                    action="assigned", region_id=p.region_id,
                                    on_behalf=access.on_behalf(p, shift.organisation_id), request_key=request_key)
        return await assignments_db.known(conn, assignment_id)


async def _application_for_planner(conn: Connection, p: Principal, application_id: UUID) -> Application:
    return await access.application(conn, p, application_id, *PLANNING, delegated=True)


async def _application(conn: Connection, application_id: UUID) -> Application:
    ap = await applications_db.get(conn, application_id)
    if ap is None:
        raise NotFound("application")
    return ap


async def approve(conn: Connection, p: Principal, application_id: UUID, now: datetime,
                  request_key: str | None = None) -> Assignment:
    ap = await _application_for_planner(conn, p, application_id)
    async with conn.transaction():
        await workers_db.lock(conn, ap.worker_id)
        ap = await _application(conn, application_id)  # again, under the worker's lock
        if ap.status != ApplicationStatus.PENDING:
            done = await assignments_db.by_request(conn, p.user_id, request_key, ap.shift_id) \
                if request_key and ap.status == ApplicationStatus.APPROVED else None
            if done is not None:
                return done
            raise _already(Reason(f"application-{ap.status}"))
        if ap.series_id is not None:  # the whole series application, all or none
            booked = await series_service.approve(conn, p, ap, now)
            return next(a for a in booked if a.shift_id == ap.shift_id)
        assignment_id = await _book(conn, p.user_id, ap.worker_id, ap.shift_id, now, check_audience=False,
                                    action="approved", region_id=p.region_id, request_key=request_key)
        await applications_db.decide(conn, application_id, ApplicationStatus.APPROVED, now=now, by=p.user_id)
        await effects.record(conn, Event(
            subject_type="application", subject_id=application_id, action="approved", actor=p.user_id, at=now,
            organisation_id=ap.organisation_id, shift_id=ap.shift_id))
        return await assignments_db.known(conn, assignment_id)


async def decline(conn: Connection, p: Principal, application_id: UUID, now: datetime, reason: str | None,
                  request_key: str | None = None) -> Application:
    ap = await _application_for_planner(conn, p, application_id)
    async with conn.transaction():
        if ap.status != ApplicationStatus.PENDING:
            if request_key and await audit_db.acted_with_key(conn, application_id, p.user_id, request_key):
                return ap
            raise _already(Reason(f"application-{ap.status}"))
        await applications_db.decide(conn, application_id, ApplicationStatus.DECLINED, now=now, by=p.user_id, reason=reason)
        if ap.series_id is not None:
            await series_service.decide_all(conn, ap, ApplicationStatus.DECLINED, now, p.user_id, reason)
        shift = await shifts_db.known(conn, ap.shift_id)
        await effects.record(conn, Event(
            subject_type="application", subject_id=application_id, action="declined", actor=p.user_id, at=now,
            organisation_id=ap.organisation_id, shift_id=ap.shift_id, reason=reason, data=_key(request_key),
            notices=(Notice(to=WorkerOf(ap.worker_id), kind=NotificationKind.DECLINED,
                            key=f"declined:{application_id}",
                            data=outbox.shift_data(shift, applicationId=application_id)),)))
        return await _application(conn, application_id)


async def withdraw(conn: Connection, p: Principal, application_id: UUID, now: datetime) -> None:
    worker = await workers_db.by_user(conn, p.user_id)
    ap = await applications_db.get(conn, application_id)
    if ap is None or worker is None or ap.worker_id != worker.id:
        await access.application(conn, p, application_id)  # refuses: 404, or 403 to a member who may see it
        raise NotFound("application")
    if ap.status != ApplicationStatus.PENDING:
        raise _already(Reason(f"application-{ap.status}"))
    async with conn.transaction():
        await applications_db.decide(conn, application_id, ApplicationStatus.WITHDRAWN, now=now, by=p.user_id)
        if ap.series_id is not None:
            await series_service.decide_all(conn, ap, ApplicationStatus.WITHDRAWN, now, p.user_id)
        shift = await shifts_db.known(conn, ap.shift_id)
        await effects.record(conn, Event(
            subject_type="application", subject_id=application_id, action="withdrawn", actor=p.user_id, at=now,
            organisation_id=ap.organisation_id, shift_id=ap.shift_id,
            notices=(Notice(to=Planners(ap.organisation_id), kind=NotificationKind.WITHDRAWN,
                            key=f"withdrawn:{application_id}",
                            data=outbox.shift_data(shift, applicationId=application_id, workerName=worker.name)),)))


async def applications_for_shift(conn: Connection, p: Principal, shift_id: UUID) -> list[Application]:
    await access.shift(conn, p, shift_id, *PLANNING, delegated=True)
    return await applications_db.for_shift(conn, shift_id)


async def release(conn: Connection, p: Principal, assignment: Assignment, shift: Shift, reason: str, now: datetime, *,
                  shift_cancelled: bool = False, request_key: str | None = None) -> None:
    """The borrower's planner releases a booked worker; late (inside the window) means the lender is
    owed a late-cancellation line, so the worker never pays for it."""
    org = await orgs_db.known(conn, shift.organisation_id)
    late = (assignment.home_organisation_id != assignment.organisation_id
            and assignment.starts_at - now < timedelta(minutes=org.late_cancel_window_minutes))
    await assignments_db.cancel(conn, assignment.id, now=now, by=p.user_id, reason=reason,
                                late_percent=org.late_cancellation_percent if late else None)
    kind = NotificationKind.SHIFT_CANCELLED if shift_cancelled else NotificationKind.RELEASED
    await effects.record(conn, Event(
        subject_type="assignment", subject_id=assignment.id, action="released", actor=p.user_id, at=now,
        organisation_id=shift.organisation_id, shift_id=shift.id, reason=reason,
        data={"lateCancellation": late, **_key(request_key), **access.on_behalf(p, shift.organisation_id)},
        notices=(Notice(to=WorkerOf(assignment.worker_id), kind=kind, key=f"{kind}:{assignment.id}",
                        urgent=True, data=outbox.shift_data(shift, assignmentId=assignment.id, reason=reason)),)))
    if not shift_cancelled:
        await announcements.announce_reopened(conn, shift.id, assignment.id, now)


async def cancel_assignment(conn: Connection, p: Principal, assignment_id: UUID, reason: str, now: datetime,
                            request_key: str | None = None) -> Assignment:
    """The worker cancels outside the borrower's window; inside it only the borrower's planner can release."""
    a = await assignments_db.get(conn, assignment_id)
    if a is None:
        raise NotFound("assignment")
    is_planner = p.has(a.organisation_id, *PLANNING)
    if not is_planner and p.is_region_planner:
        try:
            await access.assignment(conn, p, assignment_id, *PLANNING, delegated=True)
            is_planner = True
        except (Forbidden, NotFound):
            pass
    worker = await workers_db.by_user(conn, p.user_id)
    is_worker = worker is not None and worker.id == a.worker_id
    if not (is_planner or is_worker):
        await access.assignment(conn, p, assignment_id)
    async with conn.transaction():
        await workers_db.lock(conn, a.worker_id)
        await shifts_db.lock(conn, a.shift_id)
        a = await assignments_db.known(conn, assignment_id)  # again, under the locks
        if a.status != "booked":
            if request_key and await audit_db.acted_with_key(conn, assignment_id, p.user_id, request_key):
                return a
            raise _already(Reason.ASSIGNMENT_CANCELLED)
        if a.ends_at <= now:
            raise _already(Reason.SHIFT_OVER)
        shift = await shifts_db.known(conn, a.shift_id)
        if is_planner:
            await release(conn, p, a, shift, reason, now, request_key=request_key)
        elif shift.series_id is not None:  # the worker's series booking: every shift still ahead, or none
            await series_service.cancel_booking(conn, p, a, reason, now, request_key)
        else:
            window = (await orgs_db.known(conn, a.organisation_id)).worker_cancel_window_minutes
            if a.starts_at - now < timedelta(minutes=window):
                refusal = Blocker(ProblemType.CANCELLATION_WINDOW, Reason.CANCELLATION_WINDOW,
                                  {"hours": window // 60, "organisation": a.organisation_name})
                raise Conflict(ProblemType.CANCELLATION_WINDOW, refusal.detail, wording=refusal)
            await assignments_db.cancel(conn, assignment_id, now=now, by=p.user_id, reason=reason)
            await effects.record(conn, Event(
                subject_type="assignment", subject_id=assignment_id, action="cancelled-by-worker", actor=p.user_id,
                at=now, organisation_id=a.organisation_id, shift_id=a.shift_id, reason=reason,
                data=_key(request_key),
                notices=(Notice(to=Planners(a.organisation_id), kind=NotificationKind.WORKER_CANCELLED,
                                key=f"worker-cancelled:{assignment_id}",
                                data=outbox.shift_data(shift, assignmentId=assignment_id, workerName=a.worker_name,
                                                       reason=reason)),)))
            await announcements.announce_reopened(conn, a.shift_id, assignment_id, now)
        return await assignments_db.known(conn, assignment_id)


async def my_assignments(conn: Connection, p: Principal, lo: datetime, hi: datetime,
                         statuses: tuple[str, ...]) -> list[Assignment]:
    worker = await _worker_of(conn, p)
    return await assignments_db.for_worker(conn, worker.id, lo, hi, statuses)
