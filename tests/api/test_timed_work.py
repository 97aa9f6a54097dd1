"""Waves on a clock, reminders, credential notices, and two schedulers on one database."""
import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

from flexpool import scheduler
from flexpool.services import announcements, timed
from tests.helpers import Region, auth, future, in_hours


@pytest.fixture
async def region(client, pool):
    r = await Region(client).setup(pool, names=("Zonnehuis", "Thuiszorg West", "Derde Huis"))
    await r.worker("Zonnehuis", "own")
    await r.worker("Thuiszorg West", "partner")
    await r.worker("Derde Huis", "far")
    await r.worker("Derde Huis", "nurse", function="verpleegkundige-hbo")  # may take a lower function
    await r.worker("Derde Huis", "helper", function="helpende")            # may not take a higher one
    await r.worker("Derde Huis", "away", opted_in=False)
    zon = r.orgs["Zonnehuis"]
    res = await client.put(f"/v1/organisations/{zon['id']}/partners",
                           json={"organisationIds": [r.orgs["Thuiszorg West"]["id"]]}, headers=auth(zon["admin"]))
    assert res.status_code == 200
    return r


async def offers_by_user(pool, shift_id=None):
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT u.email, count(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id "
                                "WHERE n.kind = 'offer' AND ($1::text IS NULL OR n.data->>'shiftId' = $1) "
                                "GROUP BY u.email", shift_id)
    return {r["email"].split("@")[0]: r["n"] for r in rows}


async def publish(client, region, **extra):
    start = extra.pop("start", None) or future(10, 7)
    r = await client.post("/v1/shifts", headers=auth(region.orgs["Zonnehuis"]["planner"]), json={
        "siteId": region.sites["Zonnehuis"]["id"], "function": "verzorgende-ig", "startsAt": start.isoformat(),
        "endsAt": (start + timedelta(hours=8)).isoformat(), "breakMinutes": 30, **extra})
    assert r.status_code == 201, r.text
    return r.json()


async def test_waves_reach_each_tier_once(client, pool, region):
    shift = await publish(client, region)
    assert await offers_by_user(pool) == {"own": 1}  # the organisation tier, at once
    published = datetime.fromisoformat(shift["publishedAt"])
    async with pool.acquire() as conn:
        assert await announcements.announce_due(conn, published + timedelta(hours=47)) == 0
        assert await announcements.announce_due(conn, published + timedelta(hours=48)) == 1
        assert await offers_by_user(pool) == {"own": 1, "partner": 1}
        assert await announcements.announce_due(conn, published + timedelta(hours=72)) == 2
        assert await announcements.announce_due(conn, published + timedelta(hours=73)) == 0
    assert await offers_by_user(pool) == {"own": 1, "partner": 1, "far": 1, "nurse": 1}
    r = await client.get("/v1/me/notifications", headers=auth("far@mail.test"))
    [note] = r.json()["items"]
    assert note["kind"] == "offer" and note["title"].startswith("Nieuwe dienst: ") and note["data"]["shiftId"] == shift["id"]


async def test_urgent_shift_reaches_the_region_at_once(client, pool, region):
    await publish(client, region, urgent=True)
    assert await offers_by_user(pool) == {"own": 1, "partner": 1, "far": 1, "nurse": 1}


async def test_reopened_place_is_pushed_urgently(client, pool, region):
    shift = await publish(client, region, urgent=True, start=in_hours(30))
    booked = await client.post(f"/v1/shifts/{shift['id']}/accept", headers=auth("far@mail.test"))
    assert booked.status_code == 201
    r = await client.post(f"/v1/assignments/{booked.json()['id']}/cancel", json={"reason": "griep"},
                          headers=auth(region.orgs["Zonnehuis"]["planner"]))
    assert r.status_code == 200
    async with pool.acquire() as conn:
        reopen = await conn.fetch("SELECT u.email, n.urgent FROM notifications n JOIN users u ON u.id = n.user_id "
                                  "WHERE n.dedupe_key LIKE 'offer:%:%'")
        released = await conn.fetchrow("SELECT n.urgent, n.kind FROM notifications n JOIN users u ON u.id = n.user_id "
                                       "WHERE u.email = 'far@mail.test' AND n.kind = 'released'")
    assert released["urgent"] is True
    assert reopen and all(r["urgent"] for r in reopen)
    assert "far@mail.test" in {r["email"] for r in reopen}  # released, so free again at that time


async def test_events_reach_workers_and_planners(client, pool, region):
    shift = await publish(client, region, urgent=True)
    await client.post(f"/v1/shifts/{shift['id']}/accept", headers=auth("own@mail.test"))
    planner = (await client.get("/v1/me/notifications", headers=auth(region.orgs["Zonnehuis"]["planner"]))).json()
    assert [n["kind"] for n in planner["items"]] == ["accepted"]
    worker = (await client.get("/v1/me/notifications", headers=auth("own@mail.test"))).json()
    assert [n["kind"] for n in worker["items"]] == ["booked", "offer"]


async def test_reminders_and_credential_notices_once(client, pool, region):
    shift = await publish(client, region, urgent=True, start=in_hours(20))
    await client.post(f"/v1/shifts/{shift['id']}/accept", headers=auth("own@mail.test"))
    zon = region.orgs["Zonnehuis"]
    own = region.workers["own"]
    soon = (date.today() + timedelta(days=20)).isoformat()
    await client.patch(f"/v1/organisations/{zon['id']}/workers/{own['id']}", headers=auth(zon["admin"]),
                       json={"credentials": [{"kind": "vog"}, {"kind": "bhv", "validUntil": soon}]})
    now = datetime.now(UTC)
    async with pool.acquire() as conn:
        assert await timed.reminders(conn, now) == 0  # 20 h ahead
        assert await timed.reminders(conn, now + timedelta(hours=9)) == 1
        assert await timed.reminders(conn, now + timedelta(hours=10)) == 0
        assert await timed.credential_expiry(conn, now) == 2  # the worker and the home organisation's admin
        assert await timed.credential_expiry(conn, now + timedelta(days=1)) == 0


async def test_two_schedulers_have_each_effect_once(client, pool, region):
    shifts = [await publish(client, region, start=future(10 + i, 7)) for i in range(3)]
    urgent = await publish(client, region, urgent=True, start=in_hours(90))
    assert (await client.post(f"/v1/shifts/{urgent['id']}/accept", headers=auth("far@mail.test"))).status_code == 201
    clock = datetime.fromisoformat(shifts[0]["publishedAt"]) + timedelta(hours=80)  # 10 h before the urgent one
    jobs = {name: (job, {"seconds": 0.05}) for name, job in
            (("waves", announcements.announce_due), ("reminders", timed.reminders),
             ("credential-expiry", timed.credential_expiry))}
    runs = {0: 0, 1: 0}
    enough = asyncio.Event()
    schedulers = [scheduler.build(pool, jobs, clock=lambda: clock) for _ in range(2)]
    errors = []

    def listener(index):
        def on_event(event):
            if event.exception:
                errors.append(event.exception)
            runs[index] += 1
            if min(runs.values()) >= 15:
                enough.set()
        return on_event

    for i, s in enumerate(schedulers):
        s.add_listener(listener(i), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        s.start()
    try:
        await asyncio.wait_for(enough.wait(), timeout=30)
    finally:
        for s in schedulers:
            s.shutdown(wait=False)
    assert errors == []
    for s in shifts:
        assert await offers_by_user(pool, s["id"]) == {"own": 1, "partner": 1, "far": 1, "nurse": 1}
    async with pool.acquire() as conn:
        reminders = await conn.fetchval("SELECT count(*) FROM notifications WHERE kind = 'reminder'")
        waves = await conn.fetchval("SELECT count(*) FROM shift_waves")
    assert reminders == 1
    assert waves == 4 * 3  # three tiers of every shift, each announced once
