"""What the coordinator needs to keep push delivery healthy."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

from api.wire import Out
from flexpool.domain.vocabulary import (
    NotificationKind,
    NotificationStatus,
)


class DeadLetter(Out):
    id: int
    user_id: UUID
    kind: NotificationKind
    status: NotificationStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    data: dict
