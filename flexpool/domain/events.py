"""What a use case did, as a value: the audit trail records it and the people it concerns hear of it.

A use case decides, then hands its events to one place (flexpool.services.effects) that writes the audit row
and the outbox rows in the use case's transaction, so "decide, audit, notify" is not written out per use
case and a change and its notifications commit (or vanish) together."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from flexpool.domain.vocabulary import NotificationKind


class Planners(msgspec.Struct, frozen=True):
    """The planners of an organisation."""

    organisation_id: UUID


class Admins(msgspec.Struct, frozen=True):
    """The orgAdmins of an organisation (who consent for it, e.g. to a secondment of its worker)."""

    organisation_id: UUID


class WorkerOf(msgspec.Struct, frozen=True):
    """The person behind a worker profile."""

    worker_id: UUID


class Users(msgspec.Struct, frozen=True):
    user_ids: tuple[UUID, ...]


Audience = Planners | Admins | WorkerOf | Users


class Notice(msgspec.Struct, frozen=True, kw_only=True):
    """A notification to send: to whom, of what kind, with what it shows. One per event and person (`key`)."""

    to: Audience
    kind: NotificationKind
    key: str
    data: dict[str, Any]
    urgent: bool = False


class Event(msgspec.Struct, frozen=True, kw_only=True):
    """One change to a subject (a shift, an application, an assignment, a region's settings), by someone."""

    subject_type: str
    subject_id: UUID
    action: str
    actor: UUID | None
    at: datetime
    organisation_id: UUID | None = None
    shift_id: UUID | None = None
    region_id: UUID | None = None
    reason: str | None = None
    data: dict[str, Any] = {}
    notices: tuple[Notice, ...] = ()
