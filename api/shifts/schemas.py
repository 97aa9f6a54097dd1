"""Shifts, assignments, applications and their history on the wire, and the mappers from rows to them."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID

import msgspec

from api.wire import Camel, Code, Instant, Out, SkillCode, at
from flexpool.db import applications as applications_db
from flexpool.db import assignments as assignments_db
from flexpool.db.audit import AuditEvent
from flexpool.db.shifts import Shift as StoredShift
from flexpool.domain import waves
from flexpool.domain.vocabulary import (
    ApplicationStatus,
    AssignmentStatus,
    BookingMode,
    ShiftStatus,
    Tier,
)


class ShiftIn(Camel):
    site_id: UUID
    function: Code
    starts_at: Instant
    ends_at: Instant
    break_minutes: Annotated[int, msgspec.Meta(ge=0, le=720)]
    skills: Annotated[list[SkillCode], msgspec.Meta(max_length=50)] = []
    places: Annotated[int, msgspec.Meta(ge=1, le=100)] = 1
    booking: BookingMode = BookingMode.INSTANT
    description: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    urgent: bool = False
    organisation_id: UUID | None = None
    students_welcome: bool = False  # students of the stage pool may take it; name who supervises them
    supervisor_function: Code | None = None


class ShiftBatchIn(Camel):
    shifts: Annotated[list[ShiftIn], msgspec.Meta(min_length=1, max_length=500)]


class AssignIn(Camel):
    worker_id: UUID


class SiteRef(Out):
    id: UUID
    name: str
    address: str | None
    city: str | None


class Assignment(Out):
    id: UUID
    shift_id: UUID
    worker_id: UUID
    worker_name: str
    organisation_id: UUID
    organisation_name: str
    home_organisation_id: UUID
    site: SiteRef
    function: Code
    status: AssignmentStatus
    starts_at: datetime
    ends_at: datetime
    break_minutes: int
    paid_minutes: int
    booked_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str | None
    late_cancellation: bool
    cancellable_until: datetime | None = msgspec.field(default=None)  # the worker may cancel until then


class Application(Out):
    id: UUID
    shift_id: UUID
    worker_id: UUID
    worker_name: str
    worker_function: str
    status: ApplicationStatus
    created_at: datetime
    decided_at: datetime | None
    reason: str | None


class Shift(Out, omit_defaults=True):
    id: UUID
    organisation_id: UUID
    organisation_name: str
    site_id: UUID
    site: SiteRef
    function: Code
    skills: list[str]
    starts_at: datetime
    ends_at: datetime
    break_minutes: int
    paid_minutes: int
    places: int
    places_filled: int
    booking: BookingMode
    status: ShiftStatus
    tier: Tier
    urgent: bool
    published_at: datetime
    partners_at: datetime
    region_at: datetime
    description: str | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    students_welcome: bool = False
    supervisor_function: str | None = None
    series_id: UUID | None = None
    assignments: list[Assignment] | None = None
    applications: list[Application] | None = None


class Candidate(Out):
    """A worker who passes every check of an accept for this shift now (all but the tier)."""

    worker_id: UUID
    name: str
    function: Code
    home_organisation_id: UUID
    home_organisation_name: str | None
    distance_km: int | None  # whole kilometres at best: never a finer location of a person
    within_availability: bool


class HistoryEvent(AuditEvent, frozen=True, kw_only=True, rename="camel"):
    pass


def shift_status(s: StoredShift, now: datetime) -> ShiftStatus:
    if s.status == ShiftStatus.CANCELLED:
        return ShiftStatus.CANCELLED
    if s.ends_at <= now:
        return ShiftStatus.COMPLETED
    return s.status


def shift_out(s: StoredShift, now: datetime, assignments: list[assignments_db.Assignment] | None = None,
              applications: list[applications_db.Application] | None = None) -> Shift:
    return Shift(
        id=s.id, organisation_id=s.organisation_id, organisation_name=s.organisation_name,
        site_id=s.site_id, site=SiteRef(s.site_id, s.site_name, s.site_address, s.site_city),
        function=s.function, skills=list(s.skills), starts_at=at(s.starts_at),
        ends_at=at(s.ends_at), break_minutes=s.break_minutes,
        paid_minutes=s.paid_minutes, places=s.places,
        places_filled=s.places_filled, booking=s.booking, status=shift_status(s, now),
        tier=waves.tier(waves.WaveSchedule(s.partners_at, s.region_at), now), urgent=s.urgent,
        published_at=at(s.published_at), partners_at=at(s.partners_at), region_at=at(s.region_at),
        description=s.description, cancelled_at=at(s.cancelled_at), cancel_reason=s.cancel_reason,
        students_welcome=s.students_welcome, supervisor_function=s.supervisor_function, series_id=s.series_id,
        assignments=[assignment_out(a) for a in assignments] if assignments is not None else None,
        applications=[application_out(a) for a in applications] if applications is not None else None)


def assignment_out(a: assignments_db.Assignment) -> Assignment:
    return Assignment(
        id=a.id, shift_id=a.shift_id, worker_id=a.worker_id, worker_name=a.worker_name,
        organisation_id=a.organisation_id, organisation_name=a.organisation_name,
        home_organisation_id=a.home_organisation_id, site=SiteRef(a.site_id, a.site_name, a.site_address, a.site_city),
        function=a.function, status=a.status, starts_at=at(a.starts_at), ends_at=at(a.ends_at),
        break_minutes=a.break_minutes, paid_minutes=a.paid_minutes, booked_at=at(a.booked_at),
        cancelled_at=at(a.cancelled_at), cancel_reason=a.cancel_reason, late_cancellation=a.late_cancellation,
        cancellable_until=at(a.starts_at - timedelta(minutes=a.worker_cancel_window_minutes))
        if a.status == AssignmentStatus.BOOKED else None)


def application_out(a: applications_db.Application) -> Application:
    return Application(id=a.id, shift_id=a.shift_id, worker_id=a.worker_id, worker_name=a.worker_name,
                          worker_function=a.worker_function, status=a.status, created_at=at(a.created_at),
                          decided_at=at(a.decided_at), reason=a.reason)


def history_out(e: AuditEvent) -> HistoryEvent:
    return HistoryEvent(id=e.id, subject_type=e.subject_type, subject_id=e.subject_id, action=e.action,
                        actor_user_id=e.actor_user_id, actor_name=e.actor_name, reason=e.reason, data=e.data,
                        at=at(e.at))
