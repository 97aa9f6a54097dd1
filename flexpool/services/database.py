"""The database as the HTTP layer sees it: a pool to serve from, and whether the schema is current."""
from __future__ import annotations

import asyncio

import asyncpg
from asyncpg import Connection

from flexpool.db import migrations
from flexpool.db import pool as pool_db
from flexpool.db.pool import connect, create_pool


async def open_pool(url: str, size: int, statement_cache_size: int = 100) -> asyncpg.Pool:
    return await create_pool(url, max_size=size, statement_cache_size=statement_cache_size)


def schema_head() -> str:
    """The newest migration this code knows."""
    return migrations.head()


async def schema_version(conn: Connection) -> str | None:
    """The migration the database is at (None: never migrated)."""
    return await migrations.current(conn)


async def reachable(url: str | None, timeout: float) -> bool:
    """Whether the database answers a connection of its own (when the pool is busy, not the database)."""
    if not url:
        return False
    try:
        conn = await asyncio.wait_for(connect(url), timeout)
    except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
        return False
    try:
        await asyncio.wait_for(pool_db.ping(conn), timeout)
        return True
    except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
        return False
    finally:
        await conn.close()
