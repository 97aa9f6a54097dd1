"""The directory endpoints: success, validation, 401, 403 and another organisation's data (404)."""
import json
from uuid import UUID

import pytest

from tests.helpers import Region, auth, local


@pytest.fixture
async def region(client, pool):
    return await Region(client).setup(pool)


async def test_health_schema_and_problem_pages(client):
    assert (await client.get("/health/live")).json()["status"] == "ok"
    ready = await client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["migration"]
    schema = (await client.get("/schema/openapi.json")).json()
    assert schema["openapi"].startswith("3.1") and "/v1/organisations" in schema["paths"]
    components = schema["components"]["schemas"]
    assert components["ShiftIn"]["additionalProperties"] is False  # bodies refuse unknown fields, and say so
    assert "additionalProperties" not in components["Shift"]       # answers may grow (CONTRACT.md)
    page = await client.get("/problems/shift-full")
    assert page.status_code == 200 and page.json()["type"] == "/problems/shift-full"
    assert (await client.get("/problems/no-such-thing")).status_code == 404
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200 and "flexpool" in metrics.text


async def test_unauthenticated_and_bad_tokens(client, region):
    r = await client.get("/v1/me")
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"] == "/problems/unauthenticated"
    r = await client.get("/v1/me", headers={"Authorization": "Bearer not.a.token"})
    assert r.status_code == 401
    r = await client.get("/v1/me", headers=auth("stranger@nowhere.test"))
    assert r.status_code == 401


async def test_organisations(client, region):
    zon, west = region.orgs["Zonnehuis"], region.orgs["Thuiszorg West"]
    r = await client.get("/v1/organisations", headers=auth(region.coordinator))
    assert {o["name"] for o in r.json()["items"]} == {"Zonnehuis", "Thuiszorg West"}
    assert all("kvkNumber" in o for o in r.json()["items"])
    # A planner sees names only of other organisations.
    r = await client.get("/v1/organisations", headers=auth(zon["planner"]))
    other = next(o for o in r.json()["items"] if o["id"] == west["id"])
    assert set(other) == {"id", "name"}
    # Only the coordinator creates organisations.
    r = await client.post("/v1/organisations", json={"name": "X"}, headers=auth(zon["admin"]))
    assert r.status_code == 403 and r.json()["type"] == "/problems/forbidden"
    r = await client.post("/v1/organisations", json={"name": "", "kvkNumber": "12"}, headers=auth(region.coordinator))
    assert r.status_code == 422
    body = r.json()
    assert body["type"] == "/problems/validation" and {e["field"] for e in body["errors"]} >= {"name"}
    r = await client.post("/v1/organisations", json={"name": "Zonnehuis"}, headers=auth(region.coordinator))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "name"
    r = await client.post("/v1/organisations", content=b"{not json", headers={**auth(region.coordinator),
                                                                              "content-type": "application/json"})
    assert r.status_code in (400, 422) and r.headers["content-type"].startswith("application/problem+json")
    # Unknown fields are named, whatever characters their names hold (a fuzzer found a 500 here once).
    for key in ("colour", "line\nbreak", "\u0000\U0001f600"):
        r = await client.patch(f"/v1/organisations/{zon['id']}", json={key: 1, "city": "Utrecht"},
                               headers=auth(zon["admin"]))
        assert r.status_code == 422 and r.json()["errors"] == [{"field": key, "message": "unknown field"}], r.text
    r = await client.post("/v1/shifts/batch", json={"shifts": [{"a\nb": 1}]}, headers=auth(zon["admin"]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "shifts[0].a\nb"


async def test_an_organisation_change_is_checked_compacted_and_audited(client, region, pool):
    """PATCH changes only what is sent; a VAT number is stored as the tax office writes it; Waadi registered
    and exempt at once is refused; what changed is audited from and to."""
    zon = region.orgs["Zonnehuis"]
    url, admin = f"/v1/organisations/{zon['id']}", auth(zon["admin"])
    r = await client.patch(url, json={"vatNumber": "NL 8104.33.941.B01", "city": "Amersfoort"}, headers=admin)
    assert r.status_code == 200 and r.json()["vatNumber"] == "NL810433941B01" and r.json()["city"] == "Amersfoort"
    r = await client.patch(url, json={"waadiRegistered": True, "waadiExempt": True}, headers=admin)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "waadiExempt", r.text
    r = await client.patch(url, json={"iban": "NL00BANK0123456789"}, headers=admin)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "iban"
    after = (await client.get(url, headers=admin)).json()
    assert after["city"] == "Amersfoort" and after.get("waadiExempt") is not True and after.get("iban") is None
    async with pool.acquire() as conn:
        changed = await conn.fetch("SELECT data FROM audit_events WHERE subject_id = $1 AND action = 'settings-changed'",
                                   UUID(zon["id"]))
    data = [json.loads(c["data"]) if isinstance(c["data"], str) else c["data"] for c in changed]
    assert data == [{"vat_number": {"from": None, "to": "NL810433941B01"}, "city": {"from": None, "to": "Amersfoort"}}]

async def test_members_and_sites_are_scoped(client, region):
    zon, west = region.orgs["Zonnehuis"], region.orgs["Thuiszorg West"]
    r = await client.get(f"/v1/organisations/{zon['id']}/members", headers=auth(zon["admin"]))
    assert {m["email"] for m in r.json()["items"]} == {zon["admin"], zon["planner"], zon["finance"]}
    # West's admin may not touch Zonnehuis: existence is not leaked.
    r = await client.get(f"/v1/organisations/{zon['id']}/members", headers=auth(west["admin"]))
    assert r.status_code == 404 and r.json()["type"] == "/problems/not-found"
    r = await client.post(f"/v1/organisations/{zon['id']}/sites", json={"name": "Hack"}, headers=auth(west["admin"]))
    assert r.status_code == 404
    # A planner of Zonnehuis is known there but lacks the role.
    r = await client.post(f"/v1/organisations/{zon['id']}/members", headers=auth(zon["planner"]),
                          json={"email": "x@x.test", "name": "X", "roles": ["planner"]})
    assert r.status_code == 403
    r = await client.post(f"/v1/organisations/{zon['id']}/members", headers=auth(zon["admin"]),
                          json={"email": "x@x.test", "name": "X", "roles": ["boss"]})
    assert r.status_code == 422
    r = await client.post(f"/v1/organisations/{zon['id']}/sites", headers=auth(zon["admin"]),
                          json={"name": "Noord", "latitude": 123})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "latitude"
    r = await client.get(f"/v1/organisations/{zon['id']}/sites", headers=auth(zon["planner"]))
    assert [s["name"] for s in r.json()["items"]] == ["Zonnehuis Centrum"]


async def test_workers(client, region):
    zon, west = region.orgs["Zonnehuis"], region.orgs["Thuiszorg West"]
    w = await region.worker("Zonnehuis", "anna", function="verpleegkundige-mbo", skills=["medicatie", "wondzorg"],
                            home={"postcode": "3511 AB", "latitude": 52.09, "longitude": 5.11})
    assert w["function"] == "verpleegkundige-mbo" and w["pool"]["optedIn"] is True
    assert {c["kind"] for c in w["credentials"]} == {"vog", "medicatie", "big"}
    # Validation names each field.
    r = await client.post(f"/v1/organisations/{zon['id']}/workers", headers=auth(zon["admin"]), json={
        "email": "b@mail.test", "name": "B", "function": "chirurg", "skills": ["toveren"],
        "credentials": [{"kind": "big", "number": "123"}], "contractMinutesPerWeek": 1200})
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"function", "skills[0]", "credentials[0].number"}
    r = await client.post(f"/v1/organisations/{zon['id']}/workers", headers=auth(zon["admin"]), json={
        "email": "b@mail.test", "name": "B", "function": "helpende", "contractMinutesPerWeek": -5})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "contractMinutesPerWeek"
    # Planner reads, may not create; another organisation sees nothing.
    r = await client.get(f"/v1/organisations/{zon['id']}/workers/{w['id']}", headers=auth(zon["planner"]))
    assert r.status_code == 200 and r.json()["email"] == "anna@mail.test"
    r = await client.post(f"/v1/organisations/{zon['id']}/workers", headers=auth(zon["planner"]), json={
        "email": "c@mail.test", "name": "C", "function": "helpende", "contractMinutesPerWeek": 1200})
    assert r.status_code == 403
    r = await client.get(f"/v1/organisations/{zon['id']}/workers/{w['id']}", headers=auth(west["admin"]))
    assert r.status_code == 404
    r = await client.get(f"/v1/organisations/{west['id']}/workers/{w['id']}", headers=auth(west["admin"]))
    assert r.status_code == 404
    # PATCH changes only what is sent.
    r = await client.patch(f"/v1/organisations/{zon['id']}/workers/{w['id']}", headers=auth(zon["admin"]),
                           json={"pool": {"maxLoanMinutesPerMonth": 960, "excludedOrganisationIds": [west["id"]]}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["pool"] == {"optedIn": True, "maxLoanMinutesPerMonth": 960, "excludedOrganisationIds": [west["id"]],
                            "inPool": True}
    assert body["function"] == "verpleegkundige-mbo" and body["home"]["postcode"] == "3511 AB"
    r = await client.patch(f"/v1/organisations/{zon['id']}/workers/{w['id']}", headers=auth(zon["admin"]),
                           json={"pool": {"excludedOrganisationIds": ["00000000-0000-0000-0000-000000000000"]}})
    assert r.status_code == 422


async def test_worker_list_paginates(client, region):
    zon = region.orgs["Zonnehuis"]
    for i in range(5):
        await region.worker("Zonnehuis", f"w{i}")
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        r = await client.get(f"/v1/organisations/{zon['id']}/workers", params=params, headers=auth(zon["planner"]))
        assert r.status_code == 200
        seen += [w["email"] for w in r.json()["items"]]
        cursor = r.json()["nextCursor"]
        if not cursor:
            break
    assert seen == sorted(seen) and len(seen) == 5
    r = await client.get(f"/v1/organisations/{zon['id']}/workers", params={"limit": 501}, headers=auth(zon["planner"]))
    assert r.status_code == 422
    r = await client.get(f"/v1/organisations/{zon['id']}/workers", params={"cursor": "garbage"},
                         headers=auth(zon["planner"]))
    assert r.status_code == 422


async def test_roster_replace(client, region):
    zon, west = region.orgs["Zonnehuis"], region.orgs["Thuiszorg West"]
    w = await region.worker("Zonnehuis", "bram")
    url = f"/v1/organisations/{zon['id']}/workers/{w['id']}/roster"
    body = {"from": local(2030, 3, 1).isoformat(), "to": local(2030, 3, 8).isoformat(),
            "blocks": [{"startsAt": local(2030, 3, 2, 7).isoformat(), "endsAt": local(2030, 3, 2, 15).isoformat()},
                       {"startsAt": local(2030, 3, 3, 7).isoformat(), "endsAt": local(2030, 3, 3, 15).isoformat()}]}
    r = await client.put(url, json=body, headers=auth(zon["admin"]))
    assert r.status_code == 200, r.text
    assert [b["startsAt"] for b in r.json()["blocks"]] == ["2030-03-02T07:00:00+01:00", "2030-03-03T07:00:00+01:00"]
    body["blocks"] = body["blocks"][:1]
    r = await client.put(url, json=body, headers=auth(zon["admin"]))
    assert len(r.json()["blocks"]) == 1
    bad = dict(body, blocks=[{"startsAt": local(2030, 3, 2, 7).isoformat(), "endsAt": local(2030, 3, 2, 6).isoformat()},
                             {"startsAt": "2030-03-04T07:00:00", "endsAt": local(2030, 3, 4, 9).isoformat()}])
    r = await client.put(url, json=bad, headers=auth(zon["admin"]))
    assert r.status_code == 422
    overlapping = dict(
        body,
        blocks=[
            {"startsAt": local(2030, 3, 2, 7).isoformat(), "endsAt": local(2030, 3, 2, 15).isoformat()},
            {"startsAt": local(2030, 3, 2, 14).isoformat(), "endsAt": local(2030, 3, 2, 20).isoformat()},
        ],
    )
    r = await client.put(url, json=overlapping, headers=auth(zon["admin"]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "blocks"
    r = await client.put(url, json=body, headers=auth(west["admin"]))
    assert r.status_code == 404
    # Reading it back: the home employer's admin and planners; nobody else, not even the worker's borrowers.
    week = {"from": body["from"], "to": body["to"]}
    r = await client.get(url, params=week, headers=auth(zon["planner"]))
    assert r.status_code == 200 and [b["startsAt"] for b in r.json()["blocks"]] == ["2030-03-02T07:00:00+01:00"]
    assert (await client.get(url, params={"from": body["from"], "to": local(2030, 3, 2, 8).isoformat()},
                             headers=auth(zon["admin"]))).json()["blocks"][0]["endsAt"] == "2030-03-02T15:00:00+01:00"
    assert (await client.get(url, params=week, headers=auth(west["planner"]))).status_code == 404
    assert (await client.get(url, params=week, headers=auth(zon["finance"]))).status_code == 403
    assert (await client.get(url, params=week, headers=auth("bram@mail.test"))).status_code in (403, 404)
    r = await client.get(url, params={"from": body["to"], "to": body["from"]}, headers=auth(zon["admin"]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "to"
    assert (await client.get(url)).status_code == 401


async def test_partners_and_blocked_workers(client, region):
    zon, west = region.orgs["Zonnehuis"], region.orgs["Thuiszorg West"]
    w = await region.worker("Thuiszorg West", "cor")
    r = await client.put(f"/v1/organisations/{zon['id']}/partners", json={"organisationIds": [west["id"]]},
                         headers=auth(zon["admin"]))
    assert r.status_code == 200 and r.json()["organisationIds"] == [west["id"]]
    r = await client.put(f"/v1/organisations/{zon['id']}/partners", json={"organisationIds": [zon["id"]]},
                         headers=auth(zon["admin"]))
    assert r.status_code == 422
    r = await client.put(f"/v1/organisations/{zon['id']}/partners", json={"organisationIds": []},
                         headers=auth(zon["planner"]))
    assert r.status_code == 403
    r = await client.post(f"/v1/organisations/{zon['id']}/blocked-workers", json={"workerId": w["id"], "reason": "no-show twice"},
                          headers=auth(zon["planner"]))
    assert r.status_code == 201 and r.json()["reason"] == "no-show twice"
    r = await client.get(f"/v1/organisations/{zon['id']}/blocked-workers", headers=auth(zon["planner"]))
    assert [b["workerId"] for b in r.json()["items"]] == [w["id"]]
    r = await client.get(f"/v1/organisations/{zon['id']}/blocked-workers", headers=auth(west["planner"]))
    assert r.status_code == 404
    r = await client.delete(f"/v1/organisations/{zon['id']}/blocked-workers/{w['id']}", headers=auth(zon["planner"]))
    assert r.status_code == 204
    r = await client.delete(f"/v1/organisations/{zon['id']}/blocked-workers/{w['id']}", headers=auth(zon["planner"]))
    assert r.status_code == 404


async def test_me_and_preferences(client, region):
    w = await region.worker("Zonnehuis", "dina")
    me = auth("dina@mail.test")
    r = await client.get("/v1/me", headers=me)
    assert r.status_code == 200
    body = r.json()
    assert body["worker"]["id"] == w["id"] and [x["role"] for x in body["roles"]] == ["worker"]
    r = await client.patch("/v1/me/preferences", headers=me, json={
        "nights": True, "quietHours": {"from": "22:00", "to": "07:00"}, "digest": "daily", "maxTravelKm": 25,
        "language": "en"})
    assert r.status_code == 200, r.text
    prefs = r.json()["preferences"]
    assert prefs == {"language": "en", "digest": "daily", "quietHours": {"from": "22:00", "to": "07:00"},
                     "optedIn": True, "nights": True, "maxTravelKm": 25, "availability": [],
                     "maxExtraMinutesPerWeek": None}
    r = await client.patch("/v1/me/preferences", headers=me, json={"quietHours": {"from": "25:00", "to": "07:00"}})
    assert r.status_code == 422


async def test_when_extra_shifts_suit_a_worker(client, region):
    """Availability windows on the clock (one past midnight) and a weekly cap of extra minutes."""
    await region.worker("Zonnehuis", "dina")
    me = auth("dina@mail.test")
    await client.patch("/v1/me/preferences", headers=me, json={"maxTravelKm": 25})
    windows = [{"day": "tue", "from": "18:00", "to": "22:00"}, {"day": "sat", "from": "22:00", "to": "07:00"}]
    r = await client.patch("/v1/me/preferences", headers=me, json={"availability": windows,
                                                                   "maxExtraMinutesPerWeek": 480})
    assert r.status_code == 200 and r.json()["preferences"]["availability"] == windows
    assert r.json()["preferences"]["maxExtraMinutesPerWeek"] == 480 and r.json()["preferences"]["maxTravelKm"] == 25
    for bad in ({"availability": [{"day": "tuesday", "from": "18:00", "to": "22:00"}]},
                {"availability": [{"day": "tue", "from": "18:00"}]}, {"maxExtraMinutesPerWeek": -1}):
        r = await client.patch("/v1/me/preferences", headers=me, json=bad)
        assert r.status_code == 422 and r.json()["type"] == "/problems/validation", bad
    r = await client.patch("/v1/me/preferences", headers=me, json={"availability": None})
    assert r.json()["preferences"]["availability"] == []  # any time suits again
    r = await client.patch("/v1/me/preferences", headers=me, json={"digest": "hourly"})
    assert r.status_code == 422


async def test_a_planner_has_no_worker_preferences(client, region):
    """A planner has no worker profile: worker-only preferences are refused, language is fine."""
    planner = auth(region.orgs["Zonnehuis"]["planner"])
    assert (await client.patch("/v1/me/preferences", headers=planner, json={"nights": True})).status_code == 422
    r = await client.patch("/v1/me/preferences", headers=planner, json={"availability": []})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "availability"
    assert (await client.patch("/v1/me/preferences", headers=planner, json={"language": "en"})).status_code == 200


async def test_devices_are_registered_listed_and_removed_by_their_owner(client, region):
    await region.worker("Zonnehuis", "dina")
    me = auth("dina@mail.test")
    planner = auth(region.orgs["Zonnehuis"]["planner"])
    token = "fcm:APA91b-token_1"
    assert (await client.put(f"/v1/me/devices/{token}", headers=me, json={"platform": "android"})).status_code == 204
    assert (await client.put("/v1/me/devices/second", headers=me, json={"platform": "ios"})).status_code == 204
    r = await client.get("/v1/me/devices", headers=me)
    assert {d["token"] for d in r.json()["items"]} == {token, "second"}
    assert (await client.put("/v1/me/devices/x", headers=me, json={"platform": "nokia"})).status_code == 422
    assert (await client.delete(f"/v1/me/devices/{token}", headers=planner)).status_code == 404
    assert (await client.delete(f"/v1/me/devices/{token}", headers=me)).status_code == 204
    assert [d["token"] for d in (await client.get("/v1/me/devices", headers=me)).json()["items"]] == ["second"]


async def test_every_problem_type_has_a_page(client):
    """The code can only name a ProblemType (mypy holds it to that); each one and each blocker type is
    explained at /problems/<slug>."""
    from api.problems import PROBLEMS
    from flexpool.domain.vocabulary import BlockerType, ProblemType
    assert set(PROBLEMS) == set(ProblemType) and len(ProblemType) > 25
    for slug in sorted({*ProblemType, *BlockerType}):
        r = await client.get(f"/problems/{slug}")
        assert r.status_code == 200 and r.json()["type"] == f"/problems/{slug}", slug


async def test_a_member_who_leaves_loses_access_at_once(client, region):
    zon, west = region.orgs["Zonnehuis"], region.orgs["Thuiszorg West"]
    admin = auth(zon["admin"])
    members = {m["email"]: m for m in (await client.get(f"/v1/organisations/{zon['id']}/members",
                                                        headers=admin)).json()["items"]}
    planner_id = members[zon["planner"]]["id"]
    assert (await client.get("/v1/shifts", headers=auth(zon["planner"]))).status_code == 200
    assert (await client.delete(f"/v1/organisations/{zon['id']}/members/{planner_id}",
                                headers=auth(west["admin"]))).status_code == 404
    r = await client.delete(f"/v1/organisations/{zon['id']}/members/{planner_id}", headers=admin)
    assert r.status_code == 204
    assert (await client.get("/v1/shifts", headers=auth(zon["planner"]))).status_code in (401, 403)
    assert (await client.delete(f"/v1/organisations/{zon['id']}/members/{planner_id}", headers=admin)).status_code == 404
    # One role of several; and never the last orgAdmin.
    r = await client.post(f"/v1/organisations/{zon['id']}/members", headers=admin,
                          json={"email": "twee@zon.test", "name": "Twee", "roles": ["planner", "finance"]})
    twee = r.json()["id"]
    r = await client.delete(f"/v1/organisations/{zon['id']}/members/{twee}", params={"role": "finance"}, headers=admin)
    assert r.status_code == 204
    roles = {m["email"]: m["roles"] for m in (await client.get(f"/v1/organisations/{zon['id']}/members",
                                                               headers=admin)).json()["items"]}
    assert roles["twee@zon.test"] == ["planner"]
    admin_id = members[zon["admin"]]["id"]
    r = await client.delete(f"/v1/organisations/{zon['id']}/members/{admin_id}", headers=admin)
    assert r.status_code == 409 and r.json()["type"] == "/problems/conflict"
    assert (await client.get(f"/v1/organisations/{zon['id']}/members", headers=admin)).status_code == 200
    history = (await client.get("/v1/region/history", headers=auth(region.coordinator))).json()["items"]
    assert [e["data"]["roles"] for e in history if e["action"] == "member-removed"] == [["finance"], ["planner"]]
