"""Joining in an afternoon: 5,000 workers and then 50,000 home roster blocks (10 a worker), each as one CSV
file through `POST .../workers/import` and `.../rosters/import` of a real API process (as HR exports them:
semicolons, BOM, Dutch dates). Baseline in the same run: bare asyncpg writing the same rows the minimal way
(one INSERT ... SELECT FROM unnest for users, workers and memberships; COPY for the roster blocks).

    .venv/bin/python -m bench.imports [--workers 5000] [--blocks-per-worker 10]
"""
from __future__ import annotations

import argparse
import asyncio
from datetime import date, datetime, timedelta

import asyncpg
import httpx

from bench.common import SECRET, ApiProcess, Timer, fresh_database, server_url
from flexpool.domain.clock import AMSTERDAM
from flexpool.services.regions import create_region
from flexpool.tokens import issue

START = date(2027, 2, 1)


def workers_csv(n: int) -> bytes:
    lines = ["personeelsnummer;e-mail;naam;functie;contracturen;geboortedatum;postcode;bekwaamheden;flexpool"]
    lines += [
        f"{100000 + i};w{i}@import.test;Werker {i};verzorgende-ig;{24 + i % 12};{1 + i % 28:02d}-0{1 + i % 9}-19{60 + i % 40};"
        f"3511 AB;medicatie;ja"
        for i in range(n)
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def roster_csv(n: int, per_worker: int) -> bytes:
    lines = ["personeelsnummer;datum;begintijd;eindtijd"]
    for i in range(n):
        for d in range(per_worker):
            day = START + timedelta(days=d * 2 + i % 2)
            lines.append(f"{100000 + i};{day:%d-%m-%Y};07:00;15:30")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


async def baseline(url: str, region_id, org_id, n: int, per_worker: int) -> float:
    conn = await asyncpg.connect(url)
    try:
        with Timer() as t:
            async with conn.transaction():
                users = await conn.fetch(
                    "INSERT INTO users (email, name, region_id) SELECT 'b' || g || '@base.test', 'B ' || g, $2 "
                    "FROM generate_series(1, $1) g RETURNING id", n, region_id)
                ids = [u["id"] for u in users]
                workers = await conn.fetch(
                    "INSERT INTO workers (user_id, organisation_id, region_id, function, contract_minutes_per_week, "
                    "employer_opt_in) SELECT u, $2, $3, 'verzorgende-ig', 1440, true FROM unnest($1::uuid[]) u "
                    "RETURNING id, no", ids, org_id, region_id)
                await conn.execute("INSERT INTO memberships (user_id, region_id, organisation_id, role) "
                                   "SELECT u, $2, $3, 'worker' FROM unnest($1::uuid[]) u", ids, region_id, org_id)
                blocks = []
                for w in workers:
                    for d in range(per_worker):
                        day = START + timedelta(days=d * 2)
                        s = datetime(day.year, day.month, day.day, 7, tzinfo=AMSTERDAM)
                        blocks.append((w["id"], w["no"], s, s + timedelta(hours=8, minutes=30)))
                await conn.copy_records_to_table("roster_blocks", records=blocks,
                                                 columns=["worker_id", "worker_no", "starts_at", "ends_at"])
        return t.elapsed
    finally:
        await conn.close()


async def main(n: int, per_worker: int) -> None:
    _server, server = server_url()
    url = await fresh_database(server, "bench_imports")
    conn = await asyncpg.connect(url)
    try:
        region = await create_region(conn, "Bench", "coord@bench.test")
        org = await conn.fetchval("INSERT INTO organisations (region_id, name) VALUES ($1, 'Importeur') RETURNING id",
                                  region.id)
        base_org = await conn.fetchval("INSERT INTO organisations (region_id, name) VALUES ($1, 'Basis') RETURNING id",
                                       region.id)
        admin = await conn.fetchval("INSERT INTO users (email, name, region_id) VALUES ('admin@bench.test', 'A', $1) "
                                    "RETURNING id", region.id)
        await conn.execute("INSERT INTO memberships (user_id, region_id, organisation_id, role) "
                           "VALUES ($1, $2, $3, 'orgAdmin')", admin, region.id, org)
    finally:
        await conn.close()
    api = ApiProcess(url)
    try:
        await api.ready()
        headers = {"Authorization": f"Bearer {issue(SECRET, 'admin@bench.test')}", "Content-Type": "text/csv"}
        people, rosters = workers_csv(n), roster_csv(n, per_worker)
        async with httpx.AsyncClient(base_url=api.url, timeout=600) as c:

            async def timed(kind: str, content: bytes, expected: str, dry_run: bool = False) -> Timer:
                """One import through the API, timed; it must report `expected` for all n rows."""
                with Timer() as t:
                    r = await c.post(f"/v1/organisations/{org}/{kind}/import", content=content, headers=headers,
                                     params={"dryRun": "true"} if dry_run else None)
                assert r.status_code == 200 and not r.json()["errors"], r.text[:500]
                assert dry_run or r.json()[expected] == n, r.text[:500]
                return t

            dry = await timed("workers", people, "created", dry_run=True)
            w = await timed("workers", people, "created")
            again = await timed("workers", people, "unchanged")
            b = await timed("rosters", rosters, "created")
            b_again = await timed("rosters", rosters, "unchanged")
    finally:
        api.stop()
    floor = await baseline(url, region.id, base_org, n, per_worker)
    total = w.elapsed + b.elapsed
    print(f"workers import, {n} rows ({len(people) // 1024} KiB): dry run {dry.elapsed:.2f} s, import {w.elapsed:.2f} s, "
          f"same file again {again.elapsed:.2f} s (unchanged)")
    print(f"roster import, {n * per_worker} blocks ({len(rosters) // 1024} KiB): {b.elapsed:.2f} s, "
          f"same file again {b_again.elapsed:.2f} s (unchanged)")
    print(f"baseline, bare asyncpg writing the same rows (unnest + COPY): {floor:.2f} s")
    print(f"ratio (service / baseline): {total / floor:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=5000)
    parser.add_argument("--blocks-per-worker", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.workers, args.blocks_per_worker))
