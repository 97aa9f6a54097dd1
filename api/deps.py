"""Dependencies every handler may ask for: a pooled connection and the authenticated caller."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from datetime import datetime, timezone

import asyncpg
from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide

from flexpool.services.principal import Principal

log = logging.getLogger("flexpool.api")


async def provide_conn(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    """A pooled connection for the request. Giving it back can fail when the database went away after the
    handler's commit: the answer stands, the pool drops that connection."""
    conn = await state.pool.acquire()
    try:
        yield conn
    finally:
        try:
            await state.pool.release(conn)
        except (OSError, asyncio.TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("a connection could not be given back (%s); the pool replaces it", exc)


async def provide_principal(request: Request) -> Principal:
    return request.user


async def provide_now() -> datetime:
    """The one place the HTTP layer reads the clock; everything below takes `now` as an argument."""
    return datetime.now(timezone.utc)


DEPENDENCIES = {"conn": Provide(provide_conn), "p": Provide(provide_principal), "now": Provide(provide_now)}
