"""Shifts, offers, accept, applications, cancellation and the audit trail through the API."""
from datetime import datetime, timedelta

from tests.helpers import auth, future, in_hours
from tests.scenarios import publish, shift_body


async def test_publish_and_validation(client, region):
    zon = region.orgs["Zonnehuis"]
    # Three days ahead: the first wave is the organisation's own at any time of day the suite runs (a shift
    # starting within hours goes to the region at once).
    s = await publish(client, region, days=3, places=2, skills=["medicatie"], description="Afdeling Linde")
    assert s["status"] == "open" and s["paidMinutes"] == 450 and s["places"] == 2 and s["placesFilled"] == 0
    assert s["tier"] == "organisation" and s["organisationId"] == zon["id"]
    # Break rules: 8 h with 15 minutes of break is refused with a field error.
    r = await client.post("/v1/shifts", json=shift_body(region, break_minutes=15), headers=auth(zon["planner"]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "breakMinutes"
    r = await client.post("/v1/shifts", json=shift_body(region, hours=11, break_minutes=30), headers=auth(zon["planner"]))
    assert r.status_code == 422 and "45 minutes" in r.json()["errors"][0]["message"]
    r = await client.post("/v1/shifts", json=shift_body(region, function="tovenaar", skills=["vliegen"]),
                          headers=auth(zon["planner"]))
    assert {e["field"] for e in r.json()["errors"]} == {"function", "skills[0]"}
    r = await client.post("/v1/shifts", json=shift_body(region, days=-2), headers=auth(zon["planner"]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "startsAt"
    body = shift_body(region)
    body["startsAt"] = body["startsAt"][:19]  # no offset
    r = await client.post("/v1/shifts", json=body, headers=auth(zon["planner"]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "startsAt"
    r = await client.post("/v1/shifts", json=shift_body(region, days=400), headers=auth(zon["planner"]))
    assert r.status_code == 422 and r.json()["errors"][0]["message"] == "must be in the future, at most a year ahead"
    # The edge of the calendar (a fuzzer found a 500 here once): refused like any other bad date.
    edge = dict(shift_body(region), startsAt="9999-12-31T20:00:00-23:00", endsAt="9999-12-31T22:00:00-23:00")
    r = await client.post("/v1/shifts/batch", json={"shifts": [edge]}, headers=auth(zon["planner"]))
    assert r.status_code == 422 and r.json()["type"] == "/problems/validation"
    r = await client.get("/v1/shifts", params={"from": "0001-01-01T00:00:00+14:00"}, headers=auth(zon["planner"]))
    assert r.status_code == 422 and r.json()["type"] == "/problems/validation"
    # Another organisation's site, a worker, nobody.
    r = await client.post("/v1/shifts", json=shift_body(region, "Thuiszorg West"), headers=auth(zon["planner"]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "siteId"
    assert (await client.post("/v1/shifts", json=shift_body(region), headers=auth("own@mail.test"))).status_code == 403
    assert (await client.post("/v1/shifts", json=shift_body(region))).status_code == 401


async def test_batch_is_all_or_nothing(client, region):
    zon = region.orgs["Zonnehuis"]
    good, bad = shift_body(region), shift_body(region, days=2, break_minutes=0)
    r = await client.post("/v1/shifts/batch", json={"shifts": [good, bad]}, headers=auth(zon["planner"]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "shifts[1].breakMinutes"
    r = await client.get("/v1/shifts", headers=auth(zon["planner"]))
    assert r.json()["items"] == []
    r = await client.post("/v1/shifts/batch", json={"shifts": [good, shift_body(region, days=2)]},
                          headers=auth(zon["planner"]))
    assert r.status_code == 201 and len(r.json()["items"]) == 2


async def test_list_detail_and_scoping(client, region):
    zon, west = region.orgs["Zonnehuis"], region.orgs["Thuiszorg West"]
    first = await publish(client, region, days=2)
    await publish(client, region, days=1)
    await publish(client, region, "Thuiszorg West")
    r = await client.get("/v1/shifts", headers=auth(zon["planner"]))
    items = r.json()["items"]
    assert len(items) == 2 and items[0]["startsAt"] < items[1]["startsAt"]
    r = await client.get("/v1/shifts", params={"limit": 1}, headers=auth(zon["planner"]))
    assert len(r.json()["items"]) == 1 and r.json()["nextCursor"]
    r2 = await client.get("/v1/shifts", params={"limit": 1, "cursor": r.json()["nextCursor"]},
                          headers=auth(zon["planner"]))
    assert r2.json()["items"][0]["id"] == first["id"]
    r = await client.get(f"/v1/shifts/{first['id']}", headers=auth(zon["planner"]))
    assert r.status_code == 200 and r.json()["assignments"] == [] and r.json()["applications"] == []
    assert (await client.get(f"/v1/shifts/{first['id']}", headers=auth(west["planner"]))).status_code == 404
    assert (await client.get(f"/v1/shifts/{first['id']}/history", headers=auth(west["planner"]))).status_code == 404
    # A worker of another organisation does not see a shift still in its own organisation's tier.
    assert (await client.get(f"/v1/shifts/{first['id']}", headers=auth("lender@mail.test"))).status_code == 404
    r = await client.get(f"/v1/shifts/{first['id']}", headers=auth("own@mail.test"))
    assert r.status_code == 200 and "assignments" not in r.json()


async def test_accept_instant_and_full(client, region):
    zon = region.orgs["Zonnehuis"]
    await region.worker("Zonnehuis", "second")
    s = await publish(client, region)
    r = await client.post(f"/v1/shifts/{s['id']}/accept", headers=auth("own@mail.test"))
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["status"] == "booked" and a["shiftId"] == s["id"] and a["paidMinutes"] == 450
    r = await client.post(f"/v1/shifts/{s['id']}/accept", headers=auth("second@mail.test"))
    assert r.status_code == 409 and r.json()["type"] == "/problems/shift-full"
    r = await client.get(f"/v1/shifts/{s['id']}", headers=auth(zon["planner"]))
    assert r.json()["status"] == "filled" and r.json()["placesFilled"] == 1
    assert [x["workerName"] for x in r.json()["assignments"]] == ["Own"]
    r = await client.get("/v1/me/assignments", headers=auth("own@mail.test"))
    assert [x["id"] for x in r.json()["items"]] == [a["id"]]
    # A planner is not a worker.
    assert (await client.post(f"/v1/shifts/{s['id']}/accept", headers=auth(zon["planner"]))).status_code == 403


async def test_refusals_name_all_blockers(client, region):
    s = await publish(client, region, skills=["injecteren"], hours=13, break_minutes=45)
    r = await client.post(f"/v1/shifts/{s['id']}/accept", headers=auth("own@mail.test"))
    assert r.status_code == 409
    body = r.json()
    assert body["type"] == "/problems/shift-too-long"
    assert [b["type"] for b in body["blockers"]] == ["shift-too-long", "credential"]
    # Overlap with the home roster, worded without revealing anything of another organisation.
    own = region.workers["own"]
    zon = region.orgs["Zonnehuis"]
    start = future(3, 7)
    r = await client.put(f"/v1/organisations/{zon['id']}/workers/{own['id']}/roster", headers=auth(zon["admin"]), json={
        "from": future(3, 0).isoformat(), "to": future(4, 0).isoformat(),
        "blocks": [{"startsAt": start.isoformat(), "endsAt": (start + timedelta(hours=8)).isoformat()}]})
    assert r.status_code == 200
    s2 = await publish(client, region, days=3, hour=12, hours=6)
    r = await client.post(f"/v1/shifts/{s2['id']}/accept", headers=auth("own@mail.test"))
    assert r.status_code == 409 and r.json()["type"] == "/problems/overlap"


def metric(text: str, line: str) -> float:
    return next((float(x.rsplit(" ", 1)[1]) for x in text.splitlines() if x.startswith(line + " ")), 0.0)


async def test_waves_and_audience(client, region):
    # More than 7 days ahead: 48 h for the own organisation first.
    s = await publish(client, region, days=10)
    before = (await client.get("/metrics")).text
    r = await client.post(f"/v1/shifts/{s['id']}/accept", headers=auth("lender@mail.test"))
    assert r.status_code == 409 and r.json()["type"] == "/problems/not-in-audience"
    after = (await client.get("/metrics")).text  # operators count refusals by type
    refusals = 'flexpool_refusals_total{type="not-in-audience"}'
    assert metric(after, refusals) - metric(before, refusals) == 1
    refused = 'flexpool_accepts_total{outcome="refused"}'
    assert metric(after, refused) - metric(before, refused) == 1
    offers = (await client.get("/v1/offers", headers=auth("lender@mail.test"))).json()["items"]
    assert offers == []
    # Urgent: the whole region at once.
    u = await publish(client, region, days=10, hour=15, urgent=True)
    assert u["tier"] == "region"
    offers = (await client.get("/v1/offers", headers=auth("lender@mail.test"))).json()["items"]
    assert [o["shift"]["id"] for o in offers] == [u["id"]] and offers[0]["canAccept"] is True
    r = await client.post(f"/v1/shifts/{u['id']}/accept", headers=auth("lender@mail.test"))
    assert r.status_code == 201 and r.json()["homeOrganisationId"] == region.orgs["Thuiszorg West"]["id"]


async def test_offers_show_blockers_and_exclusions(client, region):
    zon, west = region.orgs["Zonnehuis"], region.orgs["Thuiszorg West"]
    ok = await publish(client, region, urgent=True, days=2)
    needs = await publish(client, region, urgent=True, days=3, skills=["sondevoeding"])
    r = await client.get("/v1/offers", headers=auth("lender@mail.test"))
    offers = {o["shift"]["id"]: o for o in r.json()["items"]}
    assert offers[ok["id"]]["canAccept"] and not offers[needs["id"]]["canAccept"]
    assert offers[needs["id"]]["blockers"][0]["type"] == "credential"
    # Home employer excludes the borrower: nothing of Zonnehuis is offered any more.
    lender = region.workers["lender"]
    r = await client.patch(f"/v1/organisations/{west['id']}/workers/{lender['id']}", headers=auth(west["admin"]),
                           json={"pool": {"excludedOrganisationIds": [zon["id"]]}})
    assert r.status_code == 200
    assert (await client.get("/v1/offers", headers=auth("lender@mail.test"))).json()["items"] == []
    # A shift that will never reach the worker is not found by any verb, accept included (CONTRACT v1.1).
    r = await client.post(f"/v1/shifts/{ok['id']}/accept", headers=auth("lender@mail.test"))
    assert r.status_code == 404 and r.json()["type"] == "/problems/not-found"
    assert (await client.get(f"/v1/shifts/{ok['id']}", headers=auth("lender@mail.test"))).status_code == 404


async def test_refusals_speak_the_workers_language(client, region):
    """Dutch by default; English once the worker chose it. Offers and the 409 say the same thing."""
    needs = await publish(client, region, urgent=True, days=3, skills=["sondevoeding"])
    worker = auth("lender@mail.test")
    r = await client.post(f"/v1/shifts/{needs['id']}/accept", headers=worker)
    assert r.status_code == 409 and r.json()["type"] == "/problems/credential"
    assert r.json()["detail"] == "Voor deze dienst is de bekwaamheid 'Sondevoeding' nodig."
    assert r.json()["blockers"][0] == {"type": "credential", "detail": r.json()["detail"]}
    offer = next(o for o in (await client.get("/v1/offers", headers=worker)).json()["items"]
                 if o["shift"]["id"] == needs["id"])
    assert offer["blockers"][0]["detail"] == r.json()["detail"]
    assert (await client.patch("/v1/me/preferences", headers=worker, json={"language": "en"})).status_code == 200
    r = await client.post(f"/v1/shifts/{needs['id']}/accept", headers=worker)
    assert r.status_code == 409 and r.json()["detail"] == "This shift needs the skill 'Sondevoeding'."


async def test_availability_is_a_wish_the_offers_report(client, region):
    worker = auth("lender@mail.test")
    start = future(8, 7)
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[start.weekday()]
    other_day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[(start.weekday() + 2) % 7]
    r = await client.patch("/v1/me/preferences", headers=worker,
                           json={"availability": [{"day": other_day, "from": "07:00", "to": "15:30"}]})
    assert r.status_code == 200
    first = await publish(client, region, urgent=True, start=start)
    offer = next(o for o in (await client.get("/v1/offers", headers=worker)).json()["items"]
                 if o["shift"]["id"] == first["id"])
    assert offer["withinAvailability"] is False and offer["canAccept"] is True  # a wish, not a rule
    await client.patch("/v1/me/preferences", headers=worker,
                       json={"availability": [{"day": day, "from": "07:00", "to": "15:30"}]})
    offer = next(o for o in (await client.get("/v1/offers", headers=worker)).json()["items"]
                 if o["shift"]["id"] == first["id"])
    assert offer["withinAvailability"] is True
    assert (await client.post(f"/v1/shifts/{first['id']}/accept", headers=worker)).status_code == 201
    # A weekly cap of 8 hours: one 7.5-hour shift booked, a second in that week no longer suits.
    await client.patch("/v1/me/preferences", headers=worker, json={"availability": None, "maxExtraMinutesPerWeek": 480})
    second = await publish(client, region, urgent=True, start=start + timedelta(days=1 if start.weekday() < 6 else -1))
    offer = next(o for o in (await client.get("/v1/offers", headers=worker)).json()["items"]
                 if o["shift"]["id"] == second["id"])
    assert offer["withinAvailability"] is False and offer["canAccept"] is True


async def test_approval_flow(client, region):
    zon = region.orgs["Zonnehuis"]
    s = await publish(client, region, booking="approval", urgent=True)
    r = await client.post(f"/v1/shifts/{s['id']}/accept", headers=auth("lender@mail.test"))
    assert r.status_code == 202 and r.json()["status"] == "pending"
    app_id = r.json()["id"]
    r = await client.get(f"/v1/shifts/{s['id']}/applications", headers=auth(zon["planner"]))
    assert [a["id"] for a in r.json()["items"]] == [app_id]
    assert (await client.post(f"/v1/applications/{app_id}/approve",
                              headers=auth(region.orgs["Thuiszorg West"]["planner"]))).status_code == 404
    r = await client.post(f"/v1/applications/{app_id}/approve", headers=auth(zon["planner"]))
    assert r.status_code == 201 and r.json()["status"] == "booked"
    assert (await client.post(f"/v1/applications/{app_id}/decline", headers=auth(zon["planner"]))).status_code == 409
    # Decline and withdraw.
    s2 = await publish(client, region, booking="approval", urgent=True, days=4)
    a2 = (await client.post(f"/v1/shifts/{s2['id']}/accept", headers=auth("own@mail.test"))).json()
    r = await client.post(f"/v1/applications/{a2['id']}/decline", json={"reason": "al bezet"},
                          headers=auth(zon["planner"]))
    assert r.status_code == 200 and r.json()["status"] == "declined"
    s3 = await publish(client, region, booking="approval", urgent=True, days=5)
    a3 = (await client.post(f"/v1/shifts/{s3['id']}/accept", headers=auth("own@mail.test"))).json()
    assert (await client.delete(f"/v1/applications/{a3['id']}", headers=auth("lender@mail.test"))).status_code == 404
    assert (await client.delete(f"/v1/applications/{a3['id']}", headers=auth("own@mail.test"))).status_code == 204
    r = await client.delete(f"/v1/applications/{a3['id']}", headers=auth("own@mail.test"))
    assert r.status_code == 409 and r.json()["type"] == "/problems/conflict"
    assert r.json()["detail"] == "Deze aanmelding is al ingetrokken."
    r = await client.delete(f"/v1/applications/{a2['id']}", headers=auth("own@mail.test"))
    assert r.status_code == 409 and r.json()["detail"] == "Deze aanmelding is al afgewezen."


async def test_booking_withdraws_conflicting_applications(client, region):
    zon = region.orgs["Zonnehuis"]
    pending = await publish(client, region, booking="approval", urgent=True, days=2, hour=7)
    app = (await client.post(f"/v1/shifts/{pending['id']}/accept", headers=auth("own@mail.test"))).json()
    instant = await publish(client, region, urgent=True, days=2, hour=9)  # overlaps the pending one
    assert (await client.post(f"/v1/shifts/{instant['id']}/accept", headers=auth("own@mail.test"))).status_code == 201
    r = await client.get(f"/v1/shifts/{pending['id']}/applications", headers=auth(zon["planner"]))
    assert [(a["id"], a["status"]) for a in r.json()["items"]] == [(app["id"], "withdrawn")]


async def test_cancellation_window_release_and_reopen(client, region):
    zon = region.orgs["Zonnehuis"]
    soon = await publish(client, region, urgent=True, start=in_hours(20))
    a = (await client.post(f"/v1/shifts/{soon['id']}/accept", headers=auth("lender@mail.test"))).json()
    r = await client.post(f"/v1/assignments/{a['id']}/cancel", json={"reason": "ziek"},
                          headers=auth("lender@mail.test"))
    assert r.status_code == 409 and r.json()["type"] == "/problems/cancellation-window"
    r = await client.post(f"/v1/assignments/{a['id']}/cancel", json={"reason": "minder bewoners"},
                          headers=auth(zon["planner"]))
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["lateCancellation"] is True
    r = await client.get(f"/v1/shifts/{soon['id']}", headers=auth(zon["planner"]))
    assert r.json()["status"] == "open" and r.json()["placesFilled"] == 0
    # Outside the window the worker cancels themselves; not late.
    later = await publish(client, region, urgent=True, days=5)
    b = (await client.post(f"/v1/shifts/{later['id']}/accept", headers=auth("lender@mail.test"))).json()
    r = await client.post(f"/v1/assignments/{b['id']}/cancel", json={"reason": "verjaardag"},
                          headers=auth("lender@mail.test"))
    assert r.status_code == 200 and r.json()["lateCancellation"] is False
    # Another worker of the borrowing organisation: a member without the right (403); anyone else 404.
    assert (await client.post(f"/v1/assignments/{b['id']}/cancel", json={"reason": "x"},
                              headers=auth("own@mail.test"))).status_code == 403
    assert (await client.post(f"/v1/assignments/{b['id']}/cancel", json={"reason": "x"},
                              headers=auth(region.orgs["Thuiszorg West"]["planner"]))).status_code == 404
    r = await client.get(f"/v1/shifts/{later['id']}/history", headers=auth(zon["planner"]))
    actions = [(e["subjectType"], e["action"]) for e in r.json()["items"]]
    assert actions == [("shift", "published"), ("assignment", "booked"), ("assignment", "cancelled-by-worker")]
    assert r.json()["items"][-1]["reason"] == "verjaardag"


async def test_cancel_shift_releases_everyone(client, region):
    zon = region.orgs["Zonnehuis"]
    s = await publish(client, region, urgent=True, places=2, start=in_hours(10))
    a = (await client.post(f"/v1/shifts/{s['id']}/accept", headers=auth("lender@mail.test"))).json()
    r = await client.post(f"/v1/shifts/{s['id']}/cancel", json={"reason": "afdeling dicht"},
                          headers=auth(zon["planner"]))
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    mine = (await client.get("/v1/me/assignments", params={"status": "all"}, headers=auth("lender@mail.test"))).json()
    assert [(x["id"], x["status"], x["lateCancellation"]) for x in mine["items"]] == [(a["id"], "cancelled", True)]
    r = await client.post(f"/v1/shifts/{s['id']}/accept", headers=auth("own@mail.test"))
    assert r.status_code == 409 and r.json()["type"] == "/problems/shift-not-open"
    assert (await client.post(f"/v1/shifts/{s['id']}/cancel", json={"reason": "x"},
                              headers=auth(zon["planner"]))).status_code == 409
    assert (await client.post(f"/v1/shifts/{s['id']}/cancel", json={"reason": "x"},
                              headers=auth(region.orgs["Thuiszorg West"]["planner"]))).status_code == 404


async def test_planner_assigns_directly(client, region):
    zon = region.orgs["Zonnehuis"]
    s = await publish(client, region, days=10)  # still in the organisation tier
    lender = region.workers["lender"]
    r = await client.post(f"/v1/shifts/{s['id']}/assign", json={"workerId": lender["id"]}, headers=auth(zon["planner"]))
    assert r.status_code == 201 and r.json()["workerId"] == lender["id"]
    r = await client.post(f"/v1/shifts/{s['id']}/assign", json={"workerId": lender["id"]},
                          headers=auth(region.orgs["Thuiszorg West"]["planner"]))
    assert r.status_code == 404
    # A refusal is told to the planner about the worker, not as if the planner were the worker.
    tube = await publish(client, region, days=10, hour=14, skills=["sondevoeding"])
    r = await client.post(f"/v1/shifts/{tube['id']}/assign", json={"workerId": lender["id"]},
                          headers=auth(zon["planner"]))
    # Towards a planner of another organisation, the worker's other work is one `unavailable` (CONTRACT v1.1).
    assert r.status_code == 409 and r.json()["type"] == "/problems/worker-unavailable"
    assert r.json()["detail"] == ("Deze medewerker is dan niet beschikbaar (door ander werk of de grenzen van de "
                                  "eigen werkgever).")
    assert [b["type"] for b in r.json()["blockers"]] == ["unavailable", "credential"]
    assert r.json()["blockers"][1] == {"type": "credential",
                                       "detail": "De medewerker heeft de bekwaamheid 'Sondevoeding' niet."}


async def test_planners_see_whom_they_could_book(client, region, pool):
    zon, west = region.orgs["Zonnehuis"], region.orgs["Thuiszorg West"]
    planner = auth(zon["planner"])
    near = await region.worker("Thuiszorg West", "near", skills=["medicatie"],
                               home={"latitude": 52.10, "longitude": 5.12})
    far = await region.worker("Thuiszorg West", "far", skills=["medicatie"], home={"latitude": 52.37, "longitude": 4.89})
    busy = await region.worker("Thuiszorg West", "busy", skills=["medicatie"])
    await region.worker("Thuiszorg West", "unskilled")
    await region.worker("Thuiszorg West", "out", skills=["medicatie"], opted_in=False)
    home_only = await region.worker("Zonnehuis", "homeonly", skills=["medicatie"], opted_in=False)
    s = await publish(client, region, days=10, skills=["medicatie"])  # still in the organisation tier
    start = datetime.fromisoformat(s["startsAt"])
    r = await client.put(f"/v1/organisations/{west['id']}/workers/{busy['id']}/roster", headers=auth(west["admin"]),
                         json={"from": (start - timedelta(days=1)).isoformat(), "to": (start + timedelta(days=1)).isoformat(),
                               "blocks": [{"startsAt": (start - timedelta(hours=4)).isoformat(),
                                           "endsAt": (start + timedelta(hours=2)).isoformat()}]})
    assert r.status_code == 200, r.text
    r = await client.get(f"/v1/shifts/{s['id']}/candidates", headers=planner)
    assert r.status_code == 200, r.text
    ids = [c["workerId"] for c in r.json()["items"]]
    # Whoever could be booked now, nearest first (no home known: last); the own organisation's staff too,
    # outside the pool. Not the busy one, the one without the skill, nor the one who opted out.
    assert ids[:2] == [near["id"], far["id"]] and home_only["id"] in ids and busy["id"] not in ids
    assert {c["name"] for c in r.json()["items"]}.isdisjoint({"Unskilled", "Out", "Busy"})
    first = r.json()["items"][0]
    assert first["homeOrganisationName"] == "Thuiszorg West" and 0 < first["distanceKm"] < 2
    assert first["withinAvailability"] is True and "blockers" not in first
    r = await client.post(f"/v1/shifts/{s['id']}/assign", json={"workerId": first["workerId"]}, headers=planner)
    assert r.status_code == 201
    assert (await client.get(f"/v1/shifts/{s['id']}/candidates", headers=planner)).json()["items"] == []  # full
    assert (await client.get(f"/v1/shifts/{s['id']}/candidates", headers=auth(west["planner"]))).status_code == 404
    assert (await client.get(f"/v1/shifts/{s['id']}/candidates", headers=auth(zon["finance"]))).status_code == 403


async def test_idempotency_key(client, region):
    zon = region.orgs["Zonnehuis"]
    body = shift_body(region)
    headers = {**auth(zon["planner"]), "Idempotency-Key": "publish-1"}
    first = await client.post("/v1/shifts", json=body, headers=headers)
    again = await client.post("/v1/shifts", json=body, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert len((await client.get("/v1/shifts", headers=auth(zon["planner"]))).json()["items"]) == 1
    other = await client.post("/v1/shifts", json=shift_body(region, days=2), headers=headers)
    assert other.status_code == 422 and other.json()["type"] == "/problems/idempotency-key-reuse"
    # Another user may use the same key for their own request.
    s = first.json()
    r = await client.post(f"/v1/shifts/{s['id']}/accept", headers={**auth("own@mail.test"), "Idempotency-Key": "publish-1"})
    r2 = await client.post(f"/v1/shifts/{s['id']}/accept", headers={**auth("own@mail.test"), "Idempotency-Key": "publish-1"})
    assert r.status_code == r2.status_code == 201 and r.json()["id"] == r2.json()["id"]
