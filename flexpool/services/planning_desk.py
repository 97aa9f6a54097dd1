"""The region's own planning desk (CONTRACT.md v1.1, Region planning): region planners, given by the
coordinator, plan for the organisations that delegate their planning; the board shows every open shift of
the region, most urgent first, with how many pool workers could accept it now (a count, never names);
region planners hear of urgent shifts still open close to their start."""
from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db import outbox
from flexpool.db import shifts as shifts_db
from flexpool.db import users as users_db
from flexpool.domain import waves
from flexpool.domain.directory import NewPerson
from flexpool.domain.events import Event
from flexpool.domain.vocabulary import Role, Tier
from flexpool.services import candidates, effects, identity, regions
from flexpool.services.errors import Forbidden, Invalid, NotFound
from flexpool.services.principal import Principal

STILL_OPEN_AHEAD = timedelta(hours=4)
BOARD_CANDIDATES = 100  # the workers checked in full per shift; acceptableBy counts among them


async def add_region_planner(conn: Connection, p: Principal, new: NewPerson, now: datetime) -> users_db.User:
    """The coordinator staffs the region's planning desk (the role is the region's, not an organisation's)."""
    region = p.require_coordinator()
    name = new.name
    async with conn.transaction():
        user = await users_db.get_or_create(conn, new.email, name)
        await identity.join_region(conn, user.id, region)
        await users_db.grant(conn, user.id, region, None, "regionPlanner")
        await effects.record(conn, Event(organisation_id=None, shift_id=None, subject_type="user", subject_id=user.id,
                                         action="region-planner-added", actor=p.user_id, at=now, region_id=region))
    return user if user.name == name else msgspec.structs.replace(user, name=name)


async def region_planners(conn: Connection, p: Principal) -> list[users_db.Member]:
    if not (p.is_coordinator or p.is_region_planner) or p.region_id is None:
        raise Forbidden("The region's planners are listed for the coordinator and the planning desk.")
    return await users_db.region_role_holders(conn, p.region_id, Role.REGION_PLANNER)


async def remove_region_planner(conn: Connection, p: Principal, user_id: UUID, now: datetime) -> None:
    region = p.require_coordinator()
    async with conn.transaction():
        if not await users_db.revoke_region_role(conn, user_id, region, "regionPlanner"):
            raise NotFound("region planner")
        await effects.record(conn, Event(organisation_id=None, shift_id=None, subject_type="user", subject_id=user_id,
                                         action="region-planner-removed", actor=p.user_id, at=now, region_id=region))


class BoardEntry(msgspec.Struct, frozen=True):
    """An open shift on the region's board: how many places are open, how soon it starts, how many pool workers
    could accept it now (a count, never names), and how far its waves have gone."""

    shift: shifts_db.Shift
    places_open: int
    minutes_to_start: int
    acceptable_by: int
    tier: Tier


async def board(conn: Connection, p: Principal, lo: datetime | None, hi: datetime | None, now: datetime, *,
                after: tuple[datetime, UUID] | None = None, limit: int = 20) -> list[BoardEntry]:
    """Soonest first."""
    if not (p.is_coordinator or p.is_region_planner):
        raise Forbidden("The region board is for the region's planning desk and the coordinator.")
    lo = max(lo or now, now)
    hi = hi or lo + timedelta(days=14)
    if hi <= lo or hi - lo > timedelta(days=92):
        raise Invalid([("to", "after from, at most 92 days later")])
    rows = await shifts_db.board(conn, p.require_region(), lo, hi, limit=limit, after=after)
    rules = (await regions.policy(conn, p.region_id)).rules
    out = []
    for shift in rows:
        count = await candidates.acceptable_by(conn, shift, now, rules, cap=BOARD_CANDIDATES)
        out.append(BoardEntry(shift, shift.places - shift.places_filled,
                              int((shift.starts_at - now).total_seconds() // 60), count,
                              waves.tier(waves.WaveSchedule(shift.partners_at, shift.region_at), now)))
    return out


async def still_open(conn: Connection, now: datetime) -> int:
    """Timed: urgent shifts still open less than 4 hours before they start; once per shift."""
    count = 0
    for s in await shifts_db.open_urgent_starting(conn, now, now + STILL_OPEN_AHEAD):
        planners = await outbox.region_planners_of(conn, s.region_id)
        if planners:
            count += await outbox.enqueue(conn, user_ids=planners, kind="still-open", urgent=True, now=now,
                                          dedupe_key=f"still-open:{s.id}",
                                          data=outbox.shift_data(s, organisationName=s.organisation_name,
                                                                 placesOpen=s.places - s.places_filled))
    return count
