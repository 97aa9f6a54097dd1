"""A retry with the same Idempotency-Key after any failure returns the committed result. The failure is made
the way a restart makes it: the change committed, its answer lost, and the key's stored answer gone (a 5xx
answer is never kept), so the retry runs the use case again and must recognise what it did."""
from tests.helpers import auth
from tests.scenarios import publish, shift_body


async def lose_answer(pool, key: str) -> None:
    async with pool.acquire() as conn:
        await conn.execute("DELETE FROM idempotency_keys WHERE key = $1", key)


async def test_every_write_retried_after_a_lost_answer_gets_what_it_committed(client, region, pool):
    zon = region.orgs["Zonnehuis"]
    planner = auth(zon["planner"])
    # Publishing: the same shift, not a second one.
    body = shift_body(region, urgent=True, days=3)
    first = await client.post("/v1/shifts", json=body, headers={**planner, "Idempotency-Key": "publish-1"})
    await lose_answer(pool, "publish-1")
    again = await client.post("/v1/shifts", json=body, headers={**planner, "Idempotency-Key": "publish-1"})
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    shifts = (await client.get("/v1/shifts", headers=planner)).json()["items"]
    assert [s["id"] for s in shifts] == [first.json()["id"]]
    shift = first.json()
    # Accepting: the booking, not "already booked".
    worker = {**auth("lender@mail.test"), "Idempotency-Key": "accept-1"}
    booked = await client.post(f"/v1/shifts/{shift['id']}/accept", headers=worker)
    await lose_answer(pool, "accept-1")
    again = await client.post(f"/v1/shifts/{shift['id']}/accept", headers=worker)
    assert booked.status_code == again.status_code == 201 and booked.json()["id"] == again.json()["id"]
    # Without the key, a second accept is still refused.
    assert (await client.post(f"/v1/shifts/{shift['id']}/accept", headers=auth("lender@mail.test"))).status_code == 409
    # Releasing the worker: the released assignment, not "already cancelled".
    key = {**planner, "Idempotency-Key": "release-1"}
    released = await client.post(f"/v1/assignments/{booked.json()['id']}/cancel", json={"reason": "x"}, headers=key)
    await lose_answer(pool, "release-1")
    again = await client.post(f"/v1/assignments/{booked.json()['id']}/cancel", json={"reason": "x"}, headers=key)
    assert released.status_code == again.status_code == 200 and again.json()["status"] == "cancelled"
    # Cancelling the shift.
    key = {**planner, "Idempotency-Key": "cancel-1"}
    cancelled = await client.post(f"/v1/shifts/{shift['id']}/cancel", json={"reason": "x"}, headers=key)
    await lose_answer(pool, "cancel-1")
    again = await client.post(f"/v1/shifts/{shift['id']}/cancel", json={"reason": "x"}, headers=key)
    assert cancelled.status_code == again.status_code == 200 and again.json()["status"] == "cancelled"
    other = await client.post(f"/v1/shifts/{shift['id']}/cancel", json={"reason": "x"},
                              headers={**planner, "Idempotency-Key": "cancel-2"})
    assert other.status_code == 409  # another request is still told it is already cancelled


async def test_approving_and_declining_retried_after_a_lost_answer(client, region, pool):
    planner = auth(region.orgs["Zonnehuis"]["planner"])
    one = await publish(client, region, urgent=True, days=4, booking="approval")
    two = await publish(client, region, urgent=True, days=5, booking="approval")
    apps = [(await client.post(f"/v1/shifts/{s['id']}/accept", headers=auth("lender@mail.test"))).json()
            for s in (one, two)]
    key = {**planner, "Idempotency-Key": "approve-1"}
    approved = await client.post(f"/v1/applications/{apps[0]['id']}/approve", headers=key)
    await lose_answer(pool, "approve-1")
    again = await client.post(f"/v1/applications/{apps[0]['id']}/approve", headers=key)
    assert approved.status_code == again.status_code == 201 and approved.json()["id"] == again.json()["id"]
    key = {**planner, "Idempotency-Key": "decline-1"}
    declined = await client.post(f"/v1/applications/{apps[1]['id']}/decline", headers=key)
    await lose_answer(pool, "decline-1")
    again = await client.post(f"/v1/applications/{apps[1]['id']}/decline", headers=key)
    assert declined.status_code == again.status_code == 200 and again.json()["status"] == "declined"


async def test_a_series_accept_retried_after_a_lost_answer_gets_its_bookings(client, region, pool):
    from tests.helpers import future

    body = {"shifts": [shift_body(region, start=future(d, 7), hours=8, break_minutes=30, urgent=True) for d in (3, 4)]}
    series = await client.post("/v1/series", json=body, headers=auth(region.orgs["Zonnehuis"]["planner"]))
    assert series.status_code == 201, series.text
    worker = {**auth("lender@mail.test"), "Idempotency-Key": "series-1"}
    booked = await client.post(f"/v1/series/{series.json()['id']}/accept", headers=worker)
    await lose_answer(pool, "series-1")
    again = await client.post(f"/v1/series/{series.json()['id']}/accept", headers=worker)
    assert booked.status_code == again.status_code == 201, again.text
    assert [a["id"] for a in again.json()["assignments"]] == [a["id"] for a in booked.json()["assignments"]]
    assert len(booked.json()["assignments"]) == 2
    # Without the key, the series is taken.
    assert (await client.post(f"/v1/series/{series.json()['id']}/accept",
                              headers=auth("lender@mail.test"))).status_code == 409
