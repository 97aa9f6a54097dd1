"""Everything FlexPool holds on one person (export), and its erasure with what the law keeps."""
from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.callers import changes_callers

# One query per kind of record: each returns JSON rows, so the export shows the data as it is stored.
EXPORT = {
    "account": "SELECT id, email, name, language, quiet_from, quiet_to, digest, created_at FROM users WHERE id = $1",
    "roles": "SELECT m.role, m.organisation_id, o.name AS organisation_name, m.created_at FROM memberships m "
             "LEFT JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id = $1 ORDER BY m.created_at",
    "workerProfiles": "SELECT w.id, w.organisation_id, w.date_of_birth, w.home_postcode, w.home_latitude, "
                      "w.home_longitude, w.function, w.skills, w.contract_minutes_per_week, w.employer_opt_in, "
                      "w.worker_opt_in, w.max_loan_minutes_per_month, w.nights, w.max_travel_km, "
                      "w.max_extra_minutes_per_week, w.student_school, w.student_level, w.student_supervisor_function, "
                      "w.created_at, w.ended_at FROM workers w WHERE w.user_id = $1",
    "credentials": "SELECT c.kind, c.number, c.valid_until, c.created_at FROM credentials c "
                   "JOIN workers w ON w.id = c.worker_id WHERE w.user_id = $1",
    "availability": "SELECT a.weekday, a.start_minute, a.length_minutes FROM availability_windows a "
                    "JOIN workers w ON w.id = a.worker_id WHERE w.user_id = $1",
    "excludedOrganisations": "SELECT e.organisation_id FROM worker_excluded_organisations e "
                             "JOIN workers w ON w.id = e.worker_id WHERE w.user_id = $1",
    "homeRoster": "SELECT r.starts_at, r.ends_at, r.break_minutes, r.secondment_id FROM roster_blocks r "
                  "JOIN workers w ON w.id = r.worker_id WHERE w.user_id = $1 ORDER BY r.starts_at",
    "secondments": "SELECT s.id, s.lender_id, s.borrower_id, s.site_id, s.function, s.starts_on, s.ends_on, "
                   "s.minutes_per_week, s.note, s.status, s.proposed_at, s.worker_approved_at, s.ended_at "
                   "FROM secondments s JOIN workers w ON w.id = s.worker_id WHERE w.user_id = $1 ORDER BY s.proposed_at",
    "assignments": "SELECT a.id, a.shift_id, a.organisation_id, a.starts_at, a.ends_at, a.break_minutes, a.status, "
                   "a.booked_at, a.cancelled_at, a.cancel_reason FROM assignments a JOIN workers w ON w.id = a.worker_id "
                   "WHERE w.user_id = $1 ORDER BY a.starts_at",
    "timesheets": "SELECT t.assignment_id, t.started_at, t.ended_at, t.break_minutes, t.no_show, t.worked_minutes, "
                  "t.confirmed_at FROM timesheets t JOIN assignments a ON a.id = t.assignment_id "
                  "JOIN workers w ON w.id = a.worker_id WHERE w.user_id = $1",
    "applications": "SELECT ap.id, ap.shift_id, ap.status, ap.created_at FROM applications ap "
                    "JOIN workers w ON w.id = ap.worker_id WHERE w.user_id = $1",
    "devices": "SELECT token, platform, created_at, last_seen_at FROM devices WHERE user_id = $1",
    "notifications": "SELECT id, kind, data, status, created_at, sent_at FROM notifications WHERE user_id = $1 "
                     "ORDER BY id",
    "invitations": "SELECT id, organisation_id, kind, roles, status, created_at, decided_at FROM invitations "
                   "WHERE user_id = $1",
    "actions": "SELECT subject_type, subject_id, action, reason, at FROM audit_events WHERE actor_user_id = $1 "
               "ORDER BY id",
}


async def export(conn: Connection, user_id: UUID) -> dict[str, list]:
    out = {}
    for key, sql in EXPORT.items():
        out[key] = await conn.fetchval(f"SELECT coalesce(json_agg(x), '[]'::json) FROM ({sql}) x", user_id)
    return out


async def erase_worker(conn: Connection, worker_id: UUID, keep_roster_from: datetime, now: datetime) -> None:
    """The worker profile: every personal detail goes; roster blocks of the retention period (working-time
    records) stay; assignments and timesheets stay, linked to a pseudonymised account."""
    for table in ("credentials", "availability_windows", "worker_excluded_organisations", "blocked_workers"):
        await conn.execute(f"DELETE FROM {table} WHERE worker_id = $1", worker_id)
    await conn.execute("DELETE FROM roster_blocks WHERE worker_id = $1 AND (ends_at < $2 OR starts_at > $3)",
                       worker_id, keep_roster_from, now)
    await conn.execute(
        "UPDATE workers SET date_of_birth = NULL, home_postcode = NULL, home_latitude = NULL, home_longitude = NULL, "
        "skills = '{}', max_travel_km = NULL, max_loan_minutes_per_month = NULL, max_extra_minutes_per_week = NULL, "
        "student_school = NULL, student_level = NULL, student_supervisor_function = NULL, erased_at = $2, "
        "updated_at = $2 WHERE id = $1", worker_id, now)


async def has_other_ties(conn: Connection, user_id: UUID) -> bool:
    """Roles or an active worker profile left: the account is still someone's colleague somewhere."""
    return await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = $1) "
        "OR EXISTS (SELECT 1 FROM workers WHERE user_id = $1 AND ended_at IS NULL)", user_id)


@changes_callers
async def erase_account(conn: Connection, user_id: UUID, pseudonym: str, secret: str, now: datetime) -> None:
    """Contact details, devices, the inbox and invitations go; the account row stays as a pseudonym, since
    assignments and audit trails point at it."""
    await conn.execute("DELETE FROM devices WHERE user_id = $1", user_id)
    await conn.execute("DELETE FROM notifications WHERE user_id = $1", user_id)
    await conn.execute("DELETE FROM invitations WHERE user_id = $1", user_id)
    await conn.execute("DELETE FROM idempotency_keys WHERE user_id = $1", user_id)
    await conn.execute(
        "UPDATE users SET email = 'erased-' || id || '@erased.invalid', name = $2, quiet_from = NULL, "
        "quiet_to = NULL, calendar_secret = $3, erased_at = $4 WHERE id = $1", user_id, pseudonym, secret, now)


class Purged(msgspec.Struct, frozen=True):
    """How many roster blocks went, and how many statement lines lost the name they kept."""

    roster_blocks: int
    statement_lines: int


async def purge_expired(conn: Connection, roster_before: datetime, statements_before: date, pseudonym: str) -> Purged:
    """What the law kept of erased workers goes once its period is over: roster blocks older than the
    working-time retention, and the name on statement lines older than the fiscal one."""
    blocks = await conn.execute(
        "DELETE FROM roster_blocks r USING workers w WHERE w.id = r.worker_id AND w.erased_at IS NOT NULL "
        "AND r.ends_at < $1", roster_before)
    lines = await conn.execute(
        "UPDATE statement_lines l SET worker_name = $2 FROM assignments a JOIN workers w ON w.id = a.worker_id "
        "WHERE l.assignment_id = a.id AND w.erased_at IS NOT NULL AND l.work_date < $1 AND l.worker_name <> $2",
        statements_before, pseudonym)
    return Purged(int(blocks.split()[-1]), int(lines.split()[-1]))
