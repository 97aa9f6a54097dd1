"""Trust between organisations and regions (CONTRACT.md v1.1): regions, invitations, leavers, privacy,
secrets, devices, personal data."""
from datetime import UTC, datetime, timedelta

from flexpool.services import leavers
from flexpool.services.regions import create_region
from tests.helpers import auth, future, in_hours


def shift_body(region, org="Zonnehuis", *, start, hours=8, **extra):
    return {"siteId": region.sites[org]["id"], "function": "verzorgende-ig", "startsAt": start.isoformat(),
            "endsAt": (start + timedelta(hours=hours)).isoformat(), "breakMinutes": 30, **extra}


async def publish(client, region, org="Zonnehuis", **kw):
    r = await client.post("/v1/shifts", json=shift_body(region, org, **kw), headers=auth(region.orgs[org]["planner"]))
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_coordinator_of_another_region_sees_nothing_of_this_one(client, region, pool):
    zon = region.orgs["Zonnehuis"]
    async with pool.acquire() as conn:
        await create_region(conn, "Andere regio", "coord@elders.test")
    other = auth("coord@elders.test")
    for path in (f"/v1/organisations/{zon['id']}", f"/v1/organisations/{zon['id']}/members",
                 f"/v1/organisations/{zon['id']}/sites", f"/v1/organisations/{zon['id']}/partners",
                 f"/v1/organisations/{zon['id']}/tariffs"):
        r = await client.get(path, headers=other)
        assert r.status_code == 404 and r.json()["type"] == "/problems/not-found", path
    r = await client.get("/v1/reports/fill-rate", headers=other, params={
        "organisationId": zon["id"], "from": future(-30, 0).isoformat(), "to": future(30, 0).isoformat()})
    assert r.status_code == 404
    # The same coordinator, in their own region, answers as before.
    assert (await client.get(f"/v1/organisations/{zon['id']}/members", headers=auth(region.coordinator))).status_code == 200
    # One region per user: a grant that would put someone in a second region is refused.
    r = await client.post(f"/v1/organisations/{zon['id']}/members", headers=auth(zon["admin"]),
                          json={"email": "coord@elders.test", "name": "X", "roles": ["planner"]})
    assert r.status_code == 409 and r.json()["type"] == "/problems/other-region"


async def test_someone_of_another_organisation_is_invited_not_added(client, region):
    zon, west = region.orgs["Zonnehuis"], region.orgs["Thuiszorg West"]
    # West's planner is known to FlexPool; Zonnehuis types her address (and a made-up name).
    r = await client.post(f"/v1/organisations/{zon['id']}/members", headers=auth(zon["admin"]),
                          json={"email": west["planner"], "name": "Wie Dan Ook", "roles": ["planner"]})
    assert r.status_code == 202, r.text
    invitation = r.json()
    assert invitation["status"] == "pending" and invitation["roles"] == ["planner"]
    assert "planner Thuiszorg West" not in r.text and "name" not in invitation  # no name oracle
    # No rights until accepted.
    r = await client.get("/v1/shifts", params={"organisationId": zon["id"]}, headers=auth(west["planner"]))
    assert r.status_code == 404
    mine = (await client.get("/v1/me/invitations", headers=auth(west["planner"]))).json()["items"]
    assert [i["id"] for i in mine] == [invitation["id"]] and mine[0]["organisationName"] == "Zonnehuis"
    # Somebody else cannot accept it; the invitee can, once.
    assert (await client.post(f"/v1/invitations/{invitation['id']}/accept",
                              headers=auth(zon["planner"]))).status_code == 404
    r = await client.post(f"/v1/invitations/{invitation['id']}/accept", headers=auth(west["planner"]))
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert (await client.post(f"/v1/invitations/{invitation['id']}/accept",
                              headers=auth(west["planner"]))).status_code == 409
    r = await client.get("/v1/shifts", params={"organisationId": zon["id"]}, headers=auth(west["planner"]))
    assert r.status_code == 200
    sent = (await client.get(f"/v1/organisations/{zon['id']}/invitations", headers=auth(zon["admin"]))).json()
    assert [(i["id"], i["status"]) for i in sent["items"]] == [(invitation["id"], "accepted")]
    # A declined invitation gives nothing.
    r = await client.post(f"/v1/organisations/{zon['id']}/members", headers=auth(zon["admin"]),
                          json={"email": west["finance"], "name": "X", "roles": ["finance"]})
    assert r.status_code == 202
    r = await client.post(f"/v1/invitations/{r.json()['id']}/decline", headers=auth(west["finance"]))
    assert r.status_code == 200 and r.json()["status"] == "declined"
    assert (await client.get("/v1/settlements/2026-10", headers=auth(west["finance"]))).status_code == 200
    me = (await client.get("/v1/me", headers=auth(west["finance"]))).json()
    assert me["organisations"] == [west["id"]]


async def test_a_worker_of_another_employer_is_invited_and_joins_after_leaving(client, region):
    zon, west = region.orgs["Zonnehuis"], region.orgs["Thuiszorg West"]
    lender = region.workers["lender"]
    body = {"email": "lender@mail.test", "name": "Onbekend", "function": "helpende", "contractMinutesPerWeek": 600,
            "credentials": [{"kind": "vog"}], "pool": {"optedIn": True}}
    r = await client.post(f"/v1/organisations/{zon['id']}/workers", json=body, headers=auth(zon["admin"]))
    assert r.status_code == 202 and r.json()["kind"] == "worker" and "Lender" not in r.text
    invitation = r.json()
    # Still a worker at West: accepting says so to the worker (who knows), not to Zonnehuis.
    r = await client.post(f"/v1/invitations/{invitation['id']}/accept", headers=auth("lender@mail.test"))
    assert r.status_code == 409 and "end your worker profile" in r.json()["detail"]
    assert (await client.delete(f"/v1/organisations/{west['id']}/workers/{lender['id']}",
                                headers=auth(west["admin"]))).status_code == 204
    r = await client.post(f"/v1/invitations/{invitation['id']}/accept", headers=auth("lender@mail.test"))
    assert r.status_code == 200, r.text
    me = (await client.get("/v1/me", headers=auth("lender@mail.test"))).json()
    assert me["worker"]["organisationId"] == zon["id"] and me["worker"]["function"] == "helpende"
    assert me["worker"]["id"] != lender["id"]
    # The ended profile stays with West for the hours it worked, marked as ended.
    old = (await client.get(f"/v1/organisations/{west['id']}/workers/{lender['id']}", headers=auth(west["admin"]))).json()
    assert old["endedAt"] is not None and old["pool"]["inPool"] is False


async def test_ending_a_worker_releases_future_bookings_without_a_charge(client, region, pool):
    zon, west = region.orgs["Zonnehuis"], region.orgs["Thuiszorg West"]
    lender = region.workers["lender"]
    soon = await publish(client, region, start=in_hours(5), urgent=True)  # inside the late-cancellation window
    r = await client.post(f"/v1/shifts/{soon['id']}/accept", headers=auth("lender@mail.test"))
    assert r.status_code == 201, r.text
    assignment = r.json()
    assert (await client.delete(f"/v1/organisations/{west['id']}/workers/{lender['id']}",
                                headers=auth(zon["admin"]))).status_code == 404  # not Zonnehuis's worker
    assert (await client.delete(f"/v1/organisations/{west['id']}/workers/{lender['id']}",
                                headers=auth(west["planner"]))).status_code == 403
    assert (await client.delete(f"/v1/organisations/{west['id']}/workers/{lender['id']}",
                                headers=auth(west["admin"]))).status_code == 204
    shift = (await client.get(f"/v1/shifts/{soon['id']}", headers=auth(zon["planner"]))).json()
    released = next(a for a in shift["assignments"] if a["id"] == assignment["id"])
    assert released["status"] == "cancelled" and released["lateCancellation"] is False
    assert shift["placesFilled"] == 0 and shift["status"] == "open"
    async with pool.acquire() as conn:
        told = await conn.fetchval("SELECT count(*) FROM notifications WHERE kind = 'worker-cancelled' "
                                   "AND data->>'assignmentId' = $1", assignment["id"])
        roles = await conn.fetchval("SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id "
                                    "WHERE u.email = 'lender@mail.test'")
    assert told == 1 and roles == 0
    assert (await client.get("/v1/offers", headers=auth("lender@mail.test"))).status_code == 403


async def test_the_employers_opt_out_binds(client, region):
    west = region.orgs["Thuiszorg West"]
    lender = region.workers["lender"]
    s = await publish(client, region, start=future(3, 7), urgent=True)
    r = await client.patch(f"/v1/organisations/{west['id']}/workers/{lender['id']}", headers=auth(west["admin"]),
                           json={"pool": {"optedIn": False}})
    assert r.status_code == 200 and r.json()["pool"] == {**r.json()["pool"], "optedIn": False, "inPool": False}
    # The worker's own wish cannot widen it.
    r = await client.patch("/v1/me/preferences", json={"optedIn": True}, headers=auth("lender@mail.test"))
    assert r.status_code == 200 and r.json()["worker"]["pool"]["inPool"] is False
    assert (await client.get("/v1/offers", headers=auth("lender@mail.test"))).json()["items"] == []
    assert (await client.post(f"/v1/shifts/{s['id']}/accept", headers=auth("lender@mail.test"))).status_code == 404
    # Both allow it: in the pool again. The worker alone can narrow it.
    await client.patch(f"/v1/organisations/{west['id']}/workers/{lender['id']}", headers=auth(west["admin"]),
                       json={"pool": {"optedIn": True}})
    assert len((await client.get("/v1/offers", headers=auth("lender@mail.test"))).json()["items"]) == 1
    r = await client.patch("/v1/me/preferences", json={"optedIn": False}, headers=auth("lender@mail.test"))
    assert r.json()["preferences"]["optedIn"] is False and r.json()["worker"]["pool"]["inPool"] is False
    r = await client.get(f"/v1/organisations/{west['id']}/workers/{lender['id']}", headers=auth(west["admin"]))
    assert r.json()["pool"]["optedIn"] is True and r.json()["pool"]["inPool"] is False


async def test_a_shift_that_will_never_reach_the_worker_is_not_found(client, region):
    zon = region.orgs["Zonnehuis"]
    lender = region.workers["lender"]
    early = await publish(client, region, start=future(10, 7))  # still in the organisation tier
    r = await client.post(f"/v1/shifts/{early['id']}/accept", headers=auth("lender@mail.test"))
    assert r.status_code == 409 and r.json()["type"] == "/problems/not-in-audience"  # not reached yet
    r = await client.post(f"/v1/organisations/{zon['id']}/blocked-workers", headers=auth(zon["planner"]),
                          json={"workerId": lender["id"], "reason": "no-show"})
    assert r.status_code == 201
    urgent = await publish(client, region, start=future(3, 7), urgent=True)
    for s in (early, urgent):
        assert (await client.post(f"/v1/shifts/{s['id']}/accept", headers=auth("lender@mail.test"))).status_code == 404
        assert (await client.get(f"/v1/shifts/{s['id']}", headers=auth("lender@mail.test"))).status_code == 404


async def test_candidates_show_whole_kilometres(client, region):
    zon = region.orgs["Zonnehuis"]
    await region.worker("Thuiszorg West", "near", skills=["medicatie"], home={"latitude": 52.1012, "longitude": 5.1234})
    s = await publish(client, region, start=future(10, 7))
    r = await client.get(f"/v1/shifts/{s['id']}/candidates", headers=auth(zon["planner"]))
    km = [c["distanceKm"] for c in r.json()["items"] if c["distanceKm"] is not None]
    assert km and all(isinstance(k, int) for k in km)


async def test_calendar_secrets_are_long_and_random(client, region, pool):
    r = await client.get("/v1/me/calendar", headers=auth("own@mail.test"))
    first = r.json()["url"].rsplit("/", 1)[1].removesuffix(".ics")
    r = await client.post("/v1/me/calendar/rotate", headers=auth("own@mail.test"))
    second = r.json()["url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert first != second and len(second) >= 43  # 256 bits, base64url
    async with pool.acquire() as conn:
        secrets = [r[0] for r in await conn.fetch("SELECT calendar_secret FROM users")]
    assert len(set(secrets)) == len(secrets) and min(map(len, secrets)) >= 32
    assert (await client.get(f"/v1/calendar/{first}.ics")).status_code == 404
    assert (await client.get(f"/v1/calendar/{second}.ics")).status_code == 200


async def test_devices_are_bounded_and_a_moved_token_is_audited(client, region, pool):
    own, lender = auth("own@mail.test"), auth("lender@mail.test")
    for i in range(12):
        r = await client.put(f"/v1/me/devices/token-{i}", json={"platform": "android"}, headers=own)
        assert r.status_code == 204
    tokens = [d["token"] for d in (await client.get("/v1/me/devices", headers=own)).json()["items"]]
    assert len(tokens) == 10 and "token-0" not in tokens and "token-11" in tokens
    # The phone changes hands: the token moves, and the move is on record.
    assert (await client.put("/v1/me/devices/token-11", json={"platform": "ios"}, headers=lender)).status_code == 204
    assert "token-11" not in [d["token"] for d in (await client.get("/v1/me/devices", headers=own)).json()["items"]]
    async with pool.acquire() as conn:
        moved = await conn.fetch("SELECT data FROM audit_events WHERE action = 'device-reregistered'")
    assert len(moved) == 1 and moved[0]["data"]["platform"] == "ios"


async def test_export_and_erasure_of_personal_data(client, region, pool):
    west = region.orgs["Thuiszorg West"]
    lender = region.workers["lender"]
    await client.put("/v1/me/devices/phone-1", json={"platform": "android"}, headers=auth("lender@mail.test"))
    start = future(-3, 7)
    recent, old = start - timedelta(days=7), start - timedelta(weeks=60)
    r = await client.put(f"/v1/organisations/{west['id']}/workers/{lender['id']}/roster", headers=auth(west["admin"]),
                         json={"from": (old - timedelta(days=1)).isoformat(), "to": future(30, 0).isoformat(),
                               "blocks": [{"startsAt": x.isoformat(), "endsAt": (x + timedelta(hours=8)).isoformat()}
                                          for x in (old, recent, future(20, 7))]})
    assert r.status_code == 200, r.text
    export = (await client.get("/v1/me/export", headers=auth("lender@mail.test"))).json()
    assert export["account"][0]["email"] == "lender@mail.test" and len(export["homeRoster"]) == 3
    assert [d["token"] for d in export["devices"]] == ["phone-1"] and export["credentials"]
    assert export["workerProfiles"][0]["id"] == lender["id"]
    url = f"/v1/organisations/{west['id']}/workers/{lender['id']}/erase"
    assert (await client.post(url, headers=auth(west["admin"]))).status_code == 409  # end the worker first
    assert (await client.delete(f"/v1/organisations/{west['id']}/workers/{lender['id']}",
                                headers=auth(west["admin"]))).status_code == 204
    assert (await client.post(url, headers=auth(west["planner"]))).status_code == 403
    r = await client.post(url, headers=auth(west["admin"]))
    assert r.status_code == 200, r.text
    assert any("52 weeks" in k for k in r.json()["kept"])
    async with pool.acquire() as conn:
        user = await conn.fetchrow("SELECT * FROM users WHERE id = $1", lender["userId"])
        worker = await conn.fetchrow("SELECT * FROM workers WHERE id = $1", lender["id"])
        blocks = [b["starts_at"] for b in await conn.fetch("SELECT starts_at FROM roster_blocks WHERE worker_id = $1",
                                                           lender["id"])]
        left = {t: await conn.fetchval(f"SELECT count(*) FROM {t} WHERE worker_id = $1", lender["id"])
                for t in ("credentials", "availability_windows")}
        devices = await conn.fetchval("SELECT count(*) FROM devices WHERE user_id = $1", lender["userId"])
    assert user["email"].endswith("@erased.invalid") and user["name"] == "Verwijderde medewerker"
    assert worker["date_of_birth"] is None and worker["home_latitude"] is None and worker["erased_at"] is not None
    assert blocks == [recent] and left == {"credentials": 0, "availability_windows": 0} and devices == 0
    # The old address no longer signs anyone in.
    assert (await client.get("/v1/me", headers=auth("lender@mail.test"))).status_code == 401
    # What the law kept goes when its period ends (the daily retention job).
    async with pool.acquire() as conn:
        await leavers.purge_expired(conn, datetime.now(UTC) + timedelta(weeks=49))
        assert await conn.fetchval("SELECT count(*) FROM roster_blocks WHERE worker_id = $1", lender["id"]) == 1
        await leavers.purge_expired(conn, datetime.now(UTC) + timedelta(weeks=54))
        assert await conn.fetchval("SELECT count(*) FROM roster_blocks WHERE worker_id = $1", lender["id"]) == 0
