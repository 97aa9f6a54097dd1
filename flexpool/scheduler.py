"""Timed work on APScheduler 3, safe with many replicas.

APScheduler's job stores must not be shared between processes, so every replica runs its own in-memory
scheduler and each job body takes a PostgreSQL advisory lock: whichever replica gets it does the work,
the others skip that round. The effects themselves are idempotent rows, so a repeat is harmless.
"""
from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from asyncpg import Connection

from flexpool.db import idempotency, locks, rate_limits
from flexpool.services import announcements, hours, leavers, planning_desk, timed

log = logging.getLogger("flexpool.scheduler")

# A job: its work at an instant, on one connection (the replica holding the job's lock runs it).
Job = Callable[[Connection, datetime], Awaitable[object]]


def enabled() -> bool:
    return os.environ.get("FLEXPOOL_SCHEDULER", "1") not in ("0", "false", "no")


async def run_locked(pool: asyncpg.Pool, name: str, job: Job, now: datetime | None = None) -> bool:
    """Run `job(conn, now)` if no other replica is running the same job; True when it ran here."""
    async with pool.acquire() as conn:
        if not await locks.try_session_lock(conn, name):
            return False
        try:
            await job(conn, now or datetime.now(UTC))
            return True
        finally:
            try:
                await locks.session_unlock(conn, name)
            except BaseException:
                conn.terminate()  # the pool must never hand out a connection that still holds the lock
                raise


async def forget_idle_rate_limits(conn: Connection, now: datetime) -> None:
    await rate_limits.forget_idle(conn, 600)


async def purge_idempotency_keys(conn: Connection, now: datetime) -> None:
    await idempotency.purge_expired(conn, now)


JOBS = {
    "waves": (announcements.announce_due, {"seconds": 30}),
    "reminders": (timed.reminders, {"minutes": 5}),
    "hours-to-confirm": (timed.hours_to_confirm, {"minutes": 5}),
    "credential-expiry": (timed.credential_expiry, {"hours": 1}),
    "auto-confirm-hours": (hours.auto_confirm, {"minutes": 10}),
    "purge-idempotency-keys": (purge_idempotency_keys, {"minutes": 30}),
    "retention": (leavers.purge_expired, {"hours": 6}),
    "still-open": (planning_desk.still_open, {"minutes": 10}),
    "forget-idle-rate-limits": (forget_idle_rate_limits, {"minutes": 30}),
}


def build(pool: asyncpg.Pool, jobs: dict[str, tuple[Job, dict[str, int]]] | None = None,
          clock: Callable[[], datetime] | None = None) -> AsyncIOScheduler:
    """One in-memory scheduler per process; `clock` lets tests run the jobs at a chosen instant."""
    scheduler = AsyncIOScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                                               "misfire_grace_time": 60})
    for name, (job, every) in (jobs or JOBS).items():
        scheduler.add_job(_tick, "interval", args=[pool, name, job, clock], id=name, **every)
    return scheduler


async def _tick(pool: asyncpg.Pool, name: str, job: Job, clock: Callable[[], datetime] | None) -> None:
    try:
        await run_locked(pool, name, job, clock() if clock else None)
    except Exception:
        log.exception("job %s failed", name)


@asynccontextmanager
async def running(app: Any) -> AsyncIterator[AsyncIOScheduler]:
    scheduler = build(app.state.pool)
    scheduler.start()
    log.info("scheduler started with %d jobs", len(JOBS))
    try:
        yield scheduler
    finally:
        scheduler.shutdown(wait=False)
