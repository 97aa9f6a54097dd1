"""What a planner confirms after a shift: the hours worked, or that the worker did not come; and the rules
such a confirmation must keep."""
from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

from flexpool.domain.clock import minutes_between
from flexpool.domain.shifts import FieldError


class HoursWorked(msgspec.Struct, frozen=True):
    """What the planner confirms the worker did: when they started and ended, and the break they took; it
    may differ from the shift as published, and settlement pays what is confirmed."""

    started_at: datetime
    ended_at: datetime
    break_minutes: int = 0

    @property
    def worked_minutes(self) -> int:
        """End − start − break in absolute time, as DOMAIN.md settles it."""
        return minutes_between(self.started_at, self.ended_at) - self.break_minutes


class NoShow(msgspec.Struct, frozen=True):
    """The worker did not come: nothing is owed."""

    worked_minutes: int = 0


Hours = HoursWorked | NoShow


def problems(hours: Hours, planned_start: datetime, now: datetime) -> list[FieldError]:
    """Confirmed hours lie around the planned shift, in the past, and last at most 24 hours with a break
    shorter than the time worked."""
    if isinstance(hours, NoShow):
        return []
    out = []
    if hours.ended_at <= hours.started_at:
        out.append(FieldError("endedAt", "must be after startedAt"))
    elif hours.ended_at - hours.started_at > timedelta(hours=24):
        out.append(FieldError("endedAt", "at most 24 hours after startedAt"))
    elif hours.break_minutes >= minutes_between(hours.started_at, hours.ended_at):
        out.append(FieldError("breakMinutes", "must be shorter than the time worked"))
    if abs(hours.started_at - planned_start) > timedelta(hours=12):
        out.append(FieldError("startedAt", "more than 12 hours from the planned start"))
    if hours.ended_at > now:
        out.append(FieldError("endedAt", "lies in the future"))
    return out
