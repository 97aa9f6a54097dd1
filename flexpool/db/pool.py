"""The asyncpg pool; JSON codecs and UTC sessions so every instant is read as an aware datetime."""
from __future__ import annotations

import json

import asyncpg
from asyncpg import Connection


async def _init(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    await conn.set_type_codec("json", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def _no_session_state(conn: asyncpg.Connection) -> None:
    """Giving a connection back costs no round trip: asyncpg has already rolled back an open transaction,
    and FlexPool leaves no other session state on pooled connections (no SET, no LISTEN; the scheduler's
    session lock is released by the job or the connection is closed). asyncpg's default reset would send
    four statements on every release, a round trip per request."""


async def create_pool(url: str, *, min_size: int = 2, max_size: int = 20,
                      statement_cache_size: int = 100) -> asyncpg.Pool:
    """`statement_cache_size=0` behind PgBouncer in transaction mode older than 1.21 (no prepared statements
    across pooled server connections)."""
    return await asyncpg.create_pool(url, min_size=min_size, max_size=max_size, init=_init, reset=_no_session_state,
                                     statement_cache_size=statement_cache_size,
                                     server_settings={"timezone": "UTC", "application_name": "flexpool"})


async def connect(url: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(url, server_settings={"timezone": "UTC", "application_name": "flexpool"})
    await _init(conn)
    return conn


async def ping(conn: Connection) -> None:
    """One round trip: whether the server answers."""
    await conn.fetchval("SELECT 1")
