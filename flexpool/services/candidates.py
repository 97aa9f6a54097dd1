"""Who a planner could book directly on a shift: pool workers (and the organisation's own staff) who pass
every check of an accept but the tier, nearest first."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db import audience as audience_db
from flexpool.db import organisations as orgs_db
from flexpool.db import workers as workers_db
from flexpool.db.shifts import Shift
from flexpool.db.workers import Worker
from flexpool.domain.worktime import Rules
from flexpool.services import conflicts, regions
from flexpool.services.announcements import audience_query
from flexpool.services.booking import planned_shift
from flexpool.services.offers import suits
from flexpool.services.principal import Principal


async def acceptable_by(conn: Connection, shift: Shift, now: datetime, rules: Rules, cap: int = 100) -> int:
    """How many pool workers could accept the shift now (every check of an accept, the wave included),
    among the `cap` nearest who pass the wave's prefilter: a count for the region's board, never names.
    `rules`: the region's working-time rules, read once for the whole board."""
    query = await audience_query(conn, shift, rules)
    rows = await audience_db.candidates(conn, shift, query, limit=cap)
    count = 0
    for row in rows:
        worker = await workers_db.known(conn, row.worker_id)
        ctx = await conflicts.WorkerContext.load(conn, worker, shift.starts_at, shift.ends_at)
        if not await conflicts.blockers(conn, ctx, shift, now, rules=rules, partner_ids=query.partner_ids):
            count += 1
    return count


class Bookable(msgspec.Struct, frozen=True):
    """A worker the planner could book now: their home organisation's name, how far they live (None: unknown)
    and whether the shift lies within the availability they gave."""

    worker: Worker
    home_organisation_name: str | None
    km: float | None
    within_availability: bool


async def candidates(conn: Connection, p: Principal, shift_id: UUID, now: datetime, limit: int = 50) -> list[Bookable]:
    """Only workers who could be booked now, nearest first. Why the others cannot is not shown: it would tell
    about their other employers' rosters."""
    shift = await planned_shift(conn, p, shift_id)
    if shift.status == "cancelled" or shift.places_filled >= shift.places or shift.starts_at <= now:
        return []
    rules = (await regions.policy(conn, shift.region_id)).rules
    query = await audience_query(conn, shift, rules)
    rows = await audience_db.candidates(conn, shift, query, limit=limit * 5)
    names = {o.id: o.name for o in await orgs_db.list_in_region(conn, shift.region_id)}
    out: list[Bookable] = []
    for row in rows:
        worker = await workers_db.known(conn, row.worker_id)
        ctx = await conflicts.WorkerContext.load(conn, worker, shift.starts_at, shift.ends_at)
        if not await conflicts.blockers(conn, ctx, shift, now, rules=rules, partner_ids=query.partner_ids,
                                        check_audience=False):
            out.append(Bookable(worker, names.get(worker.organisation_id), row.km, suits(worker, ctx, shift)))
            if len(out) == limit:
                break
    return out
