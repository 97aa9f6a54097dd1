"""Reports: how well shifts get filled, and how many minutes each organisation lent and borrowed."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from statistics import median
from uuid import UUID

from asyncpg import Connection

from flexpool.db import assignments as assignments_db
from flexpool.db import shifts as shifts_db
from flexpool.db import students as students_db
from flexpool.domain.clock import month_instants
from flexpool.services import access, settlement
from flexpool.services.errors import Forbidden, Invalid
from flexpool.services.principal import Principal


async def fill_rate(conn: Connection, p: Principal, lo: datetime, hi: datetime, organisation_id: UUID | None):
    if organisation_id is None:
        if not p.is_coordinator:
            orgs = p.organisations("planner", "orgAdmin")
            if len(orgs) != 1:
                raise Forbidden("Give organisationId, or ask the coordinator for the region.")
            organisation_id = orgs[0]
    else:
        await access.organisation(conn, p, organisation_id, "planner", "orgAdmin", coordinator=True)
    rows = await shifts_db.fill_facts(conn, p.region_id, organisation_id, lo, hi)
    published = len(rows)
    cancelled = sum(1 for r in rows if r.status == "cancelled")
    filled = [r for r in rows if r.status != "cancelled" and r.places_filled >= r.places]
    minutes = [(r.filled_at - r.published_at).total_seconds() / 60 for r in filled if r.filled_at]
    live = published - cancelled
    return {"published": published, "filled": len(filled), "cancelled": cancelled,
            "fill_rate": round(len(filled) / live, 4) if live else None,
            "median_minutes_to_fill": round(median(minutes)) if minutes else None}


async def loans(conn: Connection, p: Principal, month: date):
    book = await settlement.settlement(conn, p, month)
    lent: dict[str, int] = {}
    borrowed: dict[str, int] = {}
    for st in book.statements:
        lent[st.lender.id] = lent.get(st.lender.id, 0) + st.totals.minutes
        borrowed[st.borrower.id] = borrowed.get(st.borrower.id, 0) + st.totals.minutes
    names = {s.lender.id: s.lender.name for s in book.statements} | {s.borrower.id: s.borrower.name
                                                                     for s in book.statements}
    return [{"organisation_id": o, "name": names[o], "minutes_lent": lent.get(o, 0),
             "minutes_borrowed": borrowed.get(o, 0)} for o in sorted(names, key=lambda x: names[x])]


async def balance(conn: Connection, p: Principal, lo: datetime, hi: datetime):
    """Whether the exchange is mutual, per organisation (coordinator: all; finance: its own)."""
    if hi <= lo or hi - lo > timedelta(days=366):
        raise Invalid([("to", "after from, at most a year later")])
    if p.is_coordinator:
        return await assignments_db.balance(conn, p.region_id, lo, hi)
    orgs = p.organisations("finance")
    if not orgs:
        raise Forbidden("The balance is for finance and the coordinator.")
    return await assignments_db.balance(conn, p.region_id, lo, hi, orgs)


async def students(conn: Connection, p: Principal, month: date) -> list[students_db.StudentHours]:
    """Hours per student per organisation in the month, for the schools (coordinator)."""
    region_id = p.require_coordinator()
    lo, hi = month_instants(month)
    return await students_db.hours(conn, region_id, lo, hi)
