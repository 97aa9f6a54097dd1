"""Local time of the region: calendar rules (days, weeks, nights) are judged in Europe/Amsterdam."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(instant: datetime) -> datetime:
    return instant.astimezone(AMSTERDAM)


def utc(instant: datetime) -> datetime:
    """Normalise to UTC: Python compares and subtracts datetimes of the same tzinfo by wall clock, which is
    wrong across a DST change; in UTC, arithmetic is absolute time."""
    return instant.astimezone(UTC)


def at_local(day: date, clock: time) -> datetime:
    """The instant (in UTC) at which the wall clock in Amsterdam shows `clock` on `day`."""
    return utc(datetime.combine(day, clock, tzinfo=AMSTERDAM))


def week_start(instant: datetime) -> date:
    """Monday of the calendar week (Mon–Sun, local) holding `instant`."""
    day = local(instant).date()
    return day - timedelta(days=day.weekday())


def minutes_between(start: datetime, end: datetime) -> int:
    """Whole minutes of absolute time: a night across the October change is an hour longer."""
    return int((utc(end) - utc(start)).total_seconds() // 60)


def wall(instant: datetime) -> datetime:
    """The Amsterdam wall clock as a naive datetime: arithmetic on it counts clock-face time, so the
    repeated hour of the October change counts once and the skipped hour of March not at all."""
    return local(instant).replace(tzinfo=None)


def wall_minutes(start: datetime, end: datetime) -> int:
    """Whole minutes on the clock face: a night across the October change is as long as on the roster."""
    return int((wall(end) - wall(start)).total_seconds() // 60)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# Months: settlement, the loan limit and statements all count calendar months of the Amsterdam wall clock.

def month_of(instant: datetime) -> date:
    """The first day of the Amsterdam calendar month `instant` falls in."""
    return local(instant).date().replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def month_bounds(month: date) -> tuple[date, date]:
    """[first day, first day of the next month)."""
    return month, next_month(month)


def month_instants(month: date) -> tuple[datetime, datetime]:
    """[local midnight of its first day, local midnight of the next month's first day)."""
    return at_local(month, time(0)), at_local(next_month(month), time(0))
