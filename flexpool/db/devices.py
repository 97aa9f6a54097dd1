"""FCM device tokens of a user; a token belongs to one user at a time (a phone changes hands)."""
from __future__ import annotations


async def upsert(conn, user_id, token: str, platform: str) -> None:
    await conn.execute(
        "INSERT INTO devices (token, user_id, platform) VALUES ($1, $2, $3) "
        "ON CONFLICT (token) DO UPDATE SET user_id = EXCLUDED.user_id, platform = EXCLUDED.platform, "
        "last_seen_at = now()", token, user_id, platform)


async def delete(conn, user_id, token: str) -> bool:
    return await conn.execute("DELETE FROM devices WHERE token = $1 AND user_id = $2", token, user_id) != "DELETE 0"


async def list_for_user(conn, user_id):
    return await conn.fetch("SELECT token, platform, last_seen_at FROM devices WHERE user_id = $1 "
                            "ORDER BY last_seen_at DESC", user_id)
