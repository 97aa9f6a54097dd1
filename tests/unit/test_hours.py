"""What a planner confirms: hours worked (end − start − break, absolute) or a no-show, and its limits."""
from datetime import datetime, timedelta

from flexpool.domain.clock import AMSTERDAM
from flexpool.domain.hours import HoursWorked, NoShow, problems

PLANNED = datetime(2026, 10, 24, 23, tzinfo=AMSTERDAM)
NOW = datetime(2026, 10, 26, 12, tzinfo=AMSTERDAM)


def test_the_dst_night_is_nine_hours_worked_minus_the_break():
    night = HoursWorked(PLANNED, datetime(2026, 10, 25, 7, tzinfo=AMSTERDAM), 30)
    assert night.worked_minutes == 9 * 60 - 30 and problems(night, PLANNED, NOW) == []


def test_a_no_show_owes_nothing_and_needs_no_times():
    assert NoShow().worked_minutes == 0 and problems(NoShow(), PLANNED, NOW) == []


def test_confirmed_hours_keep_to_the_shift_and_the_past():
    def fields(h):
        return [e.field for e in problems(h, PLANNED, NOW)]

    assert fields(HoursWorked(PLANNED, PLANNED - timedelta(hours=1))) == ["endedAt"]
    assert fields(HoursWorked(PLANNED, PLANNED + timedelta(hours=25))) == ["endedAt"]
    assert fields(HoursWorked(PLANNED, PLANNED + timedelta(hours=1), 60)) == ["breakMinutes"]
    assert fields(HoursWorked(PLANNED + timedelta(hours=13), PLANNED + timedelta(hours=20))) == ["startedAt"]
    assert fields(HoursWorked(NOW - timedelta(hours=1), NOW + timedelta(hours=1))) == ["startedAt", "endedAt"]
