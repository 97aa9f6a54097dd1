"""Waves on a clock: each tier a shift reaches is announced once (a shift_waves row written once) to the
newly reached workers; a reopened place is announced again, urgently when the start is near."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from uuid import UUID

from asyncpg import Connection

from flexpool.db import audience as audience_db
from flexpool.db import organisations as orgs_db
from flexpool.db import outbox
from flexpool.db import series as series_db
from flexpool.db import shifts as shifts_db
from flexpool.db import waves as waves_db
from flexpool.db.audience import AudienceQuery
from flexpool.db.shifts import Shift
from flexpool.domain import audience, worktime
from flexpool.domain.catalogue import DEFAULT as CATALOGUE
from flexpool.domain.clock import at_local, local, month_bounds
from flexpool.domain.worktime import Rules
from flexpool.services import conflicts, regions

URGENT_REOPEN = timedelta(hours=48)
JUDGED_TOGETHER = 2000  # workers whose work is loaded in one query when a wave is judged in full


def _reached_tiers(shift: Shift, now: datetime) -> list[str]:
    tiers = ["organisation"]
    if shift.partners_at <= now:
        tiers.append("partners")
    if shift.region_at <= now:
        tiers.append("region")
    return tiers


async def audience_query(conn: Connection, shift: Shift, rules: Rules) -> AudienceQuery:
    """What the audience query asks of a shift under its region's rules: loaded once for all its tiers."""
    terms = audience.terms(function=shift.function, skills=list(shift.skills), starts_at=shift.starts_at,
                           ends_at=shift.ends_at, break_minutes=shift.break_minutes, catalogue=CATALOGUE,
                           rules=rules)
    lo, hi = month_bounds(terms.month)
    return AudienceQuery(partner_ids=await orgs_db.partners(conn, shift.organisation_id), terms=terms,
                         month=(at_local(lo, time(0)), at_local(hi, time(0))),
                         week=(at_local(terms.week, time(0)), at_local(terms.week + timedelta(days=7), time(0))))


async def _shift_audience(conn: Connection, shift: Shift) -> tuple[AudienceQuery, Rules]:
    rules = (await regions.policy(conn, shift.region_id)).rules
    return await audience_query(conn, shift, rules), rules


async def _audience(conn: Connection, shift: Shift, tier: str, query: AudienceQuery, rules: Rules) -> list[UUID]:
    """The users a wave of this tier notifies: the query's candidates, then the full working-time judgement
    on each, in batches (their work around the shift loaded in one query per batch)."""
    candidates = await audience_db.reached(conn, shift, tier, query)
    user_of = {r.worker_id: r.user_id for r in candidates}
    ids = list(user_of)
    interval = worktime.Interval(shift.starts_at, shift.ends_at, shift.break_minutes)
    lo, hi = shift.starts_at - conflicts.HORIZON, shift.ends_at + conflicts.HORIZON
    users = []
    for first in range(0, len(ids), JUDGED_TOGETHER):
        rows = await audience_db.timelines(conn, ids[first:first + JUDGED_TOGETHER], lo, hi)
        day = local(shift.starts_at).date()
        workers = ((t.worker_id, conflicts.person(t.date_of_birth, t.nights, day),
                    [worktime.Interval(a, b, m) for a, b, m in t.work]) for t in rows)
        users += [user_of[w] for w in audience.who_may_work(interval, workers, rules)]
    return users


async def audience_of(conn: Connection, shift: Shift, tier: str) -> list[UUID]:
    """Who a wave of this tier notifies: the users, whatever was announced before."""
    return await _audience(conn, shift, tier, *await _shift_audience(conn, shift))


async def announce(conn: Connection, shift_id: UUID, now: datetime) -> int:
    """Announce every tier the shift has reached and not yet announced; the number of workers notified."""
    shift = await shifts_db.by_id(conn, shift_id)
    if shift is None or shift.status != "open" or shift.starts_at <= now:
        return 0
    carried_by, data = await _offer_of(conn, shift, now)
    query, rules = await _shift_audience(conn, shift)
    notified = 0
    for tier in _reached_tiers(shift, now):
        if not await waves_db.claim(conn, shift_id, tier, now):
            continue
        if carried_by != shift.id:  # a later shift of a series: its first open shift carries the offer
            continue
        users = await _audience(conn, shift, tier, query, rules)
        count = await outbox.enqueue(conn, user_ids=users, kind="offer", dedupe_key=f"offer:{data.get('seriesId', shift_id)}",
                                     data=data, now=now, urgent=shift.urgent)
        await waves_db.set_reached(conn, shift_id, tier, count)
        notified += count
    return notified


async def _offer_of(conn: Connection, shift: Shift, now: datetime) -> tuple[UUID, dict[str, str]]:
    """Which shift carries the offer of this one (itself, or its series' first open shift) and what the
    offer shows: a series is offered once, as a whole."""
    if shift.series_id is None:
        return shift.id, outbox.shift_data(shift)
    parts = [s for s in await series_db.shifts(conn, shift.series_id)
             if s.status != "cancelled" and s.starts_at > now]
    first = parts[0] if parts else shift
    return first.id, outbox.shift_data(first, seriesId=shift.series_id, seriesShifts=len(parts))


async def announce_due(conn: Connection, now: datetime, limit: int = 200) -> int:
    """The scheduler's wave job: shifts with a reached tier that has not been announced yet."""
    total = 0
    for shift_id in await waves_db.due(conn, now, limit):
        async with conn.transaction():
            total += await announce(conn, shift_id, now)
    return total


async def announce_reopened(conn: Connection, shift_id: UUID, assignment_id: UUID, now: datetime) -> int:
    """A cancelled place reopens at the widest tier reached; pushed as urgent when the start is near."""
    shift = await shifts_db.by_id(conn, shift_id)
    if shift is None or shift.status != "open" or shift.starts_at <= now:
        return 0
    query, rules = await _shift_audience(conn, shift)
    users = []
    for tier in _reached_tiers(shift, now):
        users += await _audience(conn, shift, tier, query, rules)
    urgent = shift.urgent or shift.starts_at - now < URGENT_REOPEN
    _, data = await _offer_of(conn, shift, now)
    return await outbox.enqueue(conn, user_ids=users, kind="offer", dedupe_key=f"offer:{shift_id}:{assignment_id}",
                                data={**data, "reopened": "True"}, now=now, urgent=urgent)
