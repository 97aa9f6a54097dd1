"""A wave notifies exactly the workers the full checks of an accept let take the shift: the SQL prefilter
rules out the definite cases (close work, expired certificates, ages, the loan limit), and the full
working-time judgement runs on its candidates before anyone is notified."""
import random
from datetime import date, datetime, timedelta

import pytest

from flexpool.db import shifts as shifts_db
from flexpool.db import workers as workers_db
from flexpool.domain.clock import AMSTERDAM
from flexpool.domain.shifts import ShiftDraft
from flexpool.domain.worktime import Rules
from flexpool.services import announcements, conflicts
from flexpool.services.conflicts import WorkerContext
from flexpool.services.identity import principal_for
from flexpool.services.shifts import publish
from tests.helpers import Region
from tests.scenarios import add_worker

NOW = datetime(2027, 3, 1, 9, tzinfo=AMSTERDAM)
NIGHT = (datetime(2027, 3, 27, 22, tzinfo=AMSTERDAM), datetime(2027, 3, 28, 7, tzinfo=AMSTERDAM))  # DST night
DAY = (datetime(2027, 3, 16, 7, tzinfo=AMSTERDAM), datetime(2027, 3, 16, 15, 30, tzinfo=AMSTERDAM))


def random_blocks(rng: random.Random, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Home shifts around the open one: some touching, some close, some far; never overlapping each other."""
    blocks, cursor = [], start - timedelta(hours=rng.choice([20, 30, 60]))
    while cursor < end + timedelta(hours=40):
        length = timedelta(minutes=rng.choice([60, 240, 480, 600]))
        gap = timedelta(minutes=rng.choice([0, 30, 240, 479, 480, 600, 660, 900, 2000]))
        s = cursor + gap
        if rng.random() < 0.3:  # snap to touch the open shift
            s = end if s > start else start - length
        e = s + length
        if not (s < end and start < e) and all(not (s < be and bs < e) for bs, be in blocks):
            blocks.append((s, e))
        cursor = max(cursor, e)
    return blocks


@pytest.mark.parametrize("when", [NIGHT, DAY], ids=["dst-night", "day"])
async def test_the_prefilter_is_sound_and_rules_out_the_definite_cases(client, pool, when):
    start, end = when
    region = await Region(client).setup(pool)
    async with pool.acquire() as conn:
        region_id = await conn.fetchval("SELECT id FROM regions")
        west = region.orgs["Thuiszorg West"]["id"]
        planner = await principal_for(conn, region.orgs["Zonnehuis"]["planner"])
        rng = random.Random(f"audience-{start.isoformat()}")
        definite = {}
        for key, kw in {
            "close-before": dict(blocks=[(start - timedelta(hours=10), start - timedelta(hours=3))]),
            "close-after": dict(blocks=[(end + timedelta(hours=2), end + timedelta(hours=6))]),
            "vog-expired": dict(vog_until=start.date() - timedelta(days=1)),
            "bhv-expires-on-the-day-before-the-end": dict(bhv_until=end.date() - timedelta(days=1)),
            "loan-limit": dict(loan_limit=60),
        }.items():
            definite[(await add_worker(conn, region_id, west, key, **kw))[0]] = key
        minor = (await add_worker(conn, region_id, west, "minor", birth=start.date().replace(year=start.year - 17)))[0]
        over_55 = (await add_worker(conn, region_id, west, "over-55", birth=date(1960, 1, 1)))[0]
        over_55_by_choice = (await add_worker(conn, region_id, west, "over-55-nights", birth=date(1960, 1, 1),
                                              nights=True))[0]
        touching = (await add_worker(conn, region_id, west, "touching",
                                     blocks=[(start - timedelta(hours=2), start)]))[0]
        rested = (await add_worker(conn, region_id, west, "rested",
                                   blocks=[(start - timedelta(hours=19), start - timedelta(hours=8))]))[0]
        randoms = {}
        for i in range(120):
            user, worker = await add_worker(
                conn, region_id, west, f"r{i}", blocks=random_blocks(rng, start, end),
                birth=rng.choice([date(1990, 5, 1), date(1960, 1, 1), start.date().replace(year=start.year - 17)]),
                nights=rng.random() < 0.5, loan_limit=rng.choice([None, 300, 600, 10_000]),
                vog_until=rng.choice([None, start.date(), end.date(), start.date() - timedelta(days=1)]),
                bhv_until=rng.choice([end.date(), end.date() - timedelta(days=1), date(2030, 1, 1)]))
            randoms[user] = worker
        [shift] = await publish(conn, planner, [ShiftDraft(
            site_id=region.sites["Zonnehuis"]["id"], function="verzorgende-ig", skills=["bhv"], starts_at=start,
            ends_at=end, break_minutes=45, places=1, booking="instant", description=None, urgent=True)], NOW)
        shift = await shifts_db.by_id(conn, shift.id)
        reached = set(await announcements.audience_of(conn, shift, "region"))

        rules = Rules()
        refused = {}
        for user in [*definite, over_55, over_55_by_choice, minor, touching, rested, *randoms]:
            worker = await workers_db.by_user(conn, user)
            ctx = await WorkerContext.load(conn, worker, start, end)
            refused[user] = [b.type for b in await conflicts.blockers(conn, ctx, shift, NOW + timedelta(hours=1),
                                                                       rules=rules, partner_ids=[])]
    # Sound: whoever the wave leaves out, the full checks refuse.
    for user in refused:
        assert user in reached or refused[user], f"left out but could accept: {user}"
    # Exact: whoever the wave notifies, the full checks let accept (no push ends in "cannot accept").
    for user in reached:
        assert not refused[user], f"notified but refused: {refused[user]}"
    # Useful: the definite cases are left out, and the full checks agree they are refused.
    for user, key in definite.items():
        assert user not in reached and refused[user], key
    night = (start, end) == NIGHT
    assert (over_55 in reached) is not night and bool(refused[over_55]) is night  # 55+: nights only by choice
    assert (minor in reached) is not night and bool(refused[minor]) is night      # minors: no work 23:00–06:00
    assert over_55_by_choice in reached and touching in reached
    # 8 h after a home shift: the weekly short rest, unless that shift was a night ending after 02:00 (14 h).
    assert (rested in reached) is not night and bool(refused[rested]) is night
    left_out = [u for u in randoms if u not in reached]
    assert left_out and len(left_out) < len(randoms)


async def test_a_week_already_full_at_home_gets_no_push(client, pool):
    """DOMAIN.md, audience and waves: 60 hours rostered at home that week, so the shift would make 67.5:
    the wave leaves that worker out, and a colleague with 30 hours hears of it."""
    region = await Region(client).setup(pool)
    start, end = DAY  # Tuesday 16 March 2027, 07:00–15:30
    monday = datetime(2027, 3, 15, tzinfo=AMSTERDAM)
    full = [(monday + timedelta(days=d, hours=h), monday + timedelta(days=d, hours=h + 10))
            for d, h in ((0, -4), (2, 8), (3, 8), (4, 8), (5, 8), (6, 8))]  # 6 x 10 h, rested
    half = full[3:]
    async with pool.acquire() as conn:
        region_id = await conn.fetchval("SELECT id FROM regions")
        west = region.orgs["Thuiszorg West"]["id"]
        planner = await principal_for(conn, region.orgs["Zonnehuis"]["planner"])
        busy = (await add_worker(conn, region_id, west, "busy", blocks=full))[0]
        free = (await add_worker(conn, region_id, west, "free", blocks=half))[0]
        [shift] = await publish(conn, planner, [ShiftDraft(
            site_id=region.sites["Zonnehuis"]["id"], function="verzorgende-ig", skills=["bhv"], starts_at=start,
            ends_at=end, break_minutes=30, places=1, booking="instant", description=None, urgent=True)], NOW)
        shift = await shifts_db.by_id(conn, shift.id)
        reached = set(await announcements.audience_of(conn, shift, "region"))
        busy_worker = await workers_db.by_user(conn, busy)
        ctx = await WorkerContext.load(conn, busy_worker, start, end)
        blockers = await conflicts.blockers(conn, ctx, shift, NOW + timedelta(hours=1), rules=Rules(), partner_ids=[])
    assert [b.type for b in blockers] == ["week-hours"]
    assert busy not in reached and free in reached
