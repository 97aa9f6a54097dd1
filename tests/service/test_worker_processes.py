"""`flexpool serve` with several worker processes: metrics are the service's total whichever process answers,
and the metrics port is served once, by the supervisor."""
from __future__ import annotations

import re

import httpx

from tests.processes import api_processes, free_port


async def test_metrics_add_up_across_worker_processes(database_url, tmp_path):
    metrics_port = free_port()
    async with api_processes(database_url, FLEXPOOL_WORKERS="2", FLEXPOOL_METRICS_PORT=str(metrics_port),
                             FLEXPOOL_DATA_DIR=str(tmp_path / "data")) as [url]:
        for _ in range(40):  # a connection each, so the kernel spreads them over both workers
            async with httpx.AsyncClient(base_url=url) as c:
                r = await c.get("/health/live")
                assert r.status_code == 200
        async with httpx.AsyncClient() as c:
            text = (await c.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
        counted = sum(float(v) for v in re.findall(r'^flexpool_requests_total\{[^}]*path="/health/live"[^}]*\} (\S+)$',
                                                    text, re.M))
    # Without the shared folder the supervisor would count nothing, and each worker only its own requests.
    assert counted == 40
