"""Database rows to wire shapes for shifts, assignments and applications."""
from __future__ import annotations

from datetime import datetime, timedelta

from api.schemas import ApplicationOut, AssignmentOut, HistoryEvent, Shift, SiteRef, at
from flexpool.domain import waves
from flexpool.domain.shifts import paid_minutes
from flexpool.domain.vocabulary import ShiftStatus


def shift_status(row, now: datetime) -> ShiftStatus:
    if row["status"] == ShiftStatus.CANCELLED:
        return ShiftStatus.CANCELLED
    if row["ends_at"] <= now:
        return ShiftStatus.COMPLETED
    return ShiftStatus(row["status"])


def shift_out(row, now: datetime, assignments=None, applications=None) -> Shift:
    return Shift(
        id=row["id"], organisation_id=row["organisation_id"], organisation_name=row["organisation_name"],
        site_id=row["site_id"], site=SiteRef(row["site_id"], row["site_name"], row["site_address"], row["site_city"]),
        function=row["function"], skills=list(row["skills"]), starts_at=at(row["starts_at"]),
        ends_at=at(row["ends_at"]), break_minutes=row["break_minutes"],
        paid_minutes=paid_minutes(row["starts_at"], row["ends_at"], row["break_minutes"]), places=row["places"],
        places_filled=row["places_filled"], booking=row["booking"], status=shift_status(row, now),
        tier=waves.tier(waves.WaveSchedule(row["partners_at"], row["region_at"]), now), urgent=row["urgent"],
        published_at=at(row["published_at"]), partners_at=at(row["partners_at"]), region_at=at(row["region_at"]),
        description=row["description"], cancelled_at=at(row["cancelled_at"]), cancel_reason=row["cancel_reason"],
        assignments=[assignment_out(a) for a in assignments] if assignments is not None else None,
        applications=[application_out(a) for a in applications] if applications is not None else None)


def assignment_out(row) -> AssignmentOut:
    return AssignmentOut(
        id=row["id"], shift_id=row["shift_id"], worker_id=row["worker_id"], worker_name=row["worker_name"],
        organisation_id=row["organisation_id"], organisation_name=row["organisation_name"],
        home_organisation_id=row["home_organisation_id"],
        site=SiteRef(row["site_id"], row["site_name"], row["site_address"], row["site_city"]), function=row["function"],
        status=row["status"], starts_at=at(row["starts_at"]), ends_at=at(row["ends_at"]),
        break_minutes=row["break_minutes"],
        paid_minutes=paid_minutes(row["starts_at"], row["ends_at"], row["break_minutes"]),
        booked_at=at(row["booked_at"]), cancelled_at=at(row["cancelled_at"]), cancel_reason=row["cancel_reason"],
        late_cancellation=row["late_cancellation"],
        cancellable_until=at(row["starts_at"] - timedelta(minutes=row["worker_cancel_window_minutes"]))
        if row["status"] == "booked" and row.get("worker_cancel_window_minutes") is not None else None)


def application_out(row) -> ApplicationOut:
    return ApplicationOut(id=row["id"], shift_id=row["shift_id"], worker_id=row["worker_id"],
                          worker_name=row["worker_name"], worker_function=row["worker_function"], status=row["status"],
                          created_at=at(row["created_at"]), decided_at=at(row["decided_at"]), reason=row["reason"])


def history_out(row) -> HistoryEvent:
    return HistoryEvent(id=row["id"], subject_type=row["subject_type"], subject_id=row["subject_id"],
                        action=row["action"], actor_user_id=row["actor_user_id"], actor_name=row["actor_name"],
                        reason=row["reason"], data=row["data"], at=at(row["at"]))
