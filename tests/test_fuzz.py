"""No input gets a 500: Schemathesis generates requests from our own OpenAPI document (boundary values,
invalid bodies, odd strings) against a real API process on the demo region, as several roles at once."""
import asyncio
import sys
from pathlib import Path

from flexpool import demo
from flexpool.tokens import issue
from tests.helpers import SECRET
from tests.processes import api_processes

ST = Path(sys.executable).parent / "st"
ROLES = {"coordinator@demo.test": "coverage,fuzzing", "planner@demo.test": "coverage", "worker@demo.test": "coverage"}


async def schemathesis(url: str, email: str, phases: str, cwd: Path) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        str(ST), "run", f"{url}/schema/openapi.json", "-H", f"Authorization: Bearer {issue(SECRET, email)}",
        "--checks", "not_a_server_error", "--phases", phases, "--max-examples", "6", "--seed", "20261124",
        "--no-color", "--request-timeout", "20", cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=600)
    return proc.returncode, out.decode()


async def test_no_generated_request_gets_a_server_error(database_url, tmp_path):
    await demo.load(database_url, workers_per_org=6)
    async with api_processes(database_url, FLEXPOOL_WRITE_RATE_PER_MINUTE="1000000") as [url]:
        runs = await asyncio.gather(*(schemathesis(url, email, phases, tmp_path) for email, phases in ROLES.items()))
    for (code, out), email in zip(runs, ROLES):
        assert code == 0 and " generated, " in out, f"{email}:\n{out[-4000:]}"
