"""The database guarantees the booking invariants, with real concurrent HTTP requests on two API processes."""
import asyncio
from datetime import timedelta

import asyncpg
import httpx
import pytest

from tests.helpers import Region, auth, future
from tests.processes import api_processes


@pytest.fixture
async def servers(database_url):
    """Two real API processes on one database, like two replicas behind a load balancer."""
    async with api_processes(database_url, 2) as urls:
        yield urls


def _body(region, org, *, places=1, days=2, hour=7) -> dict:
    """An urgent eight-hour helpende shift: offered to the whole region at once."""
    start = future(days, hour)
    return {"siteId": region.sites[org]["id"], "function": "helpende", "startsAt": start.isoformat(),
            "endsAt": (start + timedelta(hours=8)).isoformat(), "breakMinutes": 30, "places": places, "urgent": True}


async def _shift(client, region, org, **kw):
    r = await client.post("/v1/shifts", headers=auth(region.orgs[org]["planner"]), json=_body(region, org, **kw))
    assert r.status_code == 201, r.text
    return r.json()


async def _race(servers, path: str, names: list[str]) -> list[httpx.Response]:
    """Every worker posts at once, alternating between the two API processes."""
    async with httpx.AsyncClient(timeout=60) as http:
        return await asyncio.gather(*[http.post(f"{servers[i % 2]}{path}", headers=auth(f"{name}@mail.test"))
                                      for i, name in enumerate(names)])


def _one_winner(results: list[httpx.Response]) -> dict:
    """Exactly one 201; every other answer a 409 shift-full. The winner's body."""
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == 1 and codes.count(409) == len(results) - 1, codes
    assert {r.json()["type"] for r in results if r.status_code == 409} == {"/problems/shift-full"}
    return next(r.json() for r in results if r.status_code == 201)


async def test_forty_workers_race_for_the_last_place(client, pool, servers):
    region = await Region(client).setup(pool)
    names = [f"racer{i}" for i in range(40)]
    for i, name in enumerate(names):
        await region.worker("Zonnehuis" if i % 2 else "Thuiszorg West", name, function="helpende")
    shift = await _shift(client, region, "Zonnehuis", places=1)
    _one_winner(await _race(servers, f"/v1/shifts/{shift['id']}/accept", names))
    async with pool.acquire() as conn:
        booked = await conn.fetchval("SELECT count(*) FROM assignments WHERE shift_id = $1 AND status = 'booked'",
                                     shift["id"])
        filled = await conn.fetchval("SELECT places_filled FROM shifts WHERE id = $1", shift["id"])
    assert booked == filled == 1


async def test_one_worker_races_for_overlapping_shifts_at_two_organisations(client, pool, servers):
    region = await Region(client).setup(pool)
    await region.worker("Zonnehuis", "greedy", function="helpende")
    shifts = []
    for i in range(24):
        shifts.append(await _shift(client, region, "Zonnehuis" if i % 2 else "Thuiszorg West", places=5,
                                   hour=7 + i % 3))
    async with httpx.AsyncClient(timeout=60) as http:
        results = await asyncio.gather(*[
            http.post(f"{servers[i % 2]}/v1/shifts/{s['id']}/accept", headers=auth("greedy@mail.test"))
            for i, s in enumerate(shifts)])
    assert sorted(r.status_code for r in results).count(201) == 1
    assert {r.json()["type"] for r in results if r.status_code == 409} == {"/problems/overlap"}
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM assignments WHERE status = 'booked'") == 1


async def test_constraints_hold_for_code_that_forgets_the_lock(client, pool):
    """Straight SQL, no service, no lock: the schema itself refuses the double booking and the overfill."""
    region = await Region(client).setup(pool)
    await region.worker("Zonnehuis", "solo", function="helpende")
    await region.worker("Zonnehuis", "duo", function="helpende")
    a = await _shift(client, region, "Zonnehuis", places=1)
    b = await _shift(client, region, "Thuiszorg West", places=1, hour=9)
    async with pool.acquire() as conn:
        solo = await conn.fetchrow("SELECT w.* FROM workers w JOIN users u ON u.id = w.user_id WHERE u.email = 'solo@mail.test'")
        duo = await conn.fetchrow("SELECT w.* FROM workers w JOIN users u ON u.id = w.user_id WHERE u.email = 'duo@mail.test'")

        async def book(worker, shift_id):
            await conn.execute(
                "INSERT INTO assignments (shift_id, worker_id, worker_no, organisation_id, home_organisation_id, "
                "starts_at, ends_at, break_minutes, booked_at) SELECT s.id, $2, $3, s.organisation_id, $4, "
                "s.starts_at, s.ends_at, s.break_minutes, now() FROM shifts s WHERE s.id = $1",
                shift_id, worker["id"], worker["no"], worker["organisation_id"])

        await book(solo, a["id"])
        with pytest.raises(asyncpg.ExclusionViolationError):
            await book(solo, b["id"])  # overlaps the first, at another organisation
        with pytest.raises(asyncpg.CheckViolationError):
            await book(duo, a["id"])  # the only place is taken
        await book(duo, b["id"])
        # Cancelling frees the place again, through the same trigger.
        await conn.execute("UPDATE assignments SET status = 'cancelled', cancelled_at = now() WHERE shift_id = $1",
                           a["id"])
        assert await conn.fetchval("SELECT (places_filled, status) = (0, 'open') FROM shifts WHERE id = $1", a["id"])


async def test_one_worker_races_for_shifts_too_close_to_rest_between(client, pool, servers):
    """No overlap for the exclusion constraint to catch: only the worker lock and facts read after it keep
    the 11 h rest. Pairs of shifts two hours apart, each pair accepted at once on two processes."""
    region = await Region(client).setup(pool)
    await region.worker("Zonnehuis", "eager", function="helpende")
    pairs = []
    for day in (2, 4, 6, 8, 10, 12):
        early = await _shift(client, region, "Zonnehuis", places=3, days=day, hour=6)  # 06:00-14:00
        late = await _shift(client, region, "Thuiszorg West", places=3, days=day, hour=16)  # 16:00-00:00
        pairs.append((early, late))
    async with httpx.AsyncClient(timeout=60) as http:
        results = await asyncio.gather(*[
            http.post(f"{servers[k]}/v1/shifts/{s['id']}/accept", headers=auth("eager@mail.test"))
            for pair in pairs for k, s in enumerate(pair)])
    for i in range(len(pairs)):
        codes = sorted(r.status_code for r in results[2 * i:2 * i + 2])
        assert codes == [201, 409], codes
    assert {r.json()["type"] for r in results if r.status_code == 409} == {"/problems/rest-period"}
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM assignments WHERE status = 'booked'") == len(pairs)


async def test_workers_racing_for_a_series_one_gets_all_of_it_the_others_none(client, pool, servers):
    """A series of five shifts, one place each, and twenty workers tapping at once on two API processes:
    exactly one worker is booked, on every shift; every other accept is refused and books nothing."""
    region = await Region(client).setup(pool)
    names = [f"series{i}" for i in range(20)]
    for i, name in enumerate(names):
        await region.worker("Zonnehuis" if i % 2 else "Thuiszorg West", name, function="helpende")
    shifts = [_body(region, "Zonnehuis", days=day) for day in range(2, 7)]
    r = await client.post("/v1/series", json={"shifts": shifts}, headers=auth(region.orgs["Zonnehuis"]["planner"]))
    assert r.status_code == 201, r.text
    series = r.json()
    winner = _one_winner(await _race(servers, f"/v1/series/{series['id']}/accept", names))
    assert len(winner["assignments"]) == 5
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT s.id, s.places_filled, array_agg(a.worker_id) FILTER (WHERE a.status = 'booked') AS booked "
            "FROM shifts s LEFT JOIN assignments a ON a.shift_id = s.id WHERE s.series_id = $1 GROUP BY s.id",
            series["id"])
    assert len(rows) == 5 and all(r["places_filled"] == 1 and len(r["booked"]) == 1 for r in rows), rows
    assert len({r["booked"][0] for r in rows}) == 1  # one worker on all of them
