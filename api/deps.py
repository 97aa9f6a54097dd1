"""Dependencies every handler may ask for: a pooled connection and the authenticated caller."""
from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
from litestar import Request
from litestar.di import Provide

from api import request_connection
from flexpool.services.principal import Principal


async def provide_conn(request: Request) -> asyncpg.Connection:
    """The request's pooled connection (api.request_connection): shared with the middlewares, given back
    when the answer has gone out."""
    return await request_connection.of(request.scope).get()


async def provide_principal(request: Request) -> Principal:
    return request.user


async def provide_now() -> datetime:
    """The one place the HTTP layer reads the clock; everything below takes `now` as an argument."""
    return datetime.now(UTC)


DEPENDENCIES = {"conn": Provide(provide_conn), "p": Provide(provide_principal), "now": Provide(provide_now)}
