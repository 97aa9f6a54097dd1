"""Idempotency keys: the first answer to a POST, kept 24 h per user and key."""
from __future__ import annotations

from datetime import timedelta

TTL = timedelta(hours=24)
# A key claimed this long ago without an answer belongs to a request that died with its process or lost its
# database: a retry takes it over instead of waiting 24 h.
ABANDONED = timedelta(seconds=15)


async def claim(conn, user_id, key: str, digest: str) -> bool:
    """True when this request may run: a new key, an expired one, or one abandoned without an answer."""
    await conn.execute("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at < now() - $3::interval",
                       user_id, key, TTL)
    return bool(await conn.fetchval(
        "INSERT INTO idempotency_keys AS k (user_id, key, request_hash) VALUES ($1, $2, $3) "
        "ON CONFLICT (user_id, key) DO UPDATE SET created_at = now() "
        "WHERE k.status_code IS NULL AND k.request_hash = EXCLUDED.request_hash AND k.created_at < now() - $4::interval "
        "RETURNING true", user_id, key, digest, ABANDONED))


async def get(conn, user_id, key: str):
    return await conn.fetchrow("SELECT * FROM idempotency_keys WHERE user_id = $1 AND key = $2", user_id, key)


async def forget(conn, user_id, key: str) -> None:
    await conn.execute("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2", user_id, key)


async def answer(conn, user_id, key: str, status: int, content_type: str, body: bytes) -> None:
    await conn.execute("UPDATE idempotency_keys SET status_code = $3, content_type = $4, body = $5 "
                       "WHERE user_id = $1 AND key = $2", user_id, key, status, content_type, body)
