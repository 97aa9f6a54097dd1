"""Schemathesis with every check (no 5xx, documented status codes and content types, response schemas,
Allow headers, auth, positive and negative data) generates requests from our own OpenAPI document against
a real API process on the demo region, as every role at once (tests/schemathesis.toml says what a
schema-valid request may still be refused with)."""
import asyncio
import sys
from pathlib import Path

import pytest

from flexpool import demo
from flexpool.tokens import issue
from tests.helpers import SECRET
from tests.processes import api_processes

pytestmark = pytest.mark.slow
ST = Path(sys.executable).parent / "st"
ROLES = {"coordinator@demo.test": "coverage,fuzzing", "planner@demo.test": "coverage", "worker@demo.test": "coverage",
         "finance@demo.test": "coverage", "admin@demo.test": "coverage", "regio@demo.test": "coverage"}
CONFIG = Path(__file__).parents[1] / "schemathesis.toml"


async def schemathesis(url: str, email: str, phases: str, cwd: Path) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        str(ST),
        "--config-file",
        str(CONFIG),
        "run",
        f"{url}/schema/openapi.json",
        "-H",
        f"Authorization: Bearer {issue(SECRET, email)}",
        "--checks",
        "all",
        "--phases",
        phases,
        "--max-examples",
        "6",
        "--seed",
        "20261124",
        "--no-color",
        "--request-timeout",
        "20",
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=600)
    return proc.returncode, out.decode()


async def test_no_generated_request_gets_a_server_error(database_url, tmp_path):
    await demo.load(database_url, workers_per_org=6)
    async with api_processes(database_url, FLEXPOOL_WRITE_RATE_PER_MINUTE="1000000") as [url]:
        runs = await asyncio.gather(*(schemathesis(url, email, phases, tmp_path) for email, phases in ROLES.items()))
    for (code, out), email in zip(runs, ROLES, strict=True):
        failures = out[out.find("FAILURES"):] if "FAILURES" in out else out
        assert code == 0 and " generated, " in out, f"{email}:\n{failures[:6000]}"
        print(email, next(line.strip() for line in out.splitlines() if " generated, " in line))
