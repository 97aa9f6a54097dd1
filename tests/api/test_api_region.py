"""The region's policy and the organisations' cancellation policy through the API, and what they change."""
from datetime import datetime, timedelta

import pytest

from tests.helpers import Region, auth, future, in_hours


@pytest.fixture
async def region(client, pool):
    r = await Region(client).setup(pool)
    await r.worker("Thuiszorg West", "lender")
    return r


def shift(region, start, hours=8, break_minutes=30, **extra):
    return {"siteId": region.sites["Zonnehuis"]["id"], "function": "verzorgende-ig", "startsAt": start.isoformat(),
            "endsAt": (start + timedelta(hours=hours)).isoformat(), "breakMinutes": break_minutes, **extra}


async def test_everyone_in_the_region_reads_the_settings_in_effect(client, region):
    r = await client.get("/v1/region", headers=auth("lender@mail.test"))
    assert r.status_code == 200, r.text
    settings = r.json()["settings"]
    assert settings["worktime"]["maxShiftMinutes"] == 720 and settings["worktime"]["restMinutes"] == 660
    assert settings["worktime"]["nightSeries"] == 3 and settings["settleHours"] == "absolute"
    assert settings["waves"][0] == {"leadMoreThanMinutes": 7 * 24 * 60, "organisationMinutes": 48 * 60,
                                    "partnersMinutes": 24 * 60}
    assert (await client.get("/v1/region")).status_code == 401


async def test_only_the_coordinator_changes_them_and_nonsense_is_refused(client, region):
    zon = region.orgs["Zonnehuis"]
    body = {"worktime": {"maxShiftMinutes": 600}}
    r = await client.put("/v1/region/settings", json=body, headers=auth(zon["admin"]))
    assert r.status_code == 403 and r.json()["type"] == "/problems/forbidden"
    for bad, field in (({"worktime": {"shortRestMinutes": 700}}, "worktime.shortRestMinutes"),
                       ({"worktime": {"maxShiftMinutes": 0}}, "worktime.maxShiftMinutes"),
                       ({"waves": [{"leadMoreThanMinutes": 60, "organisationMinutes": 0, "partnersMinutes": 0},
                                   {"leadMoreThanMinutes": 600, "organisationMinutes": 0, "partnersMinutes": 0}]},
                        "waves"),
                       ({"waves": [{"leadMoreThanMinutes": 60, "organisationMinutes": 50, "partnersMinutes": 20}]},
                        "waves[0]"),
                       ({"settleHours": "sundial"}, "settleHours"),
                       ({"waves": [{"leadMoreThanMinutes": 10 ** 12, "organisationMinutes": 0, "partnersMinutes": 0}]},
                        "waves[0].leadMoreThanMinutes"),  # a fuzzer found a 500 here once
                       ({"worktime": {"restMinutes": 10 ** 9}}, "worktime.restMinutes"),
                       ({"worktime": {"coffeeBreakMinutes": 5}}, "worktime.coffeeBreakMinutes")):
        r = await client.put("/v1/region/settings", json=bad, headers=auth(region.coordinator))
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["type"] == "/problems/validation" and r.json()["errors"][0]["field"] == field, r.json()
    assert (await client.get("/v1/region", headers=auth(zon["admin"]))).json()["settings"]["worktime"][
        "maxShiftMinutes"] == 720  # nothing of the refused requests was kept
    r = await client.put("/v1/region/settings", json=body, headers=auth(region.coordinator))
    assert r.status_code == 200 and r.json()["settings"]["worktime"]["maxShiftMinutes"] == 600
    assert r.json()["settings"]["worktime"]["restMinutes"] == 660
    history = await client.get("/v1/region/history", headers=auth(region.coordinator))
    [event] = history.json()["items"]
    assert event["action"] == "settings-changed" and event["data"] == {"worktime": {"max_shift": 600}}
    await client.put("/v1/region/settings", json={}, headers=auth(region.coordinator))
    first = (await client.get("/v1/region/history", params={"limit": 1}, headers=auth(region.coordinator))).json()
    assert first["items"][0]["data"] == {} and first["nextCursor"]
    rest = (await client.get("/v1/region/history", params={"cursor": first["nextCursor"]},
                             headers=auth(region.coordinator))).json()
    assert [e["id"] for e in rest["items"]] == [event["id"]] and rest["nextCursor"] is None
    assert (await client.get("/v1/region/history", headers=auth(zon["planner"]))).status_code == 403


async def test_a_region_on_the_care_caos_caps_a_shift_at_10_hours(client, region):
    long_day = shift(region, future(2, 7), hours=11, break_minutes=45, urgent=True)  # 615 worked minutes
    planner = auth(region.orgs["Zonnehuis"]["planner"])
    first = (await client.post("/v1/shifts", json=long_day, headers=planner)).json()
    r = await client.put("/v1/region/settings", headers=auth(region.coordinator),
                         json={"worktime": {"maxShiftMinutes": 600}})
    assert r.status_code == 200
    r = await client.post(f"/v1/shifts/{first['id']}/accept", headers=auth("lender@mail.test"))
    assert r.status_code == 409 and r.json()["type"] == "/problems/shift-too-long"
    assert r.json()["detail"] == "Deze dienst is langer dan de 10 uur die je achter elkaar mag werken."
    await client.put("/v1/region/settings", headers=auth(region.coordinator), json={})  # back to the defaults
    assert (await client.post(f"/v1/shifts/{first['id']}/accept", headers=auth("lender@mail.test"))).status_code == 201


async def test_the_wave_table_applies_to_shifts_published_after_the_change(client, region):
    planner = auth(region.orgs["Zonnehuis"]["planner"])
    before = (await client.post("/v1/shifts", json=shift(region, future(3, 7)), headers=planner)).json()
    r = await client.put("/v1/region/settings", headers=auth(region.coordinator), json={"waves": [
        {"leadMoreThanMinutes": 24 * 60, "organisationMinutes": 30, "partnersMinutes": 15}]})
    assert r.status_code == 200, r.text
    after = (await client.post("/v1/shifts", json=shift(region, future(3, 7)), headers=planner)).json()
    minutes = lambda s, field: (datetime.fromisoformat(s[field]) -  # noqa: E731
                                datetime.fromisoformat(s["publishedAt"])) // timedelta(minutes=1)
    assert minutes(before, "regionAt") == 12 * 60  # 2 to 7 days ahead by default: 12 h own, no partners
    assert minutes(after, "regionAt") == 30        # no partners: the region right after the own tier
    soon = (await client.post("/v1/shifts", json=shift(region, in_hours(20)), headers=planner)).json()
    assert soon["tier"] == "region"                # below the table's last row: the region at once


async def test_the_borrower_sets_its_cancellation_policy(client, region):
    zon, west = region.orgs["Zonnehuis"], region.orgs["Thuiszorg West"]
    planner, worker = auth(zon["planner"]), auth("lender@mail.test")
    s = (await client.post("/v1/shifts", json=shift(region, in_hours(30), urgent=True), headers=planner)).json()
    a = (await client.post(f"/v1/shifts/{s['id']}/accept", headers=worker)).json()
    starts = datetime.fromisoformat(s["startsAt"])
    assert datetime.fromisoformat(a["cancellableUntil"]) == starts - timedelta(hours=48)  # already passed
    r = await client.post(f"/v1/assignments/{a['id']}/cancel", json={"reason": "ziek"}, headers=worker)
    assert r.status_code == 409 and r.json()["type"] == "/problems/cancellation-window"  # 48 h by default
    assert r.json()["detail"] == ("Minder dan 48 uur voor het begin kun je niet meer zelf afzeggen; bel de planner "
                                  "van Zonnehuis, die je kan vrijgeven.") and "blockers" not in r.json()
    url = f"/v1/organisations/{zon['id']}"
    for bad in ({"lateCancellationPercent": 101}, {"workerCancelWindowMinutes": -1},
                {"workerCancelWindowMinutes": 30 * 24 * 60}):
        r = await client.patch(url, json=bad, headers=auth(zon["admin"]))
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == next(iter(bad)), r.text
    assert (await client.patch(url, json={"workerCancelWindowMinutes": 0},
                               headers=auth(west["admin"]))).status_code in (403, 404)
    r = await client.patch(url, json={"workerCancelWindowMinutes": 24 * 60, "lateCancellationPercent": 75},
                           headers=auth(zon["admin"]))
    assert r.status_code == 200 and r.json()["workerCancelWindowMinutes"] == 1440
    assert r.json()["lateCancellationPercent"] == 75 and r.json()["lateCancelWindowMinutes"] == 1440
    [mine] = (await client.get("/v1/me/assignments", headers=worker)).json()["items"]
    assert datetime.fromisoformat(mine["cancellableUntil"]) == starts - timedelta(hours=24)
    r = await client.post(f"/v1/assignments/{a['id']}/cancel", json={"reason": "ziek"}, headers=worker)
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["lateCancellation"] is False
    assert r.json()["cancellableUntil"] is None
    history = (await client.get("/v1/region/history", headers=auth(region.coordinator))).json()["items"]
    assert history[0]["subjectType"] == "organisation" and history[0]["data"]["late_cancellation_percent"] == {
        "from": 50, "to": 75}
    # The late window is the borrower's too: at 24 h (default) a release 30 h ahead is not late, at 36 h it is.
    for window, late in ((24 * 60, False), (36 * 60, True)):
        await client.patch(url, json={"lateCancelWindowMinutes": window}, headers=auth(zon["admin"]))
        s = (await client.post("/v1/shifts", json=shift(region, in_hours(30), urgent=True), headers=planner)).json()
        a = (await client.post(f"/v1/shifts/{s['id']}/accept", headers=worker)).json()
        r = await client.post(f"/v1/assignments/{a['id']}/cancel", json={"reason": "minder cliënten"}, headers=planner)
        assert r.status_code == 200 and r.json()["lateCancellation"] is late
