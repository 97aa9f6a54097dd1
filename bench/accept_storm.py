"""N workers race for M shifts over HTTP; baseline: the same accept transactions straight on asyncpg.

    .venv/bin/python -m bench.accept_storm [--workers 400] [--shifts 100] [--connections 64]

Reports accepts per second, p50/p99 latency and double bookings (must be 0) for both, and the ratio
service/baseline. Then times GET /v1/offers for one worker in a region of 20,000 workers and 2,000 open
shifts (p50, p99).
"""
from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import datetime, timezone

import httpx

from bench import seed
from bench.common import SECRET, ApiProcess, Timer, fresh_database, percentiles, server_url
from flexpool.db.pool import create_pool
from flexpool.services import booking
from flexpool.services.errors import ServiceError
from flexpool.services.principal import Principal, Role
from flexpool.tokens import issue


def attempts_for(workers: int, shift_ids: list, per_worker: int, rng: random.Random) -> list[tuple[int, object]]:
    plan = [(w, s) for w in range(1, workers + 1) for s in rng.sample(shift_ids, per_worker)]
    rng.shuffle(plan)
    return plan


async def double_bookings(pool) -> int:
    async with pool.acquire() as conn:
        overfull = await conn.fetchval(
            "SELECT count(*) FROM (SELECT s.id FROM shifts s JOIN assignments a ON a.shift_id = s.id "
            "AND a.status = 'booked' GROUP BY s.id, s.places HAVING count(*) > s.places) x")
        overlapping = await conn.fetchval(
            "SELECT count(*) FROM assignments a JOIN assignments b ON a.worker_id = b.worker_id AND a.id < b.id "
            "AND a.status = 'booked' AND b.status = 'booked' AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at")
    return overfull + overlapping


async def run_plan(plan, connections: int, call) -> tuple[float, list[float], dict[int, int]]:
    queue: asyncio.Queue = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)
    latencies: list[float] = []
    outcomes: dict[int, int] = {}

    async def worker():
        while not queue.empty():
            w, s = queue.get_nowait()
            t = time.perf_counter()
            status = await call(w, s)
            latencies.append(time.perf_counter() - t)
            outcomes[status] = outcomes.get(status, 0) + 1

    with Timer() as timer:
        await asyncio.gather(*[worker() for _ in range(connections)])
    return timer.elapsed, latencies, outcomes


async def principals(pool) -> dict[int, Principal]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT u.id, u.email, m.organisation_id, m.region_id FROM users u "
                                "JOIN memberships m ON m.user_id = u.id AND m.role = 'worker'")
    out = {}
    for r in rows:
        n = int(r["email"][1:].split("@")[0])
        out[n] = Principal(r["id"], r["email"], r["email"], "nl", (Role("worker", r["organisation_id"], r["region_id"]),))
    return out


def report(name: str, elapsed: float, latencies: list[float], outcomes: dict[int, int], doubles: int) -> float:
    p50, p99 = percentiles(latencies)
    rate = len(latencies) / elapsed
    print(f"{name:9} {len(latencies):5} accepts in {elapsed:6.2f} s = {rate:7.1f}/s   p50 {p50 * 1000:6.1f} ms   "
          f"p99 {p99 * 1000:6.1f} ms   outcomes {dict(sorted(outcomes.items()))}   double bookings {doubles}")
    return rate


async def storm(server: str, workers: int, shifts: int, connections: int, per_worker: int) -> None:
    now = datetime.now(timezone.utc)
    rng = random.Random(7)
    results = {}
    for mode in ("baseline", "service"):
        url = await fresh_database(server, f"bench_storm_{mode}")
        pool = await create_pool(url, min_size=4, max_size=connections + 4)
        async with pool.acquire() as conn:
            region_id, orgs = await seed.region(conn, organisations=4, workers=workers)
            shift_ids = await seed.open_shifts(conn, region_id, orgs, count=shifts, now=now, spread_hours=24 * 3)
        plan = attempts_for(workers, shift_ids, per_worker, random.Random(11))
        if mode == "baseline":
            people = await principals(pool)

            async def call(w, s):
                async with pool.acquire() as conn:
                    try:
                        await booking.accept(conn, people[w], s, datetime.now(timezone.utc))
                        return 201
                    except ServiceError as exc:
                        return exc.status
            elapsed, lat, out = await run_plan(plan, connections, call)
        else:
            api = ApiProcess(url, pool_size=connections + 4)  # the same pool as the baseline
            try:
                await api.ready()
                tokens = {w: {"Authorization": f"Bearer {issue(SECRET, f'w{w}@bench.test')}"}
                          for w in range(1, workers + 1)}
                limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
                async with httpx.AsyncClient(base_url=api.url, limits=limits, timeout=120) as http:
                    async def call(w, s):
                        return (await http.post(f"/v1/shifts/{s}/accept", headers=tokens[w])).status_code
                    elapsed, lat, out = await run_plan(plan, connections, call)
            finally:
                api.stop()
        results[mode] = report(mode, elapsed, lat, out, await double_bookings(pool))
        await pool.close()
    print(f"ratio service/baseline (accepts per second): {results['service'] / results['baseline']:.2f}")
    del rng


async def offers(server: str, samples: int) -> None:
    now = datetime.now(timezone.utc)
    url = await fresh_database(server, "bench_offers")
    pool = await create_pool(url)
    async with pool.acquire() as conn:
        with Timer() as t:
            region_id, orgs = await seed.region(conn, organisations=12, workers=20_000)
            await seed.open_shifts(conn, region_id, orgs, count=2_000, now=now, spread_hours=24 * 28, places=2)
            await conn.execute("ANALYZE")
        print(f"seeded 20,000 workers and 2,000 open shifts in {t.elapsed:.1f} s")
    await pool.close()
    api = ApiProcess(url)
    try:
        await api.ready()
        headers = {"Authorization": f"Bearer {issue(SECRET, 'w123@bench.test')}"}
        async with httpx.AsyncClient(base_url=api.url, timeout=60) as http:
            first = await http.get("/v1/offers", headers=headers)
            assert first.status_code == 200, first.text
            lat = []
            for _ in range(samples):
                t0 = time.perf_counter()
                r = await http.get("/v1/offers", headers=headers)
                lat.append(time.perf_counter() - t0)
                assert r.status_code == 200
            health = []
            for _ in range(samples):
                t0 = time.perf_counter()
                await http.get("/health/live")
                health.append(time.perf_counter() - t0)
        p50, p99 = percentiles(lat)
        h50, _ = percentiles(health)
        print(f"GET /v1/offers ({len(first.json()['items'])} offers a page): p50 {p50 * 1000:.1f} ms, "
              f"p99 {p99 * 1000:.1f} ms; baseline GET /health/live p50 {h50 * 1000:.1f} ms; "
              f"ratio p50 {p50 / h50:.1f}")
    finally:
        api.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=400)
    parser.add_argument("--shifts", type=int, default=100)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--per-worker", type=int, default=3)
    parser.add_argument("--offer-samples", type=int, default=200)
    args = parser.parse_args()
    handle, server = server_url()
    asyncio.run(storm(server, args.workers, args.shifts, args.connections, args.per_worker))
    asyncio.run(offers(server, args.offer_samples))
    del handle


if __name__ == "__main__":
    main()
