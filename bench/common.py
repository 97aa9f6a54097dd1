"""Shared bench plumbing: an embedded PostgreSQL, a fresh migrated database, a running API process."""
from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from flexpool.db import databases, embedded, migrations

ROOT = Path(__file__).resolve().parents[1]


def server_url() -> tuple[object, str]:
    url = os.environ.get("FLEXPOOL_BENCH_DATABASE_URL")
    if url:
        return None, url
    return embedded.start(ROOT / ".flexpool" / "bench", database="postgres")


async def fresh_database(server: str, name: str) -> str:
    url = await databases.recreate(server, name)
    await asyncio.to_thread(migrations.upgrade, url)
    return url


SERVE = [sys.executable, "-c", "import sys; from flexpool.cli import main; sys.exit(main())", "serve"]


class ApiProcess:
    """`flexpool serve` as the README starts it (its defaults: every core, scheduler and write limit on),
    on the bench's database."""

    def __init__(self, database_url: str, workers: int | None = None, **env: str):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("FLEXPOOL_")}
        environ.update(FLEXPOOL_DATABASE_URL=database_url, FLEXPOOL_JWT_SECRET=SECRET, **env)
        extra = ["--workers", str(workers)] if workers else []
        self.proc = subprocess.Popen([*SERVE, "--port", str(self.port), *extra], env=environ,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    async def ready(self) -> None:
        async with httpx.AsyncClient() as c:
            for _ in range(600):
                try:
                    if (await c.get(self.url + "/health/ready")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
        raise RuntimeError("API did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


SECRET = "flexpool-bench-secret-at-least-32-bytes"


def percentiles(samples: list[float]) -> tuple[float, float]:
    qs = statistics.quantiles(samples, n=100, method="inclusive")
    return qs[49], qs[98]


class Timer:
    def __enter__(self):
        self.t = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.elapsed = time.perf_counter() - self.t
