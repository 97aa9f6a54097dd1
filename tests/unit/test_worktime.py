"""Working-time law at every boundary, DST nights included; plus properties with hypothesis."""
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from flexpool.domain import worktime
from flexpool.domain.clock import AMSTERDAM
from flexpool.domain.shifts import paid_minutes
from flexpool.domain.worktime import Interval, Person, Rules, check, is_night

ADULT = Person(age=35)


def t(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=AMSTERDAM)


def shift(start, hours, break_minutes=0):
    return Interval(start, start + timedelta(hours=hours), break_minutes)


def types(blockers):
    return [b.type for b in blockers]


# --- overlap and length --------------------------------------------------------------------------------------

def test_overlap_and_touching():
    home = shift(t(2026, 3, 2, 7), 8)
    assert types(check(shift(t(2026, 3, 2, 14, 59), 2), [home], ADULT))[0] == "overlap"
    # Touching is not overlap, but then both blocks are one duty: 8 + 4 = 12 h is still allowed ...
    assert check(shift(t(2026, 3, 2, 15), 4), [home], ADULT) == []
    # ... and 8 + 4 h 01 min is too long.
    assert types(check(Interval(t(2026, 3, 2, 15), t(2026, 3, 2, 19, 1)), [home], ADULT)) == ["shift-too-long"]


def test_shift_length_boundary():
    assert check(shift(t(2026, 3, 2, 7), 12.5, 30), [], ADULT) == []
    assert types(check(Interval(t(2026, 3, 2, 7), t(2026, 3, 2, 19, 31), 30), [], ADULT)) == ["shift-too-long"]
    care_cao = Rules(max_shift=600)
    assert types(check(shift(t(2026, 3, 2, 7), 11, 45), [], ADULT, care_cao)) == ["shift-too-long"]


# --- daily rest -----------------------------------------------------------------------------------------------

def test_eleven_hours_rest_passes():
    prev = shift(t(2026, 3, 2, 7), 8)  # ends 15:00
    assert check(shift(t(2026, 3, 3, 2), 6), [prev], ADULT) == []


def test_short_rest_allowed_once_a_week_and_not_twice():
    prev = shift(t(2026, 3, 2, 7), 8)  # ends Mon 15:00
    # 10 h 59 min after it: allowed, it is the one short rest of the week.
    assert check(Interval(t(2026, 3, 3, 1, 59), t(2026, 3, 3, 8)), [prev], ADULT) == []
    # A second short rest within 7 × 24 h is refused at 10 h 59 min and passes at exactly 11 h.
    earlier_short = [shift(t(2026, 2, 27, 7), 8), shift(t(2026, 2, 28, 0), 6)]  # 9 h rest on Feb 27/28
    assert "rest-period" in types(check(Interval(t(2026, 3, 3, 1, 59), t(2026, 3, 3, 8)), [prev, *earlier_short], ADULT))
    assert check(Interval(t(2026, 3, 3, 2), t(2026, 3, 3, 8)), [prev, *earlier_short], ADULT) == []
    # Below 8 h never.
    assert types(check(Interval(t(2026, 3, 2, 22, 59), t(2026, 3, 3, 4)), [prev], ADULT)) == ["rest-period"]


def test_minor_needs_twelve_hours():
    minor = Person(age=17)
    prev = shift(t(2026, 3, 2, 7), 8)
    assert types(check(Interval(t(2026, 3, 3, 2, 59), t(2026, 3, 3, 8)), [prev], minor))[0] == "rest-period"
    assert "rest-period" not in types(check(shift(t(2026, 3, 3, 6), 4), [prev], minor))
    assert types(check(shift(t(2026, 3, 3, 8), 10, 30), [], minor)) == ["shift-too-long"]
    assert check(shift(t(2026, 3, 3, 8), 9.5, 30), [], minor) == []
    assert types(check(shift(t(2026, 3, 3, 15), 8.5, 30), [], minor)) == ["night-shift-rules"]  # works past 23:00


# --- weeks -----------------------------------------------------------------------------------------------------

def week_of_days(monday, hours, days=5, start=7):
    return [shift(monday + timedelta(days=d, hours=start), hours) for d in range(days)]


def test_sixty_hours_a_week():
    monday = t(2026, 3, 2)
    existing = week_of_days(monday, 12)  # 60 h Mon–Fri
    assert types(check(shift(t(2026, 3, 7, 9), 1), existing, ADULT)) == ["week-hours"]
    assert check(shift(t(2026, 3, 9, 9), 1), existing, ADULT) == []  # the next week is fine
    assert "week-hours" not in types(check(shift(t(2026, 3, 7, 9), 1), existing[:4], ADULT))


def test_average_over_four_weeks():
    monday = t(2026, 3, 2)
    # Three weeks of 56 h; the fourth may hold 52 h (220 h in 4 weeks), not more.
    existing = []
    for w in range(3):
        existing += [shift(monday + timedelta(weeks=w, days=d, hours=7), 11.2) for d in range(5)]
    fourth = monday + timedelta(weeks=3)
    existing += [shift(fourth + timedelta(days=d, hours=7), 10) for d in range(4)]  # 40 h
    assert check(shift(fourth + timedelta(days=4, hours=7), 12), existing, ADULT) == []  # 52 h: 220 in total
    assert "week-hours" in types(check(Interval(fourth + timedelta(days=4, hours=7),
                                                fourth + timedelta(days=4, hours=19, minutes=1)), existing, ADULT))


def test_weekly_rest_of_36_hours():
    monday = t(2026, 3, 2)  # ISO week 10: its fortnight is weeks 9 and 10
    prev = monday - timedelta(days=7)
    # Work every day 07:00–15:00, Mon to Sat, in both weeks: a Sunday shift leaves no 36 h in week 10,
    # and the fortnight holds only one rest of 32 h or more (40 h), not 72 h.
    existing = [shift(week + timedelta(days=d, hours=7), 8) for week in (prev, monday) for d in range(6)]
    sunday = shift(monday + timedelta(days=6, hours=7), 4)
    blockers = check(sunday, existing, ADULT)
    assert types(blockers) == ["week-hours"] and "36 hours" in blockers[0].detail
    assert "week-hours" not in types(check(sunday, existing[6:], ADULT))  # week 9 free: the fortnight has 72 h
    # With 72 h off in week 9 (in two parts of at least 32 h) the 14-day alternative holds.
    previous_week = [shift(prev + timedelta(days=d, hours=7), 8) for d in (0, 3)]
    assert "week-hours" not in types(check(sunday, existing[6:] + previous_week, ADULT))


# --- nights ---------------------------------------------------------------------------------------------------

def test_night_definition():
    assert is_night(shift(t(2026, 3, 2, 23), 8), Rules())
    assert not is_night(Interval(t(2026, 3, 2, 17), t(2026, 3, 3, 1)), Rules())  # exactly 1 h after midnight
    assert is_night(Interval(t(2026, 3, 2, 17), t(2026, 3, 3, 1, 1)), Rules())


def test_dst_nights_last_nine_and_seven_hours():
    october = (t(2026, 10, 24, 23), t(2026, 10, 25, 7))
    march = (t(2026, 3, 28, 23), t(2026, 3, 29, 7))
    assert paid_minutes(*october, 0) == 9 * 60 and paid_minutes(*march, 0) == 7 * 60
    assert paid_minutes(*october, 30) == 510
    # 22:00–07:00 across the October change is 10 h: the longest allowed night; 21:59 is too long.
    assert check(Interval(t(2026, 10, 24, 22), t(2026, 10, 25, 7)), [], ADULT) == []
    blockers = check(Interval(t(2026, 10, 24, 21, 59), t(2026, 10, 25, 7)), [], ADULT)
    assert types(blockers) == ["night-shift-rules"]
    # The same clock times in March are only 8 h.
    assert check(Interval(t(2026, 3, 28, 21, 59), t(2026, 3, 29, 7)), [], ADULT) == []


def test_rest_after_a_night():
    night = shift(t(2026, 3, 2, 23), 8)  # ends Tue 07:00
    assert check(Interval(t(2026, 3, 3, 21), t(2026, 3, 4, 5)), [night], ADULT) == []  # 14 h
    assert types(check(Interval(t(2026, 3, 3, 20, 59), t(2026, 3, 4, 5)), [night], ADULT)) == ["night-shift-rules"]


def test_46_hours_after_three_nights():
    nights = [shift(t(2026, 3, 2 + d, 23), 8) for d in range(3)]  # last ends Thu 5 Mar 07:00
    assert check(shift(t(2026, 3, 7, 5), 8), nights, ADULT) == []  # 46 h later
    assert types(check(shift(t(2026, 3, 7, 4, 59), 8), nights, ADULT)) == ["night-shift-rules"]
    # After two nights 14 h is enough.
    assert check(shift(t(2026, 3, 4, 21), 8), nights[:2], ADULT) == []


def test_46_hours_after_three_nights_also_when_a_day_shift_follows_in_a_row():
    """Found from outside: three nights 23:00-08:00, then a 07:00 day shift 23 h later was booked."""
    nights = [shift(t(2026, 3, 2 + d, 23), 9, 30) for d in range(3)]  # last ends Thu 5 Mar 08:00
    day = shift(t(2026, 3, 6, 7), 8, 30)  # Fri 07:00: 23 h after the last night, "in a row"
    blockers = check(day, nights, ADULT)
    assert types(blockers) == ["night-shift-rules"] and blockers[0].reason == "rest-after-night-series"
    # The same in any order of booking: the day shift exists and the third night is the candidate.
    assert "night-shift-rules" in types(check(nights[2], nights[:2] + [day], ADULT))
    # Boundaries: 46 h after the series is fine, a minute less is not; a fourth night continues the series.
    assert check(shift(t(2026, 3, 7, 6), 8, 30), nights, ADULT) == []
    assert types(check(shift(t(2026, 3, 7, 5, 59), 8, 30), nights, ADULT)) == ["night-shift-rules"]
    assert check(shift(t(2026, 3, 5, 23), 9, 30), nights, ADULT) == []
    # After two nights a day shift 23 h later needs only the ordinary rest.
    assert check(shift(t(2026, 3, 5, 7), 8, 30), nights[:2], ADULT) == []


def test_at_most_seven_shifts_in_a_row_with_a_night():
    days = [shift(t(2026, 3, 2 + d, 14), 8) for d in range(6)]  # Mon–Sat 14–22
    assert check(shift(t(2026, 3, 8, 14), 8), days[:5] + [shift(t(2026, 3, 7, 14), 8)], ADULT) is not None
    with_night = days[:6]
    blockers = check(shift(t(2026, 3, 9, 12), 8), with_night + [Interval(t(2026, 3, 8, 14), t(2026, 3, 9, 1, 30))],
                     ADULT)
    assert "night-shift-rules" in types(blockers)


def test_over_55_only_with_preference():
    night = shift(t(2026, 3, 2, 23), 8)
    assert types(check(night, [], Person(age=55))) == ["night-shift-rules"]
    assert check(night, [], Person(age=55, nights=True)) == []
    assert check(night, [], Person(age=54)) == []


def test_36_late_nights_in_16_weeks():
    start = t(2026, 1, 5, 23)
    existing = [shift(start + timedelta(days=3 * k), 8) for k in range(36)]  # every third night
    candidate = shift(start + timedelta(days=3 * 36), 8)
    assert "night-shift-rules" in types(check(candidate, existing, Person(age=30, nights=True)))
    assert "night-shift-rules" not in types(check(candidate, existing[1:], Person(age=30, nights=True)))


# --- properties -----------------------------------------------------------------------------------------------

BASE = datetime(2026, 1, 5, tzinfo=UTC)
intervals = st.builds(lambda start, length, brk: Interval(BASE + timedelta(minutes=15 * start),
                                                         BASE + timedelta(minutes=15 * start + length), brk),
                      st.integers(0, 4 * 24 * 28), st.integers(60, 14 * 60), st.sampled_from([0, 30, 45]))


@settings(max_examples=150, deadline=None)
@given(st.lists(intervals, max_size=12), intervals, st.randoms())
def test_order_of_existing_work_does_not_matter(existing, candidate, rnd):
    shuffled = list(existing)
    rnd.shuffle(shuffled)
    assert check(candidate, existing, ADULT) == check(candidate, shuffled, ADULT)


@settings(max_examples=150, deadline=None)
@given(st.lists(intervals, max_size=12), intervals)
def test_overlap_is_reported_exactly_when_work_intersects(existing, candidate):
    intersects = any(e.starts_at < candidate.ends_at and candidate.starts_at < e.ends_at for e in existing)
    assert ("overlap" in types(check(candidate, existing, ADULT))) == intersects


@settings(max_examples=100, deadline=None)
@given(st.lists(intervals, max_size=8), intervals)
def test_far_away_work_never_blocks_a_short_day_shift(existing, candidate):
    far = [Interval(e.starts_at + timedelta(weeks=40), e.ends_at + timedelta(weeks=40), e.break_minutes)
           for e in existing]
    day = Interval(BASE + timedelta(hours=9), BASE + timedelta(hours=13))
    assert check(day, far, ADULT) == []


@given(st.dictionaries(st.integers(-40, 40), st.integers(0, 3000), max_size=30), st.sampled_from([4, 16]))
def test_window_sums_are_the_sums_of_every_window_containing_the_week(offsets, span):
    """The prefix-sum shortcut equals summing each window week by week."""
    monday = date(2026, 3, 2)
    per_week = {monday + timedelta(weeks=k): v for k, v in offsets.items()}
    naive = [sum(per_week.get(monday - timedelta(weeks=k) + timedelta(weeks=j), 0) for j in range(span))
             for k in range(span)]
    assert worktime._window_sums(per_week, monday, span) == naive
