"""12 organisations, 100,000 worked assignments in one month: time to compute every statement, position and
transfer, and to export the largest statement in each format. Baseline in the same run: one SQL aggregate
over the same rows (minutes and base amounts per lender and borrower).

    .venv/bin/python -m bench.settle_month [--assignments 100000]
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
from datetime import date

import msgspec

from bench import seed
from bench.common import Timer, fresh_database, server_url
from flexpool.db.pool import create_pool
from flexpool.domain.clock import month_instants
from flexpool.exports import csv_export, ubl, xlsx_export
from flexpool.services import settlement

MONTH = date(2026, 10, 1)


async def populate(conn, region_id, orgs, assignments: int) -> None:
    workers = max(assignments // 20, 12)
    await conn.execute("""
        INSERT INTO users (email, name, region_id)
        SELECT 'w' || g || '@bench.test', 'Worker ' || g, $2 FROM generate_series(1, $1) g
    """, workers, region_id)
    await conn.execute("""
        INSERT INTO workers (user_id, organisation_id, region_id, function, contract_minutes_per_week, employer_opt_in)
        SELECT u.id, ($2::uuid[])[1 + (g % 12)], $1, 'verzorgende-ig', 1440, true
        FROM generate_series(1, $3) g JOIN users u ON u.email = 'w' || g || '@bench.test'
    """, region_id, orgs, workers)
    # Assignment i: worker i % W on day i / W of the month, a day, evening or night shift, at another organisation.
    await conn.execute("""
        WITH w AS (SELECT id, no, organisation_id, row_number() OVER (ORDER BY no) - 1 AS k FROM workers),
        plan AS (
            SELECT g, w.id AS worker_id, w.no, w.organisation_id AS home,
                   ($3::uuid[])[1 + ((array_position($3::uuid[], w.organisation_id) + g % 11) % 12)] AS borrower,
                   (($4::date + (g / $5) * interval '1 day' + ((g % 3) * 8 + 7) * interval '1 hour')
                       AT TIME ZONE 'Europe/Amsterdam') AS starts_at
            FROM generate_series(0, $2 - 1) g JOIN w ON w.k = g % $5
        ), s AS (
            INSERT INTO shifts (region_id, organisation_id, site_id, function, starts_at, ends_at, break_minutes,
                                places, published_at, partners_at, region_at, status, description)
            SELECT $1, p.borrower, (SELECT id FROM sites WHERE organisation_id = p.borrower LIMIT 1), 'verzorgende-ig',
                   p.starts_at, p.starts_at + interval '8 hours', 30, 1, p.starts_at - interval '10 days',
                   p.starts_at - interval '10 days', p.starts_at - interval '10 days', 'open', p.g::text
            FROM plan p RETURNING id, organisation_id, starts_at, ends_at, description
        )
        INSERT INTO assignments (shift_id, worker_id, worker_no, organisation_id, home_organisation_id, starts_at,
                                 ends_at, break_minutes, booked_at)
        SELECT s.id, p.worker_id, p.no, s.organisation_id, p.home, s.starts_at, s.ends_at, 30, s.starts_at - interval '9 days'
        FROM s JOIN plan p ON p.g = s.description::bigint
    """, region_id, assignments, orgs, MONTH, workers)
    await conn.execute("""
        INSERT INTO timesheets (assignment_id, started_at, ended_at, break_minutes, worked_minutes, confirmed_at)
        SELECT id, starts_at, ends_at, break_minutes, extract(epoch FROM ends_at - starts_at)::int / 60 - break_minutes,
               ends_at + interval '1 hour' FROM assignments
    """)
    await conn.execute("ANALYZE")


BASELINE = """
SELECT a.home_organisation_id, a.organisation_id, count(*), sum(t.worked_minutes),
       sum(round(t.worked_minutes * 3450 / 60.0))
FROM assignments a JOIN timesheets t ON t.assignment_id = a.id JOIN organisations o ON o.id = a.organisation_id
WHERE o.region_id = $1 AND a.starts_at >= $2 AND a.starts_at < $3 AND a.status = 'booked'
GROUP BY 1, 2
"""


async def main_async(assignments: int, profile: bool = False) -> None:
    handle, server = server_url()
    url = await fresh_database(server, "bench_settle")
    pool = await create_pool(url, max_size=4)
    async with pool.acquire() as conn:
        with Timer() as t:
            region_id, orgs = await seed.region(conn, organisations=12, workers=0)
            await populate(conn, region_id, orgs, assignments)
        count = await conn.fetchval("SELECT count(*) FROM assignments")
        print(f"seeded {count} worked assignments between 12 organisations in {t.elapsed:.1f} s")
        lo, hi = month_instants(MONTH)
        with Timer() as base:
            rows = await conn.fetch(BASELINE, region_id, lo, hi)
        prof = cProfile.Profile() if profile else None
        if prof:
            prof.enable()
        with Timer() as full:
            book = await settlement.month_book(conn, region_id, MONTH)
        if prof:
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(20)
        lines = sum(s.totals.line_count for s in book.statements)
        assert lines == count and sum(p.net_cents for p in book.positions) == 0
        print(f"baseline: one SQL aggregate over the same rows: {base.elapsed:.3f} s ({len(rows)} pairs)")
        print(f"settlement: {len(book.statements)} statements, {lines} lines with ORT, positions and "
              f"{len(book.transfers)} transfers: {full.elapsed:.2f} s  (ratio {full.elapsed / base.elapsed:.1f})")
        largest = max(book.statements, key=lambda s: s.totals.line_count)
        for name, render in (("json", lambda s: msgspec.json.encode(s)), ("csv", csv_export.render),
                             ("xlsx", xlsx_export.render), ("ubl", lambda s: ubl.render(s, date(2026, 11, 24)))):
            with Timer() as e:
                body = render(largest)
            print(f"export {name:4} of the largest statement ({largest.totals.line_count} lines, "
                  f"{len(body) / 1e6:.1f} MB): {e.elapsed:.2f} s")
    await pool.close()
    del handle


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assignments", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="where the settlement's time goes (cProfile)")
    args = parser.parse_args()
    asyncio.run(main_async(args.assignments, args.profile))


if __name__ == "__main__":
    main()
