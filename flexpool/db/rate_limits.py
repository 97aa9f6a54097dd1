"""Token buckets of the write limit, one per caller, shared by every replica through PostgreSQL."""
from __future__ import annotations

from asyncpg import Connection

# One statement: refill for the time passed (at most the full bucket), take one token. A negative result is
# a refusal; it never goes below -1, so hammering does not lock a caller out for longer than a token's time.
TAKE = """
INSERT INTO rate_limits AS r (subject, tokens, updated_at) VALUES ($1, $2 - 1, clock_timestamp())
ON CONFLICT (subject) DO UPDATE SET
    tokens = greatest(-1, least($2, r.tokens + extract(epoch FROM clock_timestamp() - r.updated_at) * $2 / 60.0) - 1),
    updated_at = clock_timestamp()
RETURNING tokens
"""


async def take(conn: Connection, subject: str, per_minute: int) -> float:
    """Tokens left after taking one (negative: refused)."""
    return await conn.fetchval(TAKE, subject, float(per_minute))


async def forget_idle(conn: Connection, idle_seconds: int) -> None:
    await conn.execute("DELETE FROM rate_limits WHERE updated_at < clock_timestamp() - make_interval(secs => $1)",
                       float(idle_seconds))
