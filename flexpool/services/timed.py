"""Timed notifications: each is a row that can be written only once (its dedupe key), so a job that runs
twice, or on two replicas at once, has its effect once."""
from __future__ import annotations

from datetime import datetime, timedelta

from flexpool.db import outbox
from flexpool.domain.clock import local

REMINDER_AHEAD = timedelta(hours=12)
CREDENTIAL_NOTICE = timedelta(days=30)


async def reminders(conn, now: datetime) -> int:
    """A reminder to the worker when a booked shift starts within 12 hours."""
    rows = await conn.fetch(
        "SELECT a.id, a.shift_id, w.user_id, s.id AS sid, s.starts_at, s.ends_at, s.function, si.name AS site_name "
        "FROM assignments a JOIN workers w ON w.id = a.worker_id JOIN shifts s ON s.id = a.shift_id "
        "JOIN sites si ON si.id = s.site_id WHERE a.status = 'booked' AND a.starts_at > $1 AND a.starts_at <= $2 "
        "AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = w.user_id "
        "                AND n.dedupe_key = 'reminder:' || a.id::text)", now, now + REMINDER_AHEAD)
    count = 0
    for r in rows:
        data = {"shiftId": str(r["sid"]), "assignmentId": str(r["id"]), "startsAt": r["starts_at"].isoformat(),
                "endsAt": r["ends_at"].isoformat(), "function": r["function"], "siteName": r["site_name"]}
        count += await outbox.enqueue(conn, user_ids=[r["user_id"]], kind="reminder", dedupe_key=f"reminder:{r['id']}",
                                      data=data, now=now)
    return count


async def hours_to_confirm(conn, now: datetime) -> int:
    """After a shift ends, its planners are asked to confirm the hours (until someone did)."""
    rows = await conn.fetch(
        "SELECT a.id, a.organisation_id, s.id AS sid, s.starts_at, s.ends_at, s.function, u.name AS worker_name "
        "FROM assignments a JOIN shifts s ON s.id = a.shift_id JOIN workers w ON w.id = a.worker_id "
        "JOIN users u ON u.id = w.user_id WHERE a.status = 'booked' AND a.ends_at <= $1 "
        "AND a.ends_at > $1 - interval '3 days' "
        "AND NOT EXISTS (SELECT 1 FROM timesheets t WHERE t.assignment_id = a.id)", now)
    count = 0
    for r in rows:
        data = {"shiftId": str(r["sid"]), "assignmentId": str(r["id"]), "startsAt": r["starts_at"].isoformat(),
                "endsAt": r["ends_at"].isoformat(), "function": r["function"], "workerName": r["worker_name"]}
        count += await outbox.enqueue(conn, user_ids=await outbox.planners_of(conn, r["organisation_id"]),
                                      kind="hours-to-confirm", dedupe_key=f"hours:{r['id']}", data=data, now=now)
    return count


async def credential_expiry(conn, now: datetime) -> int:
    """Once per credential and expiry date: the worker and the home employer's admins."""
    today = local(now).date()
    rows = await conn.fetch(
        "SELECT c.id, c.kind, c.valid_until, w.user_id, w.organisation_id, u.name FROM credentials c "
        "JOIN workers w ON w.id = c.worker_id JOIN users u ON u.id = w.user_id "
        "WHERE c.valid_until >= $1 AND c.valid_until <= $2", today, today + CREDENTIAL_NOTICE)
    count = 0
    for r in rows:
        admins = [x["user_id"] for x in await conn.fetch(
            "SELECT user_id FROM memberships WHERE organisation_id = $1 AND role = 'orgAdmin'", r["organisation_id"])]
        data = {"credentialId": str(r["id"]), "kind": r["kind"], "validUntil": r["valid_until"].isoformat(),
                "workerName": r["name"]}
        count += await outbox.enqueue(conn, user_ids=[r["user_id"], *admins], kind="credential-expiry",
                                      dedupe_key=f"credential:{r['id']}:{r['valid_until']}", data=data, now=now)
    return count
