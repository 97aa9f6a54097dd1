"""The demo region: six care organisations, their sites, about 300 workers with home rosters, open shifts.

Deterministic (seeded), so every newcomer sees the same region. Dates are relative to today.
"""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from asyncpg import Connection

from flexpool.db import organisations as orgs_db
from flexpool.db import regions as regions_db
from flexpool.db import users as users_db
from flexpool.db import workers as workers_db
from flexpool.db.organisations import Organisation
from flexpool.db.pool import connect
from flexpool.db.tariffs import VatExemption
from flexpool.db.workers import Worker
from flexpool.domain.clock import AMSTERDAM, at_local
from flexpool.domain.directory import NewSite
from flexpool.domain.hours import HoursWorked, NoShow
from flexpool.domain.secondments import SecondmentProposal, SecondmentRoster
from flexpool.domain.shifts import ShiftDraft
from flexpool.domain.tariffs import DEFAULT_TARIFFS
from flexpool.domain.vocabulary import BookingMode
from flexpool.domain.workers import CredentialRecord, HomeRoster
from flexpool.domain.worktime import Interval
from flexpool.services import booking, hours, secondments, settlement
from flexpool.services import shifts as shift_service
from flexpool.services import tariffs as tariff_service
from flexpool.services.errors import ServiceError
from flexpool.services.identity import principal_for
from flexpool.services.principal import Principal

REGION = "Demo Regio Utrecht"
COORDINATOR = "coordinator@demo.test"
PEOPLE = {
    "coordinator": COORDINATOR,
    "planner": "planner@demo.test",
    "worker": "worker@demo.test",
    "finance": "finance@demo.test",
    "orgAdmin": "admin@demo.test",
    "regionPlanner": "regio@demo.test",
}
DELEGATING = "Axion Continu"  # lets the region's planning desk plan for it

ORGANISATIONS = [
    # name, kind, kvk, iban, sites [(name, city, lat, lon)]
    ("Zorggroep De Linde", "vvt", "41178812", "NL91ABNA0417164300",
     [("De Linde", "Utrecht", 52.0907, 5.1214), ("Het Anker", "Zeist", 52.0894, 5.2338),
      ("Rozenhof", "Bunnik", 52.0667, 5.1978)]),
    ("Thuiszorg Vecht en Venen", "vvt", "30212459", "NL20INGB0001234567",
     [("Team Maarssen", "Maarssen", 52.1351, 5.0415), ("Team Breukelen", "Breukelen", 52.1744, 5.0014)]),
    ("Careyn Stichtse Heuvels", "vvt", "30276901", "NL02RABO0123456789",
     [("Huize Beukenrode", "Doorn", 52.0332, 5.3453), ("De Wijngaard", "Driebergen", 52.0526, 5.2806),
      ("Hof van Wijk", "Wijk bij Duurstede", 51.9747, 5.3448)]),
    ("Amerpoort Wonen", "ghz", "41193305", "NL69ABNA0417165200",
     [("Woonlocatie Baarn", "Baarn", 52.2116, 5.2870), ("Dagbesteding Soest", "Soest", 52.1739, 5.2914)]),
    ("Reinaerde Begeleiding", "ghz", "30240811", "NL44RABO0307876543",
     [("Voorlinden", "Utrecht", 52.0786, 5.0966), ("De Schakel", "Nieuwegein", 52.0292, 5.0808)]),
    ("Axion Continu", "vvt", "30130145", "NL86INGB0002445588",
     [("Tamarinde", "Utrecht", 52.1021, 5.0919), ("Vecht en Ijssel", "Utrecht", 52.0680, 5.1303),
      ("De Geinsche Hof", "Nieuwegein", 52.0231, 5.0938)]),
]

FIRST = ["Anna", "Bram", "Chantal", "Daan", "Esra", "Fatima", "Gijs", "Hanna", "Ilse", "Joost", "Kim", "Lotte",
         "Mohamed", "Noor", "Oscar", "Priya", "Quinten", "Rosa", "Sanne", "Tim", "Umut", "Vera", "Wouter",
         "Yara", "Zeynep", "Marieke", "Ruud", "Petra", "Sven", "Ingrid"]
LAST = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos",
        "Vos", "Peters", "Hendriks", "van Dijk", "Yilmaz", "El Amrani", "Kaya", "Dekker", "Brouwer", "Kok"]
CARE = [("helpende", 0.2), ("verzorgende-ig", 0.5), ("verpleegkundige-mbo", 0.2), ("verpleegkundige-hbo", 0.1)]
SUPPORT = [("begeleider-3", 0.45), ("begeleider-4", 0.45), ("gedragsdeskundige", 0.1)]


def _pick(rng: random.Random, table: list[tuple[str, float]]) -> str:
    x, acc = rng.random(), 0.0
    for value, weight in table:
        acc += weight
        if x < acc:
            return value
    return table[-1][0]


async def load(url: str, *, now: datetime | None = None, workers_per_org: int = 50) -> dict | None:
    """Load the region once; None when it already exists."""
    now = now or datetime.now(UTC)
    rng = random.Random(20261124)
    conn = await connect(url)
    try:
        if await regions_db.by_name(conn, REGION):
            return None
        async with conn.transaction():
            region = await regions_db.create(conn, REGION)
            coordinator = await users_db.get_or_create(conn, COORDINATOR, "Carla Coördinator")
            await users_db.grant(conn, coordinator.id, region.id, None, "coordinator")
            today = now.astimezone(AMSTERDAM).date()
            org_rows = []
            for index, (name, kind, kvk, iban, sites) in enumerate(ORGANISATIONS):
                org = await orgs_db.create(conn, region.id, name=name, kvk_number=kvk, iban=iban, kind=kind,
                                           cao="ghz" if kind == "ghz" else "vvt")
                await orgs_db.update(conn, org.id, {
                    "waadi_registered": index != 4, "waadi_exempt": index == 4, "address": f"{sites[0][0]}laan 1",
                    "postcode": f"{3500 + index * 20} AB", "city": sites[0][1]})
                org_rows.append(org)
                for site_name, city, lat, lon in sites:
                    await orgs_db.create_site(conn, org.id, NewSite(
                        name=site_name, address=f"{site_name}laan 1", postcode=f"{3500 + index * 20} AB", city=city,
                        latitude=lat, longitude=lon))
                slug = name.split()[-1].lower()
                staff = [("orgAdmin", f"admin@{slug}.demo.test"), ("planner", f"planner@{slug}.demo.test"),
                         ("finance", f"finance@{slug}.demo.test")]
                if index == 0:
                    staff = [("orgAdmin", PEOPLE["orgAdmin"]), ("planner", PEOPLE["planner"]),
                             ("finance", PEOPLE["finance"])]
                for role, email in staff:
                    user = await users_db.get_or_create(conn, email, f"{role.title()} {name}")
                    await users_db.grant(conn, user.id, region.id, org.id, role)
                for n in range(workers_per_org):
                    email = PEOPLE["worker"] if index == 0 and n == 0 else f"w{index}{n:03d}@demo.test"
                    await _worker(conn, rng, region.id, org, email, kind, today, first=(index == 0 and n == 0))
            # Preferred partners: VVT organisations pair up, GHZ organisations pair up.
            vvt = [o.id for o in org_rows if o.kind == "vvt"]
            ghz = [o.id for o in org_rows if o.kind == "ghz"]
            for group in (vvt, ghz):
                for o in group:
                    await orgs_db.set_partners(conn, o, [p for p in group if p != o][:2])
            await _planning_desk(conn, rng, region.id, org_rows)
            await _secondment(conn, region.id, org_rows, now)
            await _students(conn, region.id, org_rows)
            await _shifts(conn, rng, region.id, now)
            await _series(conn, org_rows[0], now)
            await _last_month(conn, rng, region.id, now)
        return PEOPLE
    finally:
        await conn.close()


async def _planning_desk(conn: Connection, rng: random.Random, region_id: UUID, org_rows: list[Organisation]) -> None:
    """The region's planning desk (regio@demo.test), one organisation that delegates its planning to it, and
    favourites of De Linde: a handful of pool workers of the other VVT organisations."""
    desk = await users_db.get_or_create(conn, PEOPLE["regionPlanner"], "Rick Regioplanner")
    await users_db.grant(conn, desk.id, region_id, None, "regionPlanner")
    delegating = next(o for o in org_rows if o.name == DELEGATING)
    await orgs_db.update(conn, delegating.id, {"delegates_planning": True})
    linde = org_rows[0]
    others = await workers_db.in_pool(conn, region_id, outside=linde.id, organisation_kind="vvt")
    await orgs_db.set_favourites(conn, linde.id, rng.sample(others, min(6, len(others))), None)


async def _first_worker(conn: Connection, region_id: UUID, organisation_id: UUID, function: str | None) -> Worker:
    """The organisation's first pool worker of the function (None: any), other than the demo's own worker;
    the demo is seeded, so always the same one."""
    for worker_id in await workers_db.in_pool(conn, region_id, function=function):
        worker = await workers_db.known(conn, worker_id)
        if worker.organisation_id == organisation_id and worker.email != PEOPLE["worker"]:
            return worker
    raise LookupError(f"no {function} in the pool of {organisation_id}")


async def _principal(conn: Connection, email: str | None) -> Principal:
    found = await principal_for(conn, email) if email else None
    assert found is not None, "every demo person exists"
    return found


async def _secondment(conn: Connection, region_id: UUID, org_rows: list[Organisation], now: datetime) -> None:
    """De Linde borrows a verzorgende IG of Thuiszorg Vecht en Venen three days a week, since the start of last
    month (agreed by all three a few days before): last month's blocks are settled when it closes, the coming
    weeks are rostered."""
    today = now.astimezone(AMSTERDAM).date()
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    agreed = at_local(first - timedelta(days=5), time(10))
    linde, lender = org_rows[0], org_rows[1]
    worker = await _first_worker(conn, region_id, lender.id, "verzorgende-ig")
    # Seconded three days a week: the home roster makes way, and the lender lifts its monthly loan limit.
    await workers_db.replace_roster(conn, worker.id, worker.no, HomeRoster(
        at_local(first, time(0)), at_local(today + timedelta(days=60), time(0)), []))
    await workers_db.update(conn, worker.id, {"max_loan_minutes_per_month": None})
    planner = await _principal(conn, PEOPLE["planner"])
    site = (await orgs_db.sites(conn, linde.id))[0]
    proposed = await secondments.propose(conn, planner, SecondmentProposal(
        worker_id=worker.id, starts_on=first, ends_on=today + timedelta(days=90), minutes_per_week=24 * 60,
        function="verzorgende-ig", site_id=site.id, note="Vaste invaller voor De Linde, ma-wo-vr vroege dienst"), agreed)
    lender_admin = await _principal(conn, await users_db.a_planner_email(conn, lender.id, "orgAdmin"))
    await secondments.approve(conn, lender_admin, proposed.id, agreed + timedelta(hours=2))
    await secondments.approve(conn, await _principal(conn, worker.email), proposed.id, agreed + timedelta(hours=5))
    blocks: list[Interval] = []
    day = first
    while day < today + timedelta(days=28):
        if day.weekday() in (0, 2, 4):
            start = at_local(day, time(7))
            blocks.append(Interval(start, start + timedelta(hours=8, minutes=30), 30))
        day += timedelta(days=1)
    await secondments.roster(conn, planner, proposed.id, SecondmentRoster(
        at_local(first, time(0)), at_local(today + timedelta(days=28), time(0)), blocks), agreed + timedelta(days=1))


async def _students(conn: Connection, region_id: UUID, org_rows: list[Organisation]) -> None:
    """Two BBL students of the ROC in the stage pool, at two organisations; they see only the shifts that
    welcome students (De Linde publishes some)."""
    for org, level in ((org_rows[0], "mbo 3 BBL"), (org_rows[2], "mbo 2 BBL")):
        student = await _first_worker(conn, region_id, org.id, None)
        await workers_db.update(conn, student.id, {"function": "helpende", "student_school": "ROC Midden Nederland",
                                                   "student_level": level,
                                                   "student_supervisor_function": "verzorgende-ig"})


async def _series(conn: Connection, linde: Organisation, now: datetime) -> None:
    """A series at De Linde: five late shifts next week for one person, all or none; and shifts that welcome
    students, supervised by a verzorgende IG."""
    planner = await _principal(conn, PEOPLE["planner"])
    today = now.astimezone(AMSTERDAM).date()
    monday = today + timedelta(days=7 - today.weekday())
    site = (await orgs_db.sites(conn, linde.id))[1]

    def late(day: date, **extra: Any) -> ShiftDraft:
        start = at_local(day, time(15))
        return ShiftDraft(site_id=site.id, function=extra.pop("function", "verzorgende-ig"), skills=[],
                          starts_at=start, ends_at=start + timedelta(hours=8), break_minutes=30, places=1,
                          booking=BookingMode.INSTANT, description=extra.pop("description", None), urgent=False,
                          **extra)

    await shift_service.publish(conn, planner, [late(monday + timedelta(days=d), description="Reeks avonddiensten")
                                                for d in range(5)], now, batch=True, series=BookingMode.INSTANT)
    await shift_service.publish(conn, planner, [
        late(today + timedelta(days=d), function="helpende", students_welcome=True, supervisor_function="verzorgende-ig",
             description="Leerwerkplek: begeleid door een verzorgende IG") for d in (2, 4, 9)], now, batch=True)


async def people(url: str) -> dict:
    return PEOPLE


async def _worker(conn: Connection, rng: random.Random, region_id: UUID, org: Organisation, email: str, kind: str,
                  today: date, first: bool) -> None:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    if first:
        name = "Wendy Werker"
    user = await users_db.get_or_create(conn, email, name)
    function = "verzorgende-ig" if first else _pick(rng, SUPPORT if kind == "ghz" and rng.random() < 0.8 else CARE)
    skills = sorted({s for s in ("medicatie", "wondzorg", "bhv", "injecteren", "sondevoeding", "katheteriseren")
                     if rng.random() < (0.7 if s in ("medicatie", "wondzorg") else 0.3)})
    if first:
        skills = ["medicatie", "wondzorg"]
    credentials = [CredentialRecord("vog", f"VOG-{rng.randint(100000, 999999)}", None)]
    for skill in skills:
        if skill != "wondzorg":
            # Some certificates expire within the coming weeks: the demo shows those refusals too.
            expiry = today + timedelta(days=rng.choice([10, 20, 200, 400, 700]))
            credentials.append(CredentialRecord(skill, None, expiry))
    if function.startswith("verpleegkundige"):
        credentials.append(CredentialRecord("big", f"{rng.randint(10**10, 10**11 - 1)}",
                                            today + timedelta(days=rng.choice([15, 900, 1500]))))
    birth = date(rng.randint(1962, 2006), rng.randint(1, 12), rng.randint(1, 28))
    if first:
        birth = date(1991, 4, 12)
    lat, lon = 52.09 + rng.uniform(-0.12, 0.12), 5.12 + rng.uniform(-0.2, 0.2)
    await users_db.join_region(conn, user.id, region_id)
    nights = rng.random() < 0.4
    worker = await workers_db.insert(conn, user_id=user.id, organisation_id=org.id, region_id=region_id, fields={
        "date_of_birth": birth, "home_postcode": f"35{rng.randint(10, 99)} {rng.choice('ABCDEFGH')}{rng.choice('KLMNPR')}",
        "home_latitude": lat, "home_longitude": lon, "function": function, "skills": skills,
        "contract_minutes_per_week": rng.choice([16, 20, 24, 28, 32, 36]) * 60,
        "employer_opt_in": first or rng.random() < 0.8, "max_loan_minutes_per_month": rng.choice([None, 960, 1920, 2400]),
        "nights": nights, "max_travel_km": rng.choice([None, 15, 25, 40]),
    })
    await users_db.grant(conn, user.id, region_id, org.id, "worker")
    await workers_db.replace_credentials(conn, worker.id, credentials)
    if not first and rng.random() < 0.25:
        # Someone with a few hours a week to spare: two evenings and a weekend morning, at most 8-12 hours.
        evenings = rng.sample(range(5), 2)
        windows = [(d, 17 * 60, 5 * 60) for d in evenings] + [(rng.choice([5, 6]), 7 * 60, 6 * 60)]
        await workers_db.replace_availability(conn, worker.id, windows)
        await workers_db.update(conn, worker.id, {"max_extra_minutes_per_week": rng.choice([480, 720])})
    # Home roster for the next four weeks: early, late or night blocks on 3 to 4 days a week.
    blocks: list[Interval] = []
    patterns = [(time(7), 8.5), (time(15), 8.0), (time(23), 8.0)] if kind == "vvt" else \
        [(time(8), 8.0), (time(14), 8.0), (time(22), 9.0)]
    for week in range(4):
        days = sorted(rng.sample(range(7), rng.choice([3, 3, 4])))
        start_pattern = rng.choice(patterns[:2]) if not nights else rng.choice(patterns)
        for d in days:
            day = today + timedelta(days=week * 7 + d + 1)
            start = at_local(day, start_pattern[0])
            end = start + timedelta(hours=start_pattern[1])
            if not blocks or blocks[-1].ends_at + timedelta(hours=11) <= start:
                blocks.append(Interval(start, end))
    await workers_db.replace_roster(conn, worker.id, worker.no, HomeRoster(
        at_local(today, time(0)), at_local(today + timedelta(days=30), time(0)), blocks))


SHIFT_TIMES = [(time(7), 8.5, 30), (time(15), 8.0, 30), (time(23), 8.0, 30), (time(9), 4.0, 0), (time(17), 5.0, 0)]


async def _planner(conn: Connection, organisation_id: UUID) -> Principal:
    return await _principal(conn, await users_db.a_planner_email(conn, organisation_id))


async def _shifts(conn: Connection, rng: random.Random, region_id: UUID, now: datetime) -> None:
    """Open shifts over the next two weeks in every organisation; about a third already taken."""
    today = now.astimezone(AMSTERDAM).date()
    orgs = await orgs_db.list_in_region(conn, region_id)
    for org in orgs:
        planner = await _planner(conn, org.id)
        sites = await orgs_db.sites(conn, org.id)
        functions = ["begeleider-3", "begeleider-4"] if org.kind == "ghz" else \
            ["helpende", "verzorgende-ig", "verzorgende-ig", "verpleegkundige-mbo"]
        drafts = []
        for _ in range(16):
            day = today + timedelta(days=rng.randint(1, 14))
            clock, hours, brk = rng.choice(SHIFT_TIMES)
            start = at_local(day, clock)
            skills = sorted(rng.sample(["medicatie", "wondzorg", "injecteren", "bhv"], rng.choice([0, 0, 1, 1, 2])))
            drafts.append(ShiftDraft(site_id=rng.choice(sites).id, function=rng.choice(functions), skills=skills,
                                     starts_at=start, ends_at=start + timedelta(hours=hours), break_minutes=brk,
                                     places=rng.choice([1, 1, 1, 2, 3]),
                                     booking=BookingMode.APPROVAL if rng.random() < 0.2 else BookingMode.INSTANT,
                                     description=None, urgent=rng.random() < 0.25))
        published = await shift_service.publish(conn, planner, drafts, now)
        for shift in published:
            if shift.booking != "instant" or rng.random() > 0.35:
                continue
            candidates = (await workers_db.in_pool(conn, region_id, function=shift.function))[:40]
            for worker in rng.sample(candidates, min(6, len(candidates))):
                try:
                    await booking.assign(conn, planner, shift.id, worker, now)
                    break
                except ServiceError:
                    continue


async def _last_month(conn: Connection, rng: random.Random, region_id: UUID, now: datetime) -> None:
    """Last month, worked: loans between the organisations, hours confirmed (one no-show, some overtime,
    a late cancellation), and the month closed, so finance sees statements, positions and transfers."""
    today = now.astimezone(AMSTERDAM).date()
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    days = (today.replace(day=1) - first).days
    coordinator = await principal_for(conn, COORDINATOR)
    assert coordinator is not None, "the demo region was created with its coordinator"
    ghz = [o.id for o in await orgs_db.list_in_region(conn, region_id) if o.kind == "ghz"]
    await tariff_service.put_region(conn, coordinator, tariff_service.NewTariffs(
        functions=DEFAULT_TARIFFS, vat_percent=21, exemptions=[VatExemption(
            lender_id=ghz[0], borrower_id=ghz[1], code=None,
            basis="Structurele uitlening tegen kostprijs tussen vrijgestelde zorginstellingen (Stcrt. 2024, 17448)")]), now)
    orgs = await orgs_db.list_in_region(conn, region_id)
    for org in orgs:
        planner = await _planner(conn, org.id)
        sites = await orgs_db.sites(conn, org.id)
        function = "begeleider-3" if org.kind == "ghz" else "verzorgende-ig"
        lenders = await workers_db.in_pool(conn, region_id, outside=org.id, function=function)
        for n in range(12):
            day = first + timedelta(days=rng.randrange(days))
            clock, length, brk = rng.choice(SHIFT_TIMES[:3])
            start = at_local(day, clock)
            end = start + timedelta(hours=length)
            published = start - timedelta(days=7)
            [shift] = await shift_service.publish(conn, planner, [ShiftDraft(
                site_id=rng.choice(sites).id, function=function, skills=[], starts_at=start, ends_at=end,
                break_minutes=brk, places=1, booking=BookingMode.INSTANT, description=None, urgent=True)], published)
            for worker in rng.sample(lenders, min(8, len(lenders))):
                try:
                    assignment = await booking.assign(conn, planner, shift.id, worker,
                                                      published + timedelta(hours=3))
                    break
                except ServiceError:
                    continue
            else:
                continue
            if n == 0:  # released the evening before: a late cancellation the lender is paid for
                await booking.cancel_assignment(conn, planner, assignment.id, "bewoner overgeplaatst",
                                                start - timedelta(hours=10))
            elif n == 1:
                await hours.confirm(conn, planner, assignment.id, end + timedelta(hours=2), NoShow())
            elif n % 3 == 0:
                await hours.confirm(conn, planner, assignment.id, end + timedelta(hours=2),
                                    HoursWorked(start, end + timedelta(minutes=30), brk))
    await settlement.close(conn, coordinator, first, now)
