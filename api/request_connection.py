"""One pooled connection per request, shared by every layer that needs the database.

Authentication, the write limit, the Idempotency-Key and the handler each used to take a connection of
their own from the pool: four checkouts and four give-backs per write. The outermost middleware puts a
`RequestConnection` in the ASGI scope; whoever needs the database first takes the connection (after the
body has been read, so a slow upload never holds one), everyone after reuses it, and it goes back to the
pool when the answer has been sent.
"""
from __future__ import annotations

import logging
from typing import Any, cast

import asyncpg
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from flexpool.db import callers

log = logging.getLogger("flexpool.api")

KEY = "flexpool.connection"


class RequestConnection:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.conn: asyncpg.Connection | None = None

    async def get(self) -> asyncpg.Connection:
        if self.conn is None:
            self.conn = await self.pool.acquire()
        return self.conn

    async def release(self) -> None:
        """Giving it back can fail when the database went away after the handler's commit: the answer
        stands, the pool drops that connection."""
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            await self.pool.release(conn)
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("a connection could not be given back (%s); the pool replaces it", exc)


def of(scope: Scope) -> RequestConnection:
    """The request's connection holder (a fresh one outside the middleware, e.g. in-process test apps)."""
    extras = cast(dict[str, Any], scope)  # the ASGI scope is a dict; this key is ours
    holder = extras.get(KEY)
    if holder is None:
        holder = extras[KEY] = RequestConnection(scope["app"].state.pool)
    return cast(RequestConnection, holder)


class RequestConnectionMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        holder = cast(dict[str, Any], scope)[KEY] = RequestConnection(scope["app"].state.pool)
        principals = getattr(scope["app"].state, "principals", None)

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start" and changed[0] and principals is not None:
                principals.forget()  # committed by now: the next request reads the caller afresh
            await send(message)

        try:
            with callers.watched() as changed:
                await self.app(scope, receive, answer)
        finally:
            await holder.release()
