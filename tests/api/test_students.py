"""Students of the stage pool (BBL): the `student` profile, shifts that welcome students with a supervising
function, students seeing and taking only those, the minors' rules, and the hours-per-student report."""
from __future__ import annotations

from datetime import date, timedelta

from tests.helpers import auth, future
from tests.scenarios import publish

STUDENT = {"school": "ROC Midden Nederland", "level": "mbo 3 BBL", "supervisorFunction": "verzorgende-ig"}


async def _student(region, key="sam", org="Thuiszorg West", **extra):
    return await region.worker(org, key, function="helpende", student=STUDENT, **extra)


async def test_a_student_profile_is_kept_and_validated(client, region):
    w = await _student(region)
    assert w["student"] == STUDENT
    admin = auth(region.orgs["Thuiszorg West"]["admin"])
    path = f"/v1/organisations/{region.orgs['Thuiszorg West']['id']}/workers/{w['id']}"
    bad = await client.patch(path, json={"student": {**STUDENT, "supervisorFunction": "astronaut"}}, headers=admin)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "student.supervisorFunction", bad.text
    done = await client.patch(path, json={"student": None}, headers=admin)
    assert done.status_code == 200 and done.json().get("student") is None


async def test_a_shift_that_welcomes_students_names_its_supervisor(client, region):
    planner = auth(region.orgs["Zonnehuis"]["planner"])
    from tests.scenarios import shift_body
    res = await client.post("/v1/shifts", json=shift_body(region, days=3, function="helpende", studentsWelcome=True),
                            headers=planner)
    assert res.status_code == 422 and res.json()["errors"][0]["field"] == "supervisorFunction", res.text
    shift = await publish(client, region, days=3, urgent=True, function="helpende", studentsWelcome=True,
                          supervisorFunction="verzorgende-ig")
    assert shift["studentsWelcome"] is True and shift["supervisorFunction"] == "verzorgende-ig"


async def test_a_student_sees_and_takes_only_shifts_that_welcome_students(client, region):
    await _student(region)
    sam = auth("sam@mail.test")
    plain = await publish(client, region, days=3, urgent=True, function="helpende")
    welcome = await publish(client, region, days=4, urgent=True, function="helpende", studentsWelcome=True,
                            supervisorFunction="verpleegkundige-mbo")
    offers = (await client.get("/v1/offers", headers=sam)).json()["items"]
    assert [o["shift"]["id"] for o in offers] == [welcome["id"]], offers
    assert offers[0]["canAccept"], offers[0]
    # the other shift will never reach a student: 404 for every verb, as for a shift that is too far
    assert (await client.post(f"/v1/shifts/{plain['id']}/accept", headers=sam)).status_code == 404
    assert (await client.get(f"/v1/shifts/{plain['id']}", headers=sam)).status_code == 404
    res = await client.post(f"/v1/shifts/{welcome['id']}/accept", headers=sam)
    assert res.status_code == 201, res.text
    # a worker who is no student still sees both
    own = (await client.get("/v1/offers", headers=auth("own@mail.test"))).json()["items"]
    assert {o["shift"]["id"] for o in own} >= {plain["id"]}


async def test_the_supervisor_must_be_as_high_as_the_school_asks(client, region):
    await _student(region)
    shift = await publish(client, region, days=3, urgent=True, function="helpende", studentsWelcome=True,
                          supervisorFunction="helpende")
    res = await client.post(f"/v1/shifts/{shift['id']}/accept", headers=auth("sam@mail.test"))
    assert res.status_code == 409, res.text
    body = res.json()
    assert body["type"] == "/problems/qualification"
    assert "Verzorgende IG" in body["detail"] or "verzorgende" in body["detail"].lower(), body
    # the planner who assigns hears it about the student
    planner = auth(region.orgs["Zonnehuis"]["planner"])
    res = await client.post(f"/v1/shifts/{shift['id']}/assign", json={"workerId": (await _id(client, region))},
                            headers=planner)
    assert res.status_code == 409 and res.json()["type"] == "/problems/qualification", res.text


async def _id(client, region):
    return region.workers["sam"]["id"]


async def test_a_minor_student_keeps_the_minors_rules(client, region):
    """Under 18: at most 9 hours a shift and no work between 23:00 and 06:00 (DOMAIN.md)."""
    seventeen = date.today() - timedelta(days=17 * 365)
    await _student(region, "mia", date_of_birth=seventeen)
    mia = auth("mia@mail.test")
    welcome = {"function": "helpende", "studentsWelcome": True, "supervisorFunction": "verzorgende-ig", "urgent": True}
    long = await publish(client, region, days=3, hour=7, hours=10, break_minutes=45, **welcome)
    res = await client.post(f"/v1/shifts/{long['id']}/accept", headers=mia)
    assert res.status_code == 409 and res.json()["type"] == "/problems/shift-too-long", res.text
    late = await publish(client, region, days=4, hour=16, hours=8, **welcome)
    res = await client.post(f"/v1/shifts/{late['id']}/accept", headers=mia)
    assert res.status_code == 409 and res.json()["type"] == "/problems/night-shift-rules", res.text
    day = await publish(client, region, days=5, hour=8, hours=8, **welcome)
    assert (await client.post(f"/v1/shifts/{day['id']}/accept", headers=mia)).status_code == 201


async def test_the_schools_get_hours_per_student_per_organisation(client, region):
    await _student(region, "sam")
    await _student(region, "ben", org="Zonnehuis")
    welcome = {"function": "helpende", "studentsWelcome": True, "supervisorFunction": "verzorgende-ig", "urgent": True}
    first = await publish(client, region, days=2, hour=7, hours=8, **welcome)           # 450 paid minutes
    second = await publish(client, region, days=4, hour=7, hours=6, places=2, **welcome)  # 330
    at_west = await publish(client, region, "Thuiszorg West", days=3, hour=7, hours=4, break_minutes=0, **welcome)  # 240
    for shift, who in ((first, "sam"), (second, "sam"), (at_west, "sam"), (second, "ben")):
        r = await client.post(f"/v1/shifts/{shift['id']}/accept", headers=auth(f"{who}@mail.test"))
        assert r.status_code == 201, r.text
    months = {future(d, 7).strftime("%Y-%m") for d in (2, 3, 4)}
    coord = auth(region.coordinator)
    rows = []
    for month in sorted(months):
        res = await client.get("/v1/reports/students", params={"month": month}, headers=coord)
        assert res.status_code == 200, res.text
        rows += res.json()["items"]
    totals: dict[tuple[str, str], tuple[int, int]] = {}
    for r in rows:
        key = (r["name"], r["organisationName"])
        shifts, minutes = totals.get(key, (0, 0))
        totals[key] = (shifts + r["shifts"], minutes + r["minutes"])
        assert r["school"] == STUDENT["school"] and r["level"] == STUDENT["level"]
    assert totals == {("Sam", "Zonnehuis"): (2, 450 + 330), ("Sam", "Thuiszorg West"): (1, 240),
                      ("Ben", "Zonnehuis"): (1, 330)}, totals
    planner = auth(region.orgs["Zonnehuis"]["planner"])
    assert (await client.get("/v1/reports/students", params={"month": "2026-11"}, headers=planner)).status_code == 403
