"""Timed notifications: each is a row that can be written only once (its dedupe key), so a job that runs
twice, or on two replicas at once, has its effect once."""
from __future__ import annotations

from datetime import datetime, timedelta

from asyncpg import Connection

from flexpool.db import assignments as assignments_db
from flexpool.db import organisations as orgs_db
from flexpool.db import outbox
from flexpool.db import workers as workers_db
from flexpool.domain.clock import local
from flexpool.services.hours import AUTO_CONFIRM_AFTER

REMINDER_AHEAD = timedelta(hours=12)
CREDENTIAL_NOTICE = timedelta(days=30)


async def reminders(conn: Connection, now: datetime) -> int:
    """A reminder to the worker when a booked shift starts within 12 hours."""
    rows = await assignments_db.starting_unreminded(conn, now, now + REMINDER_AHEAD)
    count = 0
    for r in rows:
        data = {"shiftId": str(r.shift_id), "assignmentId": str(r.id), "startsAt": r.starts_at.isoformat(),
                "endsAt": r.ends_at.isoformat(), "function": r.function, "siteName": r.site_name}
        count += await outbox.enqueue(conn, user_ids=[r.user_id], kind="reminder", dedupe_key=f"reminder:{r.id}",
                                      data=data, now=now)
    return count


async def hours_to_confirm(conn: Connection, now: datetime) -> int:
    """After a shift ends, its planners are asked to confirm the hours (until someone did)."""
    rows = await assignments_db.ended_without_hours(conn, now, AUTO_CONFIRM_AFTER)
    count = 0
    for r in rows:
        data = {"shiftId": str(r.shift_id), "assignmentId": str(r.id), "startsAt": r.starts_at.isoformat(),
                "endsAt": r.ends_at.isoformat(), "function": r.function, "workerName": r.worker_name}
        count += await outbox.enqueue(conn, user_ids=await outbox.planners_of(conn, r.organisation_id),
                                      kind="hours-to-confirm", dedupe_key=f"hours:{r.id}", data=data, now=now)
    return count


async def credential_expiry(conn: Connection, now: datetime) -> int:
    """Once per credential and expiry date: the worker and the home employer's admins."""
    today = local(now).date()
    rows = await workers_db.credentials_expiring(conn, today, today + CREDENTIAL_NOTICE)
    count = 0
    for r in rows:
        admins = await orgs_db.admins(conn, r.organisation_id)
        data = {"credentialId": str(r.id), "kind": r.kind, "validUntil": r.valid_until.isoformat(),
                "workerName": r.name}
        count += await outbox.enqueue(conn, user_ids=[r.user_id, *admins], kind="credential-expiry",
                                      dedupe_key=f"credential:{r.id}:{r.valid_until}", data=data, now=now)
    return count
