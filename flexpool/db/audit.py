"""The audit trail of shifts, applications and assignments: who did what, when and why."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.rows import many


async def record(conn: Connection, *, organisation_id: UUID | None, shift_id: UUID | None, subject_type: str, subject_id: UUID,
                 action: str, actor: UUID | None, at: datetime, reason: str | None = None,
                 data: dict[str, Any] | None=None, region_id: UUID | None = None) -> None:
    await conn.execute(
        "INSERT INTO audit_events (organisation_id, shift_id, subject_type, subject_id, action, actor_user_id, "
        "reason, data, at, region_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        organisation_id, shift_id, subject_type, subject_id, action, actor, reason, data or {}, at, region_id)


async def acted_with_key(conn: Connection, subject_id: UUID, actor: UUID, request_key: str) -> bool:
    """Whether this actor's request with this Idempotency-Key already acted on the subject (its retry then
    gets the state it committed, not a refusal of a second time)."""
    return bool(await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM audit_events WHERE subject_id = $1 AND actor_user_id = $2 "
        "AND data->>'requestKey' = $3)", subject_id, actor, request_key))


class AuditEvent(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One line of the trail, with the name of whoever acted (None: the system); the API shows it as it is
    (api.shifts.schemas.HistoryEvent), in the region's local offset."""

    id: int
    subject_type: str
    subject_id: UUID
    action: str
    actor_user_id: UUID | None
    actor_name: str | None
    reason: str | None
    data: dict[str, Any]
    at: datetime


SELECT = ("SELECT e.id, e.subject_type, e.subject_id, e.action, e.actor_user_id, u.name AS actor_name, e.reason, "
          "e.data, e.at FROM audit_events e LEFT JOIN users u ON u.id = e.actor_user_id")


async def for_region(conn: Connection, region_id: UUID, *, before_id: int | None = None,
                     limit: int = 50) -> list[AuditEvent]:
    """Changes of the region's and its organisations' settings, newest first."""
    return many(AuditEvent, await conn.fetch(
        SELECT + " WHERE e.region_id = $1 AND ($2::bigint IS NULL OR e.id < $2) ORDER BY e.id DESC LIMIT $3",
        region_id, before_id, limit))


async def for_shift(conn: Connection, shift_id: UUID) -> list[AuditEvent]:
    return many(AuditEvent, await conn.fetch(SELECT + " WHERE e.shift_id = $1 ORDER BY e.id", shift_id))
