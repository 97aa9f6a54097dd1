"""The signed-in user's shapes: profile, preferences, availability, devices, notifications, calendar."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from api.organisations.schemas import Worker
from api.wire import Camel, Out
from flexpool.domain.vocabulary import (
    Digest,
    Language,
    NotificationKind,
    NotificationStatus,
    Platform,
    Role,
)

ClockTime = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM, local")]


Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class QuietHoursIn(Camel):
    from_: ClockTime = msgspec.field(name="from")
    to: ClockTime


class AvailabilityIn(Camel):
    """A weekly window on the local clock; `to` at or before `from` runs past midnight, equal is all day."""

    day: Day
    from_: ClockTime = msgspec.field(name="from")
    to: ClockTime


class Availability(Out):
    day: str
    from_: str = msgspec.field(name="from")
    to: str


class PreferencesIn(Camel):
    opted_in: bool | msgspec.UnsetType = msgspec.UNSET
    nights: bool | msgspec.UnsetType = msgspec.UNSET
    quiet_hours: QuietHoursIn | None | msgspec.UnsetType = msgspec.UNSET
    digest: Digest | msgspec.UnsetType = msgspec.UNSET
    max_travel_km: Annotated[int, msgspec.Meta(ge=0, le=1000)] | None | msgspec.UnsetType = msgspec.UNSET
    language: Language | msgspec.UnsetType = msgspec.UNSET
    # When extra shifts suit: waves notify only shifts inside a window (none: any time), and not beyond the
    # weekly cap of extra minutes. A wish, not a rule: a shift outside it can still be accepted.
    availability: Annotated[list[AvailabilityIn], msgspec.Meta(max_length=28)] | None | msgspec.UnsetType = \
        msgspec.UNSET
    max_extra_minutes_per_week: Annotated[int, msgspec.Meta(ge=0, le=10080)] | None | msgspec.UnsetType = \
        msgspec.UNSET


class QuietHours(Out):
    from_: str = msgspec.field(name="from")
    to: str


class Preferences(Out):
    language: str
    digest: str
    quiet_hours: QuietHours | None
    opted_in: bool | None
    nights: bool | None
    max_travel_km: int | None
    availability: list[Availability] | None = None
    max_extra_minutes_per_week: int | None = None


class Grant(Out):
    role: Role
    organisation_id: UUID | None
    organisation_name: str | None
    region_id: UUID


class Me(Out):
    id: UUID
    email: str
    name: str
    roles: list[Grant]
    organisations: list[UUID]
    preferences: Preferences
    worker: Worker | None


class DeviceIn(Camel):
    platform: Platform


class Device(Out):
    token: str
    platform: str
    last_seen_at: datetime


class Notification(Out):
    id: int
    kind: NotificationKind
    title: str
    body: str
    data: dict
    urgent: bool
    status: NotificationStatus
    created_at: datetime
    sent_at: datetime | None


class CalendarLink(Out):
    url: str
