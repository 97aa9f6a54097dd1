"""Invitations: a role or a worker profile offered to someone who already belongs to another organisation."""
from __future__ import annotations

SELECT = """
SELECT i.*, o.name AS organisation_name, u.email
FROM invitations i JOIN organisations o ON o.id = i.organisation_id JOIN users u ON u.id = i.user_id
"""


async def upsert_pending(conn, *, region_id, organisation_id, user_id, kind, roles, worker, invited_by, now, expires_at):
    """One pending invitation per person, organisation and kind: inviting again renews it."""
    return await conn.fetchval(
        "INSERT INTO invitations (region_id, organisation_id, user_id, kind, roles, worker, invited_by, created_at, "
        "expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "ON CONFLICT (user_id, organisation_id, kind) WHERE status = 'pending' DO UPDATE SET "
        "roles = ARRAY(SELECT DISTINCT unnest(invitations.roles || EXCLUDED.roles) ORDER BY 1), "
        "worker = EXCLUDED.worker, invited_by = EXCLUDED.invited_by, created_at = EXCLUDED.created_at, "
        "expires_at = EXCLUDED.expires_at RETURNING id",
        region_id, organisation_id, user_id, kind, roles, worker, invited_by, now, expires_at)


async def get(conn, invitation_id):
    return await conn.fetchrow(SELECT + " WHERE i.id = $1", invitation_id)


async def lock(conn, invitation_id):
    return await conn.fetchrow("SELECT * FROM invitations WHERE id = $1 FOR UPDATE", invitation_id)


async def pending_for_user(conn, user_id, now):
    return await conn.fetch(SELECT + " WHERE i.user_id = $1 AND i.status = 'pending' AND i.expires_at > $2 "
                            "ORDER BY i.created_at DESC", user_id, now)


async def for_user(conn, user_id):
    return await conn.fetch(SELECT + " WHERE i.user_id = $1 ORDER BY i.created_at", user_id)


async def for_organisation(conn, organisation_id):
    return await conn.fetch(SELECT + " WHERE i.organisation_id = $1 ORDER BY i.created_at DESC", organisation_id)


async def decide(conn, invitation_id, status: str, now) -> None:
    await conn.execute("UPDATE invitations SET status = $2, decided_at = $3 WHERE id = $1", invitation_id, status, now)
