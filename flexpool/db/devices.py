"""FCM device tokens of a user; a token belongs to one user at a time (a phone changes hands)."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.rows import many
from flexpool.domain.vocabulary import Platform


class PreviousOwner(msgspec.Struct, frozen=True):
    """Whose phone a token was before someone else registered it."""

    user_id: UUID
    region_id: UUID | None


async def upsert(conn: Connection, user_id: UUID, token: str, platform: str) -> PreviousOwner | None:
    """Registers or refreshes the token; returns the previous owner (and region) when it belonged to
    someone else."""
    previous = await conn.fetchrow(
        "SELECT d.user_id, u.region_id FROM devices d JOIN users u ON u.id = d.user_id WHERE d.token = $1 FOR UPDATE",
        token)
    await conn.execute(
        "INSERT INTO devices (token, user_id, platform) VALUES ($1, $2, $3) "
        "ON CONFLICT (token) DO UPDATE SET user_id = EXCLUDED.user_id, platform = EXCLUDED.platform, "
        "last_seen_at = now()", token, user_id, platform)
    return PreviousOwner(**previous) if previous is not None and previous["user_id"] != user_id else None


async def lock_user(conn: Connection, user_id: UUID) -> None:
    """Serialises one user's registrations, so the bound on devices holds under concurrent calls."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('devices:' || $1::text))", str(user_id))


async def keep_newest(conn: Connection, user_id: UUID, limit: int) -> int:
    """Forgets the user's least recently seen devices beyond `limit`; returns how many."""
    result = await conn.execute(
        "DELETE FROM devices WHERE token IN (SELECT token FROM devices WHERE user_id = $1 "
        "ORDER BY last_seen_at DESC, created_at DESC OFFSET $2)", user_id, limit)
    return int(result.split()[-1])


async def delete(conn: Connection, user_id: UUID, token: str) -> bool:
    return await conn.execute("DELETE FROM devices WHERE token = $1 AND user_id = $2", token, user_id) != "DELETE 0"


class Device(msgspec.Struct, frozen=True):
    token: str
    platform: Platform
    last_seen_at: datetime


async def list_for_user(conn: Connection, user_id: UUID) -> list[Device]:
    return many(Device, await conn.fetch("SELECT token, platform, last_seen_at FROM devices WHERE user_id = $1 "
                                         "ORDER BY last_seen_at DESC", user_id))
