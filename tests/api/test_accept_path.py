"""The accept storm's path, counted: how many statements an accept sends to PostgreSQL, and the per-process
cache of callers that spares every request a query for its roles."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from flexpool.services import booking
from flexpool.services.errors import Conflict
from flexpool.services.identity import principal_for
from tests.helpers import Region, auth, future


async def _shift(client, region, org, places=1, hour=7):
    start = future(3, hour)
    r = await client.post("/v1/shifts", headers=auth(region.orgs[org]["planner"]), json={
        "siteId": region.sites[org]["id"], "function": "helpende", "startsAt": start.isoformat(),
        "endsAt": (start + timedelta(hours=8)).isoformat(), "breakMinutes": 30, "places": places, "urgent": True})
    assert r.status_code == 201, r.text
    return r.json()


class Statements:
    """Every statement a connection sends (asyncpg's query logger), BEGIN and COMMIT included."""

    def __init__(self, conn):
        self.conn, self.sent = conn, []

    async def __aenter__(self):
        self.conn.add_query_logger(self._log)
        return self

    def _log(self, record):
        query = " ".join(record.query.split())
        if "typeinfo_tree" in query or "set_config('jit'" in query:
            return  # asyncpg learning a type, once per connection and type: not the accept's work
        self.sent.append(query[:60])

    async def __aexit__(self, *exc):
        await asyncio.sleep(0)  # asyncpg calls its query loggers with call_soon: let the last one run
        self.conn.remove_query_logger(self._log)


async def test_an_accept_is_load_lock_load_write_and_a_refusal_is_one_read(client, pool):
    region = await Region(client).setup(pool)
    await region.worker("Zonnehuis", "first", function="helpende")
    await region.worker("Zonnehuis", "second", function="helpende")
    shift = await _shift(client, region, "Zonnehuis")
    now = datetime.now(UTC)
    async with pool.acquire() as conn:
        first = await principal_for(conn, "first@mail.test")
        second = await principal_for(conn, "second@mail.test")
        async with Statements(conn) as booked:
            result = await booking.accept(conn, first, shift["id"], now, "key-1")
        assert isinstance(result, booking.Booked)
        row = result.assignment
        assert row.status == "booked" and row.shift_status == "filled"
        assert len(booked.sent) == 6, booked.sent  # facts, BEGIN, lock, facts, book, COMMIT
        assert booked.sent[1].startswith("BEGIN") and booked.sent[2].startswith("WITH worker AS")
        assert booked.sent[-1].startswith("COMMIT")
        async with Statements(conn) as refused:
            try:
                await booking.accept(conn, second, shift["id"], now)
                raise AssertionError("the full shift was booked")
            except Conflict as exc:
                assert exc.slug == "shift-full"
        assert len(refused.sent) == 1, refused.sent  # one read, no lock, no transaction
        assert await conn.fetchval("SELECT count(*) FROM notifications WHERE dedupe_key = $1",
                                   f"booked:{row.id}") == 1
        assert await conn.fetchval("SELECT count(*) FROM notifications WHERE dedupe_key = $1",
                                   f"accepted:{row.id}") == 1
        assert await conn.fetchval("SELECT count(*) FROM audit_events WHERE subject_id = $1 AND action = 'booked'",
                                   row.id) == 1


async def test_a_caller_is_read_once_and_forgotten_when_their_roles_change(client, pool):
    region = await Region(client).setup(pool)
    await region.worker("Zonnehuis", "mover", function="helpende")
    principals = client.app.state.principals
    for _ in range(200):  # the LISTEN connection opens beside the app's start
        if principals.listening:
            break
        await asyncio.sleep(0.01)
    assert principals.listening
    me = await client.get("/v1/me", headers=auth("mover@mail.test"))
    assert me.status_code == 200
    assert "mover@mail.test" in principals.entries
    generation = principals.generation
    async with pool.acquire() as conn:  # a role granted behind the service's back
        await conn.execute("INSERT INTO memberships (user_id, region_id, organisation_id, role) "
                           "SELECT w.user_id, w.region_id, w.organisation_id, 'planner' FROM workers w "
                           "JOIN users u ON u.id = w.user_id WHERE u.email = 'mover@mail.test'")
    for _ in range(500):  # the notification arrives on the LISTEN connection after the commit
        if principals.generation != generation:
            break
        await asyncio.sleep(0.01)
    assert principals.generation != generation and "mover@mail.test" not in principals.entries
    roles = {r["role"] for r in (await client.get("/v1/me", headers=auth("mover@mail.test"))).json()["roles"]}
    assert "planner" in roles


async def test_a_role_ended_through_this_process_is_gone_on_its_next_request(client, pool):
    """The process that commits a change of roles forgets its callers before it answers, without waiting for
    PostgreSQL's notification (here held back, as under load it can be)."""
    region = await Region(client).setup(pool)
    principals = client.app.state.principals
    for _ in range(200):
        if principals.listening:
            break
        await asyncio.sleep(0.01)
    assert principals.listening
    principals.notified = lambda: None  # the notification has not arrived yet
    coordinator = auth(region.coordinator)
    desk = await client.post("/v1/region/planners", headers=coordinator, json={"email": "desk@r.test", "name": "D"})
    assert desk.status_code == 201
    assert (await client.get("/v1/region/board", headers=auth("desk@r.test"))).status_code == 200
    assert "desk@r.test" in principals.entries
    assert (await client.delete(f"/v1/region/planners/{desk.json()['id']}", headers=coordinator)).status_code == 204
    assert (await client.get("/v1/region/board", headers=auth("desk@r.test"))).status_code == 403


async def test_a_read_that_raced_a_change_is_not_kept(pool):
    from api.principals import Principals

    principals = Principals(None)
    principals.listening = True

    class Racing:
        """A connection during whose read the roles change (the notification arrives meanwhile)."""

        def __init__(self, conn):
            self.conn = conn

        async def fetchrow(self, *args):
            row = await self.conn.fetchrow(*args)
            principals.forget()
            return row

    async with pool.acquire() as conn:
        await conn.execute("INSERT INTO users (email, name) VALUES ('racer@mail.test', 'Racer')")
        assert (await principals.get(Racing(conn), "racer@mail.test")) is not None
        assert "racer@mail.test" not in principals.entries
        await principals.get(conn, "racer@mail.test")
        assert "racer@mail.test" in principals.entries


async def test_the_loan_limit_counts_the_calendar_month_of_the_shift(client, pool):
    """DOMAIN.md, the home employer's limit: minutes lent out per month, counted in the one read of an accept.
    A second loan in the same month passes 480 minutes and is refused; one in the next month is not."""
    from datetime import date, time

    from flexpool.domain.clock import AMSTERDAM

    region = await Region(client).setup(pool)
    await region.worker("Thuiszorg West", "lender", function="helpende")
    today = datetime.now(AMSTERDAM).date()
    first = date(today.year + (today.month == 12), today.month % 12 + 1, 1)  # next month
    after = date(first.year + (first.month == 12), first.month % 12 + 1, 1)  # the month after
    ids = []
    for day in (first.replace(day=10), first.replace(day=12), after.replace(day=10)):
        start = datetime.combine(day, time(7), tzinfo=AMSTERDAM)
        r = await client.post("/v1/shifts", headers=auth(region.orgs["Zonnehuis"]["planner"]), json={
            "siteId": region.sites["Zonnehuis"]["id"], "function": "helpende", "startsAt": start.isoformat(),
            "endsAt": (start + timedelta(hours=8)).isoformat(), "breakMinutes": 30, "places": 1})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    async with pool.acquire() as conn:  # every wave reached; a limit of 480 lent minutes a month
        await conn.execute("UPDATE shifts SET partners_at = now(), region_at = now()")
        await conn.execute("UPDATE workers SET max_loan_minutes_per_month = 480")
    codes = []
    for shift_id in ids:
        r = await client.post(f"/v1/shifts/{shift_id}/accept", headers=auth("lender@mail.test"))
        codes.append((r.status_code, r.json().get("type")))
    assert codes == [(201, None), (409, "/problems/loan-limit"), (201, None)]
