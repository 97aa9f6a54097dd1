"""Reports: how well shifts get filled, and how many minutes each organisation lent and borrowed."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from asyncpg import Connection

from flexpool.db import assignments as assignments_db
from flexpool.db import shifts as shifts_db
from flexpool.db import students as students_db
from flexpool.db.assignments import Balance
from flexpool.domain.clock import month_instants
from flexpool.domain.reports import FillFigures, LoanTotal, fill_figures, loan_totals
from flexpool.services import access, settlement
from flexpool.services.errors import Forbidden, Invalid
from flexpool.services.principal import Principal


async def fill_rate(conn: Connection, p: Principal, lo: datetime, hi: datetime,
                    organisation_id: UUID | None) -> FillFigures:
    if organisation_id is None:
        if not p.is_coordinator:
            orgs = p.organisations("planner", "orgAdmin")
            if len(orgs) != 1:
                raise Forbidden("Give organisationId, or ask the coordinator for the region.")
            organisation_id = orgs[0]
    else:
        await access.organisation(conn, p, organisation_id, "planner", "orgAdmin", coordinator=True)
    return fill_figures(await shifts_db.fill_facts(conn, p.require_region(), organisation_id, lo, hi))


async def loans(conn: Connection, p: Principal, month: date) -> list[LoanTotal]:
    return loan_totals((await settlement.settlement(conn, p, month)).statements)


async def balance(conn: Connection, p: Principal, lo: datetime, hi: datetime) -> list[Balance]:
    """Whether the exchange is mutual, per organisation (coordinator: all; finance: its own)."""
    if hi <= lo or hi - lo > timedelta(days=366):
        raise Invalid([("to", "after from, at most a year later")])
    if p.is_coordinator:
        return await assignments_db.balance(conn, p.require_region(), lo, hi)
    orgs = p.organisations("finance")
    if not orgs:
        raise Forbidden("The balance is for finance and the coordinator.")
    return await assignments_db.balance(conn, p.require_region(), lo, hi, orgs)


async def students(conn: Connection, p: Principal, month: date) -> list[students_db.StudentHours]:
    """Hours per student per organisation in the month, for the schools (coordinator)."""
    region_id = p.require_coordinator()
    lo, hi = month_instants(month)
    return await students_db.hours(conn, region_id, lo, hi)
