"""The one place events become audit rows and outbox rows, in the caller's transaction."""
from __future__ import annotations

from uuid import UUID

from asyncpg import Connection

from flexpool.db import audit as audit_db
from flexpool.db import outbox
from flexpool.domain.events import Admins, Audience, Event, Planners, Users, WorkerOf


async def record(conn: Connection, *events: Event) -> None:
    for e in events:
        await audit_db.record(conn, organisation_id=e.organisation_id, shift_id=e.shift_id,
                              subject_type=e.subject_type, subject_id=e.subject_id, action=e.action, actor=e.actor,
                              at=e.at, reason=e.reason, data=e.data, region_id=e.region_id)
        for n in e.notices:
            await outbox.enqueue(conn, user_ids=await _users(conn, n.to), kind=n.kind, dedupe_key=n.key,
                                 data=n.data, now=e.at, urgent=n.urgent)


async def _users(conn: Connection, audience: Audience) -> list[UUID]:
    match audience:
        case Planners(organisation_id):
            return await outbox.planners_of(conn, organisation_id)
        case Admins(organisation_id):
            return await outbox.planners_of(conn, organisation_id, "orgAdmin")
        case WorkerOf(worker_id):
            user = await outbox.user_of_worker(conn, worker_id)
            return [user] if user is not None else []
        case Users(user_ids):
            return list(user_ids)
