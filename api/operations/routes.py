"""Operator views for the coordinator: dead-lettered notifications, and retrying them."""
from __future__ import annotations

from datetime import datetime

from asyncpg import Connection
from litestar import Controller, get, post

from api.operations.schemas import DeadLetter
from api.pagination import Cursor, Limit, Page, page_of
from api.wire import at
from flexpool.db.notifications import Notification
from flexpool.services import operations
from flexpool.services.principal import Principal


def dead_letter_out(n: Notification) -> DeadLetter:
    return DeadLetter(id=n.id, user_id=n.user_id, kind=n.kind, status=n.status, attempts=n.attempts,
                      last_error=n.last_error, created_at=at(n.created_at), data=n.data)


class OperationsController(Controller):
    path = "/v1/notifications"
    tags = ["operations"]

    @get("/dead-letters", summary="Notifications that could not be delivered after the last attempt")
    async def dead_letters(self, conn: Connection, p: Principal, limit: Limit = 50, cursor: Cursor = None) -> Page[DeadLetter]:
        rows = await operations.dead_letters(conn, p)
        return page_of([dead_letter_out(r) for r in rows], limit, cursor, lambda d: (f"{10**12 - d.id:013d}",), parts=1)

    @post("/{notification_id:int}/retry", status_code=200, summary="Retry a dead-lettered notification")
    async def retry(self, conn: Connection, p: Principal, now: datetime, notification_id: int) -> DeadLetter:
        return dead_letter_out(await operations.retry(conn, p, notification_id, now))
