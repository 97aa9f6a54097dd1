"""Reading a user's notifications (the inbox)."""
from __future__ import annotations

from flexpool.db.outbox import CHANNEL


async def inbox(conn, user_id, *, before_id=None, limit=50):
    if before_id is not None:
        return await conn.fetch("SELECT * FROM notifications WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                                user_id, before_id, limit)
    return await conn.fetch("SELECT * FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
                            user_id, limit)


async def dead_letters(conn, limit=100):
    return await conn.fetch("SELECT * FROM notifications WHERE status = 'dead' ORDER BY id DESC LIMIT $1", limit)


IN_REGION = "(SELECT u.region_id FROM users u WHERE u.id = n.user_id) = $1"


async def dead_letters_in_region(conn, region_id, limit=100):
    return await conn.fetch(f"SELECT n.* FROM notifications n WHERE n.status = 'dead' AND {IN_REGION} "
                            "ORDER BY n.id DESC LIMIT $2", region_id, limit)


async def in_region(conn, region_id, notification_id):
    return await conn.fetchrow(f"SELECT n.* FROM notifications n WHERE n.id = $2 AND {IN_REGION}", region_id,
                               notification_id)


async def retry(conn, notification_id, now):
    """A fresh set of attempts, due now; a dispatcher is woken at once (NOTIFY on commit)."""
    await conn.execute("UPDATE notifications SET status = 'pending', attempts = 0, due_at = $2, last_error = NULL "
                       "WHERE id = $1", notification_id, now)
    await conn.execute("SELECT pg_notify($1, '')", CHANNEL)
    return await conn.fetchrow("SELECT * FROM notifications WHERE id = $1", notification_id)
