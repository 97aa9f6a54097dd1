"""The accept storm: workers racing for single-place shifts over many connections, against the floor.

    .venv/bin/python -m bench.accept_storm [--workers 400] [--shifts 100] [--connections 64] [--seconds 10]

Two runs on identical fresh databases, at the same concurrency and for the same time:
- floor: pgbench running the minimal accept transaction (lock worker, lock shift, count the worker's
  overlapping bookings, insert into the exclusion-constrained assignments, whose trigger updates the shift);
- service: `flexpool serve` with its defaults, loaded by wrk (C, two threads: it leaves the cores to the
  service) posting `/v1/shifts/{id}/accept` with a bearer token and an Idempotency-Key, as the app does.

Reports requests/s, p50/p99, outcomes, transport errors and double bookings (both must be 0), and the ratio
service/floor. Then times GET /v1/offers for one worker in a region of 20,000 workers and 2,000 open shifts.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench import seed
from bench.common import SECRET, ApiProcess, Timer, fresh_database, percentiles, server_url
from flexpool.db.pool import create_pool
from flexpool.tokens import issue

FLOOR = """
\\set w random(1, :workers)
\\set s random(1, :shifts)
BEGIN;
SELECT w.id AS wid, w.no AS wno, w.organisation_id AS home FROM workers w
 WHERE w.id = (SELECT id FROM bench_workers WHERE n = :w) FOR UPDATE \\gset
SELECT s.id AS sid, s.places - s.places_filled AS free, s.organisation_id AS org, s.starts_at AS st,
       s.ends_at AS en FROM shifts s WHERE s.id = (SELECT id FROM bench_shifts WHERE n = :s) FOR UPDATE \\gset
SELECT (:free::int > 0 AND count(*) = 0)::int AS ok FROM assignments
 WHERE worker_id = :wid AND status = 'booked' AND starts_at < :en::timestamptz AND ends_at > :st::timestamptz \\gset
\\if :ok
INSERT INTO assignments (shift_id, worker_id, worker_no, organisation_id, home_organisation_id, starts_at, ends_at,
                         break_minutes, booked_at)
VALUES (:sid, :wid, :wno, :org, :home, :st, :en, 30, now());
\\endif
END;
"""

WRK_SCRIPT = """
local pairs_ = %(pairs)s
counts = {}
local n = 0
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  local p = pairs_[math.random(#pairs_)]
  n = n + 1
  return wrk.format("POST", "/v1/shifts/" .. p[2] .. "/accept",
                    {["Authorization"] = "Bearer " .. p[1], ["Idempotency-Key"] = tostring(math.random(1e9)) .. "-" .. n})
end
response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, '"' .. k .. '": ' .. v) end
  io.write("OUTCOMES {" .. table.concat(parts, ", ") .. "}\\n")
  io.write(string.format("ERRORS %%d %%d %%d %%d %%d\\n", summary.errors.connect, summary.errors.read,
                         summary.errors.write, summary.errors.timeout, summary.errors.status))
  io.write(string.format("LATENCY %%d %%d\\n", latency:percentile(50), latency:percentile(99)))
end
"""


async def double_bookings(conn) -> int:
    overfull = await conn.fetchval(
        "SELECT count(*) FROM (SELECT s.id FROM shifts s JOIN assignments a ON a.shift_id = s.id "
        "AND a.status = 'booked' GROUP BY s.id, s.places HAVING count(*) > s.places) x")
    overlapping = await conn.fetchval(
        "SELECT count(*) FROM assignments a JOIN assignments b ON a.worker_id = b.worker_id AND a.id < b.id "
        "AND a.status = 'booked' AND b.status = 'booked' AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at")
    return overfull + overlapping


async def seeded(server: str, name: str, workers: int, shifts: int) -> tuple[str, list]:
    url = await fresh_database(server, name)
    pool = await create_pool(url, max_size=2)
    async with pool.acquire() as conn:
        region_id, orgs = await seed.region(conn, organisations=4, workers=workers)
        shift_ids = await seed.open_shifts(conn, region_id, orgs, count=shifts, now=datetime.now(UTC),
                                           spread_hours=24 * 3)
        await conn.execute("ANALYZE")
    await pool.close()
    return url, shift_ids


async def booked(url: str) -> tuple[int, int]:
    pool = await create_pool(url, max_size=2)
    async with pool.acquire() as conn:
        count = await conn.fetchval("SELECT count(*) FROM assignments WHERE status = 'booked'")
        doubles = await double_bookings(conn)
    await pool.close()
    return count, doubles


async def floor(server: str, workers: int, shifts: int, connections: int, seconds: int, folder: Path) -> float:
    url, _ = await seeded(server, "bench_storm_floor", workers, shifts)
    pool = await create_pool(url, max_size=2)
    async with pool.acquire() as conn:
        await conn.execute("CREATE TABLE bench_workers AS SELECT row_number() OVER (ORDER BY no) AS n, id FROM workers;"
                           "CREATE TABLE bench_shifts AS SELECT row_number() OVER (ORDER BY starts_at, id) AS n, id "
                           "FROM shifts; CREATE UNIQUE INDEX ON bench_workers (n); CREATE UNIQUE INDEX ON bench_shifts (n)")
    await pool.close()
    script = folder / "accept.sql"
    script.write_text(FLOOR)
    out = subprocess.run(
        [
            "pgbench",
            "-n",
            "-M",
            "prepared",
            "-c",
            str(connections),
            "-j",
            "2",
            "-T",
            str(seconds),
            "-f",
            str(script),
            "-D",
            f"workers={workers}",
            "-D",
            f"shifts={shifts}",
            url,
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    tps = float(re.search(r"tps = ([\d.]+)", out.stdout).group(1))
    avg = float(re.search(r"latency average = ([\d.]+) ms", out.stdout).group(1))
    count, doubles = await booked(url)
    print(f"floor    pgbench, {connections} connections, {seconds} s: {tps:8.1f} transactions/s   "
          f"latency avg {avg:6.1f} ms   booked {count}   double bookings {doubles}")
    return tps


async def service(server: str, workers: int, shifts: int, connections: int, seconds: int, folder: Path,
                  processes: int | None) -> float:
    url, shift_ids = await seeded(server, "bench_storm_service", workers, shifts)
    tokens = [issue(SECRET, f"w{w}@bench.test") for w in range(1, workers + 1)]
    # Every worker tries a few shifts, as in a storm: most of them are full by the time the tap arrives.
    pairs = [(tokens[(i * 7919) % workers], str(shift_ids[i % shifts])) for i in range(workers * 3)]
    script = folder / "accept.lua"
    script.write_text(WRK_SCRIPT % {"pairs": "{" + ",".join(f'{{"{t}","{s}"}}' for t, s in pairs) + "}"})
    api = ApiProcess(url, workers=processes)
    try:
        await api.ready()
        async with httpx.AsyncClient() as c:  # one request first, so the storm does not measure the start-up
            await c.get(api.url + "/health/ready")
        out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
                              "-s", str(script), api.url], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(out.stderr)
    finally:
        api.stop()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out.stdout).group(1))
    outcomes = json.loads(re.search(r"OUTCOMES (\{.*\})", out.stdout).group(1))
    errors = [int(x) for x in re.search(r"ERRORS ([\d ]+)", out.stdout).group(1).split()]
    p50, p99 = (int(x) / 1000 for x in re.search(r"LATENCY (\d+) (\d+)", out.stdout).group(1, 2))
    count, doubles = await booked(url)
    transport = sum(errors[:4])
    print(f"service  flexpool serve{f' --workers {processes}' if processes else ''}, wrk {connections} connections, "
          f"{seconds} s: {rate:8.1f} requests/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   "
          f"outcomes {dict(sorted(outcomes.items()))}   booked {count}   transport errors {transport} "
          f"(connect/read/write/timeout {errors[:4]})   double bookings {doubles}")
    return rate


async def storm(server: str, args) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = await floor(server, args.workers, args.shifts, args.connections, args.seconds, Path(folder))
        rate = await service(server, args.workers, args.shifts, args.connections, args.seconds, Path(folder),
                             args.processes)
    print(f"ratio service/floor (requests per second): {rate / base:.2f}")


async def offers(server: str, samples: int) -> None:
    now = datetime.now(UTC)
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
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--processes", type=int, default=None, help="flexpool serve --workers (default: its own)")
    parser.add_argument("--offer-samples", type=int, default=200)
    parser.add_argument("--skip-offers", action="store_true")
    parser.add_argument("--skip-storm", action="store_true")
    args = parser.parse_args()
    for tool in ("wrk", "pgbench"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed (apt-get install wrk postgresql-client)")
    handle, server = server_url()
    if not args.skip_storm:
        asyncio.run(storm(server, args))
    if not args.skip_offers:
        asyncio.run(offers(server, args.offer_samples))
    del handle


if __name__ == "__main__":
    main()
