"""The demo region loads once, with open shifts, bookings and a closed last month."""
from datetime import UTC, datetime, timedelta

from flexpool import demo
from flexpool.domain.clock import AMSTERDAM


async def test_demo_region(database_url, pool):
    now = datetime.now(UTC)
    people = await demo.load(database_url, now=now, workers_per_org=12)
    assert people["worker"] == "worker@demo.test"
    assert await demo.load(database_url, now=now, workers_per_org=12) is None  # once
    async with pool.acquire() as conn:
        orgs = await conn.fetch("SELECT o.kind, count(s.id) AS sites FROM organisations o JOIN sites s "
                                "ON s.organisation_id = o.id GROUP BY o.id")
        assert len(orgs) == 6 and all(o["sites"] >= 2 for o in orgs) and {o["kind"] for o in orgs} == {"vvt", "ghz"}
        assert await conn.fetchval("SELECT count(*) FROM workers") == 72
        assert await conn.fetchval("SELECT count(*) FROM roster_blocks") > 72 * 8
        assert await conn.fetchval("SELECT count(DISTINCT worker_id) FROM availability_windows") > 5
        assert await conn.fetchval("SELECT count(*) FROM credentials WHERE valid_until < now() + interval '30 days'") > 0
        assert await conn.fetchval("SELECT count(*) FROM shifts WHERE status = 'open' AND starts_at > $1", now) > 20
        assert await conn.fetchval("SELECT count(*) FROM assignments WHERE starts_at > $1", now) > 0
        last_month = (now.astimezone(AMSTERDAM).date().replace(day=1))
        closed = await conn.fetch("SELECT month FROM settlement_months")
        assert [r["month"] for r in closed] and closed[0]["month"] < last_month
        assert await conn.fetchval("SELECT count(*) FROM statements") > 3
        assert await conn.fetchval("SELECT count(*) FROM statement_lines WHERE kind = 'late-cancellation'") > 0
        assert await conn.fetchval("SELECT count(*) FROM vat_exemptions WHERE lender_id IS NOT NULL") == 1
        # the longer exchange: a series, an active secondment rostered before and after today and settled in the
        # closed month, and two students with shifts that welcome them
        assert await conn.fetchval("SELECT count(*) FROM shifts WHERE series_id IS NOT NULL") == 5
        assert await conn.fetchval("SELECT count(*) FROM secondments WHERE status = 'active'") == 1
        assert await conn.fetchval("SELECT count(*) FROM roster_blocks WHERE secondment_id IS NOT NULL "
                                   "AND starts_at < $1", now) > 8
        assert await conn.fetchval("SELECT count(*) FROM roster_blocks WHERE secondment_id IS NOT NULL "
                                   "AND starts_at > $1", now) > 8
        assert await conn.fetchval("SELECT count(*) FROM statement_lines WHERE kind = 'secondment'") > 8
        assert await conn.fetchval("SELECT count(*) FROM workers WHERE student_school IS NOT NULL") == 2
        assert await conn.fetchval("SELECT count(*) FROM shifts WHERE students_welcome") == 3


async def test_the_demo_has_a_planning_desk_and_example_imports_that_load(database_url, pool, client):
    from pathlib import Path

    from tests.helpers import auth
    await demo.load(database_url, workers_per_org=6)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM memberships WHERE role = 'regionPlanner'") == 1
        assert await conn.fetchval("SELECT count(*) FROM organisations WHERE delegates_planning") == 1
        assert await conn.fetchval("SELECT count(*) FROM favourites") >= 3
        linde = await conn.fetchval("SELECT id FROM organisations WHERE name = 'Zorggroep De Linde'")
    examples = Path(__file__).resolve().parents[2] / "examples" / "import"
    admin = {**auth("admin@demo.test"), "Content-Type": "text/csv"}
    for kind, name, rows in (("workers", "medewerkers.csv", 40), ("rosters", "rooster.csv", None)):
        r = await client.post(f"/v1/organisations/{linde}/{kind}/import", content=(examples / name).read_bytes(),
                              headers=admin)
        assert r.status_code == 200 and r.json()["errors"] == [], r.text[:1000]
        assert rows is None or r.json()["created"] == rows
    board = await client.get("/v1/region/board", headers=auth("regio@demo.test"))
    assert board.status_code == 200 and board.json()["items"]
    # last month is closed: the secondment's blocks in it are settled and never change
    [secondment] = (await client.get("/v1/secondments", headers=auth("planner@demo.test"))).json()["items"]
    first = datetime.fromisoformat(secondment["from"] + "T00:00:00+00:00").astimezone(AMSTERDAM)
    r = await client.put(f"/v1/secondments/{secondment['id']}/roster", headers=auth("planner@demo.test"),
                         json={"from": first.isoformat(), "to": (first + timedelta(days=7)).isoformat(), "blocks": []})
    assert r.status_code == 409 and r.json()["type"] == "/problems/month-closed", r.text
