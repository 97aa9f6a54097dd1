"""Real API processes on a test database, like replicas behind a load balancer, started as users start them:
`flexpool serve` with its own defaults."""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

SERVE = [sys.executable, "-c", "import sys; from flexpool.cli import main; sys.exit(main())", "serve"]
# What the suite sets for its in-process apps (tests/conftest.py) and a user would not have.
SUITE_ONLY = ("FLEXPOOL_SCHEDULER", "FLEXPOOL_WRITE_RATE_PER_MINUTE", "FLEXPOOL_ENV")


def user_environment(**env: str) -> dict[str, str]:
    """The environment of `flexpool serve` as a user starts it: the suite's own settings left out."""
    return {**{k: v for k, v in os.environ.items() if k not in SUITE_ONLY}, **env}


def serve(port: int, env: dict[str, str], log=subprocess.DEVNULL) -> subprocess.Popen:
    """`flexpool serve --port PORT`, the README's way to start the service."""
    return subprocess.Popen([*SERVE, "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie has ended; it only waits for its parent to read its status)."""
    status = Path(f"/proc/{pid}/status")
    try:
        return "\nState:\tZ" not in status.read_text()
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


STARTUP = 60.0  # seconds: a cold start on a busy 2-core machine (imports, migrations check, worker processes)


async def wait_ready(proc: subprocess.Popen, url: str, within: float = STARTUP) -> None:
    """Until `flexpool serve` at `url` answers /health/ready; at once when it exited instead (its exit code
    says why)."""
    deadline = asyncio.get_running_loop().time() + within
    async with httpx.AsyncClient(timeout=10) as client:
        while asyncio.get_running_loop().time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"API process exited with {proc.returncode} before it was ready")
            try:
                if (await client.get(url + "/health/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)  # waiting for a process to start, not papering over a race
    raise RuntimeError(f"API process did not answer /health/ready within {within:.0f} s")


@asynccontextmanager
async def api_processes(database_url: str, count: int = 1, **env: str):
    """Yields the base URLs once every process answers /health/ready."""
    procs, urls = [], []
    environ = user_environment(FLEXPOOL_DATABASE_URL=database_url, **env)
    try:
        for _ in range(count):
            port = free_port()
            procs.append(serve(port, environ))
            urls.append(f"http://127.0.0.1:{port}")
        for proc, url in zip(procs, urls, strict=True):
            await wait_ready(proc, url)
        yield urls
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=10)
