"""The OpenAPI document is checked the way a client team uses it: a Python client is generated from the
document the service serves (openapi-python-client), and the daily flow runs through that client against
a real API process: publish, offers, accept (201 booked and 202 applied), a refusal (409, parsed with its
blockers), a timesheet, and the month's statement."""
import importlib
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import httpx

from flexpool.tokens import issue
from tests.helpers import SECRET, future
from tests.processes import api_processes
from tests.scenarios import October

GENERATOR = Path(sys.executable).parent / "openapi-python-client"


def generate(url: str, where: Path):
    spec = where / "openapi.json"
    spec.write_bytes(httpx.get(f"{url}/schema/openapi.json", timeout=30).content)
    done = subprocess.run([str(GENERATOR), "generate", "--path", str(spec), "--meta", "none",
                           "--output-path", str(where / "flexpool_client")], capture_output=True, text=True, cwd=where)
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(where))
    importlib.invalidate_caches()
    return importlib.import_module("flexpool_client")


def op(module: str):
    return importlib.import_module(f"flexpool_client.api.{module}")


async def test_the_daily_flow_through_a_generated_client(database_url, pool, tmp_path):
    async with api_processes(database_url) as [url]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            october = await October(http, pool).setup()
        client_pkg = generate(url, tmp_path)
        models = importlib.import_module("flexpool_client.models")
        region = october.region
        zon = region.orgs["Zonnehuis"]

        def as_user(email: str):
            return client_pkg.AuthenticatedClient(base_url=url, token=issue(SECRET, email), raise_on_unexpected_status=True)

        planner, wil, dirk = as_user(zon["planner"]), as_user("wil@mail.test"), as_user("dirk@mail.test")
        publish = op("shifts.v1_shifts_publish")
        start = future(3, 7)
        shift_in = models.ShiftIn(site_id=region.sites["Zonnehuis"]["id"], function="verzorgende-ig", starts_at=start,
                                  ends_at=start + timedelta(hours=8), break_minutes=30, urgent=True)
        r = await publish.asyncio_detailed(client=planner, body=shift_in)
        assert r.status_code == 201 and isinstance(r.parsed, models.Shift)
        shift = r.parsed
        offers = await op("worker.v1_offers_offers").asyncio(client=wil)
        assert isinstance(offers, models.PageOffer) and shift.id in [o.shift.id for o in offers.items]

        accept = op("shifts.v1_shifts_shift_id_accept_accept")
        r = await accept.asyncio_detailed(shift.id, client=wil, idempotency_key="accept-1")
        assert r.status_code == 201 and isinstance(r.parsed, models.AssignmentOut) and r.parsed.status == "booked"
        # The last place is gone: the refusal is a problem with its blockers, parsed by the client.
        r = await accept.asyncio_detailed(shift.id, client=dirk)
        assert r.status_code == 409 and isinstance(r.parsed, models.Problem)
        assert r.parsed.type_ == "/problems/shift-full" and r.parsed.blockers[0].type_ == "shift-full"
        # Approval booking: 202 with an application.
        approval = models.ShiftIn(site_id=region.sites["Zonnehuis"]["id"], function="verzorgende-ig",
                                  starts_at=start + timedelta(days=1), ends_at=start + timedelta(days=1, hours=8),
                                  break_minutes=30, urgent=True, booking=models.BookingMode.APPROVAL)
        second = (await publish.asyncio_detailed(client=planner, body=approval)).parsed
        r = await accept.asyncio_detailed(second.id, client=dirk)
        assert r.status_code == 202 and isinstance(r.parsed, models.ApplicationOut) and r.parsed.status == "pending"

        # The hours of October, then October's statement between Thuiszorg West and Zonnehuis.
        timesheet = op("hours.v1_assignments_assignment_id_timesheet_timesheet")
        r = await timesheet.asyncio_detailed(october.day.id, client=planner, body=models.TimesheetIn(no_show=True))
        assert r.status_code == 200 and isinstance(r.parsed, models.Timesheet) and r.parsed.no_show
        finance = as_user(zon["finance"])
        listing = await op("settlement.v1_settlements_month_statements_statements").asyncio("2026-10", client=finance)
        west = next(s for s in listing.items if str(s.lender_organisation_id) == region.orgs["Thuiszorg West"]["id"])
        r = await op("settlement.v1_settlements_month_statements_statement_id_statement").asyncio_detailed(
            "2026-10", west.id, client=finance)
        assert r.status_code == 200 and isinstance(r.parsed, models.StatementOut)
        assert r.parsed.total_cents == west.total_cents and r.parsed.line_count == len(r.parsed.lines)
