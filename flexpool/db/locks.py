"""PostgreSQL advisory locks that coordinate the replicas (APScheduler's stores must not be shared)."""
from __future__ import annotations

import zlib

from asyncpg import Connection


def key_of(name: str) -> int:
    return zlib.crc32(f"flexpool:{name}".encode())


async def try_session_lock(conn: Connection, name: str) -> bool:
    """Held until `session_unlock` or the connection's end; False when another session holds it."""
    return await conn.fetchval("SELECT pg_try_advisory_lock($1)", key_of(name))


async def session_unlock(conn: Connection, name: str) -> None:
    await conn.execute("SELECT pg_advisory_unlock($1)", key_of(name))
