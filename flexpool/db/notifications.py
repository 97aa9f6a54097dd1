"""Reading a user's notifications (the inbox), and the coordinator's view of the dead letters."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from asyncpg import Connection

from flexpool.db.outbox import CHANNEL
from flexpool.db.rows import many, one
from flexpool.domain.vocabulary import NotificationKind, NotificationStatus


class Notification(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    user_id: UUID
    kind: NotificationKind
    urgent: bool
    data: dict[str, Any]
    status: NotificationStatus
    created_at: datetime
    attempts: int
    last_error: str | None
    title: str | None  # the words as sent (None until then: rendered in the reader's language)
    body: str | None
    sent_at: datetime | None


NOTIFICATION_COLUMNS = ", ".join(f"n.{f}" for f in Notification.__struct_fields__)
SELECT = f"SELECT {NOTIFICATION_COLUMNS} FROM notifications n"
IN_REGION = "(SELECT u.region_id FROM users u WHERE u.id = n.user_id) = $1"


async def inbox(conn: Connection, user_id: UUID, *, before_id: int | None = None, limit: int = 50) -> list[Notification]:
    return many(Notification, await conn.fetch(
        SELECT + " WHERE n.user_id = $1 AND ($2::bigint IS NULL OR n.id < $2) ORDER BY n.id DESC LIMIT $3",
        user_id, before_id, limit))


async def dead_letters_in_region(conn: Connection, region_id: UUID, limit: int = 100) -> list[Notification]:
    return many(Notification, await conn.fetch(
        SELECT + f" WHERE n.status = 'dead' AND {IN_REGION} ORDER BY n.id DESC LIMIT $2", region_id, limit))


async def in_region(conn: Connection, region_id: UUID, notification_id: int) -> Notification | None:
    return one(Notification, await conn.fetchrow(SELECT + f" WHERE n.id = $2 AND {IN_REGION}", region_id,
                                                 notification_id))


async def retry(conn: Connection, notification_id: int, now: datetime) -> Notification:
    """A fresh set of attempts, due now; a dispatcher is woken at once (NOTIFY on commit)."""
    await conn.execute("UPDATE notifications SET status = 'pending', attempts = 0, due_at = $2, last_error = NULL "
                       "WHERE id = $1", notification_id, now)
    await conn.execute("SELECT pg_notify($1, '')", CHANNEL)
    again = one(Notification, await conn.fetchrow(SELECT + " WHERE n.id = $1", notification_id))
    assert again is not None, "the caller found it in its region"
    return again
