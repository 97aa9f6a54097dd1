"""The callers this process has seen, with their roles, so a request needs no query to know who asks.

Roles change rarely (a grant, an invitation accepted, a leaver) and are read on every request. Each API
process keeps a principal per token subject and forgets them all when PostgreSQL notifies a change of
users, memberships or organisations (migration 0014). The cache is only used while the LISTEN connection
is up: when it drops, changes could go unheard, so every request reads the database until it listens again.

A read that raced a change is not kept: the generation counter moves on every notification, and a principal
is stored only if no notification arrived while it was being read.
"""
from __future__ import annotations

import asyncio
import logging
import time

import asyncpg

from flexpool.db.pool import connect
from flexpool.services.identity import principal_for
from flexpool.services.principal import Principal

log = logging.getLogger("flexpool.api")

CHANNEL = "flexpool_roles"
TTL_SECONDS = 60.0  # a safety net only: notifications are what keep the cache right
MAX_ENTRIES = 50_000


class Principals:
    def __init__(self, database_url: str | None) -> None:
        self.database_url = database_url
        self.generation = 0
        self.listening = False
        self.entries: dict[str, tuple[float, Principal | None]] = {}
        self.wake = asyncio.Event()

    async def get(self, conn: asyncpg.Connection, subject: str) -> Principal | None:
        if self.listening:
            entry = self.entries.get(subject)
            if entry is not None and entry[0] > time.monotonic():
                return entry[1]
        generation = self.generation
        principal = await principal_for(conn, subject)
        if self.listening and generation == self.generation:
            if len(self.entries) >= MAX_ENTRIES:
                self.entries.clear()
            self.entries[subject] = (time.monotonic() + TTL_SECONDS, principal)
        return principal

    def forget(self, *_: object) -> None:
        self.generation += 1
        self.entries.clear()

    def notified(self) -> None:
        """A change of users, memberships or organisations was committed, by this process or another."""
        self.forget()

    def _lost(self, *_: object) -> None:
        self.listening = False
        self.forget()
        self.wake.set()

    async def listen(self) -> None:
        """Runs for the life of the app: LISTEN, and LISTEN again after the connection is lost."""
        listener = None
        try:
            while True:
                if listener is None or listener.is_closed():
                    listener = await self._connect()
                self.wake.clear()
                try:
                    await asyncio.wait_for(self.wake.wait(), timeout=5 if listener is None else 30)
                except TimeoutError:
                    pass
        finally:
            self.listening = False
            if listener is not None and not listener.is_closed():
                await listener.close(timeout=2)

    async def _connect(self) -> asyncpg.Connection | None:
        if not self.database_url:
            return None
        try:
            listener = await connect(self.database_url)
            await listener.add_listener(CHANNEL, lambda *_: self.notified())
            listener.add_termination_listener(self._lost)
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.info("not caching callers until the database can be listened to (%s)", exc)
            return None
        self.forget()  # whatever changed while nobody listened
        self.listening = True
        return listener
