"""Invitations: a role or a worker profile offered to someone who already belongs to another organisation."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.rows import many, one
from flexpool.domain.vocabulary import InvitationKind, InvitationStatus, Role


class Invitation(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    region_id: UUID
    organisation_id: UUID
    organisation_name: str
    user_id: UUID
    email: str
    kind: InvitationKind
    roles: list[Role]
    worker: dict[str, Any] | None  # the worker profile to create on acceptance (kind worker)
    status: InvitationStatus
    invited_by: UUID | None
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None


SELECT = """
SELECT i.id, i.region_id, i.organisation_id, o.name AS organisation_name, i.user_id, u.email, i.kind, i.roles,
       i.worker, i.status, i.invited_by, i.created_at, i.expires_at, i.decided_at
FROM invitations i JOIN organisations o ON o.id = i.organisation_id JOIN users u ON u.id = i.user_id
"""


async def upsert_pending(conn: Connection, *, region_id: UUID, organisation_id: UUID, user_id: UUID,
                         kind: InvitationKind, roles: list[str], worker: dict[str, Any] | None,
                         invited_by: UUID, now: datetime, expires_at: datetime) -> UUID:
    """One pending invitation per person, organisation and kind: inviting again renews it."""
    return await conn.fetchval(
        "INSERT INTO invitations (region_id, organisation_id, user_id, kind, roles, worker, invited_by, created_at, "
        "expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "ON CONFLICT (user_id, organisation_id, kind) WHERE status = 'pending' DO UPDATE SET "
        "roles = ARRAY(SELECT DISTINCT unnest(invitations.roles || EXCLUDED.roles) ORDER BY 1), "
        "worker = EXCLUDED.worker, invited_by = EXCLUDED.invited_by, created_at = EXCLUDED.created_at, "
        "expires_at = EXCLUDED.expires_at RETURNING id",
        region_id, organisation_id, user_id, kind, roles, worker, invited_by, now, expires_at)


async def get(conn: Connection, invitation_id: UUID) -> Invitation | None:
    return one(Invitation, await conn.fetchrow(SELECT + " WHERE i.id = $1", invitation_id))


async def lock(conn: Connection, invitation_id: UUID) -> Invitation | None:
    return one(Invitation, await conn.fetchrow(SELECT + " WHERE i.id = $1 FOR UPDATE OF i", invitation_id))


async def pending_for_user(conn: Connection, user_id: UUID, now: datetime) -> list[Invitation]:
    return many(Invitation, await conn.fetch(SELECT + " WHERE i.user_id = $1 AND i.status = 'pending' "
                                             "AND i.expires_at > $2 ORDER BY i.created_at DESC", user_id, now))


async def for_organisation(conn: Connection, organisation_id: UUID) -> list[Invitation]:
    return many(Invitation, await conn.fetch(SELECT + " WHERE i.organisation_id = $1 ORDER BY i.created_at DESC",
                                             organisation_id))


async def decide(conn: Connection, invitation_id: UUID, status: InvitationStatus, now: datetime) -> None:
    await conn.execute("UPDATE invitations SET status = $2, decided_at = $3 WHERE id = $1", invitation_id, status, now)
