"""Building blocks for tests: tokens, a region with its people, JSON requests."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flexpool.domain.clock import AMSTERDAM
from flexpool.services.regions import create_region
from flexpool.tokens import issue

SECRET = "flexpool-test-secret-at-least-32-bytes-long"


def auth(email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue(SECRET, email)}"}


def local(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=AMSTERDAM)


class Region:
    """A region built through the API: organisations, an admin and a planner each, sites, workers."""

    def __init__(self, client):
        self.client = client
        self.orgs: dict[str, dict] = {}
        self.sites: dict[str, dict] = {}
        self.workers: dict[str, dict] = {}
        self.coordinator = "coord@region.test"

    async def setup(self, pool, names=("Zonnehuis", "Thuiszorg West")) -> Region:
        async with pool.acquire() as conn:
            await create_region(conn, "Testregio", self.coordinator)
        for name in names:
            await self.organisation(name)
        return self

    async def organisation(self, name: str, kind: str = "vvt") -> dict:
        c = self.client
        slug = name.lower().replace(" ", "-")
        r = await c.post("/v1/organisations", json={"name": name, "kind": kind, "kvkNumber": f"{abs(hash(name)) % 10**8:08d}"},
                         headers=auth(self.coordinator))
        assert r.status_code == 201, r.text
        org = r.json()
        org["admin"] = f"admin@{slug}.test"
        org["planner"] = f"planner@{slug}.test"
        org["finance"] = f"finance@{slug}.test"
        r = await c.post(f"/v1/organisations/{org['id']}/members", headers=auth(self.coordinator),
                         json={"email": org["admin"], "name": f"Admin {name}", "roles": ["orgAdmin"]})
        assert r.status_code == 201, r.text
        for role in ("planner", "finance"):
            r = await c.post(f"/v1/organisations/{org['id']}/members", headers=auth(org["admin"]),
                             json={"email": org[role], "name": f"{role} {name}", "roles": [role]})
            assert r.status_code == 201, r.text
        r = await c.post(f"/v1/organisations/{org['id']}/sites", headers=auth(org["admin"]),
                         json={"name": f"{name} Centrum", "address": "Dorpsstraat 1", "postcode": "1234 AB",
                               "city": "Utrecht", "latitude": 52.09, "longitude": 5.12})
        assert r.status_code == 201, r.text
        self.sites[name] = r.json()
        self.orgs[name] = org
        return org

    async def worker(self, org_name: str, key: str, *, function="verzorgende-ig", skills=(), credentials=None,
                     opted_in=True, date_of_birth=date(1990, 5, 1), **extra) -> dict:
        org = self.orgs[org_name]
        if credentials is None:
            credentials = [{"kind": "vog"}] + [{"kind": s, "validUntil": "2030-01-01"} for s in skills
                                                if s != "wondzorg"]
            if function.startswith("verpleegkundige"):
                credentials.append({"kind": "big", "number": "12345678901", "validUntil": "2030-01-01"})
        body = {"email": f"{key}@mail.test", "name": key.title(), "function": function, "skills": list(skills),
                "credentials": credentials, "contractMinutesPerWeek": 1440, "dateOfBirth": date_of_birth.isoformat(),
                "pool": {"optedIn": opted_in}, **extra}
        r = await self.client.post(f"/v1/organisations/{org['id']}/workers", json=body, headers=auth(org["admin"]))
        assert r.status_code == 201, r.text
        w = r.json()
        self.workers[key] = w
        return w


def future(days: int, hour: int, now: datetime | None = None) -> datetime:
    base = (now or datetime.now(AMSTERDAM)).astimezone(AMSTERDAM).date() + timedelta(days=days)
    return datetime(base.year, base.month, base.day, hour, tzinfo=AMSTERDAM)


def in_hours(hours: float) -> datetime:
    """A whole minute `hours` from now, in local time."""
    t = datetime.now(AMSTERDAM) + timedelta(hours=hours)
    return t.replace(second=0, microsecond=0)
