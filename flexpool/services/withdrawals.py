"""A booking withdraws the worker's other pending applications that now conflict with it (CONTRACT.md)."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

from asyncpg import Connection

from flexpool.db import applications as applications_db
from flexpool.db import shifts as shifts_db
from flexpool.db.workers import AcceptingWorker
from flexpool.domain.events import Event
from flexpool.domain.model import OTHER_WORK
from flexpool.domain.vocabulary import ApplicationStatus, BlockerType
from flexpool.services import conflicts, effects, regions


async def conflicting_applications(conn: Connection, worker: AcceptingWorker, booked_shift_id: UUID, now: datetime,
                                   region_id: UUID | None) -> None:
    """A booking withdraws the worker's other pending applications that now conflict with it."""
    pending = [a for a in await applications_db.pending_for_worker(conn, worker.id)
               if a.shift_id != booked_shift_id]
    if not pending:
        return
    rules = (await regions.policy(conn, region_id)).rules
    for ap in pending:
        shift = await shifts_db.known(conn, ap.shift_id)
        ctx = await conflicts.WorkerContext.load(conn, worker, shift.starts_at, shift.ends_at)
        working_time = [b for b in await conflicts.blockers(conn, ctx, shift, now, rules=rules, check_audience=False)
                        if b.type in OTHER_WORK or b.type == BlockerType.SHIFT_TOO_LONG]
        if working_time:
            await applications_db.decide(conn, ap.id, ApplicationStatus.WITHDRAWN, now=now, by=None,
                                         reason="conflicts with a booked shift")
            await effects.record(conn, Event(
                subject_type="application", subject_id=ap.id, action="withdrawn", actor=None, at=now,
                organisation_id=ap.organisation_id, shift_id=ap.shift_id,
                reason="conflicts with another booked shift"))
