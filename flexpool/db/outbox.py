"""The outbox, written in the caller's transaction, so a change and its notifications commit (or vanish)
together. A row per user and event, written once (the unique dedupe key)."""
from __future__ import annotations

import json
from datetime import datetime
from uuid import UUID

from asyncpg import Connection

from flexpool.db.shifts import Shift

CHANNEL = "flexpool_outbox"
HIGH_PRIORITY = frozenset({"released", "shift-cancelled"})


async def enqueue(conn: Connection, *, user_ids: list[UUID], kind: str, dedupe_key: str, data: dict, now: datetime,
                  urgent: bool = False) -> int:
    """Insert one notification per user; an event already written for a user is not written again."""
    user_ids = list(dict.fromkeys(user_ids))
    if not user_ids:
        return 0
    result = await conn.execute(
        "INSERT INTO notifications (user_id, kind, dedupe_key, urgent, data, created_at, due_at) "
        "SELECT u, $2, $3, $4, $5::jsonb, $6, $6 FROM unnest($1::uuid[]) AS u "
        "ON CONFLICT (user_id, dedupe_key) DO NOTHING",
        user_ids, kind, dedupe_key, urgent or kind in HIGH_PRIORITY, json.loads(json.dumps(data, default=str)), now)
    inserted = int(result.split()[-1])
    if inserted:
        await conn.execute("SELECT pg_notify($1, '')", CHANNEL)  # delivered at commit: wakes the dispatchers
    return inserted


async def planners_of(conn: Connection, organisation_id: UUID, role: str = "planner") -> list:
    """The members of an organisation holding a role (its planners, unless said otherwise)."""
    return [r["user_id"] for r in await conn.fetch(
        "SELECT DISTINCT user_id FROM memberships WHERE organisation_id = $1 AND role = $2", organisation_id, role)]


async def user_of_worker(conn: Connection, worker_id: UUID) -> UUID | None:
    return await conn.fetchval("SELECT user_id FROM workers WHERE id = $1", worker_id)


def shift_data(shift: Shift, **extra: object) -> dict[str, str]:
    """What a notification about a shift shows (flexpool.domain.messages renders it)."""
    data = {"shiftId": str(shift.id), "startsAt": shift.starts_at.isoformat(),
            "endsAt": shift.ends_at.isoformat(), "function": shift.function, "siteName": shift.site_name}
    data.update({k: str(v) for k, v in extra.items() if v is not None})
    return data


async def due_count(conn: Connection, now: datetime) -> int:
    """Notifications due by now that have not gone out (pending, or claimed and not yet recorded)."""
    return await conn.fetchval("SELECT count(*) FROM notifications WHERE status IN ('pending', 'sending') "
                               "AND due_at <= $1", now)


async def lock_offer_users(conn: Connection, user_ids: list) -> set:
    """Inside the claim's transaction: a lock per user whose offers are folded, shared by every dispatcher;
    returns the users another dispatcher holds right now."""
    if not user_ids:
        return set()
    rows = await conn.fetch("SELECT u, pg_try_advisory_xact_lock(hashtext('offer-fold:' || u::text)) AS got "
                            "FROM unnest($1::uuid[]) AS u ORDER BY u", user_ids)
    return {r["u"] for r in rows if not r["got"]}


async def extend_lease(conn: Connection, ids: list, until: datetime) -> None:
    await conn.execute("UPDATE notifications SET lease_until = $2 WHERE id = ANY($1::bigint[]) AND status = 'sending'",
                       ids, until)


async def retries_waiting(conn: Connection) -> int:
    return await conn.fetchval("SELECT count(*) FROM notifications WHERE status = 'pending' AND attempts > 0")


async def region_planners_of(conn: Connection, region_id: UUID) -> list:
    return [r["user_id"] for r in await conn.fetch(
        "SELECT DISTINCT user_id FROM memberships WHERE region_id = $1 AND role = 'regionPlanner'", region_id)]
