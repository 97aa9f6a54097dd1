"""The authorisation matrix: every operation of the OpenAPI document × every kind of caller × a real and a
random id, against the table below (CONTRACT.md: 401 without a token, 403 for a known member without the
role, 404 for everyone else, and everything outside the caller's region 404).

The operations come from the service's own OpenAPI document, so a new endpoint fails this test until it
has a row. Cells:
  A  the caller passes the gate (the answer is neither 401, 403 nor 404; it may be 2xx, 409 or 422)
  3  403 /problems/forbidden        4  404 /problems/not-found        1  401 /problems/unauthenticated
For every caller whose cell is 4, the answer with a random id must equal the answer with the real one
(same status, same problem type): existence never leaks. Writes run their refused cells first (they
must change nothing), then one permitted caller each, in an order that keeps the fixtures alive.
"""
from __future__ import annotations

import itertools
import os
import uuid
from datetime import datetime, timedelta

import pytest

from flexpool.domain.clock import AMSTERDAM
from flexpool.domain.shifts import ShiftDraft
from flexpool.services import booking
from flexpool.services import shifts as shift_service
from flexpool.services.identity import principal_for
from flexpool.services.regions import create_region
from tests.helpers import Region, auth, future

CALLERS = ("anon", "workerA", "plannerA", "financeA", "adminA", "workerB", "plannerB", "financeB", "adminB",
           "coord", "coord2", "staff2")

# A = Zonnehuis, the organisation that owns every real id below; B = Thuiszorg West, the same region;
# coord2 and staff2 (orgAdmin, planner and finance of their own organisation) belong to a second region.
#                                                          anon wA pA fA aA wB pB fB aB co c2 s2
TABLE: dict[str, str] = {
    # public: no token needed (the calendar feed's key is its secret; a random one is 404 for all)
    "GET /health/live":                                         "A  A  A  A  A  A  A  A  A  A  A  A",
    "GET /health/ready":                                        "A  A  A  A  A  A  A  A  A  A  A  A",
    "GET /metrics":                                             "A  A  A  A  A  A  A  A  A  A  A  A",
    "GET /problems/{slug}":                                     "A  A  A  A  A  A  A  A  A  A  A  A",
    "GET /v1/calendar/{secret}":                                "4  4  4  4  4  4  4  4  4  4  4  4",
    # the caller's own side (personal resources answer 404 to everyone but their person)
    "GET /v1/me":                                               "1  A  A  A  A  A  A  A  A  A  A  A",
    "GET /v1/me/assignments":                                   "1  A  3  3  3  A  3  3  3  3  3  3",
    "GET /v1/me/calendar":                                      "1  A  3  3  3  A  3  3  3  3  3  3",
    "POST /v1/me/calendar/rotate":                              "1  A  3  3  3  A  3  3  3  3  3  3",
    "GET /v1/me/devices":                                       "1  A  A  A  A  A  A  A  A  A  A  A",
    "PUT /v1/me/devices/{token}":                               "1  A  A  A  A  A  A  A  A  A  A  A",
    "DELETE /v1/me/devices/{token}":                            "1  A  4  4  4  4  4  4  4  4  4  4",
    "GET /v1/me/export":                                        "1  A  A  A  A  A  A  A  A  A  A  A",
    "GET /v1/me/invitations":                                   "1  A  A  A  A  A  A  A  A  A  A  A",
    "GET /v1/me/notifications":                                 "1  A  A  A  A  A  A  A  A  A  A  A",
    "PATCH /v1/me/preferences":                                 "1  A  A  A  A  A  A  A  A  A  A  A",
    "POST /v1/invitations/{invitation_id}/accept":              "1  4  4  4  4  4  4  A  4  4  4  4",
    "POST /v1/invitations/{invitation_id}/decline":             "1  4  4  4  4  4  4  A  4  4  4  4",
    "GET /v1/offers":                                           "1  A  3  3  3  A  3  3  3  3  3  3",
    # the region
    "GET /v1/region":                                           "1  A  A  A  A  A  A  A  A  A  A  A",
    "GET /v1/region/history":                                   "1  3  3  3  3  3  3  3  3  A  A  3",
    "PUT /v1/region/settings":                                  "1  3  3  3  3  3  3  3  3  A  A  3",
    "GET /v1/tariffs":                                          "1  3  A  A  A  3  A  A  A  A  A  A",
    "PUT /v1/tariffs":                                          "1  3  3  3  3  3  3  3  3  A  A  3",
    "POST /v1/region/planners":                                 "1  3  3  3  3  3  3  3  3  A  A  3",
    "GET /v1/region/planners":                                  "1  3  3  3  3  3  3  3  3  A  A  3",
    "DELETE /v1/region/planners/{user_id}":                     "1  3  3  3  3  3  3  3  3  A  4  3",
    "GET /v1/region/board":                                     "1  3  3  3  3  3  3  3  3  A  A  3",
    "GET /v1/notifications/dead-letters":                       "1  3  3  3  3  3  3  3  3  A  A  3",
    "POST /v1/notifications/{notification_id}/retry":           "1  3  3  3  3  3  3  3  3  A  4  3",
    "GET /v1/organisations":                                    "1  A  A  A  A  A  A  A  A  A  A  A",
    "POST /v1/organisations":                                   "1  3  3  3  3  3  3  3  3  A  A  3",
    # organisation A and what belongs to it
    "GET /v1/organisations/{org_id}":                           "1  A  A  A  A  A  A  A  A  A  4  4",
    "PATCH /v1/organisations/{org_id}":                         "1  3  3  3  A  4  4  4  4  A  4  4",
    "GET /v1/organisations/{org_id}/members":                   "1  3  3  3  A  4  4  4  4  A  4  4",
    "POST /v1/organisations/{org_id}/members":                  "1  3  3  3  A  4  4  4  4  A  4  4",
    "DELETE /v1/organisations/{org_id}/members/{user_id}":      "1  3  3  3  A  4  4  4  4  A  4  4",
    "GET /v1/organisations/{org_id}/invitations":               "1  3  3  3  A  4  4  4  4  A  4  4",
    "GET /v1/organisations/{org_id}/sites":                     "1  3  A  A  A  4  4  4  4  A  4  4",
    "POST /v1/organisations/{org_id}/sites":                    "1  3  3  3  A  4  4  4  4  A  4  4",
    "GET /v1/organisations/{org_id}/partners":                  "1  3  A  3  A  4  4  4  4  A  4  4",
    "PUT /v1/organisations/{org_id}/partners":                  "1  3  3  3  A  4  4  4  4  3  4  4",
    "GET /v1/organisations/{org_id}/tariffs":                   "1  3  A  A  A  4  4  4  4  A  4  4",
    "PUT /v1/organisations/{org_id}/tariffs":                   "1  3  3  A  A  4  4  4  4  3  4  4",
    "GET /v1/organisations/{org_id}/favourites":                "1  3  A  3  A  4  4  4  4  3  4  4",
    "PUT /v1/organisations/{org_id}/favourites":                "1  3  A  3  A  4  4  4  4  3  4  4",
    "GET /v1/organisations/{org_id}/blocked-workers":           "1  3  A  3  A  4  4  4  4  3  4  4",
    "POST /v1/organisations/{org_id}/blocked-workers":          "1  3  A  3  A  4  4  4  4  3  4  4",
    "DELETE /v1/organisations/{org_id}/blocked-workers/{worker_id}": "1  3  A  3  A  4  4  4  4  3  4  4",
    "GET /v1/organisations/{org_id}/workers":                   "1  3  A  3  A  4  4  4  4  3  4  4",
    "POST /v1/organisations/{org_id}/workers":                  "1  3  3  3  A  4  4  4  4  3  4  4",
    "GET /v1/organisations/{org_id}/workers/{worker_id}":       "1  3  A  3  A  4  4  4  4  3  4  4",
    "PATCH /v1/organisations/{org_id}/workers/{worker_id}":     "1  3  3  3  A  4  4  4  4  3  4  4",
    "DELETE /v1/organisations/{org_id}/workers/{worker_id}":    "1  3  3  3  A  4  4  4  4  3  4  4",
    "POST /v1/organisations/{org_id}/workers/{worker_id}/erase": "1  3  3  3  A  4  4  4  4  3  4  4",
    "GET /v1/organisations/{org_id}/workers/{worker_id}/roster": "1  3  A  3  A  4  4  4  4  3  4  4",
    "GET /v1/organisations/{org_id}/workers/import":            "1  3  3  3  A  4  4  4  4  3  4  4",
    "POST /v1/organisations/{org_id}/workers/import":           "1  3  3  3  A  4  4  4  4  3  4  4",
    "GET /v1/organisations/{org_id}/rosters/import":            "1  3  3  3  A  4  4  4  4  3  4  4",
    "POST /v1/organisations/{org_id}/rosters/import":           "1  3  3  3  A  4  4  4  4  3  4  4",
    "PUT /v1/organisations/{org_id}/workers/{worker_id}/roster": "1  3  3  3  A  4  4  4  4  3  4  4",
    # shifts (a shift of A, urgent: offered to both workers), applications, assignments, hours
    "GET /v1/shifts":                                           "1  3  A  3  A  3  A  3  A  3  3  A",
    "POST /v1/shifts":                                          "1  3  A  3  A  3  A  3  A  3  3  A",
    "POST /v1/shifts/batch":                                    "1  3  A  3  A  3  A  3  A  3  3  A",
    "GET /v1/shifts/{shift_id}":                                "1  A  A  A  A  A  4  4  4  A  4  4",
    "GET /v1/shifts/{shift_id}/history":                        "1  3  A  3  A  4  4  4  4  A  4  4",
    "GET /v1/shifts/{shift_id}/applications":                   "1  3  A  3  A  4  4  4  4  3  4  4",
    "GET /v1/shifts/{shift_id}/candidates":                     "1  3  A  3  A  4  4  4  4  3  4  4",
    "POST /v1/shifts/{shift_id}/accept":                        "1  A  3  3  3  A  4  4  4  3  4  4",
    "POST /v1/shifts/{shift_id}/assign":                        "1  3  A  3  A  4  4  4  4  3  4  4",
    "POST /v1/shifts/{shift_id}/cancel":                        "1  3  A  3  A  4  4  4  4  3  4  4",
    "POST /v1/series":                                          "1  3  A  3  A  3  A  3  A  3  3  A",
    "GET /v1/series/{series_id}":                               "1  A  A  A  A  A  4  4  4  A  4  4",
    "POST /v1/series/{series_id}/accept":                       "1  A  3  3  3  A  4  4  4  3  4  4",
    "POST /v1/secondments":                                     "1  3  A  3  A  3  A  3  A  3  3  4",
    "GET /v1/secondments":                                      "1  A  A  A  A  A  A  A  A  A  A  A",
    "GET /v1/secondments/{secondment_id}":                      "1  4  A  A  A  A  A  A  A  A  4  4",
    "POST /v1/secondments/{secondment_id}/approve":             "1  4  3  3  3  A  3  3  A  3  4  4",
    "POST /v1/secondments/{secondment_id}/decline":             "1  4  3  3  3  A  3  3  A  3  4  4",
    "PUT /v1/secondments/{secondment_id}/roster":               "1  4  A  3  A  3  3  3  3  3  4  4",
    "POST /v1/secondments/{secondment_id}/end":                 "1  4  A  3  A  3  3  3  A  3  4  4",
    "POST /v1/applications/{application_id}/approve":           "1  3  A  3  A  4  4  4  4  3  4  4",
    "POST /v1/applications/{application_id}/decline":           "1  3  A  3  A  4  4  4  4  3  4  4",
    "DELETE /v1/applications/{application_id}":                 "1  3  3  3  3  A  4  4  4  3  4  4",
    "POST /v1/assignments/{assignment_id}/cancel":              "1  3  A  3  A  A  4  4  4  3  4  4",
    "PUT /v1/assignments/{assignment_id}/timesheet":            "1  3  A  3  A  4  4  4  4  3  4  4",
    "GET /v1/timesheets":                                       "1  3  A  3  A  3  A  3  A  3  3  A",
    # money (the statement: B lends to A in October 2026)
    "GET /v1/settlements/{month}":                              "1  3  3  A  3  3  3  A  3  A  A  A",
    "POST /v1/settlements/{month}/close":                       "1  3  3  3  3  3  3  3  3  A  A  3",
    "GET /v1/settlements/{month}/statements":                   "1  3  3  A  3  3  3  A  3  A  A  A",
    "GET /v1/settlements/{month}/statements/{statement_id}":    "1  3  3  A  3  3  3  A  3  A  4  4",
    "GET /v1/reports/fill-rate":                                "1  3  A  3  A  3  A  3  A  A  A  A",
    "GET /v1/reports/balance":                                  "1  3  3  A  3  3  3  A  3  A  A  A",
    "GET /v1/reports/loans":                                    "1  3  3  A  3  3  3  A  3  A  A  A",
    "GET /v1/reports/students":                                 "1  3  3  3  3  3  3  3  3  A  A  3",
}
PUBLIC = {"GET /health/live", "GET /health/ready", "GET /metrics", "GET /problems/{slug}", "GET /v1/calendar/{secret}"}


def cells(op: str) -> dict[str, str]:
    return dict(zip(CALLERS, TABLE[op].split(), strict=True))


class World:
    """Two organisations of one region with every role, a second region, and one of each resource."""

    def __init__(self, client, pool):
        self.client, self.pool = client, pool
        self.counter = itertools.count()

    async def setup(self) -> World:
        c = self.client
        r = self.region = await Region(c).setup(self.pool)
        zon, west = r.orgs["Zonnehuis"], r.orgs["Thuiszorg West"]
        self.own = await r.worker("Zonnehuis", "own", skills=["medicatie"])
        self.lender = await r.worker("Thuiszorg West", "lender", skills=["medicatie"])
        self.blockee = await r.worker("Thuiszorg West", "blockee")
        async with self.pool.acquire() as conn:
            await create_region(conn, "Tweede regio", "coord2@two.test")
        res = await c.post("/v1/organisations", json={"name": "Elders"}, headers=auth("coord2@two.test"))
        elders = res.json()
        res = await c.post(f"/v1/organisations/{elders['id']}/members", headers=auth("coord2@two.test"),
                           json={"email": "staff2@two.test", "name": "Staf", "roles": ["orgAdmin", "planner", "finance"]})
        assert res.status_code == 201, res.text
        self.headers = {"anon": {}, "workerA": auth("own@mail.test"), "plannerA": auth(zon["planner"]),
                        "financeA": auth(zon["finance"]), "adminA": auth(zon["admin"]),
                        "workerB": auth("lender@mail.test"), "plannerB": auth(west["planner"]),
                        "financeB": auth(west["finance"]), "adminB": auth(west["admin"]),
                        "coord": auth(r.coordinator), "coord2": auth("coord2@two.test"), "staff2": auth("staff2@two.test")}
        extra = (await c.post(f"/v1/organisations/{zon['id']}/members", headers=auth(zon["admin"]),
                              json={"email": "extra@zon.test", "name": "Extra", "roles": ["planner"]})).json()
        planner = auth(zon["planner"])
        shift = await self._publish(planner, urgent=True)
        approval = await self._publish(planner, urgent=True, booking="approval", days=6)
        application = (await c.post(f"/v1/shifts/{approval['id']}/accept", headers=self.headers["workerB"])).json()
        assert application["status"] == "pending", application
        res = await c.post(f"/v1/organisations/{zon['id']}/blocked-workers", headers=planner,
                           json={"workerId": self.blockee["id"], "reason": "matrix"})
        assert res.status_code == 201, res.text
        res = await c.put("/v1/me/devices/matrix-device-token", json={"platform": "android"},
                          headers=self.headers["workerA"])
        assert res.status_code == 204
        invitation = (await c.post(f"/v1/organisations/{zon['id']}/members", headers=auth(zon["admin"]),
                                   json={"email": west["finance"], "name": "X", "roles": ["finance"]})).json()
        series = await self.client.post("/v1/series", headers=planner, json={
            "shifts": [self.shift_body(days=12, urgent=True), self.shift_body(days=13, urgent=True)]})
        assert series.status_code == 201, series.text
        secondment = await self.client.post("/v1/secondments", headers=planner, json=self.secondment_body())
        assert secondment.status_code == 201, secondment.text
        assignment = await self._october()
        statements = (await c.get("/v1/settlements/2026-10/statements", headers=self.headers["coord"])).json()
        async with self.pool.acquire() as conn:
            notification = await conn.fetchval("SELECT min(id) FROM notifications")
        self.ids = {"org_id": zon["id"], "worker_id": self.own["id"], "user_id": extra["id"], "shift_id": shift["id"],
                    "application_id": application["id"], "assignment_id": assignment.id,
                    "invitation_id": invitation["id"], "statement_id": statements["items"][0]["id"],
                    "notification_id": notification, "month": "2026-10",
                    "series_id": series.json()["id"], "secondment_id": secondment.json()["id"], "token": "matrix-device-token",
                    "slug": "not-found", "secret": "x" * 43}
        desk = (await c.post("/v1/region/planners", headers=self.headers["coord"],
                             json={"email": "regio@region.test", "name": "Regio"})).json()
        self.overrides = {("DELETE /v1/organisations/{org_id}/blocked-workers/{worker_id}", "worker_id"):
                          self.blockee["id"], ("DELETE /v1/region/planners/{user_id}", "user_id"): desk["id"]}
        return self

    async def _publish(self, planner, *, days=5, **extra):
        res = await self.client.post("/v1/shifts", json=self.shift_body(days=days, **extra), headers=planner)
        assert res.status_code == 201, res.text
        return res.json()

    def secondment_body(self) -> dict:
        return {"workerId": self.lender["id"], "from": future(20, 0).date().isoformat(),
                "to": future(60, 0).date().isoformat(), "minutesPerWeek": 1440, "function": "verzorgende-ig",
                "siteId": self.region.sites["Zonnehuis"]["id"]}

    def shift_body(self, days=5, **extra) -> dict:
        start = future(days, 7)
        return {"siteId": self.region.sites["Zonnehuis"]["id"], "function": "verzorgende-ig",
                "startsAt": start.isoformat(), "endsAt": (start + timedelta(hours=8)).isoformat(),
                "breakMinutes": 30, **extra}

    async def _october(self):
        """Worked hours of October 2026 (Zonnehuis borrows from Thuiszorg West), booked with that day's clock."""
        start = datetime(2026, 10, 6, 7, tzinfo=AMSTERDAM)
        async with self.pool.acquire() as conn:
            planner = await principal_for(conn, self.region.orgs["Zonnehuis"]["planner"])
            [shift] = await shift_service.publish(conn, planner, [ShiftDraft(
                site_id=self.region.sites["Zonnehuis"]["id"], function="verzorgende-ig", skills=[], starts_at=start,
                ends_at=start + timedelta(hours=8), break_minutes=30, places=1, booking="instant", description=None,
                urgent=True)], start - timedelta(days=10))
            worker = await principal_for(conn, "lender@mail.test")
            booked = await booking.accept(conn, worker, shift.id, start - timedelta(days=9))
        assert isinstance(booked, booking.Booked)
        return booked.assignment

    def query(self, op: str) -> dict:
        return {"GET /v1/reports/fill-rate": {"from": future(-60, 0).isoformat(), "to": future(60, 0).isoformat()},
                "GET /v1/reports/loans": {"month": "2026-10"},
                "GET /v1/reports/students": {"month": "2026-10"},
                "GET /v1/reports/balance": {"from": future(-60, 0).isoformat(), "to": future(60, 0).isoformat()},
                }.get(op, {})

    def body(self, op: str):
        n = next(self.counter)
        west = self.region.orgs["Thuiszorg West"]
        return {
            "POST /v1/organisations": {"name": f"Matrix {n}"},
            "PATCH /v1/organisations/{org_id}": {"city": "Utrecht"},
            "POST /v1/organisations/{org_id}/blocked-workers": {"workerId": self.blockee["id"], "reason": "matrix"},
            "POST /v1/organisations/{org_id}/members": {"email": f"new{n}@m.test", "name": "Nieuw", "roles": ["planner"]},
            "PUT /v1/organisations/{org_id}/partners": {"organisationIds": [west["id"]]},
            "PUT /v1/organisations/{org_id}/favourites": {"workerIds": [self.lender["id"]]},
            "POST /v1/region/planners": {"email": f"desk{n}@region.test", "name": "Balie"},
            "POST /v1/organisations/{org_id}/sites": {"name": f"Site {n}"},
            "PUT /v1/organisations/{org_id}/tariffs": {"functions": {"verzorgende-ig": 3100}},
            "POST /v1/organisations/{org_id}/workers": {"email": f"w{n}@m.test", "name": "Nieuw", "function": "helpende",
                                                         "contractMinutesPerWeek": 600},
            "PATCH /v1/organisations/{org_id}/workers/{worker_id}": {"contractMinutesPerWeek": 1200},
            "PUT /v1/organisations/{org_id}/workers/{worker_id}/roster": {
                "from": future(40, 0).isoformat(), "to": future(41, 0).isoformat(), "blocks": []},
            "PUT /v1/region/settings": {},
            "PUT /v1/tariffs": {"functions": {"verzorgende-ig": 3150}},
            "POST /v1/shifts": self.shift_body(days=8),
            "POST /v1/shifts/batch": {"shifts": [self.shift_body(days=9)]},
            "POST /v1/series": {"shifts": [self.shift_body(days=14), self.shift_body(days=15)]},
            "POST /v1/secondments": self.secondment_body(),
            "PUT /v1/secondments/{secondment_id}/roster": {"from": future(21, 0).isoformat(),
                                                           "to": future(22, 0).isoformat(), "blocks": []},
            "POST /v1/secondments/{secondment_id}/end": {"on": future(50, 0).date().isoformat()},
            "POST /v1/shifts/{shift_id}/cancel": {"reason": "matrix"},
            "POST /v1/shifts/{shift_id}/assign": {"workerId": self.lender["id"]},
            "PUT /v1/assignments/{assignment_id}/timesheet": {"noShow": True},
            "POST /v1/assignments/{assignment_id}/cancel": {"reason": "matrix"},
            "PUT /v1/me/devices/{token}": {"platform": "android"},
            "PATCH /v1/me/preferences": {"language": "nl"},
        }.get(op)


# The writes whose permitted call would break the fixtures of the others run last, in this order.
LAST = ("POST /v1/shifts/{shift_id}/cancel", "DELETE /v1/organisations/{org_id}/members/{user_id}",
        "POST /v1/invitations/{invitation_id}/decline", "POST /v1/invitations/{invitation_id}/accept",
        "DELETE /v1/organisations/{org_id}/workers/{worker_id}",
        "POST /v1/organisations/{org_id}/workers/{worker_id}/erase")


def random_value(param: str, real):
    if param == "notification_id":
        return 987_654_321
    if param in ("month", "token", "slug", "secret"):
        return real
    return str(uuid.uuid4())


def path_for(world: World, op: str, template: str, randomise: str | None = None) -> str:
    path = template
    for param in [p.strip("{}").split(":")[0] for p in template.split("/") if p.startswith("{")]:
        real = world.overrides.get((op, param), world.ids[param])
        value = random_value(param, real) if param == randomise else real
        path = path.replace("{" + param + "}", str(value))
    return path


def last_id_param(template: str) -> str | None:
    params = [p.strip("{}") for p in template.split("/") if p.startswith("{")]
    ids = [p for p in params if p not in ("month", "token", "slug", "secret")]
    return ids[-1] if ids else None


@pytest.fixture
async def world(client, pool):
    return await World(client, pool).setup()


def verdict(status: int, problem_type: str | None) -> str:
    if status == 401:
        return "1"
    if status == 403:
        return "3"
    if status == 404:
        return "4"
    return "A"


async def call(client, world: World, op: str, caller: str, randomise: str | None = None):
    method, template = op.split(" ", 1)
    body = world.body(op)
    kwargs = {"json": body} if body is not None else {}
    res = await client.request(method, path_for(world, op, template, randomise), headers=world.headers[caller],
                               params=world.query(op), **kwargs)
    kind = res.json().get("type") if res.headers.get("content-type", "").startswith("application/problem+json") else None
    assert res.status_code < 500, (op, caller, res.status_code, res.text)
    return res.status_code, kind


async def test_authorisation_matrix(client, world):
    schema = (await client.get("/schema/openapi.json")).json()
    operations = sorted(f"{m.upper()} {p}" for p, ops in schema["paths"].items() for m in ops
                        if m in ("get", "post", "put", "patch", "delete"))
    record = os.environ.get("FLEXPOOL_MATRIX_RECORD")
    missing = [op for op in operations if op not in TABLE]
    assert record or not missing, f"operations without a row in the authorisation table: {missing}"
    assert not set(TABLE) - set(operations), f"rows for operations that no longer exist: {set(TABLE) - set(operations)}"
    assert all(cells(op)["anon"] == "1" for op in TABLE if op not in PUBLIC), "every private operation needs a token"
    reads = [op for op in operations if op.startswith("GET ")]
    writes = sorted((op for op in operations if not op.startswith("GET ")),
                    key=lambda op: LAST.index(op) + 1 if op in LAST else 0)
    failures, seen, requests = [], {}, 0
    for op in reads + writes:
        expected = cells(op) if op in TABLE else {}
        last = last_id_param(op.split(" ", 1)[1])
        for caller in CALLERS:
            want = expected.get(caller)
            if op.startswith("GET ") or want != "A" or record:
                if not op.startswith("GET ") and want == "A":
                    continue
                status, kind = await call(client, world, op, caller)
                requests += 1
                got = verdict(status, kind)
                seen.setdefault(op, {})[caller] = got
                if want is not None and got != want:
                    failures.append(f"{op} as {caller}: expected {want}, got {status} {kind}")
                if want == "4" and last is not None:
                    other = await call(client, world, op, caller, randomise=last)
                    requests += 1
                    if other != (status, kind):
                        failures.append(f"{op} as {caller}: real id {status} {kind}, random id {other}")
    for op in writes:  # one permitted caller each, after every refused cell has run
        permitted = [c for c, v in (cells(op) if op in TABLE else {}).items() if v == "A"]
        if permitted:
            status, kind = await call(client, world, op, permitted[0])
            requests += 1
            if verdict(status, kind) != "A":
                failures.append(f"{op} as {permitted[0]}: expected to pass the gate, got {status} {kind}")
            seen.setdefault(op, {})[permitted[0]] = verdict(status, kind)
    if record:
        for op in operations:
            row = "  ".join(seen.get(op, {}).get(c, "?") for c in CALLERS)
            print(f'    "{op}":'.ljust(58) + f'"{row}",')
    print(f"authorisation matrix: {len(operations)} operations x {len(CALLERS)} callers, {requests} requests, "
          f"{len(failures)} failures")
    assert not failures, "\n".join(failures)
