"""Secondments (detachering): the borrower proposes, the lender's orgAdmin and the worker approve, the
borrower rosters the worker's secondment shifts, either organisation may end it early.

The roster blocks count in every working-time check at every organisation (they are roster blocks of the
worker), in the home employer's monthly loan limit, and are settled monthly at the lender's tariff with the
ORT of the borrower's CAO (flexpool.services.settlement, lines of kind `secondment`).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from uuid import UUID

import asyncpg
from asyncpg import Connection

from flexpool.db import assignments as assignments_db
from flexpool.db import organisations as orgs_db
from flexpool.db import secondments as secondments_db
from flexpool.db import settlement as settlement_db
from flexpool.db import workers as workers_db
from flexpool.db.secondments import Block, Secondment
from flexpool.db.workers import Worker
from flexpool.domain import secondments as rules
from flexpool.domain import worktime
from flexpool.domain.catalogue import DEFAULT as CATALOGUE
from flexpool.domain.clock import local, month_instants, month_of, next_month
from flexpool.domain.events import Admins, Audience, Event, Notice, Planners, WorkerOf
from flexpool.domain.model import Blocker, towards_other_organisation
from flexpool.domain.secondments import SecondmentProposal, SecondmentRoster
from flexpool.domain.shifts import FieldError
from flexpool.domain.vocabulary import NotificationKind, ProblemType, SecondmentStatus
from flexpool.services import access, conflicts, effects, regions
from flexpool.services.errors import Conflict, Forbidden, Invalid, NotFound, problem_type
from flexpool.services.principal import Principal
from flexpool.services.shifts import planner_organisation

PLANNING = ("planner", "orgAdmin")
LONGEST = timedelta(days=2 * 366)  # a secondment is months, not years


def _data(s: Secondment) -> dict:
    return {"secondmentId": str(s.id), "workerName": s.worker_name, "borrowerName": s.borrower_name,
            "lenderName": s.lender_name, "from": s.starts_on.isoformat(), "to": s.ends_on.isoformat()}


async def _event(conn: Connection, s: Secondment, action: str, actor: UUID | None, now: datetime,
                 kind: NotificationKind | None = None, to: tuple[Audience, ...] = (), reason: str | None = None,
                 data: Mapping[str, object] | None = None) -> None:
    notices: tuple[Notice, ...] = ()
    if kind:  # what the notice shows as it stands after the change (an ending moves `to`)
        fresh = await secondments_db.get(conn, s.id, s.region_id) or s
        notices = tuple(Notice(to=who, kind=kind, key=f"{kind}:{s.id}:{now.isoformat()}", data=_data(fresh))
                        for who in to)
    for org in (s.lender_id, s.borrower_id):  # both organisations' audit trails hold it
        await effects.record(conn, Event(subject_type="secondment", subject_id=s.id, action=action, actor=actor, at=now,
                                         organisation_id=org, reason=reason, data={"workerId": str(s.worker_id), **(data or {})},
                                         notices=notices if org == s.borrower_id else ()))


async def visible(conn: Connection, p: Principal, secondment_id: UUID) -> Secondment:
    """The secondment for the coordinator, the staff of the lender or the borrower, and the worker; 404 else."""
    s = await secondments_db.get(conn, secondment_id, p.region_id) if p.region_id else None
    if s is None:
        raise NotFound("secondment")
    if p.is_coordinator or p.has(s.lender_id, *access.STAFF) or p.has(s.borrower_id, *access.STAFF) \
            or p.user_id == s.worker_user_id:
        return s
    raise NotFound("secondment")


async def propose(conn: Connection, p: Principal, proposal: SecondmentProposal, now: datetime,
                  organisation_id: UUID | None = None, request_key: str | None = None) -> Secondment:
    """The borrower's planner proposes; the lender's orgAdmins and the worker hear of it."""
    borrower_id = await planner_organisation(conn, p, organisation_id)
    if request_key:
        done = await secondments_db.by_request(conn, p.user_id, request_key)
        if done is not None:
            return await visible(conn, p, done)
    worker = await workers_db.get(conn, proposal.worker_id)
    if worker is None or worker.region_id != p.region_id or worker.ended_at is not None:
        raise NotFound("worker")
    errors = []
    if worker.organisation_id == borrower_id:
        errors.append(("workerId", "your own worker is rostered, not seconded"))
    if CATALOGUE.function(proposal.function) is None:
        errors.append(("function", f"unknown function; one of: {', '.join(CATALOGUE.functions)}"))
    elif not CATALOGUE.may_take(worker.function, proposal.function):
        errors.append(("function", "the worker's function does not cover this function"))
    if proposal.starts_on < local(now).date():
        errors.append(("from", "must be today or later"))
    if proposal.ends_on < proposal.starts_on:
        errors.append(("to", "must be on or after from"))
    elif proposal.ends_on - proposal.starts_on > LONGEST:
        errors.append(("to", "a secondment lasts at most two years"))
    if await orgs_db.site(conn, proposal.site_id, borrower_id) is None:
        errors.append(("siteId", "no such site of your organisation"))
    if errors:
        raise Invalid(errors)
    async with conn.transaction():
        new_id = await secondments_db.insert(conn, proposal, region_id=worker.region_id, lender_id=worker.organisation_id,
                                             borrower_id=borrower_id, proposed_by=p.user_id, now=now,
                                             request_key=request_key)
        s = await secondments_db.get(conn, new_id, worker.region_id)
        assert s is not None
        await _event(conn, s, "proposed", p.user_id, now, NotificationKind.SECONDMENT_PROPOSED,
                     (Admins(s.lender_id), WorkerOf(s.worker_id)), data=access.on_behalf(p, borrower_id))
    return s


def _consenting_as(p: Principal, s: Secondment) -> str:
    """In which capacity the caller answers a proposal: the lender (its orgAdmin) or the worker. Other parties
    to it get 403; everyone else 404."""
    if p.has(s.lender_id, "orgAdmin"):
        return "lender"
    if p.user_id == s.worker_user_id:
        return "worker"
    if p.has(s.lender_id, *access.STAFF) or p.has(s.borrower_id, *access.STAFF) or p.is_coordinator:
        raise Forbidden("The lender's orgAdmin and the worker answer a proposed secondment.")
    raise NotFound("secondment")


async def approve(conn: Connection, p: Principal, secondment_id: UUID, now: datetime) -> Secondment:
    s = await visible(conn, p, secondment_id)
    party = _consenting_as(p, s)
    async with conn.transaction():
        await secondments_db.lock(conn, s.id)
        s = await visible(conn, p, secondment_id)
        if s.status != SecondmentStatus.PROPOSED:
            if s.status == SecondmentStatus.ACTIVE:
                return s  # approving again changes nothing
            raise Conflict(ProblemType.CONFLICT, f"This secondment is {s.status}; it can no longer be approved.")
        if party == "lender":
            await secondments_db.approve_as_lender(conn, s.id, p.user_id, now)
        else:
            await secondments_db.approve_as_worker(conn, s.id, now)
        await _event(conn, s, f"approved-by-{party}", p.user_id, now)
        s = await visible(conn, p, secondment_id)
        if s.lender_approved_at is not None and s.worker_approved_at is not None:
            await secondments_db.set_status(conn, s.id, SecondmentStatus.ACTIVE)
            await _event(conn, s, "active", None, now, NotificationKind.SECONDMENT_ACTIVE,
                         (Planners(s.borrower_id), Admins(s.lender_id), WorkerOf(s.worker_id)))
    return await visible(conn, p, secondment_id)


async def decline(conn: Connection, p: Principal, secondment_id: UUID, reason: str | None, now: datetime) -> Secondment:
    s = await visible(conn, p, secondment_id)
    party = _consenting_as(p, s)
    async with conn.transaction():
        await secondments_db.lock(conn, s.id)
        s = await visible(conn, p, secondment_id)
        if s.status == SecondmentStatus.DECLINED:
            return s
        if s.status != SecondmentStatus.PROPOSED:
            raise Conflict(ProblemType.CONFLICT, f"This secondment is {s.status}; end it instead.")
        await secondments_db.decline(conn, s.id, p.user_id, now)
        await _event(conn, s, f"declined-by-{party}", p.user_id, now, NotificationKind.SECONDMENT_DECLINED,
                     (Planners(s.borrower_id),), reason=reason)
    return await visible(conn, p, secondment_id)


async def _borrower_planner(conn: Connection, p: Principal, secondment_id: UUID) -> Secondment:
    """The secondment, for the borrower's planners (or the region's desk when the borrower delegates); 403 for
    the other parties who see it."""
    s = await visible(conn, p, secondment_id)
    if not p.has(s.borrower_id, *PLANNING):
        try:
            await access.organisation(conn, p, s.borrower_id, *PLANNING, delegated=True)
        except NotFound:
            raise Forbidden("The borrowing organisation's planners roster a secondment.") from None
    return s


async def _closed_months_touched(conn: Connection, region_id: UUID, lo: datetime, hi: datetime) -> list[date]:
    closed = await settlement_db.closed_months(conn, region_id)
    touched, month = [], month_of(lo)
    while month_instants(month)[0] < hi:
        if month in closed:
            touched.append(month)
        month = next_month(month)
    return touched


async def roster(conn: Connection, p: Principal, secondment_id: UUID, roster: SecondmentRoster,
                 now: datetime) -> list[Block]:
    """The borrower's planner replaces the secondment's blocks starting in [lo, hi). Every working-time check
    runs over the worker's work at every organisation with the new blocks, and the home employer's monthly
    loan limit; a closed month's blocks never change (they are settled)."""
    s = await _borrower_planner(conn, p, secondment_id)
    if s.status != SecondmentStatus.ACTIVE:
        raise Conflict(ProblemType.CONFLICT, f"This secondment is {s.status}; only an active secondment is rostered.")
    lo, hi, new = roster.starts, roster.ends, roster.blocks
    errors = rules.validate_roster(new, lo, hi, s.starts_on, s.ends_on, s.minutes_per_week)
    if hi - lo > timedelta(days=366):
        errors.append(FieldError("to", "at most a year after from"))
    if errors:
        raise Invalid([(e.field, e.message) for e in errors])
    closed = await _closed_months_touched(conn, s.region_id, lo, hi)
    if closed:
        raise Conflict(ProblemType.MONTH_CLOSED, f"{closed[0]:%Y-%m} is closed; its secondment hours are settled.")
    async with conn.transaction():
        number = await workers_db.lock(conn, s.worker_id)
        await secondments_db.lock(conn, s.id)
        worker = await workers_db.known(conn, s.worker_id)
        replaced = await secondments_db.blocks(conn, s.id, lo, hi)
        if new:
            refused = await _judge(conn, worker, s, new, replaced)
            if refused:
                i, blockers = next(iter(refused.items()))
                shown = towards_other_organisation(blockers)
                at = local(new[i].starts_at)
                problem = Conflict(problem_type(shown[0]),
                                   f"blocks[{i}] ({at:%d-%m-%Y %H:%M}): {shown[0].words('en', 'planner')}", shown,
                                   "planner")
                problem.wording = None  # the detail names the block
                raise problem
        try:
            async with conn.transaction():
                await secondments_db.replace_blocks(conn, s.id, s.worker_id, int(number or 0), lo, hi, new)
        except asyncpg.ExclusionViolationError:
            raise Conflict(ProblemType.OVERLAP, "A block overlaps other work of the worker.") from None
        data: dict[str, object] = {"from": lo.isoformat(), "to": hi.isoformat(), "blocks": len(new),
                                   **access.on_behalf(p, s.borrower_id)}
        await _event(conn, s, "rostered", p.user_id, now, NotificationKind.SECONDMENT_ROSTER, (WorkerOf(s.worker_id),),
                     data=data)
    return await secondments_db.blocks(conn, s.id, lo, hi)


async def _judge(conn: Connection, worker: Worker, s: Secondment, new: list[worktime.Interval],
                 replaced: list[Block]) -> dict[int, list[Blocker]]:
    lo, hi = min(b.starts_at for b in new), max(b.ends_at for b in new)
    ctx = await conflicts.WorkerContext.load(conn, worker, lo, hi)
    gone = {(b.starts_at, b.ends_at) for b in replaced}
    existing = [worktime.Interval(r.starts_at, r.ends_at, r.break_minutes) for r in ctx.rows
                if r.shift_id is not None or (r.starts_at, r.ends_at) not in gone]
    loaned: dict[date, int] = defaultdict(int)
    for b in new:
        month = month_of(b.starts_at)
        if month not in loaned:
            first, nxt = month_instants(month)
            loaned[month] = await assignments_db.loaned_minutes(conn, worker.id, worker.organisation_id, first, nxt) \
                - sum(x.worked_minutes for x in (worktime.Interval(r.starts_at, r.ends_at, r.break_minutes) for r in replaced)
                      if month_of(x.starts_at) == month)
    policy = (await regions.policy(conn, worker.region_id)).rules
    return rules.judge_roster(new, existing, lambda day: conflicts.person(worker.date_of_birth, worker.nights, day),
                              policy, dict(loaned), worker.max_loan_minutes_per_month)


async def end(conn: Connection, p: Principal, secondment_id: UUID, last_day: date, reason: str | None,
              now: datetime) -> Secondment:
    """Ended early by the borrower's planner or the lender's orgAdmin: `last_day` is its last day; blocks
    after it are removed. Worked days stay and are settled."""
    s = await visible(conn, p, secondment_id)
    if not p.has(s.lender_id, "orgAdmin"):
        s = await _borrower_planner(conn, p, secondment_id)
    async with conn.transaction():
        await secondments_db.lock(conn, s.id)
        s = await visible(conn, p, secondment_id)
        if s.status == SecondmentStatus.ENDED and s.ends_on == last_day:
            return s
        if s.status != SecondmentStatus.ACTIVE:
            raise Conflict(ProblemType.CONFLICT, f"This secondment is {s.status}; a proposal is declined, not ended.")
        errors = []
        if last_day < local(now).date():
            errors.append(("on", "must be today or later"))
        elif last_day > s.ends_on:
            errors.append(("on", f"the secondment already ends on {s.ends_on.isoformat()}"))
        elif last_day < s.starts_on:
            errors.append(("on", f"the secondment starts on {s.starts_on.isoformat()}"))
        if errors:
            raise Invalid(errors)
        await secondments_db.end(conn, s.id, last_day, rules.day_after(last_day), p.user_id, now)
        await _event(conn, s, "ended", p.user_id, now, NotificationKind.SECONDMENT_ENDED,
                     (Planners(s.borrower_id), Admins(s.lender_id), WorkerOf(s.worker_id)), reason=reason,
                     data={"on": last_day.isoformat()})
    return await visible(conn, p, secondment_id)


async def end_for_leaver(conn: Connection, p: Principal, s: Secondment, now: datetime) -> None:
    """Inside the leaver's transaction: the secondment ends today; blocks that have not started go, and the
    borrower's planners and the lender's orgAdmins hear of it."""
    if s.status == SecondmentStatus.PROPOSED:  # never agreed: it lapses
        await secondments_db.decline(conn, s.id, p.user_id, now)
    else:
        await secondments_db.end(conn, s.id, max(local(now).date(), s.starts_on), now, p.user_id, now)
    await _event(conn, s, "ended", p.user_id, now, NotificationKind.SECONDMENT_ENDED,
                 (Planners(s.borrower_id), Admins(s.lender_id)), reason="de medewerker is uit dienst",
                 data={"workerEnded": True})


async def listed(conn: Connection, p: Principal, status: str | None, after: tuple[datetime, UUID] | None,
                 limit: int) -> list[Secondment]:
    region = p.region_id
    if region is None:
        return []
    if p.is_coordinator:
        return await secondments_db.visible_to(conn, region, organisation_ids=None, worker_id=None, status=status,
                                               after=after, limit=limit)
    worker = await workers_db.by_user(conn, p.user_id)
    return await secondments_db.visible_to(conn, region, organisation_ids=p.organisations(*access.STAFF),
                                           worker_id=worker.id if worker else None, status=status, after=after,
                                           limit=limit)


async def blocks_of(conn: Connection, s: Secondment) -> list[Block]:
    return await secondments_db.blocks(conn, s.id)
