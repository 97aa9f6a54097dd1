"""Dependencies every handler may ask for: a pooled connection and the authenticated caller."""
from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime, timezone

import asyncpg
from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide

from flexpool.services.principal import Principal


async def provide_conn(state: State) -> AsyncGenerator[asyncpg.Connection, None]:
    async with state.pool.acquire() as conn:
        yield conn


async def provide_principal(request: Request) -> Principal:
    return request.user


async def provide_now() -> datetime:
    """The one place the HTTP layer reads the clock; everything below takes `now` as an argument."""
    return datetime.now(timezone.utc)


DEPENDENCIES = {"conn": Provide(provide_conn), "p": Provide(provide_principal), "now": Provide(provide_now)}
