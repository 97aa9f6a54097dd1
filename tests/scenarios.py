"""Scenarios the tests of several kinds share: a two-organisation region's shifts, October 2026's loans
(the DST night included), workers written straight into the database, notifications in the outbox."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from api.app import create_app
from flexpool import config as config_module
from flexpool.db import outbox
from flexpool.domain.clock import AMSTERDAM
from flexpool.domain.shifts import ShiftDraft
from flexpool.services import booking
from flexpool.services import shifts as shift_service
from flexpool.services.identity import principal_for
from tests.helpers import Region, auth, future

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # 11:00 in Amsterdam


async def user(pool, email, *, devices=(), language="nl", quiet=None, digest="none"):
    async with pool.acquire() as conn:
        uid = await conn.fetchval("INSERT INTO users (email, name, language, quiet_from, quiet_to, digest) "
                                  "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", email, email.split("@")[0], language,
                                  quiet[0] if quiet else None, quiet[1] if quiet else None, digest)
        for token in devices:
            await conn.execute("INSERT INTO devices (token, user_id, platform) VALUES ($1, $2, 'android')", token, uid)
    return uid


def offer_data(n=0):
    start = datetime(2026, 11, 25, 7, tzinfo=AMSTERDAM) + timedelta(days=n)
    return {"shiftId": f"00000000-0000-0000-0000-{n:012d}", "startsAt": start.isoformat(),
            "endsAt": (start + timedelta(hours=8)).isoformat(), "function": "verzorgende-ig", "siteName": "De Linde"}


async def enqueue(pool, uid, kind="offer", key="offer:1", data=None, now=NOW, urgent=False):
    async with pool.acquire() as conn:
        return await outbox.enqueue(conn, user_ids=[uid], kind=kind, dedupe_key=key, data=data or offer_data(),
                                    now=now, urgent=urgent)


def app_with(database_url, **env):
    import os
    return create_app(config_module.load(dict(os.environ, FLEXPOOL_DATABASE_URL=database_url, **env)))


async def add_worker(conn, region_id, org_id, key, *, birth=date(1990, 5, 1), nights=False, loan_limit=None,
                     vog_until=None, bhv_until=date(2030, 1, 1), skills=("bhv",), blocks=()):
    user = await conn.fetchval("INSERT INTO users (email, name, region_id) VALUES ($1, $2, $3) RETURNING id",
                               f"{key}@p.test", key, region_id)
    worker, no = await conn.fetchrow(
        "INSERT INTO workers (user_id, organisation_id, region_id, function, skills, contract_minutes_per_week, "
        "employer_opt_in, date_of_birth, nights, max_loan_minutes_per_month) "
        "VALUES ($1, $2, $3, 'verzorgende-ig', $4, 1440, true, $5, $6, $7) RETURNING id, no",
        user, org_id, region_id, list(skills), birth, nights, loan_limit)
    await conn.execute("INSERT INTO memberships (user_id, region_id, organisation_id, role) "
                       "VALUES ($1, $2, $3, 'worker')", user, region_id, org_id)
    await conn.execute("INSERT INTO credentials (worker_id, kind, valid_until) VALUES ($1, 'vog', $2)", worker, vog_until)
    if "bhv" in skills:
        await conn.execute("INSERT INTO credentials (worker_id, kind, valid_until) VALUES ($1, 'bhv', $2)",
                           worker, bhv_until)
    for s, e in blocks:
        await conn.execute("INSERT INTO roster_blocks (worker_id, worker_no, starts_at, ends_at) VALUES ($1, $2, $3, $4)",
                           worker, no, s, e)
    return user, worker


UBL = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
       "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
       "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"}


def t(m, d, hh=0, mm=0):
    return datetime(2026, m, d, hh, mm, tzinfo=AMSTERDAM)


class October:
    """Zonnehuis borrows from Thuiszorg West and Derde Huis in October 2026."""

    def __init__(self, client, pool):
        self.client, self.pool = client, pool

    async def setup(self):
        r = self.region = await Region(self.client).setup(self.pool, names=("Zonnehuis", "Thuiszorg West",
                                                                             "Derde Huis"))
        for name, iban, vat in (("Thuiszorg West", "NL91ABNA0417164300", "NL100000009B01"),
                                ("Derde Huis", "NL20INGB0001234567", "NL100000010B01")):
            res = await self.client.patch(f"/v1/organisations/{r.orgs[name]['id']}", headers=auth(r.orgs[name]["admin"]),
                                          json={"iban": iban, "vatNumber": vat, "waadiRegistered": True,
                                                "address": "Laan 1", "postcode": "3511 AB", "city": "Utrecht"})
            assert res.status_code == 200, res.text
        self.west = await r.worker("Thuiszorg West", "wil")
        self.derde = await r.worker("Derde Huis", "dirk")
        self.own = await r.worker("Zonnehuis", "zoe")
        async with self.pool.acquire() as conn:
            self.planner = await principal_for(conn, r.orgs["Zonnehuis"]["planner"])
            self.night = await self.book(conn, "wil", t(10, 24, 23), t(10, 25, 7), 30)   # the DST night
            self.day = await self.book(conn, "wil", t(10, 6, 7), t(10, 6, 15, 30), 30)
            self.late = await self.book(conn, "dirk", t(10, 15, 7), t(10, 15, 15), 30)
            self.derde_day = await self.book(conn, "dirk", t(10, 20, 7), t(10, 20, 15), 30)
            self.own_day = await self.book(conn, "zoe", t(10, 21, 7), t(10, 21, 15), 30)
            await booking.cancel_assignment(conn, self.planner, self.late.id, "afdeling dicht", t(10, 14, 20))
        return self

    async def book(self, conn, worker_key, start, end, brk):
        [shift] = await shift_service.publish(conn, self.planner, [ShiftDraft(
            site_id=self.region.sites["Zonnehuis"]["id"], function="verzorgende-ig", skills=[], starts_at=start,
            ends_at=end, break_minutes=brk, places=1, booking="instant", description=None, urgent=True)],
            start - timedelta(days=10))
        worker = await principal_for(conn, f"{worker_key}@mail.test")
        booked = await booking.accept(conn, worker, shift.id, start - timedelta(days=9))
        assert isinstance(booked, booking.Booked)
        return booked.assignment

    async def confirm_all(self):
        planner = auth(self.region.orgs["Zonnehuis"]["planner"])
        for a, body in ((self.night, {"startedAt": t(10, 24, 23).isoformat(), "endedAt": t(10, 25, 7).isoformat(),
                                      "breakMinutes": 30}),
                        (self.day, {"startedAt": t(10, 6, 7).isoformat(), "endedAt": t(10, 6, 16).isoformat(),
                                    "breakMinutes": 30}),
                        (self.own_day, {"noShow": True})):
            r = await self.client.put(f"/v1/assignments/{a.id}/timesheet", json=body, headers=planner)
            assert r.status_code == 200, r.text


def shift_body(region, org="Zonnehuis", *, days=1, hour=7, hours=8, break_minutes=30, start=None, **extra):
    start = start or future(days, hour)
    return {"siteId": region.sites[org]["id"], "function": "verzorgende-ig", "startsAt": start.isoformat(),
            "endsAt": (start + timedelta(hours=hours)).isoformat(), "breakMinutes": break_minutes, **extra}


async def publish(client, region, org="Zonnehuis", **kw):
    r = await client.post("/v1/shifts", json=shift_body(region, org, **kw), headers=auth(region.orgs[org]["planner"]))
    assert r.status_code == 201, r.text
    return r.json()
