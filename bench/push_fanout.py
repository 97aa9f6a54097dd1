"""An urgent shift published to a region of 20,000 workers with two devices each, through `flexpool serve`
(its default worker processes, each with its dispatcher) to a fake FCM in processes of its own.

    .venv/bin/python -m bench.push_fanout [--workers 20000] [--devices 2]

Reports: the publish request (the wave's prefilter, the full working-time judgement of every candidate and
the outbox rows, in one transaction), when the first and the last push reached the fake, messages per second,
and duplicates (must be 0). Baseline in the same run: firebase-admin sending the same number of messages
from one process straight to the same fake, no database.
"""
from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench import seed
from bench.common import SECRET, ApiProcess, Timer, fresh_database, server_url
from flexpool.db.pool import create_pool
from flexpool.tokens import issue
from notifications.fcm import FcmSender, Push
from notifications.local_fcm import service_account


class Fake:
    """bench.fake_fcm_server in two processes; what it answered, read from its files."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.fake_fcm_server", str(self.port), str(folder), "2"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    async def ready(self) -> None:
        async with httpx.AsyncClient() as c:
            for _ in range(200):
                try:
                    await c.post(self.url + "/token")
                    return
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
        raise RuntimeError("the fake FCM did not start")

    def sent(self) -> list[tuple[float, str]]:
        out = []
        for f in self.folder.glob("sent-*.txt"):
            for line in f.read_text().splitlines():
                at, device = line.split(" ", 1)
                out.append((float(at), device))
        return out

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


async def baseline(count: int, folder: Path) -> float:
    fake = Fake(folder / "baseline")
    await fake.ready()
    sender = FcmSender.from_environment({"GOOGLE_APPLICATION_CREDENTIALS": service_account(
        folder / "sa-baseline.json", fake.url + "/token"), "FLEXPOOL_FCM_ENDPOINT": fake.url, "FLEXPOOL_FCM_TIMEOUT": "60"})
    try:
        pushes = [Push(f"token-{i}", "Nieuwe dienst", "body", {"type": "offer"}, True, f"c{i}") for i in range(count)]
        with Timer() as t:
            outcomes = await sender.send(pushes)
        assert all(o.ok for o in outcomes)
        return count / t.elapsed
    finally:
        await sender.aclose()
        fake.stop()


async def fanout(server: str, workers: int, devices: int, folder: Path) -> tuple[float, int]:
    url = await fresh_database(server, "bench_fanout")
    pool = await create_pool(url, min_size=1, max_size=2)
    async with pool.acquire() as conn:
        region_id, orgs = await seed.region(conn, organisations=12, workers=workers)
        await conn.execute("INSERT INTO devices (token, user_id, platform) SELECT 'dev-' || w.no || '-' || d, "
                           "w.user_id, 'android' FROM workers w, generate_series(1, $1) d", devices)
        site = await conn.fetchval("SELECT id FROM sites WHERE organisation_id = $1", orgs[0])
        await conn.execute("ANALYZE")
    await pool.close()
    fake = Fake(folder / "service")
    await fake.ready()
    api = ApiProcess(url, GOOGLE_APPLICATION_CREDENTIALS=service_account(folder / "sa.json", fake.url + "/token"),
                     FLEXPOOL_FCM_ENDPOINT=fake.url, FLEXPOOL_FCM_TIMEOUT="60")
    expected = workers * devices
    try:
        await api.ready()
        start = datetime.now(UTC) + timedelta(days=3)
        async with httpx.AsyncClient(base_url=api.url, timeout=120) as http:
            t0 = time.time()
            r = await http.post("/v1/shifts", headers={"Authorization": f"Bearer {issue(SECRET, 'planner0@bench.test')}"},
                                json={"siteId": str(site), "function": "helpende", "startsAt": start.isoformat(),
                                      "endsAt": (start + timedelta(hours=8)).isoformat(), "breakMinutes": 30,
                                      "places": 1, "urgent": True})
            published = time.time() - t0
            assert r.status_code == 201, r.text
        deadline = time.time() + 600
        sent = fake.sent()
        while len(sent) < expected and time.time() < deadline:
            await asyncio.sleep(0.25)  # polling the fake's files for the last push, the thing measured
            sent = fake.sent()
    finally:
        api.stop()
        fake.stop()
    sent = fake.sent()
    times = sorted(at for at, _ in sent)
    duplicates = len(sent) - len({device for _, device in sent})
    first, last = times[0] - t0, times[-1] - t0
    rate = len(sent) / (times[-1] - times[0])
    print(f"fan-out: {workers} workers × {devices} devices through flexpool serve: publish request (prefilter, "
          f"full judgement, outbox) {published:.2f} s, first push after {first:.2f} s, last after {last:.2f} s, "
          f"{len(sent)} of {expected} messages, {rate:.0f} messages/s, duplicates {duplicates}")
    return rate, len(sent)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=20_000)
    parser.add_argument("--devices", type=int, default=2)
    args = parser.parse_args()
    handle, server = server_url()
    with tempfile.TemporaryDirectory() as tmp:
        rate, total = asyncio.run(fanout(server, args.workers, args.devices, Path(tmp)))
        base = asyncio.run(baseline(total, Path(tmp)))
    print(f"baseline: firebase-admin from one process straight to the fake, {total} messages: {base:.0f} messages/s")
    print(f"ratio service/baseline (messages per second): {rate / base:.2f}")
    del handle


if __name__ == "__main__":
    main()
