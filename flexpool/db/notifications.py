"""Reading a user's notifications (the inbox)."""
from __future__ import annotations


async def inbox(conn, user_id, *, before_id=None, limit=50):
    if before_id is not None:
        return await conn.fetch("SELECT * FROM notifications WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                                user_id, before_id, limit)
    return await conn.fetch("SELECT * FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
                            user_id, limit)


async def dead_letters(conn, limit=100):
    return await conn.fetch("SELECT * FROM notifications WHERE status = 'dead' ORDER BY id DESC LIMIT $1", limit)
