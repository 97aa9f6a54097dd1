"""Publish an urgent shift to a region of 20,000 workers with a few devices each; push it through the
outbox and dispatchers to the fake FCM server. Baseline: firebase-admin sending the same number of
messages straight to the fake (no database), in the same run.

    .venv/bin/python -m bench.push_fanout [--workers 20000] [--devices 2] [--dispatchers 2]
"""
from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench import seed
from bench.common import Timer, fresh_database, server_url
from flexpool.db.pool import create_pool
from flexpool.services import shifts as shift_service
from flexpool.services.principal import Principal, Role
from flexpool.services.shifts import ShiftDraft
from notifications.dispatcher import Dispatcher
from notifications.fcm import FcmSender, Push
from tests.fake_fcm import FakeFcm, service_account


class TimedFake(FakeFcm):
    """Remembers when each message was answered."""

    def __init__(self):
        super().__init__()
        self.times: list[float] = []

    async def app(self, scope, receive, send):
        await super().app(scope, receive, send)
        if scope["path"].endswith("messages:send"):
            self.times.append(time.perf_counter())


def sender_for(fake: FakeFcm, directory: Path) -> FcmSender:
    path = service_account(directory / "sa.json", fake.url + "/token")
    return FcmSender.from_environment({"GOOGLE_APPLICATION_CREDENTIALS": path, "FLEXPOOL_FCM_ENDPOINT": fake.url,
                                       "FLEXPOOL_FCM_TIMEOUT": "60"})


async def baseline(count: int, directory: Path) -> float:
    fake = TimedFake().start()
    sender = sender_for(fake, directory)
    try:
        pushes = [Push(f"token-{i}", "Nieuwe dienst", "body", {"type": "offer"}, True, f"c{i}") for i in range(count)]
        with Timer() as t:
            outcomes = await sender.send(pushes)
        assert all(o.ok for o in outcomes)
        return count / t.elapsed
    finally:
        await sender.aclose()
        fake.stop()


async def fanout(server: str, workers: int, devices: int, dispatchers: int, directory: Path) -> tuple[float, int]:
    url = await fresh_database(server, "bench_fanout")
    pool = await create_pool(url, min_size=2, max_size=10)
    async with pool.acquire() as conn:
        region_id, orgs = await seed.region(conn, organisations=12, workers=workers)
        await conn.execute("INSERT INTO devices (token, user_id, platform) SELECT 'dev-' || w.no || '-' || d, "
                           "w.user_id, 'android' FROM workers w, generate_series(1, $1) d", devices)
        planner = await conn.fetchrow("SELECT u.id, u.email, m.organisation_id FROM users u JOIN memberships m "
                                      "ON m.user_id = u.id WHERE m.role = 'planner' LIMIT 1")
        site = await conn.fetchval("SELECT id FROM sites WHERE organisation_id = $1", planner["organisation_id"])
        await conn.execute("ANALYZE")
    p = Principal(planner["id"], planner["email"], "Planner", "nl",
                  (Role("planner", planner["organisation_id"], region_id),))
    fake = TimedFake().start()
    sender = sender_for(fake, directory)
    try:
        now = datetime.now(timezone.utc)
        start = now + timedelta(days=3)
        t0 = time.perf_counter()
        async with pool.acquire() as conn:
            await shift_service.publish(conn, p, [ShiftDraft(
                site_id=site, function="helpende", skills=[], starts_at=start, ends_at=start + timedelta(hours=8),
                break_minutes=30, places=1, booking="instant", description=None, urgent=True)], now)
        published = time.perf_counter() - t0

        async def drain(d: Dispatcher):
            while await d.run_once() > 0:
                pass

        await asyncio.gather(*[drain(Dispatcher(pool, sender, batch=500)) for _ in range(dispatchers)])
        total = len(fake.times)
        first, last = min(fake.times) - t0, max(fake.times) - t0
        rate = total / (max(fake.times) - min(fake.times))
        print(f"fan-out: {workers} workers × {devices} devices: publish+enqueue {published:.2f} s, first push after "
              f"{first:.2f} s, last after {last:.2f} s, {total} messages, {rate:.0f} messages/s "
              f"({dispatchers} dispatchers)")
        async with pool.acquire() as conn:
            dup = await conn.fetchval("SELECT count(*) FROM (SELECT 1 FROM notification_deliveries "
                                      "GROUP BY notification_id, token HAVING count(*) > 1) x")
        assert len({m["token"] for m in fake.delivered}) == total and dup == 0, "duplicate pushes"
        return rate, total
    finally:
        await sender.aclose()
        fake.stop()
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=20_000)
    parser.add_argument("--devices", type=int, default=2)
    parser.add_argument("--dispatchers", type=int, default=2)
    args = parser.parse_args()
    handle, server = server_url()
    with tempfile.TemporaryDirectory() as tmp:
        rate, total = asyncio.run(fanout(server, args.workers, args.devices, args.dispatchers, Path(tmp)))
        base = asyncio.run(baseline(total, Path(tmp)))
    print(f"baseline: firebase-admin straight to the fake, {total} messages: {base:.0f} messages/s")
    print(f"ratio service/baseline (messages per second): {rate / base:.2f}")
    del handle


if __name__ == "__main__":
    main()
