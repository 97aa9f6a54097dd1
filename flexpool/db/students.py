"""Students of the stage pool (BBL) and the hours they worked, per organisation: what their school asks for."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.rows import many


class StudentHours(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One student's work at one organisation in a period: booked shifts, minus no-shows; the minutes as
    confirmed, else as planned (which is what they become without action)."""

    worker_id: UUID
    name: str
    school: str
    level: str
    home_organisation_id: UUID
    organisation_id: UUID
    organisation_name: str
    shifts: int
    minutes: int
    confirmed_minutes: int


# Booked shifts of students, minus no-shows, per student and organisation; the minutes as confirmed, else as
# planned (which is what they become without action).
HOURS = (
    "SELECT w.id AS worker_id, u.name, w.student_school AS school, w.student_level AS level, "
    "       w.organisation_id AS home_organisation_id, a.organisation_id, o.name AS organisation_name, "
    "       count(*)::int AS shifts, sum(coalesce(t.worked_minutes, a.paid_minutes))::int AS minutes, "
    "       coalesce(sum(t.worked_minutes), 0)::int AS confirmed_minutes "
    "FROM assignments a JOIN workers w ON w.id = a.worker_id JOIN users u ON u.id = w.user_id "
    "JOIN organisations o ON o.id = a.organisation_id LEFT JOIN timesheets t ON t.assignment_id = a.id "
    "WHERE w.region_id = $1 AND w.student_school IS NOT NULL AND a.status = 'booked' "
    "  AND a.starts_at >= $2 AND a.starts_at < $3 AND NOT coalesce(t.no_show, false) "
    "GROUP BY w.id, u.name, a.organisation_id, o.name "
    "ORDER BY w.student_school, u.name, w.id, o.name, a.organisation_id"
)


async def hours(conn: Connection, region_id: UUID, lo: datetime, hi: datetime) -> list[StudentHours]:
    return many(StudentHours, await conn.fetch(HOURS, region_id, lo, hi))
