"""Availability windows and the weekly cap: the rule in Python, and the wave query agreeing with it."""
import random
from datetime import datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from flexpool.db import shifts as shifts_db
from flexpool.domain.availability import Window, clock_of, fits, suits, window, within_cap
from flexpool.domain.clock import AMSTERDAM
from flexpool.domain.shifts import ShiftDraft
from flexpool.services import announcements
from flexpool.services.identity import principal_for
from flexpool.services.shifts import publish
from tests.helpers import Region
from tests.scenarios import add_worker


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=AMSTERDAM)


TUESDAY_EVENING = window("tue", time(18), time(22))
SATURDAY_NIGHT = window("sat", time(22), time(7))


def test_a_window_holds_a_shift_to_the_minute():
    tue = (2026, 12, 1)
    assert fits([TUESDAY_EVENING], at(*tue, 18), at(*tue, 22))
    assert not fits([TUESDAY_EVENING], at(*tue, 17, 59), at(*tue, 22))
    assert not fits([TUESDAY_EVENING], at(*tue, 18), at(*tue, 22, 1))
    assert not fits([TUESDAY_EVENING], at(2026, 12, 2, 18), at(2026, 12, 2, 22))  # a Wednesday
    assert fits([], at(*tue, 3), at(*tue, 11))  # no windows: any time suits


def test_a_window_past_midnight_and_the_dst_nights():
    assert fits([SATURDAY_NIGHT], at(2026, 12, 5, 23), at(2026, 12, 6, 7))
    assert fits([SATURDAY_NIGHT], at(2026, 12, 6, 1), at(2026, 12, 6, 5))      # Sunday early: Saturday's window
    assert not fits([SATURDAY_NIGHT], at(2026, 12, 6, 6), at(2026, 12, 6, 8))
    # On the clock both change nights are 23:00–07:00, so they fit the same window as any other Saturday.
    assert fits([SATURDAY_NIGHT], at(2026, 10, 24, 23), at(2026, 10, 25, 7))
    assert fits([SATURDAY_NIGHT], at(2026, 3, 28, 23), at(2026, 3, 29, 7))
    assert window("mon", time(8), time(8)).length_minutes == 24 * 60  # equal ends: the whole day
    assert clock_of(SATURDAY_NIGHT) == ("sat", time(22), time(7))


def test_weekly_cap():
    assert within_cap(None, 10_000, 480) and within_cap(480, 0, 480) and not within_cap(480, 1, 480)
    # Counted per calendar week: a booking of Monday counts for Friday's shift, one of the Sunday before not.
    monday = (at(2026, 11, 30, 7), at(2026, 11, 30, 15), 30)
    sunday_before = (at(2026, 11, 29, 7), at(2026, 11, 29, 15), 30)
    friday = (at(2026, 12, 4, 7), at(2026, 12, 4, 15), 30)
    assert not suits([], 600, [monday], *friday) and suits([], 900, [monday], *friday)
    assert suits([], 600, [sunday_before], *friday) and not suits([TUESDAY_EVENING], None, [], *friday)


windows = st.lists(st.builds(Window, st.integers(0, 6), st.integers(0, 1439), st.integers(1, 1440)), max_size=3)


@given(windows, st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
       st.integers(30, 12 * 60))
def test_a_shift_inside_a_window_fits_one_that_holds_it(ws, start, minutes):
    start = start.replace(second=0, microsecond=0, tzinfo=AMSTERDAM)
    end = start + timedelta(minutes=minutes)
    inside = Window(start.weekday(), start.hour * 60 + start.minute, minutes)  # exactly the shift, on the clock
    assert fits([*ws, inside], start, end)
    if fits(ws, start, end):
        assert fits(ws + [inside], start, end)


async def test_the_wave_query_agrees_with_the_rule(client, pool):
    region = await Region(client).setup(pool)
    rng = random.Random(7)
    async with pool.acquire() as conn:
        region_id = await conn.fetchval("SELECT id FROM regions")
        west = region.orgs["Thuiszorg West"]["id"]
        planner = await principal_for(conn, region.orgs["Zonnehuis"]["planner"])
        wishes = {}
        for i in range(80):
            user, worker = await add_worker(conn, region_id, west, f"a{i}", skills=())
            ws = [Window(rng.randrange(7), rng.randrange(0, 1440, 30), rng.choice([120, 240, 480, 600, 900, 1440]))
                  for _ in range(rng.choice([0, 1, 1, 2, 3]))]
            cap = rng.choice([None, None, 240, 480, 600])
            await conn.executemany("INSERT INTO availability_windows (worker_id, weekday, start_minute, length_minutes) "
                                   "VALUES ($1, $2, $3, $4)", [(worker, w.weekday, w.start_minute, w.length_minutes)
                                                               for w in ws])
            await conn.execute("UPDATE workers SET max_extra_minutes_per_week = $2 WHERE id = $1", worker, cap)
            wishes[user] = (ws, cap)
        for start, end in ((at(2027, 3, 27, 23), at(2027, 3, 28, 7)), (at(2027, 3, 16, 18), at(2027, 3, 16, 22)),
                           (at(2027, 3, 19, 7), at(2027, 3, 19, 15, 30))):
            [shift] = await publish(conn, planner, [ShiftDraft(
                site_id=region.sites["Zonnehuis"]["id"], function="verzorgende-ig", skills=[], starts_at=start,
                ends_at=end, break_minutes=30, places=1, booking="instant", description=None, urgent=True)],
                datetime(2027, 3, 1, tzinfo=AMSTERDAM))
            reached = set(await announcements.audience_of(conn, await shifts_db.by_id(conn, shift.id), "region"))
            paid = int((end - start).total_seconds() // 60) - 30
            expected = {u for u, (ws, cap) in wishes.items() if fits(ws, start, end) and within_cap(cap, 0, paid)}
            assert reached == expected and 0 < len(expected) < len(wishes), (start, len(reached), len(expected))
