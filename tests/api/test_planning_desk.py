"""Less work for planners: favourites in the first wave, the region's planning desk acting for delegating
organisations (audited as such), the region board, the still-open push, and the balance report."""
from datetime import UTC, datetime, timedelta

from flexpool.services import announcements, planning_desk
from tests.helpers import auth, future, in_hours
from tests.scenarios import October, publish


async def test_favourites_are_reached_in_the_first_wave(client, region, pool):
    zon = region.orgs["Zonnehuis"]
    lender = region.workers["lender"]
    early = await publish(client, region, days=10)  # still in the organisation tier
    r = await client.post(f"/v1/shifts/{early['id']}/accept", headers=auth("lender@mail.test"))
    assert r.status_code == 409 and r.json()["type"] == "/problems/not-in-audience"
    r = await client.put(f"/v1/organisations/{zon['id']}/favourites", headers=auth(zon["planner"]),
                         json={"workerIds": [lender["id"]]})
    assert r.status_code == 200 and [f["workerId"] for f in r.json()["items"]] == [lender["id"]]
    assert r.json()["items"][0]["homeOrganisationName"] == "Thuiszorg West"
    later = await publish(client, region, days=11)
    async with pool.acquire() as conn:
        await announcements.announce(conn, later["id"], datetime.now(UTC))
        told = await conn.fetchval("SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id "
                                   "WHERE u.email = 'lender@mail.test' AND n.kind = 'offer'")
    assert told >= 1
    offers = (await client.get("/v1/offers", headers=auth("lender@mail.test"))).json()["items"]
    assert {early["id"], later["id"]} <= {o["shift"]["id"] for o in offers}
    r = await client.post(f"/v1/shifts/{early['id']}/accept", headers=auth("lender@mail.test"))
    assert r.status_code == 201
    r = await client.put(f"/v1/organisations/{zon['id']}/favourites", headers=auth(zon["planner"]),
                         json={"workerIds": ["00000000-0000-0000-0000-000000000001"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "workerIds[0]"


async def test_the_planning_desk_acts_for_delegating_organisations(client, pool):
    october = await October(client, pool).setup()
    r = october.region
    zon = r.orgs["Zonnehuis"]
    coordinator = auth(r.coordinator)
    res = await client.post("/v1/region/planners", headers=coordinator, json={"email": "regio@r.test", "name": "Regio"})
    assert res.status_code == 201 and res.json()["roles"] == ["regionPlanner"]
    desk_id = res.json()["id"]
    desk = auth("regio@r.test")
    assert (await client.post("/v1/region/planners", headers=auth(zon["admin"]),
                              json={"email": "x@r.test", "name": "X"})).status_code == 403
    body = {"siteId": r.sites["Zonnehuis"]["id"], "function": "verzorgende-ig", "organisationId": zon["id"],
            "startsAt": in_hours(3).isoformat(), "endsAt": (in_hours(3) + timedelta(hours=8)).isoformat(),
            "breakMinutes": 30, "urgent": True}
    assert (await client.post("/v1/shifts", json=body, headers=desk)).status_code == 403  # not delegated yet
    assert (await client.patch(f"/v1/organisations/{zon['id']}", headers=auth(zon["admin"]),
                               json={"delegatesPlanning": True})).json()["delegatesPlanning"] is True
    res = await client.post("/v1/shifts", json=body, headers=desk)
    assert res.status_code == 201, res.text
    shift = res.json()
    res = await client.post(f"/v1/shifts/{shift['id']}/assign", headers=desk, json={"workerId": october.west["id"]})
    assert res.status_code == 201, res.text
    res = await client.put(f"/v1/assignments/{october.day.id}/timesheet", headers=desk, json={"noShow": True})
    assert res.status_code == 200, res.text
    history = (await client.get(f"/v1/shifts/{shift['id']}/history", headers=auth(zon["planner"]))).json()["items"]
    assert [(e["action"], e["actorName"]) for e in history] == [("published", "Regio"), ("assigned", "Regio")]
    assert all(e["data"]["onBehalfOf"] == zon["id"] and e["data"]["as"] == "regionPlanner" for e in history)
    # Another organisation did not delegate: the desk may not plan there.
    west = r.orgs["Thuiszorg West"]
    other = {**body, "organisationId": west["id"], "siteId": r.sites["Thuiszorg West"]["id"]}
    assert (await client.post("/v1/shifts", json=other, headers=desk)).status_code == 403

    # The board: the whole region, most urgent first, with a count of who could accept, never names.
    second = await client.post("/v1/shifts", headers=auth(west["planner"]), json={
        **other, "startsAt": future(5, 7).isoformat(), "endsAt": (future(5, 7) + timedelta(hours=8)).isoformat()})
    assert second.status_code == 201
    later = await client.post("/v1/shifts", headers=auth(zon["planner"]), json={
        **body, "startsAt": future(9, 7).isoformat(), "endsAt": (future(9, 7) + timedelta(hours=8)).isoformat()})
    board = await client.get("/v1/region/board", headers=desk)
    assert board.status_code == 200, board.text
    rows = board.json()["items"]
    # Most urgent first; the first shift is full and not on the board.
    assert [row["shiftId"] for row in rows] == [second.json()["id"], later.json()["id"]]
    assert rows[0]["placesOpen"] == 1 and rows[0]["minutesToStart"] > 0 and rows[0]["acceptableBy"] >= 1
    assert "name" not in str(rows[0].keys()).lower().replace("organisationname", "").replace("sitename", "")
    assert (await client.get("/v1/region/board", headers=auth(zon["planner"]))).status_code == 403
    # Ending the role ends it at once.
    assert (await client.delete(f"/v1/region/planners/{desk_id}", headers=coordinator)).status_code == 204
    assert (await client.get("/v1/region/board", headers=desk)).status_code == 403
    assert (await client.post("/v1/shifts", json=body, headers=desk)).status_code in (403, 404)


async def test_region_planners_hear_of_urgent_shifts_still_open(client, region, pool):
    await client.post("/v1/region/planners", headers=auth(region.coordinator),
                      json={"email": "regio@r.test", "name": "Regio"})
    soon = await publish(client, region, start=in_hours(2), urgent=True)
    await publish(client, region, start=in_hours(30), urgent=True)  # not close to its start yet
    async with pool.acquire() as conn:
        now = datetime.now(UTC)
        assert await planning_desk.still_open(conn, now) == 1
        assert await planning_desk.still_open(conn, now + timedelta(minutes=10)) == 0  # once per shift
        rows = await conn.fetch("SELECT n.data FROM notifications n JOIN users u ON u.id = n.user_id "
                                "WHERE u.email = 'regio@r.test' AND n.kind = 'still-open'")
    assert [r["data"]["shiftId"] for r in rows] == [soon["id"]]
    inbox = (await client.get("/v1/me/notifications", headers=auth("regio@r.test"))).json()["items"]
    assert inbox[0]["title"] == "Spoeddienst nog open" and "Zonnehuis" in inbox[0]["body"]


async def test_the_balance_report(client, pool):
    october = await October(client, pool).setup()
    r = october.region
    params = {"from": datetime(2026, 10, 1, tzinfo=UTC).isoformat(),
              "to": datetime(2026, 11, 1, tzinfo=UTC).isoformat()}
    res = await client.get("/v1/reports/balance", params=params, headers=auth(r.coordinator))
    assert res.status_code == 200, res.text
    rows = {row["name"]: row for row in res.json()["items"]}
    zon, west, derde = rows["Zonnehuis"], rows["Thuiszorg West"], rows["Derde Huis"]
    assert zon["minutesBorrowed"] == west["minutesLent"] + derde["minutesLent"] > 0
    assert zon["minutesLent"] == 0 and zon["shiftsPublished"] == 5 and zon["shiftsFilledByOthers"] == 3
    assert zon["lateCancellationsMade"] == 1 and derde["lateCancellationsReceived"] == 1
    own = await client.get("/v1/reports/balance", params=params, headers=auth(r.orgs["Thuiszorg West"]["finance"]))
    assert [row["name"] for row in own.json()["items"]] == ["Thuiszorg West"]
    assert (await client.get("/v1/reports/balance", params=params,
                             headers=auth(r.orgs["Zonnehuis"]["planner"]))).status_code == 403
