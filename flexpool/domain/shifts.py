"""Rules for publishing a shift: times, breaks, function and skills against the catalogue."""
from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from flexpool.domain.catalogue import Catalogue
from flexpool.domain.clock import minutes_between
from flexpool.domain.vocabulary import BookingMode

PUBLISH_AHEAD = timedelta(days=366)  # rosters are made weeks ahead; a shift years out is a typo


class FieldError(msgspec.Struct, frozen=True):
    field: str
    message: str


def required_break(worked_minutes_without_break: int) -> int:
    """ATW 5:4: more than 5.5 h of work needs 30 min of break, more than 10 h needs 45 min."""
    if worked_minutes_without_break > 10 * 60:
        return 45
    if worked_minutes_without_break > 5 * 60 + 30:
        return 30
    return 0


class ShiftDraft(msgspec.Struct, kw_only=True, frozen=True):
    """The command to publish one shift: what a planner asks for, before the rules have judged it. A published
    shift (flexpool.db.shifts.Shift) is a draft with what publishing added."""

    site_id: UUID
    function: str
    skills: list[str]
    starts_at: datetime
    ends_at: datetime
    break_minutes: int
    places: int
    booking: BookingMode
    description: str | None
    urgent: bool
    students_welcome: bool = False  # students of the stage pool (BBL) may take it, supervised by:
    supervisor_function: str | None = None


def paid_minutes(starts_at: datetime, ends_at: datetime, break_minutes: int) -> int:
    """End − start − break in absolute time (a night across the October change is an hour longer)."""
    return minutes_between(starts_at, ends_at) - break_minutes


def validate_draft(d: ShiftDraft, now: datetime, catalogue: Catalogue, prefix: str = "") -> list[FieldError]:
    """Every rule of publishing for one draft, its fields named under `prefix` (a batch names the item)."""
    errors = validate(function=d.function, skills=d.skills, starts_at=d.starts_at, ends_at=d.ends_at,
                      break_minutes=d.break_minutes, places=d.places, now=now, catalogue=catalogue, prefix=prefix)
    if d.supervisor_function is not None and catalogue.function(d.supervisor_function) is None:
        errors.append(FieldError(prefix + "supervisorFunction",
                                 f"unknown function; one of: {', '.join(catalogue.functions)}"))
    elif d.students_welcome and d.supervisor_function is None:
        errors.append(FieldError(prefix + "supervisorFunction",
                                 "a shift that welcomes students names the function that supervises them"))
    return errors


def validate(*, function: str, skills: list[str], starts_at: datetime, ends_at: datetime, break_minutes: int,
             places: int, now: datetime, catalogue: Catalogue, prefix: str = "") -> list[FieldError]:
    errors: list[FieldError] = []

    def err(field: str, message: str) -> None:
        errors.append(FieldError(prefix + field, message))

    if catalogue.function(function) is None:
        err("function", f"unknown function; one of: {', '.join(catalogue.functions)}")
    for i, code in enumerate(skills):
        if code not in catalogue.skills:
            err(f"skills[{i}]", f"unknown skill; one of: {', '.join(catalogue.skills)}")
    if len(set(skills)) != len(skills):
        err("skills", "a skill is listed twice")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        err("startsAt", "give an offset, e.g. 2026-10-24T23:00:00+02:00")
        return errors
    if not timedelta(0) < starts_at - now <= PUBLISH_AHEAD:
        err("startsAt", "must be in the future, at most a year ahead")
        return errors
    if ends_at <= starts_at:
        err("endsAt", "must be after startsAt")
    elif ends_at - starts_at > timedelta(hours=24):
        err("endsAt", "a shift lasts at most 24 hours")
    if places < 1 or places > 100:
        err("places", "must be between 1 and 100")
    if break_minutes < 0:
        err("breakMinutes", "must not be negative")
    elif ends_at > starts_at:
        duration = minutes_between(starts_at, ends_at)
        if break_minutes >= duration:
            err("breakMinutes", "must be shorter than the shift")
        else:
            need = required_break(duration - break_minutes)
            if break_minutes < need:
                err("breakMinutes", f"{(duration - break_minutes) / 60:.1f} hours of work need at least "
                                    f"{need} minutes of break")
    return errors


def overlapping(drafts: list[ShiftDraft]) -> list[int]:
    """Indexes of drafts that overlap an earlier-starting one (a series is worked by one person)."""
    order = sorted(range(len(drafts)), key=lambda i: drafts[i].starts_at)
    out = []
    latest_end: datetime | None = None
    for i in order:
        if latest_end is not None and drafts[i].starts_at < latest_end:
            out.append(i)
        latest_end = drafts[i].ends_at if latest_end is None else max(latest_end, drafts[i].ends_at)
    return sorted(out)
