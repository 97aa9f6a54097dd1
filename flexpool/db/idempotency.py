"""Idempotency keys: the first answer to a POST, kept 24 h per user and key."""
from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db import rate_limits

TTL = timedelta(hours=24)
# A key claimed this long ago without an answer belongs to a request that died with its process or lost its
# database: a retry takes it over instead of waiting 24 h.
ABANDONED = timedelta(seconds=15)


# Who may run: a new key, an expired one (a new request), or one abandoned without an answer by the same request.
_CLAIM = """
    INSERT INTO idempotency_keys AS k (user_id, key, request_hash) {source}
    ON CONFLICT (user_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status_code = NULL,
        content_type = NULL, body = NULL, created_at = now()
    WHERE k.created_at < now() - $4::interval
       OR (k.status_code IS NULL AND k.request_hash = EXCLUDED.request_hash AND k.created_at < now() - $5::interval)
    RETURNING true
"""

# The write limit's token and the claim in one statement (one round trip for both): no token, no claim.
TAKE_AND_CLAIM = f"""
WITH bucket AS ({rate_limits.TAKE.replace("$1", "$6").replace("$2", "$7")}
), claimed AS ({_CLAIM.format(source="SELECT $1, $2, $3 FROM bucket WHERE bucket.tokens >= 0")})
SELECT (SELECT tokens FROM bucket) AS tokens, EXISTS (SELECT 1 FROM claimed) AS claimed,
       k.request_hash, k.status_code, k.content_type, k.body
FROM (SELECT 1) AS one LEFT JOIN idempotency_keys k ON k.user_id = $1 AND k.key = $2
"""


class KeptAnswer(msgspec.Struct, frozen=True):
    """What an Idempotency-Key holds: the request it was used with, and its answer once there is one."""

    request_hash: str
    status_code: int | None  # None: the first request is still running (or died: see ABANDONED)
    content_type: str | None
    body: bytes | None


class Claim(msgspec.Struct, frozen=True):
    tokens: float  # left in the caller's write bucket; negative: refused by the write limit, nothing claimed
    claimed: bool  # this request may run
    earlier: KeptAnswer | None  # the key as it was before this statement


async def take_and_claim(conn: Connection, user_id: UUID, key: str, digest: str, subject: str,
                         per_minute: int) -> Claim:
    row = await conn.fetchrow(TAKE_AND_CLAIM, user_id, key, digest, TTL, ABANDONED, subject, float(per_minute))
    earlier = KeptAnswer(row["request_hash"], row["status_code"], row["content_type"], row["body"]) \
        if row["request_hash"] is not None else None
    return Claim(row["tokens"], row["claimed"], earlier)


async def purge_expired(conn: Connection, now: datetime) -> None:
    await conn.execute("DELETE FROM idempotency_keys WHERE created_at < $1 - $2::interval", now, TTL)


async def forget(conn: Connection, user_id: UUID, key: str) -> None:
    await conn.execute("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2", user_id, key)


async def answer(conn: Connection, user_id: UUID, key: str, status: int, content_type: str, body: bytes) -> None:
    await conn.execute("UPDATE idempotency_keys SET status_code = $3, content_type = $4, body = $5 "
                       "WHERE user_id = $1 AND key = $2", user_id, key, status, content_type, body)
