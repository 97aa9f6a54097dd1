"""The signed-in user's own side: profile, preferences, devices, calendar secret."""
from __future__ import annotations

import logging
from datetime import datetime

import msgspec
from asyncpg import Connection
from msgspec import UNSET

from flexpool.db import devices as devices_db
from flexpool.db import notifications as notifications_db
from flexpool.db import users as users_db
from flexpool.db import workers as workers_db
from flexpool.db.devices import Device
from flexpool.db.notifications import Notification
from flexpool.db.rows import referenced
from flexpool.db.users import User
from flexpool.db.workers import Worker
from flexpool.domain.events import Event
from flexpool.domain.preferences import PreferencesChange
from flexpool.services import effects
from flexpool.services.errors import Invalid, NotFound
from flexpool.services.principal import Principal

log = logging.getLogger("flexpool.devices")


class Profile(msgspec.Struct, frozen=True):
    """The signed-in user, and their worker profile if they are in a pool."""

    user: User
    worker: Worker | None


async def profile(conn: Connection, p: Principal) -> Profile:
    user = referenced(await users_db.by_subject(conn, str(p.user_id)), "user", p.user_id)
    return Profile(user, await workers_db.by_user(conn, p.user_id))


_CAMEL = {"opted_in": "optedIn", "max_travel_km": "maxTravelKm", "max_extra_minutes_per_week": "maxExtraMinutesPerWeek"}


async def update_preferences(conn: Connection, p: Principal, change: PreferencesChange) -> Profile:
    """Only what the caller sent changes; a worker's settings need a worker profile."""
    worker_only, given = change.for_workers_only(), change.given()
    async with conn.transaction():
        if worker_only:
            worker = await workers_db.by_user(conn, p.user_id)
            if worker is None:
                raise Invalid([(_CAMEL.get(k, k), "only a pool worker has this preference") for k in worker_only])
            await workers_db.update(conn, worker.id, change.worker_columns())
            if change.availability is not UNSET:
                await workers_db.replace_availability(
                    conn, worker.id, [(w.weekday, w.start_minute, w.length_minutes) for w in change.availability or []])
        quiet = change.quiet_hours
        await users_db.update_preferences(
            conn, p.user_id, language=given.get("language"), digest=given.get("digest"),
            quiet=None if quiet is UNSET else (quiet.start, quiet.end) if quiet else (None, None))
    return await profile(conn, p)


MAX_DEVICES_PER_USER = 10


async def register_device(conn: Connection, p: Principal, token: str, platform: str, now: datetime) -> None:
    """A token moves to whoever registers it last (a phone changes hands); the move is audited, since it
    also moves that phone's pushes. A user keeps at most 10 devices: the least recently seen go first."""
    async with conn.transaction():
        await devices_db.lock_user(conn, p.user_id)
        previous = await devices_db.upsert(conn, p.user_id, token, platform)
        if previous is not None:
            region = p.region_id or previous.region_id
            if region is not None:
                await effects.record(conn, Event(organisation_id=None, shift_id=None, subject_type="device",
                                                 subject_id=p.user_id, action="device-reregistered", actor=p.user_id, at=now,
                                                 data={"fromUserId": str(previous.user_id), "platform": platform},
                                                 region_id=region))
            log.warning("device token moved from user %s to user %s", previous.user_id, p.user_id)
        await devices_db.keep_newest(conn, p.user_id, MAX_DEVICES_PER_USER)


async def remove_device(conn: Connection, p: Principal, token: str) -> None:
    if not await devices_db.delete(conn, p.user_id, token):
        raise NotFound("device")


async def devices(conn: Connection, p: Principal) -> list[Device]:
    return await devices_db.list_for_user(conn, p.user_id)


async def notifications(conn: Connection, p: Principal, *, before_id: int | None = None,
                        limit: int = 50) -> list[Notification]:
    return await notifications_db.inbox(conn, p.user_id, before_id=before_id, limit=limit)
