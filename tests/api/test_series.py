"""Series (reeks): published together, offered once, taken as a whole or not at all, every working-time check
across the series' own shifts and the worker's other work; cancelled by the window of its first open shift."""
from __future__ import annotations

from datetime import timedelta

from tests.helpers import auth, future
from tests.scenarios import publish, shift_body


def _series_body(region, starts, *, hours=8, break_minutes=30, urgent=True, **extra):
    return {"shifts": [shift_body(region, start=s, hours=hours, break_minutes=break_minutes, urgent=urgent)
                       for s in starts], **extra}


async def _series(client, region, starts, **kw):
    r = await client.post("/v1/series", json=_series_body(region, starts, **kw),
                          headers=auth(region.orgs["Zonnehuis"]["planner"]))
    assert r.status_code == 201, r.text
    return r.json()


URGENT = {"urgent": True}


def _days(*days, hour=7):
    return [future(d, hour) for d in days]


async def test_a_series_is_published_whole_and_refused_whole(client, region):
    planner = auth(region.orgs["Zonnehuis"]["planner"])
    overlapping = _series_body(region, [future(3, 7), future(3, 12)])
    r = await client.post("/v1/series", json=overlapping, headers=planner)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "shifts[1].startsAt", r.text
    one = await client.post("/v1/series", json=_series_body(region, [future(3, 7)]), headers=planner)
    assert one.status_code == 422, one.text
    series = await _series(client, region, _days(3, 4, 5))
    assert len(series["shifts"]) == 3 and series["status"] == "open"
    assert {s["seriesId"] for s in series["shifts"]} == {series["id"]}
    # its shifts share the waves of the first one
    assert len({(s["partnersAt"], s["regionAt"]) for s in series["shifts"]}) == 1
    got = await client.get(f"/v1/series/{series['id']}", headers=planner)
    assert got.status_code == 200 and got.json()["id"] == series["id"]
    assert (await client.get(f"/v1/series/{series['id']}",
                             headers=auth(region.orgs["Thuiszorg West"]["planner"]))).status_code == 404


async def test_offers_show_a_series_once_with_its_shifts(client, region):
    series = await _series(client, region, _days(3, 4, 5))
    single = await publish(client, region, days=6)
    offers = (await client.get("/v1/offers", headers=auth("own@mail.test"))).json()["items"]
    assert [o["shift"]["id"] for o in offers] == [series["shifts"][0]["id"], single["id"]], offers
    offered = offers[0]
    assert offered["series"]["id"] == series["id"] and offered["canAccept"], offered
    assert [s["id"] for s in offered["series"]["shifts"]] == [s["id"] for s in series["shifts"]]
    assert offers[1]["series"] is None


async def test_accepting_a_series_books_every_shift_and_a_single_shift_is_not_taken_alone(client, region, pool):
    series = await _series(client, region, _days(3, 4, 5))
    own = auth("own@mail.test")
    alone = await client.post(f"/v1/shifts/{series['shifts'][1]['id']}/accept", headers=own)
    assert alone.status_code == 409 and alone.json()["type"] == "/problems/conflict", alone.text
    assert "reeks" in alone.json()["detail"]
    r = await client.post(f"/v1/series/{series['id']}/accept", headers=own)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "booked" and sorted(a["shiftId"] for a in body["assignments"]) == \
        sorted(s["id"] for s in series["shifts"])
    again = await client.post(f"/v1/series/{series['id']}/accept", headers=auth("lender@mail.test"))
    assert again.status_code == 409 and again.json()["type"] == "/problems/shift-full", again.text
    assert {x["shiftId"] for x in again.json()["shifts"]} == {s["id"] for s in series["shifts"]}
    after = (await client.get(f"/v1/series/{series['id']}", headers=auth(region.orgs["Zonnehuis"]["planner"]))).json()
    assert after["status"] == "filled"
    async with pool.acquire() as conn:
        notes = await conn.fetch("SELECT kind FROM notifications n JOIN users u ON u.id = n.user_id "
                                 "WHERE u.email = 'own@mail.test' AND kind = 'booked'")
    assert len(notes) == 1  # the series is one booking to the worker


async def test_the_series_is_judged_with_its_own_shifts_and_the_workers_other_work(client, region):
    """Five days of 07:00-19:00 (11.25 h worked each, 56.25 h) keep the week's maximum of 60 h alone; with a
    Saturday of the same length booked elsewhere the week would hold 67.5 h: the series is refused whole."""
    monday = future(7, 7)
    monday -= timedelta(days=monday.weekday())
    monday += timedelta(days=7)
    days = [monday + timedelta(days=i) for i in range(5)]
    series = await _series(client, region, days, hours=12, break_minutes=45)
    other = await publish(client, region, "Thuiszorg West", start=monday + timedelta(days=5), hours=12,
                          break_minutes=45, urgent=True)
    own = auth("own@mail.test")
    r = await client.post(f"/v1/shifts/{other['id']}/accept", headers=own)
    assert r.status_code == 201, r.text
    refused = await client.post(f"/v1/series/{series['id']}/accept", headers=own)
    assert refused.status_code == 409 and refused.json()["type"] == "/problems/week-hours", refused.text
    assert refused.json()["shifts"], refused.json()
    # nothing of the series was booked
    mine = (await client.get("/v1/me/assignments", headers=own)).json()["items"]
    assert [a["shiftId"] for a in mine] == [other["id"]]


async def test_rest_between_the_series_own_shifts_counts(client, region):
    """A late shift and an early one the next morning inside one series leave 7 hours of rest: refused."""
    first = future(3, 15)
    series = await _series(client, region, [first, first + timedelta(hours=15)])
    r = await client.post(f"/v1/series/{series['id']}/accept", headers=auth("own@mail.test"))
    assert r.status_code == 409 and r.json()["type"] == "/problems/rest-period", r.text


async def test_cancelling_a_series_follows_the_window_of_its_first_open_shift(client, region):
    own = auth("own@mail.test")
    near = await _series(client, region, [future(1, 20), future(5, 7), future(6, 7)])  # first inside 48 h
    r = await client.post(f"/v1/series/{near['id']}/accept", headers=own)
    assert r.status_code == 201, r.text
    last = r.json()["assignments"][-1]
    refused = await client.post(f"/v1/assignments/{last['id']}/cancel", json={"reason": "ziek"}, headers=own)
    assert refused.status_code == 409 and refused.json()["type"] == "/problems/cancellation-window", refused.text
    far = await _series(client, region, _days(8, 9, 10))
    r = await client.post(f"/v1/series/{far['id']}/accept", headers=own)
    assert r.status_code == 201, r.text
    middle = r.json()["assignments"][1]
    done = await client.post(f"/v1/assignments/{middle['id']}/cancel", json={"reason": "ziek"}, headers=own)
    assert done.status_code == 200, done.text
    mine = (await client.get("/v1/me/assignments", params={"status": "all"}, headers=own)).json()["items"]
    statuses = {a["shiftId"]: a["status"] for a in mine}
    assert all(statuses[s["id"]] == "cancelled" for s in far["shifts"]), statuses
    # the series is open again, as a whole
    again = await client.post(f"/v1/series/{far['id']}/accept", headers=auth("lender@mail.test"))
    assert again.status_code == 201, again.text


async def test_a_series_with_approval_is_decided_whole(client, region):
    planner = auth(region.orgs["Zonnehuis"]["planner"])
    series = await _series(client, region, _days(3, 4), booking="approval")
    r = await client.post(f"/v1/series/{series['id']}/accept", headers=auth("lender@mail.test"))
    assert r.status_code == 202, r.text
    applications = r.json()["applications"]
    assert len(applications) == 2 and {a["status"] for a in applications} == {"pending"}
    approved = await client.post(f"/v1/applications/{applications[0]['id']}/approve", headers=planner)
    assert approved.status_code == 201, approved.text
    shifts = [(await client.get(f"/v1/shifts/{s['id']}", headers=planner)).json() for s in series["shifts"]]
    assert [s["placesFilled"] for s in shifts] == [1, 1]
    assert {a["status"] for s in shifts for a in s["applications"]} == {"approved"}


async def test_a_series_is_announced_once_as_a_whole(client, region, pool):
    """The waves and their notifications as for a shift, once for the series: a worker reached hears of one
    series of three shifts, not of three shifts."""
    series = await _series(client, region, _days(3, 4, 5))
    async with pool.acquire() as conn:
        offers = await conn.fetch("SELECT n.data FROM notifications n JOIN users u ON u.id = n.user_id "
                                  "WHERE u.email = 'own@mail.test' AND n.kind = 'offer'")
    assert len(offers) == 1, offers
    data = offers[0]["data"]
    assert data["seriesId"] == series["id"] and data["seriesShifts"] == "3"
    assert data["shiftId"] == series["shifts"][0]["id"]
