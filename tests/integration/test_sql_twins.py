"""What the database computes for queries and the domain computes for rules must agree: the paid minutes of
a shift (generated column) and the distance between two points (SQL function)."""
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flexpool.domain.clock import AMSTERDAM
from flexpool.domain.eligibility import distance_km
from flexpool.domain.shifts import paid_minutes
from tests.helpers import Region, auth

points = st.tuples(st.floats(50.5, 53.7), st.floats(3.3, 7.3))  # the Netherlands


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(points, points)
async def test_the_distance_in_sql_is_the_distance_of_the_rules(pool, a, b):
    async with pool.acquire() as conn:
        km = await conn.fetchval("SELECT flexpool_km($1, $2, $3, $4)", *a, *b)
    assert abs(km - distance_km(a, b)) < 1e-6


async def test_paid_minutes_are_stored_as_the_rules_count_them_across_the_clock_change(client, pool):
    region = await Region(client).setup(pool)
    night = datetime(2027, 10, 30, 23, tzinfo=AMSTERDAM)  # 23:00 to 07:00 across the October change: 9 hours
    shifts = [(night, datetime(2027, 10, 31, 7, tzinfo=AMSTERDAM), 30),
              (night + timedelta(days=7), night + timedelta(days=7, hours=8), 30),
              (night - timedelta(days=3), night - timedelta(days=3) + timedelta(hours=10), 45)]
    ids = []
    for start, end, brk in shifts:
        r = await client.post("/v1/shifts", headers=auth(region.orgs["Zonnehuis"]["planner"]), json={
            "siteId": region.sites["Zonnehuis"]["id"], "function": "verzorgende-ig", "startsAt": start.isoformat(),
            "endsAt": end.isoformat(), "breakMinutes": brk})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    async with pool.acquire() as conn:
        stored = {str(r["id"]): r["paid_minutes"] for r in await conn.fetch(
            "SELECT id, paid_minutes FROM shifts WHERE id = ANY($1::uuid[])", ids)}
    assert [stored[i] for i in ids] == [paid_minutes(s, e, b) for s, e, b in shifts] == [9 * 60 - 30, 8 * 60 - 30, 555]
