"""The audit trail of shifts, applications and assignments: who did what, when and why."""
from __future__ import annotations


async def record(conn, *, organisation_id, shift_id, subject_type, subject_id, action, actor, at, reason=None,
                 data=None) -> None:
    await conn.execute(
        "INSERT INTO audit_events (organisation_id, shift_id, subject_type, subject_id, action, actor_user_id, "
        "reason, data, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        organisation_id, shift_id, subject_type, subject_id, action, actor, reason, data or {}, at)


async def for_shift(conn, shift_id):
    return await conn.fetch(
        "SELECT e.*, u.name AS actor_name FROM audit_events e LEFT JOIN users u ON u.id = e.actor_user_id "
        "WHERE e.shift_id = $1 ORDER BY e.id", shift_id)
