"""When a worker wants extra shifts: weekly windows on the clock, and a cap on extra minutes a week.

Many willing people offer only a few hours a week (a school run ends at 09:00, an evening is free), and an
offer that never fits them is noise that makes them switch notifications off. So a worker may say when
they are available and how much extra they want; waves notify only shifts that fit, and offers say
whether they fit. It is the worker's own wish, not a rule: a worker may still accept a shift outside it.
"""
from __future__ import annotations

from datetime import datetime, time

import msgspec

from flexpool.domain.clock import wall, wall_minutes, week_start
from flexpool.domain.shifts import paid_minutes

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY = 24 * 60


class Window(msgspec.Struct, frozen=True):
    """From `start_minute` after local midnight of `weekday` (0 = Monday), for `length_minutes` on the
    clock; a window may run past midnight into the next day."""

    weekday: int
    start_minute: int
    length_minutes: int


def window(day: str, start: time, end: time) -> Window:
    """`end` at or before `start` means the window runs past midnight ("22:00"–"07:00"); equal: all day."""
    begin = start.hour * 60 + start.minute
    length = (end.hour * 60 + end.minute - begin) % DAY or DAY
    return Window(DAYS.index(day), begin, length)


def clock_of(w: Window) -> tuple[str, time, time]:
    end = (w.start_minute + w.length_minutes) % DAY
    return DAYS[w.weekday], time(w.start_minute // 60, w.start_minute % 60), time(end // 60, end % 60)


def fits(windows: list[Window], starts_at: datetime, ends_at: datetime) -> bool:
    """Does the shift lie inside one window (clock-face time)? No windows: any time suits."""
    if not windows:
        return True
    start = wall(starts_at)
    begin, length = start.hour * 60 + start.minute, wall_minutes(starts_at, ends_at)
    for w in windows:
        for days_before in (0, 1):  # a window of the same day, or one of the day before running past midnight
            if w.weekday == (start.weekday() - days_before) % 7:
                offset = begin + DAY * days_before
                if w.start_minute <= offset and offset + length <= w.start_minute + w.length_minutes:
                    return True
    return False


def within_cap(cap_minutes: int | None, booked_that_week: int, paid_minutes: int) -> bool:
    return cap_minutes is None or booked_that_week + paid_minutes <= cap_minutes


def suits(windows: list[Window], cap_minutes: int | None, bookings: list[tuple[datetime, datetime, int]],
          starts_at: datetime, ends_at: datetime, break_minutes: int) -> bool:
    """Inside a window, and within the cap together with the other bookings (start, end, break) of the
    shift's calendar week."""
    if not fits(windows, starts_at, ends_at):
        return False
    week = week_start(starts_at)
    booked = sum(paid_minutes(s, e, b) for s, e, b in bookings if week_start(s) == week)
    return within_cap(cap_minutes, booked, paid_minutes(starts_at, ends_at, break_minutes))
