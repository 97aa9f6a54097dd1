"""Series on the wire: a series with its shifts, what a series accept did, and the blockers per shift."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from api.shifts.schemas import Application, Assignment, Shift, ShiftIn, application_out, assignment_out, shift_out
from api.wire import Camel, Out
from flexpool.domain.vocabulary import BookingMode, ShiftStatus
from flexpool.services.series import SeriesBooking, SeriesView


class SeriesIn(Camel):
    """Shifts of one organisation that a worker takes as a whole, all or none (2 to 100, not overlapping)."""

    shifts: Annotated[list[ShiftIn], msgspec.Meta(min_length=2, max_length=100)]
    booking: BookingMode = BookingMode.INSTANT
    organisation_id: UUID | None = None


class Series(Out):
    id: UUID
    organisation_id: UUID
    organisation_name: str
    booking: BookingMode
    status: ShiftStatus  # open while a shift ahead has a place left; filled; completed; cancelled
    created_at: datetime
    shifts: list[Shift]


class SeriesAccepted(Out):
    series_id: UUID
    status: str  # booked, or pending (approval)
    assignments: list[Assignment]
    applications: list[Application]


def series_status(view: SeriesView, now: datetime) -> ShiftStatus:
    live = [s for s in view.shifts if s.status != ShiftStatus.CANCELLED]
    if not live:
        return ShiftStatus.CANCELLED
    ahead = [s for s in live if s.ends_at > now]
    if not ahead:
        return ShiftStatus.COMPLETED
    return ShiftStatus.OPEN if any(s.places_filled < s.places and s.starts_at > now for s in ahead) \
        else ShiftStatus.FILLED


def series_out(view: SeriesView, now: datetime) -> Series:
    s = view.series
    return Series(id=s.id, organisation_id=s.organisation_id, organisation_name=s.organisation_name, booking=s.booking,
                  status=series_status(view, now), created_at=s.created_at,
                  shifts=[shift_out(x, now) for x in view.shifts])


def booking_out(b: SeriesBooking) -> SeriesAccepted:
    return SeriesAccepted(series_id=b.series_id, status="pending" if b.applications else "booked",
                            assignments=[assignment_out(a) for a in b.assignments],
                            applications=[application_out(a) for a in b.applications])
