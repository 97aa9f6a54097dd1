"""The calendar feed per RFC 5545: a VTIMEZONE for every TZID, a DTSTAMP that changes only with the
event, one charset; and the link uses the port `flexpool serve --port` listens on."""
from datetime import datetime, timedelta

import httpx
from icalendar import Calendar

from tests.helpers import Region, auth, in_hours
from tests.processes import free_port, serve, user_environment, wait_ready


async def book_one(client, pool):
    region = await Region(client).setup(pool)
    await region.worker("Thuiszorg West", "cal")
    start = in_hours(30)
    r = await client.post("/v1/shifts", headers=auth(region.orgs["Zonnehuis"]["planner"]), json={
        "siteId": region.sites["Zonnehuis"]["id"], "function": "verzorgende-ig", "startsAt": start.isoformat(),
        "endsAt": (start + timedelta(hours=8)).isoformat(), "breakMinutes": 30, "urgent": True})
    booked = (await client.post(f"/v1/shifts/{r.json()['id']}/accept", headers=auth("cal@mail.test"))).json()
    url = (await client.get("/v1/me/calendar", headers=auth("cal@mail.test"))).json()["url"]
    return region, booked, url[url.index("/v1/calendar/"):]


async def test_the_feed_follows_rfc_5545(client, pool):
    region, booked, path = await book_one(client, pool)
    first = await client.get(path)
    assert first.headers["content-type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(first.content)
    used = {str(p.params["TZID"]) for e in cal.walk("VEVENT") for p in (e["dtstart"], e["dtend"])}
    defined = {str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")}
    assert used == {"Europe/Amsterdam"} and used <= defined
    assert any(c.name == "DAYLIGHT" for tz in cal.walk("VTIMEZONE") for c in tz.subcomponents)
    for line in first.content.split(b"\r\n"):
        assert len(line) <= 75  # folded lines (RFC 5545 3.1)
    # DTSTAMP is when the booking was made, not when the feed was read: a later poll sees the same.
    stamp = cal.walk("VEVENT")[0].decoded("dtstamp")
    assert stamp == datetime.fromisoformat(booked["bookedAt"]).replace(microsecond=0)
    again = Calendar.from_ical((await client.get(path)).content)
    assert again.walk("VEVENT")[0].decoded("dtstamp") == stamp
    assert {"VERSION", "PRODID"} <= set(cal.keys())


async def test_the_feed_link_uses_the_port_the_service_listens_on(database_url, pool, client):
    await book_one(client, pool)
    port = free_port()
    env = user_environment(FLEXPOOL_DATABASE_URL=database_url)
    env.pop("FLEXPOOL_PORT", None)
    env.pop("FLEXPOOL_PUBLIC_URL", None)
    proc = serve(port, env)
    try:
        await wait_ready(proc, f"http://127.0.0.1:{port}")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as c:
            r = await c.get("/v1/me/calendar", headers=auth("cal@mail.test"))
            assert r.json()["url"].startswith(f"http://127.0.0.1:{port}/v1/calendar/")
            assert (await c.get(r.json()["url"].removeprefix(f"http://127.0.0.1:{port}"))).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def test_booked_shifts_appear_cancelled_ones_disappear_and_the_secret_rotates(client, pool):
    region, booked, path = await book_one(client, pool)
    feed = await client.get(path)  # no Authorization header: the secret is the key
    assert feed.status_code == 200
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"{booked['id']}@flexpool"]
    assert events[0].decoded("dtstart") == datetime.fromisoformat(booked["startsAt"])
    assert "Dorpsstraat 1" in str(events[0]["location"])
    await client.post(f"/v1/assignments/{booked['id']}/cancel", json={"reason": "x"},
                      headers=auth(region.orgs["Zonnehuis"]["planner"]))
    assert Calendar.from_ical((await client.get(path)).content).walk("VEVENT") == []
    new_url = (await client.post("/v1/me/calendar/rotate", headers=auth("cal@mail.test"))).json()["url"]
    assert not new_url.endswith(path) and (await client.get(path)).status_code == 404
    assert (await client.get("/v1/calendar/guess.ics")).status_code == 404
    assert (await client.get("/v1/me/calendar", headers=auth(region.orgs["Zonnehuis"]["planner"]))).status_code == 403
