"""What a worker may see now: open shifts that reached them, with canAccept and the blockers."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db import assignments as assignments_db
from flexpool.db import organisations as orgs_db
from flexpool.db import series as series_db
from flexpool.db import shifts as shifts_db
from flexpool.db import workers as workers_db
from flexpool.db.shifts import Shift
from flexpool.db.workers import Worker
from flexpool.domain import availability
from flexpool.domain.catalogue import DEFAULT as CATALOGUE
from flexpool.domain.eligibility import never_reaches, reached
from flexpool.domain.model import Blocker
from flexpool.domain.worktime import Rules
from flexpool.services import conflicts, regions
from flexpool.services.errors import Forbidden
from flexpool.services.principal import Principal


async def offers(conn: Connection, p: Principal, lo: datetime, hi: datetime, now: datetime, *,
                 after: tuple[datetime, UUID] | None = None, limit: int = 50) -> list[Offered]:
    """[Offered], soonest first. A worker who opted out is reached by nothing."""
    worker = await workers_db.by_user(conn, p.user_id)
    if worker is None:
        raise Forbidden("Offers are for pool workers.")
    if not worker.opted_in:
        return []
    home = (worker.home_latitude, worker.home_longitude) \
        if worker.home_latitude is not None and worker.home_longitude is not None else None
    rows = await shifts_db.offers(
        conn, region_id=worker.region_id, now=now, lo=max(lo, now), hi=hi,
        functions=CATALOGUE.track_functions(worker.function), home_organisation_id=worker.organisation_id,
        hidden_organisation_ids=list(worker.excluded_organisation_ids) + list(worker.blocked_by),
        worker_id=worker.id, home=home, max_travel_km=worker.max_travel_km, after=after, limit=limit,
        student=worker.student_school is not None)
    if not rows:
        return []
    ctx = await conflicts.WorkerContext.load(conn, worker, rows[0].starts_at, max(r.ends_at for r in rows))
    rules = (await regions.policy(conn, worker.region_id)).rules
    partners: dict[UUID, list] = {}
    out = []
    for shift in rows:
        if shift.organisation_id not in partners:
            partners[shift.organisation_id] = await orgs_db.partners(conn, shift.organisation_id)
        if shift.series_id is not None:
            out.append(await _series_offer(conn, worker, shift, now, rules, partners[shift.organisation_id], ctx))
            continue
        out.append(Offered(shift, await conflicts.blockers(conn, ctx, shift, now, rules=rules,
                                                           partner_ids=partners[shift.organisation_id]),
                           suits(worker, ctx, shift)))
    return out


class Offered(msgspec.Struct, frozen=True):
    """One offer: a shift, or a series shown once by its first shift still ahead, with what stands in the way."""

    shift: Shift
    blockers: list[Blocker]
    within_availability: bool
    series: list[Shift] | None = None  # every shift the series accept would book
    series_blockers: dict[UUID, list[Blocker]] = {}


async def _series_offer(conn: Connection, worker: Worker, first: Shift, now: datetime, rules: Rules, partner_ids: list[UUID],
                        ctx: conflicts.WorkerContext) -> Offered:
    assert first.series_id is not None
    shifts = [s for s in await series_db.shifts(conn, first.series_id)
              if s.status != "cancelled" and s.starts_at > now]
    per_shift = await conflicts.series_blockers(conn, worker, shifts, now, rules=rules, partner_ids=partner_ids)
    shown = next(iter(per_shift.values())) if per_shift else []
    return Offered(first, shown, all(suits(worker, ctx, s) for s in shifts), shifts, per_shift)


def suits(worker: Worker, ctx: conflicts.WorkerContext, shift: Shift) -> bool:
    """Inside the worker's availability windows and weekly cap of extra minutes (their wish, not a rule);
    the cap counts the worker's other FlexPool bookings, not the home roster."""
    bookings = [(r.starts_at, r.ends_at, r.break_minutes) for r in ctx.rows
                if r.shift_id is not None and r.shift_id != shift.id]
    return availability.suits([availability.Window(*w) for w in worker.availability],
                              worker.max_extra_minutes_per_week, bookings, shift.starts_at, shift.ends_at,
                              shift.break_minutes)


async def may_see(conn: Connection, p: Principal, shift: Shift, now: datetime) -> bool:
    """A worker sees a shift that is offered to them now, or one they are booked on or applied for."""
    worker = await workers_db.by_user(conn, p.user_id)
    if worker is None:
        return False
    if await assignments_db.ever_on(conn, shift.id, worker.id):
        return True
    candidate = conflicts.candidate(worker)
    offer = conflicts.offer(shift, await orgs_db.partners(conn, shift.organisation_id))
    return not never_reaches(candidate, offer) and reached(candidate, offer, now)
