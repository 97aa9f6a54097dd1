"""What operators (the region's coordinator) need to see and do: dead-lettered notifications."""
from __future__ import annotations

from datetime import datetime

from asyncpg import Connection

from flexpool.db import notifications as notifications_db
from flexpool.db.notifications import Notification
from flexpool.domain.vocabulary import NotificationStatus, ProblemType
from flexpool.services.errors import Conflict, NotFound
from flexpool.services.principal import Principal


async def dead_letters(conn: Connection, p: Principal, limit: int = 100) -> list[Notification]:
    region = p.require_coordinator()
    return await notifications_db.dead_letters_in_region(conn, region, limit)


async def retry(conn: Connection, p: Principal, notification_id: int, now: datetime) -> Notification:
    """Give a dead-lettered notification a fresh set of attempts (after FCM recovered)."""
    region = p.require_coordinator()
    row = await notifications_db.in_region(conn, region, notification_id)
    if row is None:
        raise NotFound("notification")
    if row.status != NotificationStatus.DEAD:
        raise Conflict(ProblemType.CONFLICT, "Only a dead-lettered notification can be retried.")
    return await notifications_db.retry(conn, notification_id, now)
