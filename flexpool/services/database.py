"""The database as the HTTP layer sees it: a pool to serve from, and whether the schema is current."""
from __future__ import annotations

from flexpool.db import migrations
from flexpool.db.pool import create_pool


async def open_pool(url: str, size: int):
    return await create_pool(url, max_size=size)


def schema_head() -> str:
    """The newest migration this code knows."""
    return migrations.head()


async def schema_version(conn) -> str | None:
    """The migration the database is at (None: never migrated)."""
    return await migrations.current(conn)
