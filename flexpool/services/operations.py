"""What operators (the region's coordinator) need to see and do: dead-lettered notifications."""
from __future__ import annotations

from datetime import datetime

from flexpool.services.errors import Conflict, NotFound
from flexpool.services.principal import Principal

IN_REGION = "EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = n.user_id AND m.region_id = $1)"


async def dead_letters(conn, p: Principal, limit: int = 100):
    p.require_coordinator()
    return await conn.fetch(f"SELECT n.* FROM notifications n WHERE n.status = 'dead' AND {IN_REGION} "
                            "ORDER BY n.id DESC LIMIT $2", p.region_id, limit)


async def retry(conn, p: Principal, notification_id: int, now: datetime):
    """Give a dead-lettered notification a fresh set of attempts (after FCM recovered)."""
    p.require_coordinator()
    row = await conn.fetchrow(f"SELECT n.* FROM notifications n WHERE n.id = $2 AND {IN_REGION}", p.region_id,
                              notification_id)
    if row is None:
        raise NotFound("notification")
    if row["status"] != "dead":
        raise Conflict("conflict", "Only a dead-lettered notification can be retried.")
    await conn.execute("UPDATE notifications SET status = 'pending', attempts = 0, due_at = $2, last_error = NULL "
                       "WHERE id = $1", notification_id, now)
    await conn.execute("SELECT pg_notify('flexpool_outbox', '')")
    return await conn.fetchrow("SELECT * FROM notifications WHERE id = $1", notification_id)
